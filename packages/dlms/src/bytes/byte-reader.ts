import { DlmsError } from '../errors/index.ts';

/**
 * Bounds-checked cursor over a byte array. Every read either returns a value or throws
 * `DlmsError('TRUNCATED')` with the offset where the input ran out; `bytes()` returns
 * zero-copy `subarray` views.
 *
 * Offsets reported in errors are absolute: relative to the array the outermost reader was
 * made from, so a nested reader (`sub()`) still points into the caller's input.
 */
export class ByteReader {
  private readonly buf: Uint8Array;
  /** Made on first use: most readers only read bytes, and a DataView costs more than a small decode. */
  private dataView: DataView | undefined;
  private pos: number;
  private readonly end: number;
  /** Absolute offset of `buf[0]` in the outermost input. */
  private readonly base: number;

  constructor(bytes: Uint8Array, base = 0) {
    this.buf = bytes;
    this.pos = 0;
    this.end = bytes.length;
    this.base = base;
  }

  /** Absolute offset of the next byte to read. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Position relative to this reader's start. */
  get position(): number {
    return this.pos;
  }

  private get view(): DataView {
    return (this.dataView ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength));
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  private need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.end) {
      throw new DlmsError('TRUNCATED', `input ends inside ${what}: need ${n} byte(s), ${this.end - this.pos} left`, {
        offset: this.offset,
      });
    }
  }

  peekU8(what = 'a byte'): number {
    this.need(1, what);
    return this.buf[this.pos] as number;
  }

  u8(what = 'a byte'): number {
    this.need(1, what);
    return this.buf[this.pos++] as number;
  }

  i8(what = 'an integer'): number {
    return (this.u8(what) << 24) >> 24;
  }

  u16(what = 'a 16-bit field'): number {
    this.need(2, what);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 2;
    return ((b[p] as number) << 8) | (b[p + 1] as number);
  }

  i16(what = 'a 16-bit field'): number {
    return (this.u16(what) << 16) >> 16;
  }

  u32(what = 'a 32-bit field'): number {
    return this.i32(what) >>> 0;
  }

  i32(what = 'a 32-bit field'): number {
    this.need(4, what);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 4;
    return ((b[p] as number) << 24) | ((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number);
  }

  u64(what = 'a 64-bit field'): bigint {
    this.need(8, what);
    const v = this.view.getBigUint64(this.pos);
    this.pos += 8;
    return v;
  }

  i64(what = 'a 64-bit field'): bigint {
    this.need(8, what);
    const v = this.view.getBigInt64(this.pos);
    this.pos += 8;
    return v;
  }

  f32(what = 'a float32'): number {
    this.need(4, what);
    const v = this.view.getFloat32(this.pos);
    this.pos += 4;
    return v;
  }

  f64(what = 'a float64'): number {
    this.need(8, what);
    const v = this.view.getFloat64(this.pos);
    this.pos += 8;
    return v;
  }

  /** `n` bytes as a zero-copy view. */
  bytes(n: number, what = 'a byte string'): Uint8Array {
    if (n > this.end - this.pos || n < 0) this.need(n, what);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** Everything left, as a view. */
  rest(): Uint8Array {
    const v = this.buf.subarray(this.pos, this.end);
    this.pos = this.end;
    return v;
  }

  /**
   * A-XDR / BER definite length (IEC 61334-6 and X.690 8.1.3 use the same form): one byte below
   * 0x80, else 0x80|n followed by n big-endian bytes. Lengths above 2^32-1 are refused, and any
   * length larger than what is left is refused at once so a hostile length never allocates.
   */
  length(what = 'a length'): number {
    const start = this.offset;
    const first = this.u8(what);
    if (first < 0x80) return first;
    const n = first & 0x7f;
    if (n === 0) {
      throw new DlmsError('INVALID_LENGTH', `indefinite length (0x80) is not allowed in ${what}`, { offset: start });
    }
    if (n > 4) {
      throw new DlmsError('INVALID_LENGTH', `${what} uses ${n} length bytes; at most 4 are supported`, { offset: start });
    }
    let len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + this.u8(what);
    return len;
  }

  /** A length that must also fit in what is left of the input. */
  boundedLength(what = 'a length'): number {
    const start = this.offset;
    const len = this.length(what);
    if (len > this.remaining) {
      throw new DlmsError('TRUNCATED', `${what} says ${len} byte(s) but only ${this.remaining} remain`, { offset: start });
    }
    return len;
  }

  /** A reader over the next `n` bytes, advancing this one past them. */
  sub(n: number, what = 'a nested field'): ByteReader {
    const base = this.offset;
    return new ByteReader(this.bytes(n, what), base);
  }

  skip(n: number, what = 'a field'): void {
    this.need(n, what);
    this.pos += n;
  }

  /** Throws `TRAILING_BYTES` unless the whole input was consumed. */
  expectEnd(what = 'the APDU'): void {
    if (this.pos !== this.end) {
      throw new DlmsError('TRAILING_BYTES', `${this.end - this.pos} byte(s) left after ${what}`, { offset: this.offset });
    }
  }
}
