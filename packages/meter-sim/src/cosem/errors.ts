/** Stable codes of `CosemModelError`. */
export type CosemModelErrorCode =
  /** An argument a caller of this module passed is out of range (a control mode of 9, a negative period). */
  | 'INVALID_ARGUMENT'
  /** A firmware image does not follow the format of `firmware-image.ts`. */
  | 'INVALID_IMAGE';

/**
 * The one error class of the COSEM object model. Refusals a real meter sends to a client
 * (`read-write-denied`, `object-undefined`, …) are never thrown: they are answered as values.
 * This is for programming errors of the simulator's own callers (the fleet, the fault layer, tests).
 */
export class CosemModelError extends Error {
  override readonly name = 'CosemModelError';

  constructor(
    readonly code: CosemModelErrorCode,
    message: string,
  ) {
    super(message);
  }
}
