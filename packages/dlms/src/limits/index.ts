export { DEFAULT_DECODE_LIMITS, resolveLimits } from './decode-limits.ts';
export type { DecodeLimits } from './decode-limits.ts';
