import { DlmsError } from '../errors/index.ts';
import type { DlmsData } from './data.ts';

/**
 * COSEM date and time (Blue Book 4.1.6.1, "date-time", "date", "time"): 12, 5 and 4 bytes where
 * every field may be "not specified". Absent fields here mean exactly that; special values the
 * standard defines for schedules (DST begin/end months, last/second-last day of month) are kept as
 * their named forms. Decoding keeps everything needed to re-encode the same bytes.
 */
export interface CosemDate {
  /** Full year, absent when 0xFFFF (not specified). */
  readonly year?: number;
  /** 1–12, `'dst-end'` (0xFD) or `'dst-begin'` (0xFE); absent when 0xFF. */
  readonly month?: number | 'dst-end' | 'dst-begin';
  /** 1–31, `'second-last'` (0xFD) or `'last'` (0xFE) day of the month; absent when 0xFF. */
  readonly dayOfMonth?: number | 'second-last' | 'last';
  /** 1 = Monday … 7 = Sunday (0 = Sunday from Aidon meters); absent when 0xFF. */
  readonly dayOfWeek?: number;
}

export interface CosemTime {
  readonly hour?: number;
  readonly minute?: number;
  readonly second?: number;
  readonly hundredths?: number;
}

/**
 * Clock status (Blue Book 4.1.6.1 / IC 8 Clock, attribute 4): bit 0 invalid value, 1 doubtful,
 * 2 different clock base, 3 invalid clock status, 7 daylight saving active; bits 4–6 reserved and
 * kept in `raw`.
 */
export interface ClockStatus {
  readonly invalidValue: boolean;
  readonly doubtfulValue: boolean;
  readonly differentClockBase: boolean;
  readonly invalidClockStatus: boolean;
  readonly daylightSavingActive: boolean;
  readonly raw: number;
}

export interface CosemDateTime extends CosemDate, CosemTime {
  /**
   * Minutes to add to local time to get UTC, as meters send it: −60 in CET, −120 in CEST (the Blue
   * Book's "deviation of local time to UTC" with the sign real meters and Gurux use). Absent when
   * 0x8000 (not specified): Kamstrup meters do that and report local standard time all year.
   */
  readonly deviation?: number;
  /** Absent when 0xFF (not specified). */
  readonly clockStatus?: ClockStatus;
}

const NOT_SPECIFIED_DEVIATION = -0x8000;

function field(b: number, min: number, max: number, name: string, offset: number): number | undefined {
  if (b === 0xff) return undefined;
  if (b < min || b > max) throw new DlmsError('INVALID_VALUE', `${name} ${b} is outside ${min}..${max}`, { offset });
  return b;
}

function decodeDateAt(b: Uint8Array, o: number, base: number): CosemDate {
  const year = ((b[o] as number) << 8) | (b[o + 1] as number);
  const m = b[o + 2] as number;
  const d = b[o + 3] as number;
  const month = m === 0xfd ? 'dst-end' : m === 0xfe ? 'dst-begin' : field(m, 1, 12, 'month', base + o + 2);
  const dayOfMonth = d === 0xfd ? 'second-last' : d === 0xfe ? 'last' : field(d, 1, 31, 'day of month', base + o + 3);
  // Blue Book: 1..7 (Monday first). Aidon meters send Sunday as 0 (amsreader-firmware #1119);
  // it is kept as sent so the value re-encodes exactly, and means Sunday.
  const dayOfWeek = field(b[o + 4] as number, 0, 7, 'day of week', base + o + 4);
  return {
    ...(year !== 0xffff ? { year } : {}),
    ...(month !== undefined ? { month } : {}),
    ...(dayOfMonth !== undefined ? { dayOfMonth } : {}),
    ...(dayOfWeek !== undefined ? { dayOfWeek } : {}),
  };
}

