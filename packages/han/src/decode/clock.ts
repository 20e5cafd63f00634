import { DlmsError, decodeCosemDateTime } from '@openams/dlms';
import type { CosemDateTime } from '@openams/dlms';
import { osloWallTimeToInstant } from '@openams/core';
import { HanError } from '../errors/index.ts';

/** How to read a meter's date-time: `aidon` ignores the deviation it sends (see `readMeterClock`). */
export type ClockRule = 'aidon' | 'standard';

/** A meter clock read as an instant, or why it names none. */
export type MeterClock =
  | { readonly kind: 'instant'; readonly instant: Date; readonly notes: readonly string[] }
  | { readonly kind: 'unusable'; readonly notes: readonly string[] };

/**
 * Read a 12-byte COSEM date-time (Blue Book 4.1.6.1) from a HAN push as an instant.
 *
 * - A deviation the meter states is honoured (Swedish Kaifa sends −60 all year; Austrian and Polish
 *   MA309 send −60/−120 with the DST bit), except on Aidon.
 * - Aidon sends deviation 0, which would mean UTC, but its clock shows Norwegian local time
 *   (amsreader-firmware #1119 logs; KFM_001 item 15 "Local date and time of Norway, CET/CEST" is
 *   the NVE rule all three vendors follow), so its clock is read as Oslo wall time, with a note.
 * - Deviation "not specified" (0x8000: Kamstrup, Norwegian Kaifa) is Oslo wall time too.
 * - Aidon writes Sunday as day-of-week 0 (e.g. `07E5 0A 1F 00` = 2021-10-31); the day of week is
 *   redundant, so 0 is accepted from any meter and ignored.
 * - A field out of range (month 13, hour 24, 30 February) is `HanError('INVALID_VALUE')`: no real
 *   meter sends it, and a wrong hour would book energy into the wrong hour. A date-time with
 *   unspecified fields, or whose status says "invalid value" (Kamstrup's factory clock 2000-01-01
 *   has status 01), is `unusable`: the caller falls back to the receive time.
 * - In the autumn hour that occurs twice, a wall time is read as the first (CEST) and noted.
 */
export function readMeterClock(bytes: Uint8Array, rule: ClockRule, what: string): MeterClock {
  if (bytes.length !== 12) throw new HanError('INVALID_VALUE', `${what} is ${bytes.length} bytes, not a 12-byte COSEM date-time`);
  const notes: string[] = [];
  let b = bytes;
  if (bytes[4] === 0) {
    b = Uint8Array.from(bytes);
    b[4] = 0xff;
    if (rule === 'aidon') notes.push(`${what}: day of week 0 is Aidon's Sunday (ignored)`);
  }
  let dt: CosemDateTime;
  try {
    dt = decodeCosemDateTime(b);
  } catch (e) {
    if (e instanceof DlmsError) throw new HanError('INVALID_VALUE', `${what} is not a valid date-time: ${e.message}`, { cause: e });
    throw e;
  }
  const { year, month, dayOfMonth, hour, minute, second } = dt;
  if (year === undefined || typeof month !== 'number' || typeof dayOfMonth !== 'number' || hour === undefined || minute === undefined || second === undefined) {
    return { kind: 'unusable', notes: [...notes, `${what} leaves date or time fields unspecified`] };
  }
  const naive = Date.UTC(year, month - 1, dayOfMonth, hour, minute, second, (dt.hundredths ?? 0) * 10);
  const check = new Date(naive);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== dayOfMonth) {
    throw new HanError('INVALID_VALUE', `${what} ${year}-${month}-${dayOfMonth} is not a calendar date`);
  }
  if (dt.clockStatus?.invalidValue) {
    return { kind: 'unusable', notes: [...notes, `${what} has clock status "invalid value" (0x${hex(dt.clockStatus.raw)})`] };
  }
  if (dt.deviation !== undefined && rule !== 'aidon') {
    // Deviation as meters send it: minutes to add to local time to get UTC (−60 in CET).
    return { kind: 'instant', instant: new Date(naive + dt.deviation * 60_000), notes };
  }
  if (rule === 'aidon' && dt.deviation !== undefined) {
    notes.push(`${what}: Aidon's deviation ${dt.deviation} read as Oslo local time (amsreader-firmware #1119)`);
  }
  const wall = { year, month, day: dayOfMonth, hour, minute, second };
  const earlier = osloWallTimeToInstant(wall, 'earlier');
  const later = osloWallTimeToInstant(wall, 'later');
  if (earlier.getTime() !== later.getTime()) notes.push(`${what} falls in the repeated autumn hour; read as the first one (CEST)`);
  return { kind: 'instant', instant: new Date(earlier.getTime() + (dt.hundredths ?? 0) * 10), notes };
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0').toUpperCase();
}
