import { CoreError } from '../errors/index.ts';
import type { Resolution } from '../quantities/index.ts';
import { osloWallTimeToInstant, startOfOsloDay } from '../time/index.ts';
import type { OsloDate } from '../time/index.ts';
import { addDays, checkYear, osloDateFromParts, osloDateParts } from './dates.ts';
import { intervalsInOsloDay } from './intervals.ts';
import type { UtcInterval } from './intervals.ts';

/** A calendar month: year and month 1–12. */
export interface YearMonth {
  readonly year: number;
  readonly month: number;
}

function checkMonth(year: number, month: number): void {
  checkYear(year);
  if (!Number.isInteger(month) || month < 1 || month > 12) throw new CoreError('OUT_OF_RANGE', `month ${month} is outside 1–12`);
}

/** The month after `ym` (December → January of the next year). */
export function nextYearMonth(ym: YearMonth): YearMonth {
  return ym.month === 12 ? { year: ym.year + 1, month: 1 } : { year: ym.year, month: ym.month + 1 };
}

/** The month `date` falls in. */
export function yearMonthOf(date: OsloDate): YearMonth {
  const { year, month } = osloDateParts(date);
  return { year, month };
}

/** The first day of the month. */
export function firstDayOfMonth(year: number, month: number): OsloDate {
  checkMonth(year, month);
  return osloDateFromParts(year, month, 1);
}

/** Every day of the month, in order. */
export function daysOfMonth(year: number, month: number): OsloDate[] {
  const first = firstDayOfMonth(year, month);
  const out: OsloDate[] = [];
  for (let d = first; osloDateParts(d).month === month; d = addDays(d, 1)) out.push(d);
  return out;
}

/**
 * The month in Oslo time as a UTC interval: from local midnight on the 1st to local midnight on
 * the 1st of the next month, i.e. `…T23:00Z` of the day before in winter, `…T22:00Z` in summer
 * (the boundaries Energinet's P1M rule checks).
 */
export function osloMonthInterval(year: number, month: number): UtcInterval {
  const next = nextYearMonth({ year, month });
  return { start: startOfOsloDay(firstDayOfMonth(year, month)), end: osloWallTimeToInstant({ year: next.year, month: next.month, day: 1 }) };
}

/** How many intervals of `resolution` the month has in Oslo time (DST days included). */
export function intervalsInOsloMonth(year: number, month: number, resolution: Resolution): number {
  return daysOfMonth(year, month).reduce((sum, d) => sum + intervalsInOsloDay(d, resolution), 0);
}
