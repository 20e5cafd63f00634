import type { ByteReader, ByteWriter } from '../bytes/index.ts';
import { ByteReader as Reader, ByteWriter as Writer } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';
import { resolveLimits } from '../limits/index.ts';
import type { DecodeLimits } from '../limits/index.ts';
import { DATA_TAG } from './data.ts';
import type { DlmsData, DlmsDataType, TypeDescription } from './data.ts';


const TYPE_OF_TAG: ReadonlyMap<number, DlmsDataType> = new Map(Object.entries(DATA_TAG).map(([k, v]) => [v, k as DlmsDataType]));

/** Fixed content sizes of the fixed-length types (bytes after the tag). */
const FIXED_SIZE: Partial<Record<DlmsDataType, number>> = {
  'null-data': 0,
  'dont-care': 0,
  boolean: 1,
  'double-long': 4,
  'double-long-unsigned': 4,
  'floating-point': 4,
  bcd: 1,
  integer: 1,
  long: 2,
  unsigned: 1,
  'long-unsigned': 2,
  long64: 8,
  'long64-unsigned': 8,
  enum: 1,
  float32: 4,
  float64: 8,
  'date-time': 12,
  date: 5,
  time: 4,
};

const latin1 = new TextDecoder('latin1');

/** Latin-1 text of `b`; short strings (meter ids, list names) are faster by hand than through TextDecoder. */
function latin1String(b: Uint8Array): string {
  if (b.length > 64) return latin1.decode(b);
  let out = '';
  for (let i = 0; i < b.length; i++) out += String.fromCharCode(b[i] as number);
  return out;
}
const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/** Walk state shared by one decode call: the limits and the running element count. */
interface Walk {
  readonly limits: DecodeLimits;
  total: number;
}

function count(walk: Walk, n: number, at: number): void {
  if (n > walk.limits.maxElements) {
    throw new DlmsError('LIMIT_EXCEEDED', `${n} elements exceed the limit of ${walk.limits.maxElements} per array or structure`, { offset: at });
  }
  walk.total += n;
  if (walk.total > walk.limits.maxTotalElements) {
    throw new DlmsError('LIMIT_EXCEEDED', `more than ${walk.limits.maxTotalElements} data values in one decode`, { offset: at });
  }
}

/**
 * Decode one A-XDR `Data` value (Blue Book 4.1.5 / IEC 61334-6) from `r`, leaving the reader after
 * it. Nesting depth, element counts and the total number of values are capped by `limits`; an
 * element count larger than the bytes left is refused before anything is allocated. Errors carry
 * the byte offset and a path such as `structure[2].array[0]`.
 */
export function decodeData(r: ByteReader, limits?: Partial<DecodeLimits>): DlmsData {
  return decodeTagged(r, { limits: resolveLimits(limits), total: 0 }, 0);
}

/** Decode `bytes` as exactly one `Data` value; trailing bytes are `TRAILING_BYTES`. */
export function decodeDataBytes(bytes: Uint8Array, limits?: Partial<DecodeLimits>): DlmsData {
  const r = new Reader(bytes);
  const d = decodeData(r, limits);
  r.expectEnd('the data value');
  return d;
}

function decodeTagged(r: ByteReader, walk: Walk, depth: number): DlmsData {
  const tag = r.u8('a data tag');
  // Numbers, not type names, in the hot switches: decoding a load profile is mostly this function.
  switch (tag) {
    case 1:
      return decodeSequence(r, walk, depth, 'array');
    case 2:
      return decodeSequence(r, walk, depth, 'structure');
    case 19:
      return decodeCompactArray(r, walk, depth);
    default:
      return decodeSimple(r, tag, r.offset - 1);
  }
}

function decodeSequence(r: ByteReader, walk: Walk, depth: number, type: 'array' | 'structure'): DlmsData {
  const at = r.offset;
  if (depth >= walk.limits.maxDepth) throw new DlmsError('LIMIT_EXCEEDED', `data nested deeper than ${walk.limits.maxDepth} levels`, { offset: at });
  const n = r.length(type === 'array' ? 'the element count of an array' : 'the element count of a structure');
  // Every element takes at least its tag byte, so a count above the bytes left is a lie.
  if (n > r.remaining) throw new DlmsError('TRUNCATED', `${type} claims ${n} elements but only ${r.remaining} byte(s) remain`, { offset: at });
  count(walk, n, at);
  const value: DlmsData[] = [];
  let i = 0;
  try {
    for (; i < n; i++) value.push(decodeTagged(r, walk, depth + 1));
  } catch (e) {
    throw e instanceof DlmsError ? e.within(`${type}[${i}]`) : e;
  }
  return { type, value };
}

