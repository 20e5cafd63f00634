/**
 * Limits applied to untrusted input. Every decoder that walks nested or repeated data takes a
 * `Partial<DecodeLimits>` and merges it with `DEFAULT_DECODE_LIMITS` through `resolveLimits`,
 * so a hostile frame can neither recurse without bound nor claim millions of elements.
 */
export interface DecodeLimits {
  /** Deepest nesting of arrays/structures in A-XDR data. Real COSEM data rarely passes 6. */
  readonly maxDepth: number;
  /** Most elements in one array, structure or compact-array. */
  readonly maxElements: number;
  /** Most data values decoded in one call, over all nesting levels. */
  readonly maxTotalElements: number;
  /** Largest APDU accepted (bytes), including one reassembled from blocks or segments. */
  readonly maxApduSize: number;
  /** Most blocks in one block transfer or segments in one HDLC reassembly. */
  readonly maxBlocks: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = Object.freeze({
  maxDepth: 32,
  maxElements: 65_535,
  maxTotalElements: 1_000_000,
  maxApduSize: 1 << 20,
  maxBlocks: 4096,
});

export function resolveLimits(limits?: Partial<DecodeLimits>): DecodeLimits {
  return limits ? { ...DEFAULT_DECODE_LIMITS, ...limits } : DEFAULT_DECODE_LIMITS;
}
