/**
 * Wall-clock time in Norway (IANA zone Europe/Oslo: CET, UTC+1, in winter and CEST, UTC+2, from
 * the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC). Instants are
 * `Date`s (UTC); everything a person or a tariff sees — days, hours, months — is computed here.
 * Uses only `Intl`, so it runs in Node and in browsers alike.
 */
export const OSLO_TIME_ZONE = 'Europe/Oslo';

/** A calendar day in Oslo, `YYYY-MM-DD`. */
export type OsloDate = string & { readonly __brand: 'OsloDate' };

/** Wall-clock fields of an instant in Oslo. `weekday` 1 = Monday … 7 = Sunday (ISO 8601). */
export interface OsloDateTimeParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly weekday: number;
}

const formatter = new Intl.DateTimeFormat('en-US', {
  timeZone: OSLO_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
  weekday: 'short',
});

const WEEKDAYS: Readonly<Record<string, number>> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** The wall-clock fields of `instant` in Oslo, through Intl (any year, slow: ~10 µs). */
function intlOsloParts(instant: Date): OsloDateTimeParts {
  const p: Record<string, string> = {};
  for (const part of formatter.formatToParts(instant)) p[part.type] = part.value;
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour),
    minute: Number(p.minute),
    second: Number(p.second),
    weekday: WEEKDAYS[p.weekday ?? ''] ?? 0,
  };
}

/**
 * Norway has followed the EU summer-time rule since 1996: CEST from the last Sunday of March
 * 01:00 UTC to the last Sunday of October 01:00 UTC (Directive 2000/84/EC and its predecessors).
 * Within these years the offset is computed from that rule; outside them Intl's time-zone data
 * decides. The fast path matters: every HAN frame and every profile entry needs an Oslo time.
 */
const RULE_FIRST_YEAR = 1996;
const RULE_LAST_YEAR = 2099;
const summerTimeByYear = new Map<number, readonly [number, number]>();

function lastSundayAt0100Utc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0, 1));
  return lastDay.getTime() - lastDay.getUTCDay() * 86_400_000;
}

function summerTime(year: number): readonly [number, number] {
  let span = summerTimeByYear.get(year);
  if (span === undefined) {
    span = [lastSundayAt0100Utc(year, 2), lastSundayAt0100Utc(year, 9)];
    summerTimeByYear.set(year, span);
  }
  return span;
}

/** The wall-clock fields of `instant` in Oslo. */
export function osloParts(instant: Date): OsloDateTimeParts {
  const t = instant.getTime();
  const year = instant.getUTCFullYear();
  if (year < RULE_FIRST_YEAR || year > RULE_LAST_YEAR || !Number.isFinite(t)) return intlOsloParts(instant);
  const local = new Date(t + ruleOffsetMinutes(t, year) * 60_000);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    weekday: ((local.getUTCDay() + 6) % 7) + 1,
  };
}

function ruleOffsetMinutes(t: number, year: number): number {
  const [start, end] = summerTime(year);
  return t >= start && t < end ? 120 : 60;
}

/** Minutes Oslo is ahead of UTC at `instant`: 60 (CET) or 120 (CEST). */
export function osloOffsetMinutes(instant: Date): number {
  const t = instant.getTime();
  const year = instant.getUTCFullYear();
  if (year >= RULE_FIRST_YEAR && year <= RULE_LAST_YEAR) return ruleOffsetMinutes(t, year);
  const p = intlOsloParts(instant);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(t / 1000) * 1000) / 60_000);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `instant` as ISO 8601 with the Oslo offset, e.g. `2026-11-25T14:00:00+01:00` (whole seconds). */
export function toOsloIso(instant: Date): string {
  const p = osloParts(instant);
  const offset = osloOffsetMinutes(instant);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The Oslo calendar day `instant` falls on. */
export function osloDate(instant: Date): OsloDate {
  const p = osloParts(instant);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}` as OsloDate;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `text` is a real calendar date written `YYYY-MM-DD`. */
export function isOsloDate(text: string): text is OsloDate {
  const m = DATE.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

export interface OsloWallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour?: number;
  readonly minute?: number;
  readonly second?: number;
}

/**
 * The instant an Oslo wall-clock time names. In the autumn hour that happens twice (02:00–02:59
 * on the last Sunday of October) `fold` chooses the first (`'earlier'`, still CEST) or the second
 * (`'later'`, CET). A spring wall time that does not exist (02:00–02:59 on the last Sunday of
 * March) maps to the instant an hour later on the clock, as the clocks do (02:30 → 03:30 CEST).
 */
export function osloWallTimeToInstant(t: OsloWallTime, fold: 'earlier' | 'later' = 'earlier'): Date {
  const naive = Date.UTC(t.year, t.month - 1, t.day, t.hour ?? 0, t.minute ?? 0, t.second ?? 0);
  // The offset is 60 or 120 minutes; try both and keep the ones whose wall time matches.
  const candidates = [120, 60]
    .map((offset) => new Date(naive - offset * 60_000))
    .filter((instant) => {
      const p = osloParts(instant);
      return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) === naive;
    });
  if (candidates.length === 2) return fold === 'earlier' ? (candidates[0] as Date) : (candidates[1] as Date);
  if (candidates.length === 1) return candidates[0] as Date;
  // In the spring gap: the clock jumped from 02:00 CET to 03:00 CEST.
  return new Date(naive - 60 * 60_000);
}

/** The first instant of the Oslo day `date` (`YYYY-MM-DD`). */
export function startOfOsloDay(date: OsloDate): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return osloWallTimeToInstant({ year: y, month: m, day: d });
}

/** The Oslo day after `date`. */
export function nextOsloDate(date: OsloDate, days = 1): OsloDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}` as OsloDate;
}

/** Hours in the Oslo day `date`: 23 on the spring DST day, 25 on the autumn one, else 24. */
export function hoursInOsloDay(date: OsloDate): number {
  return Math.round((startOfOsloDay(nextOsloDate(date)).getTime() - startOfOsloDay(date).getTime()) / 3_600_000);
}
