import { DlmsError, obisGroups, parseObis } from '@openams/dlms';
import { HanError } from '../errors/index.ts';
import type { DottedObis, HanUnit } from '../reading/index.ts';

/**
 * An OBIS code as the dotted six numbers HAN tools print (`1.0.1.7.0.255`): from the 6-byte
 * logical name as sent (`01 00 01 07 00 FF`) or from any text form `@openams/dlms` parses
 * (`1-0:1.7.0.255`, `1.0.1.7.0.255`, `0100010700FF`). The value groups are kept exactly as the
 * meter sent them: Kamstrup's B = 1 stays `1.1.1.7.0.255` (see `decodeKamstrup`). Throws
 * `HanError('INVALID_VALUE')` for anything else.
 */
export function dottedObis(obis: Uint8Array | string): DottedObis {
  if (typeof obis !== 'string') {
    if (obis.length !== 6) throw new HanError('INVALID_VALUE', `a logical name is 6 bytes, got ${obis.length}`);
    return `${obis[0]}.${obis[1]}.${obis[2]}.${obis[3]}.${obis[4]}.${obis[5]}` as DottedObis;
  }
  try {
    return obisGroups(parseObis(obis)).join('.') as DottedObis;
  } catch (e) {
    if (e instanceof DlmsError) throw new HanError('INVALID_VALUE', `'${obis}' is not an OBIS code`, { cause: e });
    throw e;
  }
}

/** Value groups of the codes seen so far: a meter sends the same few dozen codes every frame. */
const GROUPS = new Map<string, readonly number[]>();

/** The six value groups of a dotted code made by `dottedObis`. */
export function groupsOf(key: DottedObis): readonly number[] {
  let groups = GROUPS.get(key);
  if (groups === undefined) {
    groups = Object.freeze(key.split('.').map(Number));
    // Bounded: a hostile stream of distinct codes must not grow memory without end.
    if (GROUPS.size < 4096) GROUPS.set(key, groups);
  }
  return groups;
}

// IEC 62056-6-1 §7.5 (value group C of electricity, A = 1): the quantity each C names.
const ACTIVE = new Set([1, 2, 15, 16, 21, 22, 35, 36, 41, 42, 55, 56, 61, 62, 75, 76]);
const REACTIVE = new Set([3, 4, 5, 6, 7, 8, 23, 24, 25, 26, 27, 28, 43, 44, 45, 46, 47, 48, 63, 64, 65, 66, 67, 68]);
const APPARENT = new Set([9, 10, 29, 30, 49, 50, 69, 70]);
const CURRENT = new Set([11, 31, 51, 71, 90, 91]);
const VOLTAGE = new Set([12, 32, 52, 72]);
const POWER_FACTOR = new Set([13, 33, 53, 73]);

/** What an electricity OBIS code measures, as far as the push lists need it. */
export type ObisQuantity = 'power' | 'energy' | 'current' | 'voltage' | 'power-factor' | 'frequency' | 'other';

/**
 * The quantity and SI unit an OBIS code names (IEC 62056-6-1: C = quantity, D = processing,
 * 7 = instantaneous value, 8 = time integral). Used for the lists that send no scaler_unit
 * (Kaifa, Kamstrup, flat generic pairs) and to check values for plausibility.
 */
export function quantityOf(key: DottedObis): { readonly quantity: ObisQuantity; readonly unit: HanUnit } {
  const [a, , c = -1, d = -1] = groupsOf(key);
  if (a !== 1) return { quantity: 'other', unit: '' };
  const integral = d === 8 || d === 9 || d === 29;
  if (ACTIVE.has(c)) return integral ? { quantity: 'energy', unit: 'Wh' } : { quantity: 'power', unit: 'W' };
  if (REACTIVE.has(c)) return integral ? { quantity: 'energy', unit: 'varh' } : { quantity: 'power', unit: 'var' };
  if (APPARENT.has(c)) return integral ? { quantity: 'energy', unit: 'VAh' } : { quantity: 'power', unit: 'VA' };
  if (CURRENT.has(c)) return { quantity: 'current', unit: 'A' };
  if (VOLTAGE.has(c)) return { quantity: 'voltage', unit: 'V' };
  if (POWER_FACTOR.has(c)) return { quantity: 'power-factor', unit: '' };
  if (c === 14) return { quantity: 'frequency', unit: 'Hz' };
  return { quantity: 'other', unit: '' };
}

/** Whether `key` is a clock object (IC 8, C.D.E = 1.0.0): `0.0.1.0.0.255`, Kamstrup's `0.1.1.0.0.255`. */
export function isClockObis(key: DottedObis): boolean {
  const [a, , c, d, e] = groupsOf(key);
  return a === 0 && c === 1 && d === 0 && e === 0;
}
