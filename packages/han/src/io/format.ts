import type { DottedObis, HanReading, HanUnit, HanValue } from '../reading/index.ts';

/** One OBIS value as the CLI's `--json` and the MQTT state topic print it. */
export interface HanValueJson {
  /** The scaled number, or the text for text objects (meter id, meter type, list version). */
  readonly value: number | string;
  readonly unit: HanUnit;
}

/**
 * A reading as one JSON object: the line format of `openams han decode --json` and the body of
 * the MQTT state topic. Keys are stable (absent fields are `null`) so scripts can rely on them.
 */
export interface HanReadingJson {
  readonly vendor: HanReading['vendor'];
  readonly list: number | null;
  readonly meterId: string | null;
  readonly meterType: string | null;
  readonly timestamp: string;
  readonly obis: Readonly<Record<string, HanValueJson>>;
  readonly notes?: readonly string[];
}

/** A value's printable form: its text when it has one, else the scaled number. */
export function valueJson(v: HanValue): HanValueJson {
  return v.text !== undefined ? { value: v.text, unit: '' } : { value: v.value, unit: v.unit };
}

/** The JSON form of a reading (see {@link HanReadingJson}). */
export function readingToJson(reading: HanReading): HanReadingJson {
  const obis: Record<string, HanValueJson> = {};
  for (const [code, v] of Object.entries(reading.obis) as [DottedObis, HanValue][]) obis[code] = valueJson(v);
  return {
    vendor: reading.vendor,
    list: reading.list ?? null,
    meterId: reading.meterId ?? null,
    meterType: reading.meterType ?? null,
    timestamp: reading.timestamp,
    obis,
    ...(reading.notes && reading.notes.length > 0 ? { notes: reading.notes } : {}),
  };
}

/**
 * Parses a dotted OBIS key (`1.0.1.7.0.255`) into its six numbers, or `undefined` when it is
 * not one.
 */
export function parseDottedObis(key: string): readonly [number, number, number, number, number, number] | undefined {
  const parts = key.split('.');
  if (parts.length !== 6) return undefined;
  const n = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  if (n.some((x) => !Number.isInteger(x) || x > 255)) return undefined;
  return n as unknown as readonly [number, number, number, number, number, number];
}

/**
 * Finds an electricity value by its C.D.E groups, whatever the B channel (Kamstrup sends
 * `1-1:…`, Aidon and Kaifa `1-0:…`, Kamstrup rev 3.1 §5) and F. Returns the key too, so MQTT
 * templates can point at the exact key the meter sent.
 */
export function findElectricity(reading: Pick<HanReading, 'obis'>, c: number, d: number, e: number): { key: DottedObis; value: HanValue } | undefined {
  for (const [key, value] of Object.entries(reading.obis) as [DottedObis, HanValue][]) {
    const o = parseDottedObis(key);
    if (o && o[0] === 1 && o[2] === c && o[3] === d && o[4] === e) return { key, value };
  }
  return undefined;
}

function num(v: number, decimals: number): string {
  return v.toFixed(decimals);
}

function quantity(reading: HanReading, label: string, c: number, d: number, e: number, decimals: number, scale = 1, unit?: string): string | undefined {
  const f = findElectricity(reading, c, d, e);
  if (!f || f.value.text !== undefined) return undefined;
  return `${label} ${num(f.value.value * scale, decimals)} ${unit ?? f.value.unit}`;
}

function phases(reading: HanReading, label: string, cs: readonly number[], decimals: number, unit: string): string | undefined {
  const vals = cs.map((c) => findElectricity(reading, c, 7, 0));
  if (vals.every((v) => v === undefined)) return undefined;
  return `${label} ${vals.map((v) => (v && v.value.text === undefined ? num(v.value.value, decimals) : '-')).join('/')} ${unit}`;
}

/** The electrical part of a one-line summary (power, currents, voltages, energies). */
export function formatQuantities(reading: HanReading): string {
  const parts = [
    quantity(reading, 'P+', 1, 7, 0, 0),
    quantity(reading, 'P-', 2, 7, 0, 0),
    quantity(reading, 'Q+', 3, 7, 0, 0),
    quantity(reading, 'Q-', 4, 7, 0, 0),
    phases(reading, 'I', [31, 51, 71], 2, 'A'),
    phases(reading, 'U', [32, 52, 72], 1, 'V'),
    quantity(reading, 'A+', 1, 8, 0, 3, 1 / 1000, 'kWh'),
    quantity(reading, 'A-', 2, 8, 0, 3, 1 / 1000, 'kWh'),
    quantity(reading, 'R+', 3, 8, 0, 3, 1 / 1000, 'kvarh'),
    quantity(reading, 'R-', 4, 8, 0, 3, 1 / 1000, 'kvarh'),
  ];
  return parts.filter((p): p is string => p !== undefined).join('  ');
}

/**
 * A compact readable line for `openams han decode`:
 * `2022-11-07T09:44:40+01:00 kaifa L2 6970631404129954 MA304H3E  P+ 546 W  …`.
 */
export function formatReadingLine(reading: HanReading): string {
  const head = [
    reading.timestamp,
    reading.vendor,
    reading.list !== undefined ? `L${reading.list}` : 'L?',
    reading.meterId ?? '-',
    reading.meterType ?? '-',
  ].join(' ');
  const q = formatQuantities(reading);
  return q ? `${head}  ${q}` : head;
}