function decodeTimeAt(b: Uint8Array, o: number, base: number): CosemTime {
  const hour = field(b[o] as number, 0, 23, 'hour', base + o);
  const minute = field(b[o + 1] as number, 0, 59, 'minute', base + o + 1);
  const second = field(b[o + 2] as number, 0, 59, 'second', base + o + 2);
  const hundredths = field(b[o + 3] as number, 0, 99, 'hundredths', base + o + 3);
  return {
    ...(hour !== undefined ? { hour } : {}),
    ...(minute !== undefined ? { minute } : {}),
    ...(second !== undefined ? { second } : {}),
    ...(hundredths !== undefined ? { hundredths } : {}),
  };
}

function checkLength(b: Uint8Array, n: number, what: string, offset: number): void {
  if (b.length !== n) throw new DlmsError('INVALID_LENGTH', `${what} is ${n} bytes, got ${b.length}`, { offset });
}

export function decodeClockStatus(raw: number): ClockStatus {
  return {
    invalidValue: (raw & 0x01) !== 0,
    doubtfulValue: (raw & 0x02) !== 0,
    differentClockBase: (raw & 0x04) !== 0,
    invalidClockStatus: (raw & 0x08) !== 0,
    daylightSavingActive: (raw & 0x80) !== 0,
    raw,
  };
}

/** Decode the 12-byte date-time form. `offset` only positions errors. */
export function decodeCosemDateTime(b: Uint8Array, offset = 0): CosemDateTime {
  checkLength(b, 12, 'a COSEM date-time', offset);
  const dev = ((b[9] as number) << 8) | (b[10] as number);
  const deviation = dev >= 0x8000 ? dev - 0x10000 : dev;
  if (deviation !== NOT_SPECIFIED_DEVIATION && (deviation < -720 || deviation > 720)) {
    throw new DlmsError('INVALID_VALUE', `deviation ${deviation} minutes is outside -720..720`, { offset: offset + 9 });
  }
  const status = b[11] as number;
  return {
    ...decodeDateAt(b, 0, offset),
    ...decodeTimeAt(b, 5, offset),
    ...(deviation !== NOT_SPECIFIED_DEVIATION ? { deviation } : {}),
    ...(status !== 0xff ? { clockStatus: decodeClockStatus(status) } : {}),
  };
}

export function decodeCosemDate(b: Uint8Array, offset = 0): CosemDate {
  checkLength(b, 5, 'a COSEM date', offset);
  return decodeDateAt(b, 0, offset);
}

export function decodeCosemTime(b: Uint8Array, offset = 0): CosemTime {
  checkLength(b, 4, 'a COSEM time', offset);
  return decodeTimeAt(b, 0, offset);
}

function put(v: number | undefined, min: number, max: number, name: string): number {
  if (v === undefined) return 0xff;
  if (!Number.isInteger(v) || v < min || v > max) throw new DlmsError('INVALID_VALUE', `${name} ${v} is outside ${min}..${max}`);
  return v;
}

function encodeDateInto(out: Uint8Array, o: number, d: CosemDate): void {
  const year = d.year === undefined ? 0xffff : put(d.year, 0, 0xfffe, 'year');
  out[o] = year >> 8;
  out[o + 1] = year & 0xff;
  out[o + 2] = d.month === 'dst-end' ? 0xfd : d.month === 'dst-begin' ? 0xfe : put(d.month, 1, 12, 'month');
  out[o + 3] = d.dayOfMonth === 'second-last' ? 0xfd : d.dayOfMonth === 'last' ? 0xfe : put(d.dayOfMonth, 1, 31, 'day of month');
  out[o + 4] = put(d.dayOfWeek, 0, 7, 'day of week');
}

function encodeTimeInto(out: Uint8Array, o: number, t: CosemTime): void {
  out[o] = put(t.hour, 0, 23, 'hour');
  out[o + 1] = put(t.minute, 0, 59, 'minute');
  out[o + 2] = put(t.second, 0, 59, 'second');
  out[o + 3] = put(t.hundredths, 0, 99, 'hundredths');
}

