import { DlmsError } from '../errors/index.ts';

/**
 * Growing output buffer. Length-first fields (A-XDR lengths, BER in AARQ/AARE) are written with
 * `fork()` … `join()`: write the content after `fork()`, and `join()` puts the length in front.
 */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;
  private readonly forks: number[] = [];

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
    this.view = new DataView(this.buf.buffer);
  }

  /** Bytes written so far. */
  get byteLength(): number {
    return this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  private checkInt(v: number, min: number, max: number, what: string): void {
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new DlmsError('INVALID_VALUE', `${what} ${v} is outside ${min}..${max}`);
    }
  }

  u8(v: number): this {
    this.checkInt(v, 0, 0xff, 'unsigned 8-bit value');
    this.ensure(1);
    this.buf[this.pos++] = v;
    return this;
  }

  i8(v: number): this {
    this.checkInt(v, -0x80, 0x7f, 'signed 8-bit value');
    this.ensure(1);
    this.view.setInt8(this.pos, v);
    this.pos += 1;
    return this;
  }

  u16(v: number): this {
    this.checkInt(v, 0, 0xffff, 'unsigned 16-bit value');
    this.ensure(2);
    this.view.setUint16(this.pos, v);
    this.pos += 2;
    return this;
  }

  i16(v: number): this {
    this.checkInt(v, -0x8000, 0x7fff, 'signed 16-bit value');
    this.ensure(2);
    this.view.setInt16(this.pos, v);
    this.pos += 2;
    return this;
  }

  u32(v: number): this {
    this.checkInt(v, 0, 0xffffffff, 'unsigned 32-bit value');
    this.ensure(4);
    this.view.setUint32(this.pos, v);
    this.pos += 4;
    return this;
  }

  i32(v: number): this {
    this.checkInt(v, -0x80000000, 0x7fffffff, 'signed 32-bit value');
    this.ensure(4);
    this.view.setInt32(this.pos, v);
    this.pos += 4;
    return this;
  }

  u64(v: bigint): this {
    if (v < 0n || v > 0xffffffffffffffffn) throw new DlmsError('INVALID_VALUE', `unsigned 64-bit value ${v} out of range`);
    this.ensure(8);
    this.view.setBigUint64(this.pos, v);
    this.pos += 8;
    return this;
  }

  i64(v: bigint): this {
    if (v < -0x8000000000000000n || v > 0x7fffffffffffffffn) {
      throw new DlmsError('INVALID_VALUE', `signed 64-bit value ${v} out of range`);
    }
    this.ensure(8);
    this.view.setBigInt64(this.pos, v);
    this.pos += 8;
    return this;
  }

  f32(v: number): this {
    this.ensure(4);
    this.view.setFloat32(this.pos, v);
    this.pos += 4;
    return this;
  }

  f64(v: number): this {
    this.ensure(8);
    this.view.setFloat64(this.pos, v);
    this.pos += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** A-XDR / BER definite length (same encoding in both). */
  length(n: number): this {
    this.checkInt(n, 0, 0xffffffff, 'length');
    if (n < 0x80) return this.u8(n);
    const out: number[] = [];
    let v = n;
    while (v > 0) {
      out.unshift(v & 0xff);
      v = Math.floor(v / 256);
    }
    this.u8(0x80 | out.length);
    for (const b of out) this.u8(b);
    return this;
  }

  /** Start a length-prefixed field; close it with `join()`. Forks nest. */
  fork(): this {
    this.forks.push(this.pos);
    return this;
  }

  /** Close the innermost `fork()`: its content gets an A-XDR/BER length in front. */
  join(): this {
    const start = this.forks.pop();
    if (start === undefined) throw new DlmsError('INVALID_VALUE', 'join() without a matching fork()');
    const content = this.buf.slice(start, this.pos);
    this.pos = start;
    this.length(content.length);
    this.bytes(content);
    return this;
  }

  /** The bytes written so far, as a fresh copy. */
  finish(): Uint8Array {
    if (this.forks.length > 0) throw new DlmsError('INVALID_VALUE', 'finish() with an open fork()');
    return this.buf.slice(0, this.pos);
  }
}
