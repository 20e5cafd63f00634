/**
 * Counter-based randomness: every random number of the load model is a pure function of the
 * meter's seed and where it is used (day, quarter-hour, component), so any value can be computed
 * alone, in any order, and comes out the same every time. MurmurHash3's 32-bit mixing steps
 * (Austin Appleby, public domain): fast, good avalanche, no state.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixK(h: number, k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of up to four 32-bit integers. */
export function hash32(a: number, b: number, c = 0, d = 0): number {
  let h = mixK(0x5eed, a | 0);
  h = mixK(h, b | 0);
  h = mixK(h, c | 0);
  h = mixK(h, d | 0);
  return fmix(h ^ 16);
}

/** Uniform in [0, 1) from up to four integers. */
export function unit(a: number, b: number, c = 0, d = 0): number {
  return hash32(a, b, c, d) / 0x1_0000_0000;
}

/** Roughly standard normal (Irwin–Hall of three uniforms, scaled to variance 1): bounded to ±3. */
export function normal(a: number, b: number, c = 0, d = 0): number {
  const h1 = hash32(a, b, c, d);
  const h2 = fmix(h1 ^ 0x9e3779b9);
  const h3 = fmix(h2 ^ 0x7f4a7c15);
  return ((h1 + h2 + h3) / 0x1_0000_0000 - 1.5) * 2;
}

/** A 32-bit hash of a string (FNV-1a, then the Murmur finaliser). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix(h);
}
