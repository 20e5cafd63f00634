import { hexToBytes } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';

/**
 * An OBIS code (IEC 62056-6-1, Blue Book 7): six value groups A–F naming a COSEM object, e.g.
 * `1-0:1.8.0.255` (active energy import, total). Branded string in the standard text form
 * `A-B:C.D.E.F`, so it reads well in logs and JSON, works as a Map key, and cannot be mixed up
 * with any other string. On the wire it is the 6-byte logical name (`obisToBytes`).
 */
export type Obis = string & { readonly __brand: 'Obis' };

/** The six value groups A–F of an OBIS code, each 0..255. */
export type ObisGroups = readonly [a: number, b: number, c: number, d: number, e: number, f: number];

/** How `formatObis` writes a code: `standard` `1-0:1.8.0.255`, `dotted` `1.0.1.8.0.255` (Gurux style). */
export type ObisStyle = 'standard' | 'dotted';

// IEC 62056-6-1 separators: `-` after A, `:` after B, `.` between C, D, E; F follows `.`, or `*`/`&`
// as IEC 62056-21 readouts print it.
const STANDARD = /^(\d{1,3})-(\d{1,3}):(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:[.*&](\d{1,3}))?$/;
const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX = /^[0-9a-fA-F]{12}$/;
/** The canonical form this module produces: no leading zeros, F always present, `.` before F. */
const CANONICAL = /^(?:0|[1-9]\d{0,2})-(?:0|[1-9]\d{0,2}):(?:0|[1-9]\d{0,2})\.(?:0|[1-9]\d{0,2})\.(?:0|[1-9]\d{0,2})\.(?:0|[1-9]\d{0,2})$/;

function canonical(groups: ObisGroups): Obis {
  return `${groups[0]}-${groups[1]}:${groups[2]}.${groups[3]}.${groups[4]}.${groups[5]}` as Obis;
}

function checkGroups(groups: readonly number[], what: string): void {
  const bad = groups.findIndex((g) => !Number.isInteger(g) || g < 0 || g > 255);
  if (bad >= 0) {
    throw new DlmsError('INVALID_OBIS', `OBIS value group ${'ABCDEF'[bad]} of ${what} is ${groups[bad]}; each group is 0..255`);
  }
}

/**
 * Parse `1-0:1.8.0.255`, `1.0.1.8.0.255` or 12 hex digits (`0100010800FF`, the logical name as
 * bytes). The F group may be left out in the standard form (`1-0:1.8.0` means F = 255, as meter
 * labels print it). Surrounding whitespace is ignored. Throws `INVALID_OBIS` when the text has
 * another shape or a group is above 255.
 */
export function parseObis(text: string): Obis {
  const t = text.trim();
  let groups: number[] | undefined;
  const m = STANDARD.exec(t) ?? DOTTED.exec(t);
  if (m) groups = m.slice(1, 7).map((g) => (g === undefined ? 255 : Number(g)));
  else if (HEX.test(t)) groups = [...hexToBytes(t)];
  if (!groups) {
    throw new DlmsError('INVALID_OBIS', `'${text}' is not an OBIS code: write A-B:C.D.E.F (e.g. 1-0:1.8.0.255), A.B.C.D.E.F or 12 hex digits`);
  }
  checkGroups(groups, `'${text}'`);
  return canonical(groups as unknown as ObisGroups);
}

/** The OBIS code with these six value groups; throws `INVALID_OBIS` unless each is an integer 0..255. */
export function obisFromGroups(groups: readonly number[]): Obis {
  if (groups.length !== 6) throw new DlmsError('INVALID_OBIS', `an OBIS code has 6 value groups, got ${groups.length}`);
  checkGroups(groups, `[${groups.join(', ')}]`);
  return canonical(groups as unknown as ObisGroups);
}

/** The six value groups A–F. Throws `INVALID_OBIS` for a string that did not come from this module. */
export function obisGroups(obis: Obis): ObisGroups {
  if (!CANONICAL.test(obis)) throw new DlmsError('INVALID_OBIS', `'${obis}' is not a parsed OBIS code`);
  const groups = obis.split(/[-:.]/).map(Number);
  checkGroups(groups, `'${obis}'`);
  return groups as unknown as ObisGroups;
}

/**
 * The OBIS code of a 6-byte logical name (Blue Book 4.1.8.2: `octet-string(SIZE(6))`). `offset` is
 * where the bytes sat in the input, reported if they are not exactly 6.
 */
export function obisFromBytes(bytes: Uint8Array, offset?: number): Obis {
  if (bytes.length !== 6) {
    throw new DlmsError('INVALID_OBIS', `a logical name is 6 bytes, got ${bytes.length}`, offset === undefined ? {} : { offset });
  }
  return canonical([...bytes] as unknown as ObisGroups);
}

/** The 6-byte logical name of an OBIS code. */
export function obisToBytes(obis: Obis): Uint8Array {
  return Uint8Array.from(obisGroups(obis));
}

/** Write an OBIS code in the standard (`1-0:1.8.0.255`) or dotted (`1.0.1.8.0.255`) form. */
export function formatObis(obis: Obis, style: ObisStyle = 'standard'): string {
  return style === 'standard' ? obis : obisGroups(obis).join('.');
}

/**
 * Whether `value` is an OBIS code in the canonical form this module produces (`A-B:C.D.E.F`, no
 * leading zeros, every group 0..255), i.e. whether it may be used as an `Obis` without parsing.
 */
export function isObis(value: string): value is Obis {
  return CANONICAL.test(value) && value.split(/[-:.]/).every((g) => Number(g) <= 255);
}