/** One value of a non-container type, by its tag; `at` is where the tag was (for errors). */
function decodeSimple(r: ByteReader, tag: number, at: number): DlmsData {
  switch (tag) {
    case 0:
      return { type: 'null-data' };
    case 255:
      return { type: 'dont-care' };
    case 3: {
      // Any non-zero byte is TRUE (X.690 8.2.2); a byte other than 00/01 is kept so it re-encodes exactly.
      const b = r.u8('a boolean');
      return b > 1 ? { type: 'boolean', value: true, raw: b } : { type: 'boolean', value: b === 1 };
    }
    case 4: {
      const lengthAt = r.offset;
      const bitLength = r.length('the length of a bit-string');
      const byteLength = Math.ceil(bitLength / 8);
      if (byteLength > r.remaining) throw new DlmsError('TRUNCATED', `bit-string of ${bitLength} bits needs ${byteLength} bytes, ${r.remaining} left`, { offset: lengthAt });
      return { type: 'bit-string', bitLength, value: r.bytes(byteLength, 'a bit-string') };
    }
    case 5:
      return { type: 'double-long', value: r.i32('a double-long') };
    case 6:
      return { type: 'double-long-unsigned', value: r.u32('a double-long-unsigned') };
    case 7:
      return { type: 'floating-point', value: r.f32('a floating-point') };
    case 9:
      return { type: 'octet-string', value: r.bytes(r.boundedLength('the length of an octet-string'), 'an octet-string') };
    case 10:
      // Latin-1 maps each byte to one character, so any bytes a meter sends survive a round trip.
      return { type: 'visible-string', value: latin1String(r.bytes(r.boundedLength('the length of a visible-string'), 'a visible-string')) };
    case 12: {
      const stringAt = r.offset;
      const bytes = r.bytes(r.boundedLength('the length of a utf8-string'), 'a utf8-string');
      try {
        return { type: 'utf8-string', value: utf8.decode(bytes) };
      } catch {
        throw new DlmsError('INVALID_VALUE', 'utf8-string is not valid UTF-8', { offset: stringAt });
      }
    }
    case 13:
      return { type: 'bcd', value: r.u8('a bcd') };
    case 15:
      return { type: 'integer', value: r.i8('an integer') };
    case 16:
      return { type: 'long', value: r.i16('a long') };
    case 17:
      return { type: 'unsigned', value: r.u8('an unsigned') };
    case 18:
      return { type: 'long-unsigned', value: r.u16('a long-unsigned') };
    case 20:
      return { type: 'long64', value: r.i64('a long64') };
    case 21:
      return { type: 'long64-unsigned', value: r.u64('a long64-unsigned') };
    case 22:
      return { type: 'enum', value: r.u8('an enum') };
    case 23:
      return { type: 'float32', value: r.f32('a float32') };
    case 24:
      return { type: 'float64', value: r.f64('a float64') };
    case 25:
      return { type: 'date-time', value: r.bytes(12, 'a date-time') };
    case 26:
      return { type: 'date', value: r.bytes(5, 'a date') };
    case 27:
      return { type: 'time', value: r.bytes(4, 'a time') };
    default:
      throw new DlmsError('UNSUPPORTED_TAG', `0x${hex2(tag)} is not a COSEM data type tag`, { offset: at });
  }
}

function decodeTypeDescription(r: ByteReader, walk: Walk, depth: number): TypeDescription {
  const at = r.offset;
  if (depth >= walk.limits.maxDepth) throw new DlmsError('LIMIT_EXCEEDED', `type description nested deeper than ${walk.limits.maxDepth} levels`, { offset: at });
  const tag = r.u8('a type description tag');
  const type = TYPE_OF_TAG.get(tag);
  if (type === undefined || type === 'compact-array') {
    throw new DlmsError('UNSUPPORTED_TAG', `0x${hex2(tag)} is not allowed in a compact-array type description`, { offset: at });
  }
  if (type === 'array') {
    const n = r.u16('the element count of an array description');
    return { type, count: n, element: decodeTypeDescription(r, walk, depth + 1) };
  }
  if (type === 'structure') {
    const n = r.length('the element count of a structure description');
    if (n > r.remaining) throw new DlmsError('TRUNCATED', `structure description claims ${n} elements but only ${r.remaining} byte(s) remain`, { offset: at });
    const elements: TypeDescription[] = [];
    for (let i = 0; i < n; i++) elements.push(decodeTypeDescription(r, walk, depth + 1));
    return { type, elements };
  }
  return { type };
}

