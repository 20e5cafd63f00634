import type { ByteReader, ByteWriter } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';

/**
 * The named bits of the conformance block (Green Book 9.4.6.1, Table "Conformance block";
 * `Conformance ::= [APPLICATION 31] IMPLICIT BIT STRING (SIZE(24))`), in bit order: the array
 * index is the ASN.1 bit number. Bit 0 is the most significant bit of the first byte on the wire.
 */
export const CONFORMANCE_BITS = [
  'reserved-zero',
  'general-protection',
  'general-block-transfer',
  'read',
  'write',
  'unconfirmed-write',
  'delta-value-encoding',
  'reserved-seven',
  'attribute0-supported-with-set',
  'priority-mgmt-supported',
  'attribute0-supported-with-get',
  'block-transfer-with-get-or-read',
  'block-transfer-with-set-or-write',
  'block-transfer-with-action',
  'multiple-references',
  'information-report',
  'data-notification',
  'access',
  'parameterized-access',
  'get',
  'set',
  'selective-access',
  'event-notification',
  'action',
] as const;

/** One named bit of the conformance block. */
export type ConformanceBit = (typeof CONFORMANCE_BITS)[number];

/**
 * A conformance block: the 24-bit value as it reads on the wire (`0x007E1F` for the Green Book's
 * LN example) and the same bits as a set of names. Build it with `conformanceFromValue` or
 * `conformanceFromNames` so the two views agree; the encoder refuses a block where they do not.
 */
export interface Conformance {
  /** The 24 bits as a big-endian number: bit n of the block is `1 << (23 - n)`. */
  readonly value: number;
  readonly bits: ReadonlySet<ConformanceBit>;
}

const BIT_NUMBER: ReadonlyMap<string, number> = new Map(CONFORMANCE_BITS.map((name, i) => [name, i]));
const MAX_VALUE = 0xffffff;

/** A conformance block from its 24-bit wire value. */
export function conformanceFromValue(value: number): Conformance {
  if (!Number.isInteger(value) || value < 0 || value > MAX_VALUE) {
    throw new DlmsError('INVALID_VALUE', `conformance value ${value} is not a 24-bit unsigned integer`);
  }
  const bits = new Set<ConformanceBit>();
  CONFORMANCE_BITS.forEach((name, n) => {
    if (value & (1 << (23 - n))) bits.add(name);
  });
  return { value, bits };
}

/** A conformance block with exactly the named bits set, e.g. `conformanceFromNames(['get', 'set', 'action'])`. */
export function conformanceFromNames(names: Iterable<ConformanceBit>): Conformance {
  let value = 0;
  for (const name of names) {
    const n = BIT_NUMBER.get(name);
    if (n === undefined) throw new DlmsError('INVALID_VALUE', `'${String(name)}' is not a conformance block bit`);
    value |= 1 << (23 - n);
  }
  return conformanceFromValue(value);
}

/**
 * The bits both sides have: what a server answers in negotiated-conformance from the client's
 * proposed-conformance and what it supports (Green Book 9.4.6.1).
 */
export function conformanceIntersection(a: Conformance, b: Conformance): Conformance {
  return conformanceFromValue(checkedValue(a) & checkedValue(b));
}

/** The 3 bytes of the bit string's content (without tag, length and unused-bits octet). */
export function conformanceToBytes(c: Conformance): Uint8Array {
  const v = checkedValue(c);
  return Uint8Array.of(v >>> 16, (v >>> 8) & 0xff, v & 0xff);
}

/** A conformance block from exactly 3 bytes (the bit string's content). */
export function conformanceFromBytes(bytes: Uint8Array): Conformance {
  if (bytes.length !== 3) throw new DlmsError('INVALID_LENGTH', `a conformance block is 3 bytes, not ${bytes.length}`);
  return conformanceFromValue(((bytes[0] as number) << 16) | ((bytes[1] as number) << 8) | (bytes[2] as number));
}

/** The value, after checking that it agrees with the named bits (a hand-built object may not). */
function checkedValue(c: Conformance): number {
  const fromBits = conformanceFromNames(c.bits).value;
  if (fromBits !== c.value) {
    throw new DlmsError(
      'INVALID_VALUE',
      `conformance value 0x${c.value.toString(16)} disagrees with its named bits (0x${fromBits.toString(16)}); build it with conformanceFromValue or conformanceFromNames`,
    );
  }
  return c.value;
}

/** Green Book 9.4.6.1: `[APPLICATION 31]` takes the two-byte high-tag-number form 5F 1F (X.690 8.1.2.4). */
const CONFORMANCE_TAG = [0x5f, 0x1f] as const;

/**
 * Read the BER-encoded conformance block that sits inside the A-XDR InitiateRequest/Response:
 * 5F 1F | length 04 | unused bits 00 | 3 bytes. The length may come in a long form (`81 04`,
 * legal BER, X.690 8.1.3.5) and is written back as `04`; any length other than 4 or unused-bit
 * count other than 0 is refused: the type is SIZE(24), so there is nothing to pad.
 */
export function readConformance(r: ByteReader): Conformance {
  const at = r.offset;
  if (r.u8('the conformance block tag') !== CONFORMANCE_TAG[0] || r.u8('the conformance block tag') !== CONFORMANCE_TAG[1]) {
    throw new DlmsError('UNSUPPORTED_TAG', 'the conformance block must start with [APPLICATION 31] (5F 1F)', { offset: at });
  }
  const lengthAt = r.offset;
  const length = r.length('the conformance block length');
  if (length !== 4) {
    throw new DlmsError('INVALID_LENGTH', `the conformance block is a 24-bit BIT STRING (length 4), not length ${length}`, { offset: lengthAt });
  }
  const unusedAt = r.offset;
  const unused = r.u8('the unused-bits octet of the conformance block');
  if (unused !== 0) {
    throw new DlmsError('INVALID_VALUE', `the conformance block has no unused bits, but the octet says ${unused}`, { offset: unusedAt });
  }
  return conformanceFromBytes(r.bytes(3, 'the conformance block'));
}

/** Write the 7-byte BER form read by `readConformance`. */
export function writeConformance(w: ByteWriter, c: Conformance): void {
  w.u8(CONFORMANCE_TAG[0]).u8(CONFORMANCE_TAG[1]).u8(4).u8(0).bytes(conformanceToBytes(c));
}
