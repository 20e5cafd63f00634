import type { DataNotification, DlmsData } from '@openams/dlms';
import { HanError } from '../errors/index.ts';
import type { DottedObis, HanList, HanReading } from '../reading/index.ts';
import { ReadingBuilder, integerOf, isLogicalName, textOf } from './builder.ts';
import type { HanListOptions } from './builder.ts';
import { dottedObis, isClockObis, quantityOf } from './obis.ts';

/** The key under which Kamstrup's list version (sent without a logical name) is stored. */
const LIST_VERSION = dottedObis('1.1.0.2.129.255');

/**
 * Decode a Kamstrup push (`Kamstrup_V0001`; Omnipower 684 3-phase, 685 CT, 686 1-phase; Kamstrup
 * HAN-NVE interface description rev 3.1): a structure whose first element is the list version as
 * a visible-string (no logical name: stored under `1.1.0.2.129.255`), then flat (OBIS, value)
 * pairs.
 *
 * - OBIS keys are kept **as sent, with B = 1** (`1.1.1.7.0.255`, clock `0.1.1.0.0.255`), not
 *   rewritten to the B = 0 of Aidon and Kaifa: the reading says what the meter sent (which the
 *   conformance check needs), and B is the measurement channel, not a vendor quirk. Consumers
 *   that look for "active power import" match C.D.E on A = 1 with any B.
 * - No scaler_unit is sent; the units are the interface description's: power W/var, currents
 *   0.01 A, voltages whole V (`long-unsigned`), energy in 10 Wh/varh (scaler 1: 78 050 → 780.50
 *   kWh), power factor 0.01.
 * - The 10-second list has 25 elements (Kamstrup's "list 1", NVE List 2) and the hourly list 35
 *   (XX:00:05, NVE List 3, with the clock `0.1.1.0.0.255`). 1-phase meters keep those counts and
 *   fill absent objects with null pairs `00 00` (amshan real samples; amsreader `Kamstrup-1p.raw`),
 *   although the document's own 1-phase example leaves them out (15 elements): both are read.
 * - Clocks have deviation "not specified" (0x8000): Oslo wall time. Firmware before rev 3.0 wraps
 *   the header date-time as `09 0C …`; `@openams/dlms` reads both forms.
 * - Denmark: a 65-element list (encrypted in the field) with the meter number `1.1.0.0.1.255`
 *   (a number, the serial also in the system title), per-phase power, power factors
 *   (`1.1.13/33/53/73.7.0.255`) and per-phase energy, in the same units (the per-phase energies
 *   add up to the total, so they are 10 Wh too): list undefined.
 * - Some Swedish meters send energy in Wh, not 10 Wh (amsreader-firmware #239); nothing in the
 *   frame says so: use `energyMultiplier: 0.1` for such a meter.
 */
export function decodeKamstrup(notification: DataNotification, options: HanListOptions): HanReading {
  const body = notification.body;
  const version = body.type === 'structure' && body.value.length > 0 ? textOf(body.value[0] as DlmsData) : undefined;
  if (body.type !== 'structure' || version === undefined || (body.value.length - 1) % 2 !== 0) {
    throw new HanError('UNKNOWN_LIST', 'not a Kamstrup list: expected a structure of a list version then (OBIS, value) pairs');
  }
  const b = new ReadingBuilder('kamstrup', options);
  b.headerDateTime(notification.dateTime);
  b.text(LIST_VERSION, version);
  let nullPairs = 0;
  for (let i = 1; i < body.value.length; i += 2) {
    const ln = body.value[i] as DlmsData;
    const value = body.value[i + 1] as DlmsData;
    if (ln.type === 'null-data' && value.type === 'null-data') {
      nullPairs++;
      continue;
    }
    if (!isLogicalName(ln)) throw new HanError('UNKNOWN_LIST', `Kamstrup element ${i} is a ${ln.type}, not a logical name`);
    const key = dottedObis(ln.value);
    const n = integerOf(value);
    if (n !== undefined && !isClockObis(key)) {
      const { scaler, unit } = kamstrupScaling(key);
      b.number(key, n, scaler, unit);
    } else {
      b.any(key, value);
    }
  }
  if (nullPairs > 0) b.note(`${nullPairs} absent object(s) sent as null pairs (a 1-phase Kamstrup keeps the 3-phase element count)`);
  b.identity({ listVersion: [LIST_VERSION], meterId: ['1.1.0.0.5.255', '1.1.0.0.1.255'], meterType: ['1.1.96.1.1.255'] });
  const list: HanList | undefined = body.value.length > 35 ? undefined : b.has(dottedObis('0.1.1.0.0.255')) ? 3 : 2;
  return b.build(list);
}

/** Kamstrup HAN-NVE units by OBIS code (no scaler_unit is sent). */
function kamstrupScaling(key: DottedObis): { readonly scaler: number; readonly unit: ReturnType<typeof quantityOf>['unit'] } {
  const { quantity, unit } = quantityOf(key);
  switch (quantity) {
    case 'current':
    case 'power-factor':
      return { scaler: -2, unit };
    case 'energy':
      return { scaler: 1, unit };
    case 'power':
    case 'voltage':
    case 'frequency':
    case 'other':
      return { scaler: 0, unit };
  }
}
