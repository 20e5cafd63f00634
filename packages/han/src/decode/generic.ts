import type { DataNotification, DlmsData } from '@openams/dlms';
import { HanError } from '../errors/index.ts';
import type { HanReading } from '../reading/index.ts';
import { ReadingBuilder, integerOf, isLogicalName, scalerUnitOf } from './builder.ts';
import type { HanListOptions } from './builder.ts';
import { dottedObis } from './obis.ts';

/** Nesting a generic walk follows; HAN lists nest two levels at most. */
const MAX_DEPTH = 8;

/**
 * Decode any OBIS-coded push that is not one of the Norwegian vendor lists: Swedish, Danish,
 * Austrian, Polish, Swiss meters (Kaifa/Sagemcom/Iskra/Landis+Gyr). Every (OBIS, value[,
 * {scaler, unit}]) found is kept, wherever it sits:
 *
 * - MA309 style (AT/PL): a structure holding a flat clock pair, then nested
 *   `{OBIS, value, {scaler, unit}}` structures;
 * - flat (OBIS, value) pairs in one structure or array;
 * - arrays of `{OBIS, value}` structures.
 *
 * With a scaler_unit the value is scaled and given the unit's SI form; without one it is kept as
 * sent (scaler 0) with the unit its OBIS code implies. Unknown codes are kept with their raw
 * value; values without a logical name are counted in a note. The timestamp is the clock object
 * `0.0.1.0.0.255` if present, else the notification date-time, each with its deviation and DST
 * bit (Oslo wall time when the deviation is not specified).
 *
 * A body of exactly one number and nothing else is a Norwegian List 1 of a meter not named
 * (Kaifa sends no id in List 1): its value is taken as P+ `1.0.1.7.0.255` in W, with a note.
 * A body with no OBIS code at all is `UNKNOWN_LIST`.
 */
export function decodeGeneric(notification: DataNotification, options: HanListOptions): HanReading {
  const b = new ReadingBuilder('generic', options);
  b.headerDateTime(notification.dateTime);
  const body = notification.body;
  if ((body.type === 'structure' || body.type === 'array') && body.value.length === 1) {
    const n = integerOf(body.value[0] as DlmsData);
    if (n !== undefined) {
      b.number(dottedObis('1.0.1.7.0.255'), n, 0, 'W');
      b.note('one value without an OBIS code: read as a List 1 active power import (P+, W); the vendor cannot be told (Kaifa List 1 carries no id)');
      return b.build(1);
    }
  }
  const unnamed = walk(body, b, 0);
  if (b.size === 0) throw new HanError('UNKNOWN_LIST', 'no OBIS code found in the push: not a list this decoder knows');
  if (unnamed > 0) b.note(`${unnamed} value(s) without a logical name were not kept`);
  b.identity({
    listVersion: ['1.1.0.2.129.255', '1.0.0.2.129.255', '0.0.0.2.129.255'],
    meterId: ['0.0.96.1.0.255', '0.0.96.1.1.255', '1.1.0.0.5.255'],
    meterType: ['0.0.96.1.7.255'],
  });
  return b.build(undefined);
}

/** Collect every (OBIS, value[, scaler_unit]) in `d`; returns how many values had no logical name. */
function walk(d: DlmsData, b: ReadingBuilder, depth: number): number {
  if (d.type !== 'structure' && d.type !== 'array') return 0;
  if (depth > MAX_DEPTH) throw new HanError('UNKNOWN_LIST', 'data nested deeper than any HAN list');
  const items = d.value;
  let unnamed = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as DlmsData;
    const next = items[i + 1];
    if (isLogicalName(item) && next !== undefined && !isLogicalName(next)) {
      const su = scalerUnitOf(items[i + 2]);
      b.any(dottedObis(item.value), next, su);
      i += su ? 2 : 1;
    } else if (item.type === 'structure' || item.type === 'array') {
      unnamed += walk(item, b, depth + 1);
    } else if (item.type !== 'null-data') {
      unnamed++;
    }
  }
  return unnamed;
}
