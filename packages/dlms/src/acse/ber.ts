import type { ByteReader, ByteWriter } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';

/**
 * The few BER (X.690) pieces the ACSE APDUs use: one-byte identifiers, definite lengths (through
 * ByteReader.boundedLength()/ByteWriter.fork()), INTEGER, OBJECT IDENTIFIER, BIT STRING and OCTET STRING.
 *
 * Lengths are read as BER allows (X.690 8.1.3.5): the long form is accepted even where the short
 * form or fewer length octets would do (`81 05` for 5), because a meter that sends it is legal and
 * refusing its AARE would cut it off. Such input decodes, but re-encodes in the shortest form
 * (X.690 10.1, what every DLMS implementation sends), so the bytes can differ while the decoded
 * value is the same. Everything else stays exact: INTEGERs longer than needed (X.690 8.3.2) and
 * 0x80-led OID sub-identifiers (X.690 8.19.2) are forbidden outright and are refused.
 */

/** A BIT STRING as on the wire (X.690 8.6): the unused-bit count of the last byte, and the bytes. */
export interface BerBitString {
  /** 0..7; 0 when `bytes` is empty. */
  readonly unusedBits: number;
  readonly bytes: Uint8Array;
}

/** UNIVERSAL 2, INTEGER (X.690 8.3). */
export const BER_INTEGER = 0x02;
/** UNIVERSAL 4, OCTET STRING, primitive (X.690 8.7). */
export const BER_OCTET_STRING = 0x04;
/** UNIVERSAL 6, OBJECT IDENTIFIER (X.690 8.19). */
export const BER_OBJECT_IDENTIFIER = 0x06;

/** One element: where its identifier was, the identifier byte, and a reader over its contents. */
export interface BerElement {
  readonly tag: number;
  readonly offset: number;
  readonly content: ByteReader;
}

/** A byte as two upper-case hex digits, for error messages. */
export function hex2(b: number): string {
  return b.toString(16).padStart(2, '0').toUpperCase();
}

/** Read one element with a one-byte identifier; the high-tag-number form (low bits 11111) is refused. */
export function readElement(r: ByteReader, what: string): BerElement {
  const offset = r.offset;
  const tag = r.u8(`the tag of ${what}`);
  if ((tag & 0x1f) === 0x1f) {
    throw new DlmsError('UNSUPPORTED_TAG', `0x${hex2(tag)} starts a multi-byte BER tag, which ${what} never uses`, { offset });
  }
  // X.690 8.1.3.5: a long-form length with more octets than needed is legal BER; accept it.
  const length = r.boundedLength(`the length of ${what}`);
  return { tag, offset, content: r.sub(length, what) };
}

/** Read one element that must carry identifier `tag`; returns its contents. */
export function expectElement(r: ByteReader, tag: number, what: string): ByteReader {
  const offset = r.offset;
  const found = r.peekU8(`the tag of ${what}`);
  if (found !== tag) {
    throw new DlmsError('UNSUPPORTED_TAG', `${what} must be tagged 0x${hex2(tag)}, found 0x${hex2(found)}`, { offset });
  }
  return readElement(r, what).content;
}

/** The contents of a constructed element must end exactly where its length says. */
export function expectEndOf(content: ByteReader, what: string): void {
  if (!content.atEnd) {
    throw new DlmsError('INVALID_LENGTH', `${what} has ${content.remaining} byte(s) after its value`, { offset: content.offset });
  }
}

/** Write `tag`, then the contents `body` writes, with the BER length in front. */
export function writeElement(w: ByteWriter, tag: number, body: () => void): void {
  w.u8(tag).fork();
  body();
  w.join();
}

// --- INTEGER (X.690 8.3) ---------------------------------------------------------------------

/** Up to 6 content bytes: every INTEGER in these APDUs is small, and 48 bits stay exact in a JS number. */
const MAX_INTEGER_BYTES = 6;
const INTEGER_LIMIT = 2 ** 47;

/** INTEGER contents (the whole reader): two's complement, shortest form (X.690 8.3.2). */
export function readInteger(c: ByteReader, what: string): number {
  const at = c.offset;
  const n = c.remaining;
  if (n === 0) throw new DlmsError('INVALID_LENGTH', `${what} is an INTEGER with no content`, { offset: at });
  if (n > MAX_INTEGER_BYTES) throw new DlmsError('INVALID_VALUE', `${what} is an INTEGER of ${n} bytes; at most ${MAX_INTEGER_BYTES} are supported`, { offset: at });
  const b = c.bytes(n, what);
  const first = b[0] as number;
  if (n > 1) {
    const second = b[1] as number;
    // X.690 8.3.2: the first nine bits shall not be all zeros or all ones.
    if ((first === 0x00 && second < 0x80) || (first === 0xff && second >= 0x80)) {
      throw new DlmsError('INVALID_VALUE', `${what} is an INTEGER in a longer form than needed (X.690 8.3.2)`, { offset: at });
    }
  }
  let v = first >= 0x80 ? first - 0x100 : first;
  for (let i = 1; i < n; i++) v = v * 256 + (b[i] as number);
  return v;
}

