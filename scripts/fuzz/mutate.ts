/**
 * Deterministic input generation for the fuzz targets: a seeded PRNG (mulberry32) so any failure
 * is reproducible from its seed and index, plus the classic byte mutations (bit flip, byte set,
 * insert, delete, truncate, duplicate a slice, splice two seeds, set an "interesting" value into a
 * length position).
 */
export class Prng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }
}

const INTERESTING = [0x00, 0x01, 0x7e, 0x7f, 0x80, 0x81, 0x82, 0x84, 0xff, 0xfe, 0x0c, 0x10, 0x20, 0x30];

/** One to four random mutations of `seed` (never modifies `seed`). */
export function mutate(seed: Uint8Array, rng: Prng, corpus: readonly Uint8Array[]): Uint8Array {
  let b: Uint8Array = Uint8Array.from(seed);
  const steps = 1 + rng.int(4);
  for (let s = 0; s < steps; s++) {
    const at = b.length ? rng.int(b.length) : 0;
    switch (rng.int(8)) {
      case 0:
        if (b.length) b[at] = (b[at] as number) ^ (1 << rng.int(8));
        break;
      case 1:
        if (b.length) b[at] = rng.pick(INTERESTING);
        break;
      case 2: {
        const ins = rng.bytes(1 + rng.int(8));
        b = concat(b.subarray(0, at), ins, b.subarray(at));
        break;
      }
      case 3:
        b = concat(b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + rng.int(8))));
        break;
      case 4:
        b = b.subarray(0, at);
        break;
      case 5: {
        const len = Math.min(b.length - at, 1 + rng.int(32));
        b = concat(b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at + len));
        break;
      }
      case 6: {
        const other = rng.pick(corpus);
        const from = other.length ? rng.int(other.length) : 0;
        b = concat(b.subarray(0, at), other.subarray(from));
        break;
      }
      default:
        if (b.length) b[at] = rng.int(256);
    }
  }
  return b;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
