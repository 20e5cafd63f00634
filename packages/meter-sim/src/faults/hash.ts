/**
 * Small, fast, seedable hashing for the fault plan. Every fault is a pure function of (fleet seed,
 * fault kind, meter or concentrator, day or instant), so the same seed always gives the same
 * faults, nothing is stored per meter, and any meter's history can be recomputed on demand.
 */

/** FNV-1a over the UTF-16 code units of `text`: the fleet seed as a 32-bit number. */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of four integers (MurmurHash3's finaliser between rounds). Inputs may be any safe integers. */
export function mix(a: number, b: number, c = 0, d = 0): number {
  let h = fmix(a ^ 0x9e3779b9);
  h = fmix(h ^ Math.imul(b | 0, 0xcc9e2d51) ^ Math.floor(b / 0x1_0000_0000));
  h = fmix(h ^ Math.imul(c | 0, 0x1b873593) ^ Math.floor(c / 0x1_0000_0000));
  h = fmix(h ^ Math.imul(d | 0, 0xe6546b64) ^ Math.floor(d / 0x1_0000_0000));
  return h;
}

/** A number in [0, 1) from four integers. */
export function uniform(a: number, b: number, c = 0, d = 0): number {
  return mix(a, b, c, d) / 0x1_0000_0000;
}
