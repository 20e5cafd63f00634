import { CLOCK_STATUS, cosemDateTimeFromDate, cosemDateTimeToDate, dataAsDateTime, encodeCosemDateTime } from '@openams/dlms';
import type { DlmsData } from '@openams/dlms';
import { osloWallTimeToInstant } from '@openams/core';

/**
 * Time as a virtual meter keeps it. Norway follows the EU summer-time rule (Directive 2000/84/EC):
 * CEST from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC, CET
 * otherwise, which is exactly the IANA zone Europe/Oslo that `@openams/core` uses (a test holds
 * the two together). It is computed here with two `Date.UTC` calls per year instead of `Intl`,
 * because a profile read stamps up to a hundred entries and a fleet reads millions a day.
 */

const summerTimeByYear = new Map<number, readonly [start: number, end: number]>();

function lastSundayOneUtc(year: number, monthIndex: number): number {
  const lastDay = new Date(Date.UTC(year, monthIndex + 1, 0));
  return Date.UTC(year, monthIndex, lastDay.getUTCDate() - lastDay.getUTCDay(), 1);
}

/** Whether Oslo keeps summer time (CEST, UTC+2) at the instant `ms`. */
export function isOsloSummerTime(ms: number): boolean {
  const year = new Date(ms).getUTCFullYear();
  let span = summerTimeByYear.get(year);
  if (span === undefined) {
    span = [lastSundayOneUtc(year, 2), lastSundayOneUtc(year, 9)];
    if (summerTimeByYear.size > 64) summerTimeByYear.clear();
    summerTimeByYear.set(year, span);
  }
  return ms >= span[0] && ms < span[1];
}

/**
 * The deviation a meter in Norway writes into a COSEM date-time at `ms`: −60 in CET, −120 in CEST
 * (minutes from local time to UTC, the sign real meters and Gurux use; dlms-hes research §3.9).
 * With daylight saving disabled (Clock attribute 8 FALSE) the meter keeps CET all year.
 */
export function osloDeviation(ms: number, dstEnabled: boolean): -60 | -120 {
  return dstEnabled && isOsloSummerTime(ms) ? -120 : -60;
}

/** The clock fields a meter's time is computed from (kept in `MeterState`). */
export interface ClockSettings {
  /** Milliseconds the meter's clock is ahead of true time at `clockDriftFromMs`. */
  readonly clockOffsetMs: number;
  /** Drift in parts per million (a crystal's 20 ppm is 1.7 s a day); positive runs fast. */
  readonly clockDriftPpm: number;
  /** True instant from which the drift accumulates (the last time the clock was set). */
  readonly clockDriftFromMs: number;
}

/** The meter's own reading of the true instant `trueMs`: offset plus accumulated drift. */
export function meterTimeMs(c: ClockSettings, trueMs: number): number {
  return Math.round(trueMs + c.clockOffsetMs + ((trueMs - c.clockDriftFromMs) * c.clockDriftPpm) / 1e6);
}

/** The true instant at which the meter's clock shows `meterMs` (the inverse of `meterTimeMs`). */
export function trueTimeMs(c: ClockSettings, meterMs: number): number {
  const k = c.clockDriftPpm / 1e6;
  return Math.round((meterMs - c.clockOffsetMs + c.clockDriftFromMs * k) / (1 + k));
}

/**
 * The 12-byte COSEM date-time (Blue Book 4.1.6.1) a meter shows for its time `meterMs`: local
 * time with the deviation of that instant and the clock status byte, whose bit 7 says daylight
 * saving is active. `extraStatus` adds bits such as invalid value (0x01).
 */
export function meterDateTime(meterMs: number, dstEnabled: boolean, extraStatus = 0): Uint8Array {
  const deviation = osloDeviation(meterMs, dstEnabled);
  const status = (deviation === -120 ? CLOCK_STATUS.daylightSavingActive : 0) | extraStatus;
  return encodeCosemDateTime(cosemDateTimeFromDate(new Date(meterMs), { deviation, clockStatus: status }));
}

/** `meterDateTime` as the octet-string the clock and the profiles carry. */
export function meterDateTimeData(meterMs: number, dstEnabled: boolean, extraStatus = 0): DlmsData {
  return { type: 'octet-string', value: meterDateTime(meterMs, dstEnabled, extraStatus) };
}

/**
 * The instant a client names in a date-time it sends (a range bound, a new clock time), or
 * undefined when it names none. Unspecified seconds and hundredths count as 0, as meters treat
 * `from`/`to` bounds written to the minute. Without a deviation (0x8000) the value is Oslo wall
 * time; in the autumn hour that happens twice, the DST bit of the status picks the CEST one.
 */
export function instantFromDateTime(data: DlmsData): number | undefined {
  const dt = dataAsDateTime(data);
  if (dt === undefined) return undefined;
  const { year, month, dayOfMonth, hour, minute } = dt;
  if (year === undefined || typeof month !== 'number' || typeof dayOfMonth !== 'number' || hour === undefined || minute === undefined) return undefined;
  const second = dt.second ?? 0;
  const hundredths = dt.hundredths ?? 0;
  if (dt.deviation !== undefined) {
    try {
      return cosemDateTimeToDate({ ...dt, second, hundredths }).getTime();
    } catch {
      return undefined;
    }
  }
  const fold = dt.clockStatus?.daylightSavingActive === false ? 'later' : 'earlier';
  return osloWallTimeToInstant({ year, month, day: dayOfMonth, hour, minute, second }, fold).getTime() + hundredths * 10;
}
