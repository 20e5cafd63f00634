import { bytesToHex, scaledValue, unitFromCode } from '@openams/dlms';
import type { DlmsData } from '@openams/dlms';
import { toOsloIso } from '@openams/core';
import { HanError } from '../errors/index.ts';
import type { DottedObis, HanList, HanReading, HanUnit, HanValue, HanVendor } from '../reading/index.ts';
import { readMeterClock } from './clock.ts';
import type { ClockRule } from './clock.ts';
import { isClockObis, quantityOf } from './obis.ts';

/**
 * What every list decoder needs besides the push itself. `receivedAt` stamps readings without a
 * usable meter clock.
 */
export interface HanListOptions {
  readonly receivedAt: Date;
  /**
   * Multiplies every energy register (D = 8: Wh, varh, VAh) after the vendor's scaling. Default 1,
   * the Norwegian lists' resolution. Some Swedish Kamstrup meters send Wh where the HAN-NVE list
   * says 10 Wh, and some Swedish grid companies switched to three decimals in 2024 (amsreader-firmware
   * #239, #811, #874; amshan-homeassistant #43; hass-AMS #108): the frame carries no marker, so
   * every reader ends up with a per-meter setting; `0.1` repairs such a meter. Power, current and
   * voltage are left alone (a CT ratio is not this setting's job).
   */
  readonly energyMultiplier?: number;
}

/** The unit of a COSEM unit enum (Blue Book Table 4) as a HanUnit; undefined when HanUnit has none. */
export function hanUnitOf(code: number): HanUnit | undefined {
  switch (code) {
    case 27:
      return 'W';
    case 28:
      return 'VA';
    case 29:
      return 'var';
    case 30:
      return 'Wh';
    case 31:
      return 'VAh';
    case 32:
      return 'varh';
    case 33:
      return 'A';
    case 35:
      return 'V';
    case 44:
      return 'Hz';
    case 255:
      return '';
    default:
      return undefined;
  }
}

/** The integer of a numeric data value (every A-XDR integer type); undefined for anything else. */
export function integerOf(d: DlmsData): number | bigint | undefined {
  switch (d.type) {
    case 'integer':
    case 'long':
    case 'unsigned':
    case 'long-unsigned':
    case 'double-long':
    case 'double-long-unsigned':
    case 'long64':
    case 'long64-unsigned':
      return d.value;
    default:
      return undefined;
  }
}

/** The text of a string value (visible-string, utf8-string, or an octet-string of printable ASCII). */
export function textOf(d: DlmsData): string | undefined {
  if (d.type === 'visible-string' || d.type === 'utf8-string') return d.value;
  if (d.type === 'octet-string' && d.value.length > 0 && d.value.every((b) => b >= 0x20 && b < 0x7f)) {
    return String.fromCharCode(...d.value);
  }
  return undefined;
}

/** A 6-byte octet-string: what a logical name (OBIS code) looks like on the wire. */
export function isLogicalName(d: DlmsData | undefined): d is { readonly type: 'octet-string'; readonly value: Uint8Array } {
  return d !== undefined && d.type === 'octet-string' && d.value.length === 6;
}

/** A `{scaler integer, unit enum}` structure (Blue Book, IC 3 Register attribute 3). */
export function scalerUnitOf(d: DlmsData | undefined): { readonly scaler: number; readonly unitCode: number } | undefined {
  if (d === undefined || d.type !== 'structure' || d.value.length !== 2) return undefined;
  const [s, u] = d.value;
  if (s?.type !== 'integer' || u?.type !== 'enum') return undefined;
  return { scaler: s.value, unitCode: u.value };
}

/** A short readable rendering of a value no rule knows, so unknown codes keep what was sent. */
export function renderData(d: DlmsData): string {
  switch (d.type) {
    case 'array':
    case 'structure':
      return `{${d.value.map(renderData).join(', ')}}`;
    case 'octet-string':
    case 'date-time':
    case 'date':
    case 'time':
      return textOf(d) ?? bytesToHex(d.value);
    case 'bit-string':
      return bytesToHex(d.value);
    case 'compact-array':
      return `{${d.value.map(renderData).join(', ')}}`;
    case 'null-data':
    case 'dont-care':
      return '';
    case 'long64':
    case 'long64-unsigned':
      return d.value.toString();
    default:
      return String(d.value);
  }
}