export function encodeCosemDateTime(dt: CosemDateTime): Uint8Array {
  const out = new Uint8Array(12);
  encodeDateInto(out, 0, dt);
  encodeTimeInto(out, 5, dt);
  const dev = dt.deviation === undefined ? NOT_SPECIFIED_DEVIATION : put(dt.deviation, -720, 720, 'deviation');
  out[9] = (dev >> 8) & 0xff;
  out[10] = dev & 0xff;
  out[11] = dt.clockStatus === undefined ? 0xff : put(dt.clockStatus.raw, 0, 0xfe, 'clock status');
  return out;
}

export function encodeCosemDate(d: CosemDate): Uint8Array {
  const out = new Uint8Array(5);
  encodeDateInto(out, 0, d);
  return out;
}

export function encodeCosemTime(t: CosemTime): Uint8Array {
  const out = new Uint8Array(4);
  encodeTimeInto(out, 0, t);
  return out;
}

/**
 * The instant a fully specified date-time names. Deviation is taken from the value, or from
 * `assumeDeviation` when the meter left it unspecified (Kamstrup: local standard time, −60 in
 * Norway). Hundredths default to 0. Throws `INVALID_VALUE` when a needed field is missing.
 */
export function cosemDateTimeToDate(dt: CosemDateTime, options: { assumeDeviation?: number } = {}): Date {
  const deviation = dt.deviation ?? options.assumeDeviation;
  const { year, month, dayOfMonth, hour, minute, second } = dt;
  if (year === undefined || typeof month !== 'number' || typeof dayOfMonth !== 'number' || hour === undefined || minute === undefined || second === undefined) {
    throw new DlmsError('INVALID_VALUE', 'date-time does not name one instant: year, month, day, hour, minute and second must all be specified');
  }
  if (deviation === undefined) {
    throw new DlmsError('INVALID_VALUE', 'date-time has no deviation (0x8000): pass assumeDeviation to say which offset the meter uses');
  }
  const localMs = Date.UTC(year, month - 1, dayOfMonth, hour, minute, second, (dt.hundredths ?? 0) * 10);
  const date = new Date(localMs + deviation * 60_000);
  const check = new Date(localMs);
  if (check.getUTCDate() !== dayOfMonth || check.getUTCMonth() !== month - 1) {
    throw new DlmsError('INVALID_VALUE', `${year}-${month}-${dayOfMonth} is not a calendar date`);
  }
  return date;
}

/**
 * The date-time of `instant` as a meter with `deviation` (minutes UTC − local, e.g. −60 for CET)
 * shows it, with day of week and the DST bit of the clock status when `daylightSaving` is set.
 */
export function cosemDateTimeFromDate(instant: Date, options: { deviation: number; daylightSaving?: boolean; clockStatus?: number }): CosemDateTime {
  const local = new Date(instant.getTime() - options.deviation * 60_000);
  const status = options.clockStatus ?? (options.daylightSaving ? 0x80 : 0x00);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    dayOfMonth: local.getUTCDate(),
    dayOfWeek: ((local.getUTCDay() + 6) % 7) + 1,
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    hundredths: Math.floor(local.getUTCMilliseconds() / 10),
    deviation: options.deviation,
    clockStatus: decodeClockStatus(status),
  };
}

/**
 * The date-time carried by a data value: the `date-time` type, or (far more common) a 12-byte
 * `octet-string` whose fields are all in range. Returns undefined for anything else, so it can be
 * used to recognise date-times in decoded data.
 */
export function dataAsDateTime(d: DlmsData): CosemDateTime | undefined {
  if ((d.type !== 'date-time' && d.type !== 'octet-string') || d.value.length !== 12) return undefined;
  try {
    return decodeCosemDateTime(d.value);
  } catch (e) {
    if (e instanceof DlmsError) return undefined;
    throw e;
  }
}
