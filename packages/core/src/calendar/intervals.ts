import { CoreError } from '../errors/index.ts';
import { resolutionMillis } from '../quantities/index.ts';
import type { Resolution } from '../quantities/index.ts';
import { nextOsloDate, osloDate, startOfOsloDay } from '../time/index.ts';
import type { OsloDate } from '../time/index.ts';
import { MAX_CALENDAR_YEAR, MIN_CALENDAR_YEAR, checkYear } from './dates.ts';
import { memoize } from './memo.ts';

/** A half-open span of time `[start, end)` between two UTC instants. */
export interface UtcInterval {
  readonly start: Date;
  readonly end: Date;
}

/**
 * One settlement interval of an Oslo day: `index` counts from 0, `position` from 1 (the CIM
 * `Point.position` of its value). On the autumn DST day the wall-clock hour 02:00–03:00 happens
 * twice, so positions 9–12 (CEST) and 13–16 (CET) of PT15M both start at 02:xx local time; on
 * the spring day 02:00–03:00 does not exist. UTC instants make every interval unique.
 */
export interface OsloInterval extends UtcInterval {
  readonly date: OsloDate;
  readonly resolution: Resolution;
  readonly index: number;
  readonly position: number;
}

// Epoch milliseconds of local midnight, through Intl once per day asked about.
const dayStartMillis = memoize((date: OsloDate) => startOfOsloDay(date).getTime(), 4096);

/** The Oslo day `date` as a UTC interval: local midnight to the next local midnight (23, 24 or 25 hours). */
export function osloDayInterval(date: OsloDate): UtcInterval {
  return { start: new Date(dayStartMillis(date)), end: new Date(dayStartMillis(nextOsloDate(date))) };
}

/**
 * The Oslo day that starts at `instant`, or `undefined` when `instant` is not an Oslo midnight.
 * Oslo is 1 or 2 hours ahead of UTC, so two hours after local midnight it is already that day in
 * UTC; the memoised day start then confirms it without a time-zone conversion.
 */
export function osloDayStartingAt(instant: Date): OsloDate | undefined {
  const t = instant.getTime();
  if (Number.isNaN(t)) return undefined;
  const probe = new Date(t + 2 * 3_600_000);
  const y = probe.getUTCFullYear();
  if (y < MIN_CALENDAR_YEAR || y > MAX_CALENDAR_YEAR) return undefined;
  const date = `${String(y).padStart(4, '0')}-${String(probe.getUTCMonth() + 1).padStart(2, '0')}-${String(probe.getUTCDate()).padStart(2, '0')}` as OsloDate;
  return dayStartMillis(date) === t ? date : undefined;
}

/**
 * How many intervals of `resolution` the Oslo day `date` has: 96 quarter-hours or 24 hours on
 * most days, 92/23 on the last Sunday of March, 100/25 on the last Sunday of October. Computed
 * from the UTC length of the day, as Energinet's position-count rule and Elhub's (BRS-NO-313
 * rule 13: "ObservationPeriod/End er eksklusiv") do.
 */
export function intervalsInOsloDay(date: OsloDate, resolution: Resolution): number {
  const { start, end } = osloDayInterval(date);
  return Math.round((end.getTime() - start.getTime()) / resolutionMillis(resolution));
}

/** Every interval of the Oslo day `date` at `resolution`, in order. */
export function osloDayIntervals(date: OsloDate, resolution: Resolution): OsloInterval[] {
  const { start, end } = osloDayInterval(date);
  const step = resolutionMillis(resolution);
  const out: OsloInterval[] = [];
  for (let t = start.getTime(), index = 0; t < end.getTime(); t += step, index++) {
    out.push({ date, resolution, index, position: index + 1, start: new Date(t), end: new Date(t + step) });
  }
  return out;
}

/**
 * The interval with `index` (0-based) of the Oslo day `date`. Throws `OUT_OF_RANGE` unless
 * `0 <= index < intervalsInOsloDay(date, resolution)`.
 */
export function osloIntervalAt(date: OsloDate, index: number, resolution: Resolution): OsloInterval {
  const { start, end } = osloDayInterval(date);
  const step = resolutionMillis(resolution);
  const count = Math.round((end.getTime() - start.getTime()) / step);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new CoreError('OUT_OF_RANGE', `interval index ${index} is outside 0..${count - 1} for ${resolution} on ${date}`);
  }
  const t = start.getTime() + index * step;
  return { date, resolution, index, position: index + 1, start: new Date(t), end: new Date(t + step) };
}

/**
 * The interval of `resolution` that contains `instant`, with the Oslo day it belongs to. Oslo's
 * offset is always whole hours, so intervals counted in UTC from local midnight stay on the
 * quarter-hour and hour grid of local time.
 */
export function osloIntervalContaining(instant: Date, resolution: Resolution): OsloInterval {
  if (Number.isNaN(instant.getTime())) throw new CoreError('INVALID_DATE', 'the instant is an invalid Date');
  checkYear(instant.getUTCFullYear());
  const date = osloDate(instant);
  const start = dayStartMillis(date);
  const index = Math.floor((instant.getTime() - start) / resolutionMillis(resolution));
  return osloIntervalAt(date, index, resolution);
}