/** Smallest number of content bytes one value of `d` can take; 0 means it can be empty. */
function minimumSize(d: TypeDescription): number {
  switch (d.type) {
    case 'array':
      return d.count * minimumSize(d.element);
    case 'structure':
      return d.elements.reduce((n, e) => n + minimumSize(e), 0);
    default:
      return FIXED_SIZE[d.type] ?? 1; // variable-length types have at least their length byte
  }
}

/**
 * compact-array (Blue Book 4.1.5, Green Book 9.5 "compact-array"): a type description once, then
 * an octet string holding the values packed without tags (arrays and structures inside it carry no
 * counts either; strings keep their lengths).
 */
function decodeCompactArray(r: ByteReader, walk: Walk, depth: number): DlmsData {
  const at = r.offset;
  if (depth >= walk.limits.maxDepth) throw new DlmsError('LIMIT_EXCEEDED', `data nested deeper than ${walk.limits.maxDepth} levels`, { offset: at });
  const contents = decodeTypeDescription(r, walk, depth + 1);
  const body = r.sub(r.boundedLength('the length of the compact-array contents'), 'the compact-array contents');
  const min = minimumSize(contents);
  if (min === 0 && !body.atEnd) throw new DlmsError('INVALID_VALUE', 'compact-array of empty elements cannot have contents', { offset: at });
  const value: DlmsData[] = [];
  while (!body.atEnd) {
    count(walk, 1, body.offset);
    if (value.length >= walk.limits.maxElements) throw new DlmsError('LIMIT_EXCEEDED', `compact-array has more than ${walk.limits.maxElements} elements`, { offset: body.offset });
    try {
      value.push(decodeUntagged(body, contents, walk, depth + 1));
    } catch (e) {
      throw e instanceof DlmsError ? e.within(`compact-array[${value.length}]`) : e;
    }
  }
  return { type: 'compact-array', contents, value };
}

function decodeUntagged(r: ByteReader, d: TypeDescription, walk: Walk, depth: number): DlmsData {
  if (depth >= walk.limits.maxDepth) throw new DlmsError('LIMIT_EXCEEDED', `data nested deeper than ${walk.limits.maxDepth} levels`, { offset: r.offset });
  switch (d.type) {
    case 'array': {
      count(walk, d.count, r.offset);
      const value: DlmsData[] = [];
      for (let i = 0; i < d.count; i++) value.push(decodeUntagged(r, d.element, walk, depth + 1));
      return { type: 'array', value };
    }
    case 'structure': {
      count(walk, d.elements.length, r.offset);
      return { type: 'structure', value: d.elements.map((e) => decodeUntagged(r, e, walk, depth + 1)) };
    }
    default:
      return decodeSimple(r, DATA_TAG[d.type], r.offset);
  }
}

/** Append the A-XDR encoding of `d` (tag included) to `w`. Values out of range throw `INVALID_VALUE`. */
export function encodeData(w: ByteWriter, d: DlmsData): void {
  w.u8(DATA_TAG[d.type]);
  switch (d.type) {
    case 'array':
    case 'structure':
      w.length(d.value.length);
      for (const e of d.value) encodeData(w, e);
      return;
    case 'compact-array': {
      encodeTypeDescription(w, d.contents);
      w.fork();
      if (d.value.length > 0 && minimumSize(d.contents) === 0) throw new DlmsError('INVALID_VALUE', 'compact-array elements of an empty type cannot be encoded');
      d.value.forEach((e, i) => {
        try {
          encodeUntagged(w, e, d.contents);
        } catch (err) {
          throw err instanceof DlmsError ? err.within(`compact-array[${i}]`) : err;
        }
      });
      w.join();
      return;
    }
    default:
      encodeSimple(w, d);
  }
}

/** The A-XDR bytes of one `Data` value. */
export function encodeDataBytes(d: DlmsData): Uint8Array {
  const w = new Writer(64);
  encodeData(w, d);
  return w.finish();
}

function fixedBytes(w: ByteWriter, b: Uint8Array, n: number, what: string): void {
  if (b.length !== n) throw new DlmsError('INVALID_VALUE', `${what} is ${n} bytes, got ${b.length}`);
  w.bytes(b);
}

