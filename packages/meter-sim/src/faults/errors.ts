/** Stable codes of `FaultConfigError`. */
export type FaultConfigErrorCode =
  /** The text given as a fault configuration is not JSON. */
  | 'INVALID_JSON'
  /** A field is unknown or out of range; `problems` lists every one. */
  | 'INVALID_CONFIG';

/**
 * The one error class of the fault layer: a fault configuration that cannot be used. Faults
 * themselves are never errors; they are what the simulated meters do.
 */
export class FaultConfigError extends Error {
  override readonly name = 'FaultConfigError';

  constructor(
    readonly code: FaultConfigErrorCode,
    message: string,
    /** One line per bad value (empty for INVALID_JSON). */
    readonly problems: readonly string[],
  ) {
    super(message);
  }
}