/**
 * Collects the values of one push and turns them into a `HanReading`: scaling to SI units,
 * plausibility checks, the meter clock, identity fields and notes. One per decode call.
 */
export class ReadingBuilder {
  private readonly values: Record<string, HanValue> = {};
  private readonly noteList: string[] = [];
  private clock: Date | undefined;
  private headerClock: Date | undefined;
  private readonly multiplier: number;
  listVersion: string | undefined;
  meterId: string | undefined;
  meterType: string | undefined;

  constructor(
    private readonly vendor: HanVendor,
    private readonly options: HanListOptions,
    private readonly clockRule: ClockRule = 'standard',
  ) {
    const m = options.energyMultiplier ?? 1;
    if (!Number.isFinite(m) || m <= 0) throw new HanError('INVALID_VALUE', `energyMultiplier must be a positive number, got ${m}`);
    this.multiplier = m;
  }

  /** Add a note for people (once). */
  note(text: string): void {
    if (!this.noteList.includes(text)) this.noteList.push(text);
  }

  /** Whether a value was recorded for `key`. */
  has(key: DottedObis): boolean {
    return Object.hasOwn(this.values, key);
  }

  /** The integer sent for `key`, if a numeric value was recorded. */
  rawOf(key: DottedObis): number | undefined {
    return this.values[key]?.raw;
  }

  private put(key: DottedObis, value: HanValue): void {
    if (this.has(key)) {
      // A list that names one object twice is malformed; keep the first and say so.
      this.note(`${key} appears more than once; the first value is kept`);
      return;
    }
    this.values[key] = value;
  }

  /**
   * A numeric register: `raw × 10^scaler` in `unit`. Throws INVALID_VALUE for a value no meter can
   * produce: negative energy, a voltage below 0 or above 1000 V (HAN meters are low-voltage meters),
   * an integer beyond 2^53.
   */
  number(key: DottedObis, raw: number | bigint, scaler: number, unit: HanUnit): void {
    if (typeof raw === 'bigint' && (raw > BigInt(Number.MAX_SAFE_INTEGER) || raw < -BigInt(Number.MAX_SAFE_INTEGER))) {
      throw new HanError('INVALID_VALUE', `${key} = ${raw} is beyond the range a register can hold exactly`);
    }
    const rawNumber = Number(raw);
    let value = scaledValue(rawNumber, scaler);
    const { quantity } = quantityOf(key);
    const energy = unit === 'Wh' || unit === 'varh' || unit === 'VAh';
    // toPrecision(15) drops the binary noise of e.g. 320141580 × 0.1 without touching real digits.
    if (energy && this.multiplier !== 1) value = Number((value * this.multiplier).toPrecision(15));
    if (energy && value < 0) throw new HanError('INVALID_VALUE', `${key} is a cumulative energy register but reads ${value} ${unit}`);
    if ((unit === 'V' || quantity === 'voltage') && (value < 0 || value > 1000)) {
      throw new HanError('INVALID_VALUE', `${key} reads ${value} V: no HAN meter measures that (0..1000 V)`);
    }
    this.put(key, { value, unit, raw: rawNumber });
  }

  /** A text value (list version, meter id, meter type, anything sent as a string). */
  text(key: DottedObis, text: string): void {
    this.put(key, { text });
  }

