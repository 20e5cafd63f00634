import type { DataNotification, DlmsData } from '@openams/dlms';
import { HanError } from '../errors/index.ts';
import type { DottedObis, HanList, HanReading } from '../reading/index.ts';
import { ReadingBuilder, integerOf, isLogicalName, textOf } from './builder.ts';
import type { HanListOptions } from './builder.ts';
import { dottedObis, quantityOf } from './obis.ts';

/** One position of the KFM_001 list: the OBIS code it stands for and how to read it. */
type Slot =
  | { readonly key: DottedObis; readonly kind: 'text' | 'clock' }
  | { readonly key: DottedObis; readonly kind: 'number'; readonly scaler: number };

const text = (k: string): Slot => ({ key: dottedObis(k), kind: 'text' });
const num = (k: string, scaler = 0): Slot => ({ key: dottedObis(k), kind: 'number', scaler });
const CLOCK: Slot = { key: dottedObis('0.0.1.0.0.255'), kind: 'clock' };

// KFM_001 items 1–13 (roarfred Samples/Kaifa/obisdata.md): the PDF says kW, A, V; the meters send
// W, mA (scaler −3) and 0.1 V (scaler −1), which is what their displays and every reader agree on.
const HEAD = [text('1.1.0.2.129.255'), text('0.0.96.1.0.255'), text('0.0.96.1.7.255'), num('1.0.1.7.0.255'), num('1.0.2.7.0.255'), num('1.0.3.7.0.255'), num('1.0.4.7.0.255')];
const ENERGY = [num('1.0.1.8.0.255'), num('1.0.2.8.0.255'), num('1.0.3.8.0.255'), num('1.0.4.8.0.255')];
const THREE_PHASE = [
  ...HEAD,
  num('1.0.31.7.0.255', -3),
  num('1.0.51.7.0.255', -3),
  num('1.0.71.7.0.255', -3),
  num('1.0.32.7.0.255', -1),
  num('1.0.52.7.0.255', -1),
  num('1.0.72.7.0.255', -1),
];
const ONE_PHASE = [...HEAD, num('1.0.31.7.0.255', -3), num('1.0.32.7.0.255', -1)];

/** The positional KFM_001 layouts by item count, with the Norwegian list each is. */
const LAYOUTS: ReadonlyMap<number, { readonly slots: readonly Slot[]; readonly list: HanList }> = new Map([
  [1, { slots: [num('1.0.1.7.0.255')], list: 1 }],
  [9, { slots: ONE_PHASE, list: 2 }],
  [13, { slots: THREE_PHASE, list: 2 }],
  [14, { slots: [...ONE_PHASE, CLOCK, ...ENERGY], list: 3 }],
  [18, { slots: [...THREE_PHASE, CLOCK, ...ENERGY], list: 3 }],
]);

/**
 * Decode a Kaifa push (`KFM_001`; MA304H3E 3-phase IT, MA304H4 3-phase TN, MA105H2E 1-phase).
 *
 * - Norway: a structure of bare values without OBIS codes, meaning by position and item count
 *   (KFM_001): List 1 = 1 item (P+), List 2 = 13 (3-phase) or 9 (1-phase), List 3 = 18 or 14.
 *   Currents in mA, voltages in 0.1 V, energy in Wh. 3-phase IT meters send U2 = 0 (they measure
 *   two line-to-line voltages): kept as 0 V with a note. The header date-time comes as a Data
 *   octet-string (`09 0C …`), a Kaifa quirk `@openams/dlms` reads.
 * - The Swedish MA304H4D sends the same 18-item list every 10 s; the Swedish MA304H4 an
 *   OBIS-coded flat structure of 18 (OBIS, value) pairs (36 elements, list version at
 *   `1.0.0.2.129.255` as sent) with the same units and a clock with deviation −60 all year
 *   (status 0): list undefined.
 * - A List 1 frame names no vendor: `decodeHanApdu` only comes here for it when the caller says
 *   the meter is a Kaifa (see `detectHanVendor`).
 */
export function decodeKaifa(notification: DataNotification, options: HanListOptions): HanReading {
  const body = notification.body;
  if (body.type !== 'structure') throw new HanError('UNKNOWN_LIST', 'not a Kaifa list: the body is not a structure');
  const b = new ReadingBuilder('kaifa', options);
  b.headerDateTime(notification.dateTime);
  const items = body.value;
  let list: HanList | undefined;
  if (items.length > 1 && isLogicalName(items[0])) {
    obisCoded(items, b);
  } else {
    const layout = LAYOUTS.get(items.length);
    if (layout === undefined || (items.length > 1 && textOf(items[0] as DlmsData) === undefined)) {
      throw new HanError('UNKNOWN_LIST', `not a KFM_001 list: ${items.length} items (1, 9, 13, 14 or 18 expected)`);
    }
    layout.slots.forEach((slot, i) => positional(slot, items[i] as DlmsData, b));
    list = layout.list;
    if (items.length >= 13) {
      if (b.rawOf(dottedObis('1.0.52.7.0.255')) === 0) b.note('U2 = 0: a 3-phase IT (3-wire) Kaifa measures no L2 voltage (KFM_001)');
    }
  }
  b.identity({ listVersion: ['1.1.0.2.129.255', '1.0.0.2.129.255'], meterId: ['0.0.96.1.0.255'], meterType: ['0.0.96.1.7.255'] });
  return b.build(list);
}

function positional(slot: Slot, d: DlmsData, b: ReadingBuilder): void {
  switch (slot.kind) {
    case 'text': {
      const t = textOf(d);
      if (t === undefined) throw new HanError('INVALID_VALUE', `KFM_001 item ${slot.key} should be a string, got ${d.type}`);
      b.text(slot.key, t);
      return;
    }
    case 'clock':
      if (d.type !== 'octet-string' && d.type !== 'date-time') throw new HanError('INVALID_VALUE', `KFM_001 clock should be an octet-string, got ${d.type}`);
      b.clockObject(slot.key, d.value);
      return;
    case 'number': {
      const n = integerOf(d);
      if (n === undefined) throw new HanError('INVALID_VALUE', `KFM_001 item ${slot.key} should be a number, got ${d.type}`);
      b.number(slot.key, n, slot.scaler, quantityOf(slot.key).unit);
      return;
    }
  }
}

/** The Swedish OBIS-coded variant: (OBIS, value) pairs with KFM_001's units. */
function obisCoded(items: readonly DlmsData[], b: ReadingBuilder): void {
  if (items.length % 2 !== 0) throw new HanError('UNKNOWN_LIST', `an OBIS-coded Kaifa list has (OBIS, value) pairs, got ${items.length} elements`);
  for (let i = 0; i < items.length; i += 2) {
    const ln = items[i];
    const value = items[i + 1] as DlmsData;
    if (!isLogicalName(ln)) throw new HanError('UNKNOWN_LIST', `element ${i} of an OBIS-coded Kaifa list is not a logical name`);
    const key = dottedObis(ln.value);
    const { quantity, unit } = quantityOf(key);
    const n = integerOf(value);
    if (n !== undefined && (quantity === 'current' || quantity === 'voltage')) {
      b.number(key, n, quantity === 'current' ? -3 : -1, unit);
    } else {
      b.any(key, value);
    }
  }
}
