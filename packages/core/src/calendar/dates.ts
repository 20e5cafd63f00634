import { CoreError } from '../errors/index.ts';
import { isOsloDate } from '../time/index.ts';
import type { OsloDate } from '../time/index.ts';

/** Year, month (1–12) and day of an {@link OsloDate}. */
export interface DateParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** ISO 8601 weekday: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** The first year the calendar functions support: the first full year of the Gregorian calendar. */
export const MIN_CALENDAR_YEAR = 1583;
/** The last year the calendar functions support (`YYYY-MM-DD` has four year digits). */
export const MAX_CALENDAR_YEAR = 9999;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/**
 * Reads `YYYY-MM-DD` as an Oslo calendar day. Throws `INVALID_DATE` unless it is a real date in
 * 1583–9999 written exactly so (surrounding whitespace is ignored).
 */
export function parseOsloDate(text: string): OsloDate {
  const t = text.trim();
  if (!isOsloDate(t)) throw new CoreError('INVALID_DATE', `'${text}' is not a date written YYYY-MM-DD (e.g. 2026-03-29)`);
  checkYear(Number(t.slice(0, 4)));
  return t;
}

/** The day `year-month-day`. Throws `INVALID_DATE` when there is no such day. */
export function osloDateFromParts(year: number, month: number, day: number): OsloDate {
  const text = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day) || !isOsloDate(text)) {
    throw new CoreError('INVALID_DATE', `there is no day ${year}-${month}-${day}`);
  }
  checkYear(year);
  return text;
}

/** Year, month and day of `date`. */
export function osloDateParts(date: OsloDate): DateParts {
  return { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) };
}

/** Throws `OUT_OF_RANGE` for a year the calendar does not cover. */
export function checkYear(year: number): void {
  if (!Number.isInteger(year) || year < MIN_CALENDAR_YEAR || year > MAX_CALENDAR_YEAR) {
    throw new CoreError('OUT_OF_RANGE', `year ${year} is outside ${MIN_CALENDAR_YEAR}–${MAX_CALENDAR_YEAR}`);
  }
}

/** Days since 1970-01-01 of the calendar day `date` (no time zone involved: a date is a date). */
export function epochDay(date: OsloDate): number {
  const { year, month, day } = osloDateParts(date);
  const t = new Date(0);
  t.setUTCFullYear(year, month - 1, day);
  return Math.round(t.getTime() / 86_400_000);
}

/** The calendar day `n` days after 1970-01-01 (the inverse of {@link epochDay}). */
export function dateFromEpochDay(n: number): OsloDate {
  const t = new Date(n * 86_400_000);
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}` as OsloDate;
}

/** `date` moved by `days` (negative: earlier). */
export function addDays(date: OsloDate, days: number): OsloDate {
  return dateFromEpochDay(epochDay(date) + days);
}

/** The ISO weekday of `date`: 1 = Monday … 7 = Sunday. */
export function osloWeekday(date: OsloDate): IsoWeekday {
  // 1970-01-01 was a Thursday (ISO 4).
  return ((((epochDay(date) + 3) % 7) + 7) % 7) + 1 as IsoWeekday;
}

/** Whether `date` is a Saturday or a Sunday. */
export function isWeekend(date: OsloDate): boolean {
  return osloWeekday(date) >= 6;
}
