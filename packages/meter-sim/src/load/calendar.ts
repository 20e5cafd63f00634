import { easterSunday, isPublicHoliday, osloDayInterval, osloWeekday } from '@openams/core';
import type { OsloDate } from '@openams/core';
import { LoadModelError } from './load-error.ts';

/**
 * The Oslo calendar as the load model needs it, one compact record per day, numbered by
 * "epoch day" (days since 1970-01-01 as a calendar date). Day starts, lengths (23/24/25 hours),
 * weekdays and holidays come from `@openams/core` once per day and process; afterwards a register
 * sum over years of days touches only this table, never `Intl`.
 */
export interface DayInfo {
  readonly day: number;
  readonly date: OsloDate;
  /** Local midnight as epoch milliseconds. */
  readonly startMs: number;
  /** 23 on the spring DST day, 25 on the autumn one, else 24. */
  readonly hours: number;
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  readonly weekday: number;
  /** A Norwegian public holiday (`norwegianPublicHolidays`). */
  readonly holiday: boolean;
  /** Saturday, Sunday or a public holiday: households sleep in, businesses close. */
  readonly offDay: boolean;
  readonly year: number;
  readonly month: number;
  readonly dayOfMonth: number;
  /** 1 … 366. */
  readonly dayOfYear: number;
}

/** First and last day the model covers (1990-01-01 … 2099-12-31). */
export const FIRST_DAY = Date.UTC(1990, 0, 1) / 86_400_000;
export const LAST_DAY = Date.UTC(2099, 11, 31) / 86_400_000;

const table: (DayInfo | undefined)[] = [];

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The record of epoch day `day`. Throws `INVALID_INSTANT` outside 1990–2099. */
export function dayInfo(day: number): DayInfo {
  const i = day - FIRST_DAY;
  const hit = table[i];
  if (hit) return hit;
  if (!Number.isInteger(day) || day < FIRST_DAY || day > LAST_DAY) throw new LoadModelError('INVALID_INSTANT', `day ${day} is outside the model's calendar (1990–2099)`);
  const t = new Date(day * 86_400_000);
  const year = t.getUTCFullYear();
  const month = t.getUTCMonth() + 1;
  const dayOfMonth = t.getUTCDate();
  const date = `${year}-${pad(month)}-${pad(dayOfMonth)}` as OsloDate;
  const { start, end } = osloDayInterval(date);
  const weekday = osloWeekday(date);
  const holiday = isPublicHoliday(date);
  const info: DayInfo = {
    day,
    date,
    startMs: start.getTime(),
    hours: Math.round((end.getTime() - start.getTime()) / 3_600_000),
    weekday,
    holiday,
    offDay: holiday || weekday >= 6,
    year,
    month,
    dayOfMonth,
    dayOfYear: day - Date.UTC(year, 0, 1) / 86_400_000 + 1,
  };
  table[i] = info;
  return info;
}

/** The epoch day of an Oslo date. */
export function dayNumberOf(date: OsloDate): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000;
}

/**
 * The Oslo day an instant (epoch ms) falls in. Oslo is UTC+1 or UTC+2, so the CET guess is right
 * or one day early; the table's day starts settle it without a time-zone conversion.
 */
export function dayContaining(ms: number): DayInfo {
  if (!Number.isFinite(ms)) throw new LoadModelError('INVALID_INSTANT', 'the instant is an invalid Date');
  let d = dayInfo(clampDay(Math.floor((ms + 3_600_000) / 86_400_000)));
  if (ms < d.startMs) d = dayInfo(d.day - 1);
  else if (ms >= d.startMs + d.hours * 3_600_000) d = dayInfo(d.day + 1);
  return d;
}

function clampDay(day: number): number {
  if (day < FIRST_DAY || day > LAST_DAY) throw new LoadModelError('INVALID_INSTANT', `${new Date(day * 86_400_000).toISOString().slice(0, 10)} is outside the model's calendar (1990–2099)`);
  return day;
}

/**
 * Local wall-clock hour (fractional) `elapsed` hours after midnight of a day of `hours` hours:
 * the spring day skips 02:00–03:00, the autumn day repeats it.
 */
export function wallHour(elapsed: number, hours: number): number {
  if (hours === 23) return elapsed < 2 ? elapsed : elapsed + 1;
  if (hours === 25) return elapsed < 3 ? elapsed : elapsed - 1;
  return elapsed;
}

/**
 * Hours after local midnight at which the wall clock first shows `wall` (the inverse of
 * {@link wallHour}; a spring wall time that does not exist maps to the moment the clock jumps).
 */
export function elapsedHour(wall: number, hours: number): number {
  if (hours === 23) return wall < 2 ? wall : wall < 3 ? 2 : wall - 1;
  if (hours === 25) return wall < 3 ? wall : wall + 1;
  return wall;
}

const easterDays = new Map<number, number>();

/** Epoch day of Easter Sunday of `year` (`easterSunday` from `@openams/core`, cached). */
export function easterDay(year: number): number {
  let d = easterDays.get(year);
  if (d === undefined) {
    d = dayNumberOf(easterSunday(year));
    easterDays.set(year, d);
  }
  return d;
}

/** Epoch day of the Monday of the ISO week `day` is in (1970-01-01 was a Thursday). */
export function mondayOf(day: number): number {
  return day - ((day + 3) % 7 + 7) % 7;
}
