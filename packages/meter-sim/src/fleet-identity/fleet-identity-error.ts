/**
 * Every failure of the fleet identity generator, with a stable machine-readable code.
 *
 * | code | meaning |
 * |---|---|
 * | `INVALID_SEED` | the fleet seed is not a non-empty string |
 * | `OUT_OF_RANGE` | a meter index outside `0 ≤ index < MAX_FLEET_SIZE`, or not an integer |
 * | `INVALID_OPTION` | a share table with a negative, non-finite or all-zero weight, or an unknown vendor/phase |
 */
export type FleetIdentityErrorCode = 'INVALID_SEED' | 'OUT_OF_RANGE' | 'INVALID_OPTION';

/** The one error type of `fleet-identity/`. */
export class FleetIdentityError extends Error {
  override readonly name = 'FleetIdentityError';
  readonly code: FleetIdentityErrorCode;

  constructor(code: FleetIdentityErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