/** INTEGER contents in the shortest two's-complement form. */
export function writeInteger(w: ByteWriter, value: number, what: string): void {
  if (!Number.isInteger(value) || value < -INTEGER_LIMIT || value >= INTEGER_LIMIT) {
    throw new DlmsError('INVALID_VALUE', `${what} ${value} is not an integer in -2^47..2^47-1`);
  }
  const out: number[] = [];
  let v = value;
  for (;;) {
    out.unshift(((v % 256) + 256) % 256);
    v = Math.floor(v / 256);
    const top = (out[0] as number) & 0x80;
    if ((v === 0 && top === 0) || (v === -1 && top !== 0)) break;
  }
  for (const b of out) w.u8(b);
}

// --- OBJECT IDENTIFIER (X.690 8.19) ------------------------------------------------------------

/** Seven 7-bit groups: 49 bits, exact in a JS number. DLMS arcs are far smaller. */
const MAX_SUBIDENTIFIER_BYTES = 7;
const OID_PATTERN = /^(0|[1-9]\d*)(\.(0|[1-9]\d*))+$/;

/** OBJECT IDENTIFIER contents (the whole reader) as dotted decimal, e.g. `2.16.756.5.8.1.1`. */
export function readOid(c: ByteReader, what: string): string {
  if (c.atEnd) throw new DlmsError('INVALID_LENGTH', `${what} is an OBJECT IDENTIFIER with no content`, { offset: c.offset });
  const subs: number[] = [];
  while (!c.atEnd) {
    const at = c.offset;
    let b = c.u8(what);
    // X.690 8.19.2: a sub-identifier's first octet shall not be 0x80.
    if (b === 0x80) throw new DlmsError('INVALID_VALUE', `${what} has a sub-identifier padded with 0x80 (X.690 8.19.2)`, { offset: at });
    let v = b & 0x7f;
    let n = 1;
    while (b & 0x80) {
      if (c.atEnd) throw new DlmsError('INVALID_VALUE', `${what} ends inside a sub-identifier`, { offset: c.offset });
      if (++n > MAX_SUBIDENTIFIER_BYTES) throw new DlmsError('INVALID_VALUE', `${what} has a sub-identifier longer than ${MAX_SUBIDENTIFIER_BYTES} bytes`, { offset: at });
      b = c.u8(what);
      v = v * 128 + (b & 0x7f);
    }
    subs.push(v);
  }
  // X.690 8.19.4: the first sub-identifier packs the first two arcs as 40·X + Y.
  const first = subs[0] as number;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...subs.slice(1)].join('.');
}

/** OBJECT IDENTIFIER contents from dotted decimal. */
export function writeOid(w: ByteWriter, oid: string, what: string): void {
  if (!OID_PATTERN.test(oid)) throw new DlmsError('INVALID_VALUE', `${what} '${oid}' is not a dotted OBJECT IDENTIFIER`);
  const arcs = oid.split('.').map(Number);
  const [x, y] = arcs as [number, number];
  if (x > 2 || (x < 2 && y >= 40)) throw new DlmsError('INVALID_VALUE', `${what} '${oid}' has invalid first arcs (X.690 8.19.4)`);
  const subs = [x * 40 + y, ...arcs.slice(2)];
  for (const sub of subs) {
    if (sub >= 2 ** (7 * MAX_SUBIDENTIFIER_BYTES)) throw new DlmsError('INVALID_VALUE', `${what} '${oid}' has an arc too large to encode`);
    const groups: number[] = [];
    let v = sub;
    do {
      groups.unshift(v % 128);
      v = Math.floor(v / 128);
    } while (v > 0);
    groups.forEach((g, i) => w.u8(i < groups.length - 1 ? g | 0x80 : g));
  }
}

// --- BIT STRING (X.690 8.6) --------------------------------------------------------------------

/** BIT STRING contents (the whole reader), kept as sent so it re-encodes byte for byte. */
export function readBitString(c: ByteReader, what: string): BerBitString {
  const at = c.offset;
  const unusedBits = c.u8(`the unused-bits octet of ${what}`);
  if (unusedBits > 7 || (unusedBits > 0 && c.atEnd)) {
    throw new DlmsError('INVALID_VALUE', `${what} claims ${unusedBits} unused bit(s) in ${c.remaining} byte(s) (X.690 8.6.2)`, { offset: at });
  }
  return { unusedBits, bytes: c.rest() };
}

/** BIT STRING contents: the unused-bit count, then the bytes. */
export function writeBitString(w: ByteWriter, bits: BerBitString, what: string): void {
  const { unusedBits, bytes } = bits;
  if (!Number.isInteger(unusedBits) || unusedBits < 0 || unusedBits > 7 || (unusedBits > 0 && bytes.length === 0)) {
    throw new DlmsError('INVALID_VALUE', `${what} cannot have ${unusedBits} unused bit(s) in ${bytes.length} byte(s)`);
  }
  w.u8(unusedBits).bytes(bytes);
}

/** Bit `n` of a BIT STRING (bit 0 is the most significant bit of the first byte). */
export function bitStringHas(bits: BerBitString, n: number): boolean {
  const byte = bits.bytes[n >> 3];
  if (byte === undefined || n >= bits.bytes.length * 8 - bits.unusedBits) return false;
  return (byte & (0x80 >> (n & 7))) !== 0;
}