function finite(v: number, what: string): number {
  // NaN and infinities are legal IEEE 754 values on the wire; only non-numbers are refused.
  if (typeof v !== 'number') throw new DlmsError('INVALID_VALUE', `${what} must be a number`);
  return v;
}

function encodeSimple(w: ByteWriter, d: Exclude<DlmsData, { type: 'array' | 'structure' | 'compact-array' }>): void {
  switch (d.type) {
    case 'null-data':
    case 'dont-care':
      return;
    case 'boolean':
      w.u8(d.value ? (d.raw !== undefined && d.raw > 1 && d.raw <= 0xff ? d.raw : 1) : 0);
      return;
    case 'bit-string':
      if (!Number.isInteger(d.bitLength) || d.bitLength < 0 || Math.ceil(d.bitLength / 8) !== d.value.length) {
        throw new DlmsError('INVALID_VALUE', `bit-string of ${d.bitLength} bits needs ${Math.ceil(d.bitLength / 8)} bytes, got ${d.value.length}`);
      }
      w.length(d.bitLength).bytes(d.value);
      return;
    case 'double-long':
      w.i32(d.value);
      return;
    case 'double-long-unsigned':
      w.u32(d.value);
      return;
    case 'floating-point':
    case 'float32':
      w.f32(finite(d.value, d.type));
      return;
    case 'float64':
      w.f64(finite(d.value, d.type));
      return;
    case 'octet-string':
      w.length(d.value.length).bytes(d.value);
      return;
    case 'visible-string': {
      const b = new Uint8Array(d.value.length);
      for (let i = 0; i < d.value.length; i++) {
        const c = d.value.charCodeAt(i);
        if (c > 0xff) throw new DlmsError('INVALID_VALUE', `visible-string character U+${c.toString(16).padStart(4, '0')} does not fit in one byte`);
        b[i] = c;
      }
      w.length(b.length).bytes(b);
      return;
    }
    case 'utf8-string': {
      const b = utf8Encoder.encode(d.value);
      w.length(b.length).bytes(b);
      return;
    }
    case 'bcd':
    case 'unsigned':
    case 'enum':
      w.u8(d.value);
      return;
    case 'integer':
      w.i8(d.value);
      return;
    case 'long':
      w.i16(d.value);
      return;
    case 'long-unsigned':
      w.u16(d.value);
      return;
    case 'long64':
      w.i64(d.value);
      return;
    case 'long64-unsigned':
      w.u64(d.value);
      return;
    case 'date-time':
      fixedBytes(w, d.value, 12, 'a date-time');
      return;
    case 'date':
      fixedBytes(w, d.value, 5, 'a date');
      return;
    case 'time':
      fixedBytes(w, d.value, 4, 'a time');
      return;
  }
}

function encodeTypeDescription(w: ByteWriter, d: TypeDescription): void {
  w.u8(DATA_TAG[d.type]);
  if (d.type === 'array') {
    w.u16(d.count);
    encodeTypeDescription(w, d.element);
  } else if (d.type === 'structure') {
    w.length(d.elements.length);
    for (const e of d.elements) encodeTypeDescription(w, e);
  }
}

function encodeUntagged(w: ByteWriter, v: DlmsData, d: TypeDescription): void {
  if (v.type !== d.type) throw new DlmsError('INVALID_VALUE', `compact-array element is ${v.type} but the description says ${d.type}`);
  if (d.type === 'array' && v.type === 'array') {
    if (v.value.length !== d.count) throw new DlmsError('INVALID_VALUE', `compact-array element has ${v.value.length} array elements, description says ${d.count}`);
    for (const e of v.value) encodeUntagged(w, e, d.element);
    return;
  }
  if (d.type === 'structure' && v.type === 'structure') {
    if (v.value.length !== d.elements.length) throw new DlmsError('INVALID_VALUE', `compact-array element has ${v.value.length} structure fields, description says ${d.elements.length}`);
    v.value.forEach((e, i) => encodeUntagged(w, e, d.elements[i] as TypeDescription));
    return;
  }
  if (v.type === 'array' || v.type === 'structure') throw new DlmsError('INVALID_VALUE', `${v.type} cannot appear inside a compact-array here`);
  encodeSimple(w, v);
}

function hex2(b: number): string {
  return b.toString(16).padStart(2, '0').toUpperCase();
}