  /**
   * A value with the unit its `{scaler, unit}` names (Aidon, MA309) or, without one, the unit its
   * OBIS code implies and scaler 0. Strings become text; clocks are read as clocks; anything else
   * is kept rendered as text. Null-data is skipped.
   */
  any(key: DottedObis, d: DlmsData, scalerUnit?: { readonly scaler: number; readonly unitCode: number }): void {
    if (d.type === 'null-data' || d.type === 'dont-care') return;
    if (isClockObis(key) && (d.type === 'octet-string' || d.type === 'date-time') && d.value.length === 12) {
      this.clockObject(key, d.value);
      return;
    }
    const n = integerOf(d) ?? (d.type === 'float32' || d.type === 'float64' || d.type === 'floating-point' ? d.value : undefined);
    if (n !== undefined) {
      if (typeof n === 'number' && !Number.isFinite(n)) throw new HanError('INVALID_VALUE', `${key} is not a finite number`);
      let unit: HanUnit = quantityOf(key).unit;
      let scaler = 0;
      if (scalerUnit) {
        scaler = scalerUnit.scaler;
        const u = hanUnitOf(scalerUnit.unitCode);
        if (u === undefined) {
          const cosem = unitFromCode(scalerUnit.unitCode);
          this.note(`${key}: unit ${scalerUnit.unitCode} (${cosem?.symbol ?? 'unknown'}) has no SI form here; kept without a unit`);
          unit = '';
        } else unit = u;
      }
      if (typeof n === 'number' && !Number.isInteger(n)) {
        // A float register (rare on HAN ports): scale it directly, there is no integer to keep.
        const value = n * 10 ** scaler;
        if (!Number.isFinite(value)) throw new HanError('INVALID_VALUE', `${key} scales to ${value}`);
        this.put(key, { value, unit });
        return;
      }
      this.number(key, n, scaler, unit);
      return;
    }
    if (d.type === 'boolean') {
      this.put(key, { value: d.value ? 1 : 0, unit: '', raw: d.value ? 1 : 0 });
      return;
    }
    this.text(key, textOf(d) ?? renderData(d));
  }

  /** A clock object (`0.0.1.0.0.255`, Kamstrup `0.1.1.0.0.255`): the reading's timestamp. */
  clockObject(key: DottedObis, bytes: Uint8Array): void {
    const c = readMeterClock(bytes, this.clockRule, `clock ${key}`);
    for (const n of c.notes) this.note(n);
    if (c.kind === 'instant') {
      this.clock ??= c.instant;
      this.text(key, toOsloIso(c.instant));
    } else {
      this.text(key, bytesToHex(bytes));
    }
  }

  /** The date-time of the data-notification header, used when the list has no clock object. */
  headerDateTime(bytes: Uint8Array | undefined): void {
    if (bytes === undefined) return;
    const c = readMeterClock(bytes, this.clockRule, 'notification date-time');
    for (const n of c.notes) this.note(n);
    if (c.kind === 'instant') this.headerClock = c.instant;
  }

  /** Take `text` values of these keys as list version, meter id and meter type where not set. */
  identity(keys: { readonly listVersion?: readonly string[]; readonly meterId?: readonly string[]; readonly meterType?: readonly string[] }): void {
    const first = (ks: readonly string[] | undefined): string | undefined => {
      for (const k of ks ?? []) {
        const v = this.values[k];
        if (v?.text !== undefined) return v.text;
        if (v !== undefined && v.raw !== undefined) return String(v.raw);
      }
      return undefined;
    };
    this.listVersion ??= first(keys.listVersion);
    this.meterId ??= first(keys.meterId);
    this.meterType ??= first(keys.meterType);
  }

  /** How many values were recorded. */
  get size(): number {
    return Object.keys(this.values).length;
  }

  /** The reading: timestamp from the clock object, else the header date-time, else `receivedAt`. */
  build(list: HanList | undefined): HanReading {
    const meter = this.clock ?? this.headerClock;
    const timestamp = meter ?? this.options.receivedAt;
    if (Number.isNaN(timestamp.getTime())) throw new HanError('INVALID_VALUE', 'receivedAt is not a valid date');
    return {
      vendor: this.vendor,
      ...(list !== undefined ? { list } : {}),
      ...(this.listVersion !== undefined ? { listVersion: this.listVersion } : {}),
      ...(this.meterId !== undefined ? { meterId: this.meterId } : {}),
      ...(this.meterType !== undefined ? { meterType: this.meterType } : {}),
      timestamp: toOsloIso(timestamp),
      timestampSource: meter ? 'meter' : 'received',
      obis: this.values,
      ...(this.noteList.length > 0 ? { notes: [...this.noteList] } : {}),
    };
  }
}
