/**
 * Every failure of the load model, with a stable machine-readable code.
 *
 * | code | meaning |
 * |---|---|
 * | `UNALIGNED_INTERVAL` | an interval start that is not on the 15- or 60-minute grid of Oslo local time |
 * | `INVALID_INSTANT` | an invalid `Date`, or one outside the calendar the model covers (1990–2099) |
 * | `INVALID_PARAMS` | load profile parameters that are out of range (negative energy, unknown archetype) |
 */
export type LoadModelErrorCode = 'UNALIGNED_INTERVAL' | 'INVALID_INSTANT' | 'INVALID_PARAMS';

/** The one error type of `load/`. */
export class LoadModelError extends Error {
  override readonly name = 'LoadModelError';
  readonly code: LoadModelErrorCode;

  constructor(code: LoadModelErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
