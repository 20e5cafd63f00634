import { CoreError } from '../errors/index.ts';
import type { OsloDate } from '../time/index.ts';
import { addDays, checkYear, isWeekend, osloDateParts } from './dates.ts';
import { isPublicHoliday } from './holidays.ts';

/** The largest |n| {@link addBusinessDays} accepts: about forty years of business days. */
export const MAX_BUSINESS_DAYS = 10_000;

/** Whether `date` is a business day in Norway: not a Saturday, Sunday or public holiday. */
export function isBusinessDay(date: OsloDate): boolean {
  return !isWeekend(date) && !isPublicHoliday(date);
}

/**
 * The business day `n` business days after `date` (before it when `n` is negative).
 *
 * Counting starts from the day after `date` (or before, for negative `n`), so `date` itself
 * never counts, whatever it is: `n = 3` is the third business day after `date`. A request made
 * on Saturday or on Friday therefore has the same 3-business-day deadline (the Wednesday, in a
 * week without holidays) — "HAN port open within 3 business days" (domain.md §4).
 *
 * `n = 0` returns `date` when it is a business day and otherwise the next business day (the
 * "following" convention), so the result is always a business day.
 *
 * For every business day `d`, `addBusinessDays(addBusinessDays(d, n), -n)` is `d`. Throws
 * `OUT_OF_RANGE` when `n` is not an integer, |n| is above {@link MAX_BUSINESS_DAYS}, or the result
 * would leave the calendar's years.
 */
export function addBusinessDays(date: OsloDate, n: number): OsloDate {
  if (!Number.isInteger(n) || Math.abs(n) > MAX_BUSINESS_DAYS) {
    throw new CoreError('OUT_OF_RANGE', `business days must be an integer within ±${MAX_BUSINESS_DAYS}, got ${n}`);
  }
  const step = n < 0 ? -1 : 1;
  let d = date;
  let left = Math.abs(n);
  if (left === 0) {
    while (!isBusinessDay(d)) d = stepDay(d, 1);
    return d;
  }
  while (left > 0) {
    d = stepDay(d, step);
    if (isBusinessDay(d)) left--;
  }
  return d;
}

function stepDay(date: OsloDate, step: number): OsloDate {
  const next = addDays(date, step);
  checkYear(osloDateParts(next).year);
  return next;
}
