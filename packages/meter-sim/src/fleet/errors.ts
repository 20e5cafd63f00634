/** Stable codes of `FleetError`. */
export type FleetErrorCode =
  /** An option of the fleet, a front or the manifest is out of range (documented on the option). */
  | 'INVALID_OPTION'
  /** A meter index outside the fleet. */
  | 'NO_SUCH_METER'
  /** Bytes that should be a DLMS gateway PDU (Green Book gateway protocol) are not one. */
  | 'GATEWAY_PDU';

/**
 * The one error class of the fleet: programming and configuration errors of its callers. What a
 * head-end does wrong on the wire is answered on the wire (an AARE rejection, a closed link),
 * never thrown.
 */
export class FleetError extends Error {
  override readonly name = 'FleetError';

  constructor(
    readonly code: FleetErrorCode,
    message: string,
  ) {
    super(message);
  }
}
