import type { DataNotification } from '@openams/dlms';
import { HanError } from '../errors/index.ts';
import type { HanList, HanReading } from '../reading/index.ts';
import { ReadingBuilder, scalerUnitOf } from './builder.ts';
import type { HanListOptions } from './builder.ts';
import { isObisStructure } from './detect.ts';
import { dottedObis } from './obis.ts';

/**
 * Decode an Aidon push (`AIDON_V0001`, Aidon HAN Interface Description v1.1A): an array of
 * self-describing structures `{OBIS, value}` (strings, the clock) or `{OBIS, value, {scaler,
 * unit}}` (registers), so the frame carries its own scaling:
 *
 * - List 1: P+ alone (1 item). List 2: + list version, id, type, P−, Q±, currents, voltages — 13
 *   items on 3-phase 4-wire (6534), 12 on 3-phase 3-wire IT meters (6525: no IL2), 9 on
 *   1-phase (6515). List 3 (XX:00:10): + clock and A±, R± — 18 / 17 / 14 items.
 * - Currents are signed `long` (int16) with scaler −1: negative values occur (hass-AMS Swedish
 *   sample); voltages `long-unsigned`, scaler −1; energy on Norwegian meters scaler **+1** (10 Wh
 *   steps, 22 721 380 Wh sent as 2 272 138), on Swedish ones scaler 0.
 * - Sweden: one 27-item list every 10 s (clock first, per-phase P/Q, energy): list undefined.
 * - The clock (`0.0.1.0.0.255`) claims deviation 0 but shows Norwegian local time (amsreader-firmware
 *   #1119) and writes Sunday as 0: read as Oslo wall time, with a note (see `readMeterClock`).
 *
 * Some Aidon firmware repeats the previous hour's List 3 snapshot (#1119): this decoder reports
 * what the frame says; spotting the repeat is the hourly-energy derivation's job.
 */
export function decodeAidon(notification: DataNotification, options: HanListOptions): HanReading {
  const body = notification.body;
  if (body.type !== 'array' || body.value.length === 0 || !body.value.every(isObisStructure)) {
    throw new HanError('UNKNOWN_LIST', 'not an Aidon list: the body must be an array of {OBIS, value[, {scaler, unit}]} structures');
  }
  const b = new ReadingBuilder('aidon', options, 'aidon');
  b.headerDateTime(notification.dateTime);
  for (const item of body.value) {
    if (item.type !== 'structure') continue;
    const [ln, value, su] = item.value;
    if (ln?.type !== 'octet-string' || value === undefined) continue;
    const scalerUnit = su === undefined ? undefined : scalerUnitOf(su);
    if (su !== undefined && scalerUnit === undefined) {
      throw new HanError('INVALID_VALUE', `Aidon item ${dottedObis(ln.value)}: the third element is not a {scaler, unit} structure`);
    }
    b.any(dottedObis(ln.value), value, scalerUnit);
  }
  b.identity({ listVersion: ['1.1.0.2.129.255'], meterId: ['0.0.96.1.0.255'], meterType: ['0.0.96.1.7.255'] });
  return b.build(aidonList(body.value.length, b));
}

function aidonList(count: number, b: ReadingBuilder): HanList | undefined {
  if (count === 1 && b.has(dottedObis('1.0.1.7.0.255'))) return 1;
  // The Swedish list has no list version: it follows no Norwegian list.
  if (b.listVersion === undefined) return undefined;
  return b.has(dottedObis('0.0.1.0.0.255')) ? 3 : 2;
}
