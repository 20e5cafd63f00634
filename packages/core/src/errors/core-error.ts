/**
 * Every failure `@openams/core` reports, with a stable machine-readable code.
 *
 * | code | meaning |
 * |---|---|
 * | `INVALID_GSRN` | a metering-point id is not an 18-digit Norwegian GSRN; `reason` says why (`non-digit`, `length`, `prefix`, `check-digit`) |
 * | `INVALID_GLN` | a party id is not a 13-digit GLN; `reason` as for `INVALID_GSRN` (no `prefix`) |
 * | `INVALID_DATE` | a date is not a real `YYYY-MM-DD` day, or a date-time is not ISO 8601 UTC as the format requires |
 * | `INVALID_RESOLUTION` | a resolution other than `PT15M`/`PT60M` (`PT1H` is read as `PT60M`) |
 * | `INVALID_QUANTITY_KIND` | a product, unit or metering-point type that names no known quantity, or codes that disagree |
 * | `INVALID_QUALITY` | a quality code this profile does not know |
 * | `INVALID_JSON` | text that is not JSON at all |
 * | `INVALID_DOCUMENT` | a field is missing, has the wrong type, is not allowed, or holds a code the profile does not accept |
 * | `INVALID_PERIOD` | a time series period that is not exactly one Oslo day |
 * | `INVALID_POSITIONS` | a position outside 1..n, twice, or missing for the day's interval count |
 * | `INVALID_QUANTITY` | a quantity that is negative, not finite, missing where the quality needs one, or present on a missing value |
 * | `LIMIT_EXCEEDED` | more series than the decode limit allows |
 * | `OUT_OF_RANGE` | a number outside what the function supports (year, day count, interval index, sequence number) |
 */
export type CoreErrorCode =
  | 'INVALID_GSRN'
  | 'INVALID_GLN'
  | 'INVALID_DATE'
  | 'INVALID_RESOLUTION'
  | 'INVALID_QUANTITY_KIND'
  | 'INVALID_QUALITY'
  | 'INVALID_JSON'
  | 'INVALID_DOCUMENT'
  | 'INVALID_PERIOD'
  | 'INVALID_POSITIONS'
  | 'INVALID_QUANTITY'
  | 'LIMIT_EXCEEDED'
  | 'OUT_OF_RANGE';

/** Why a GS1 key (GSRN or GLN) was refused, in the order the checks run. */
export type Gs1Reason = 'non-digit' | 'length' | 'prefix' | 'check-digit';

/** Where and why, attached to a {@link CoreError}. */
export interface CoreErrorDetails {
  /** Path into the decoded data, e.g. `Series[2].Period.Point[5].quantity`. */
  readonly path?: string;
  /** A finer, stable sub-code (for `INVALID_GSRN`/`INVALID_GLN`: a {@link Gs1Reason}). */
  readonly reason?: string;
  readonly cause?: unknown;
}

/** The one error type of `@openams/core`: input that is malformed or outside what is supported. */
export class CoreError extends Error {
  override readonly name = 'CoreError';
  readonly code: CoreErrorCode;
  readonly path: string | undefined;
  readonly reason: string | undefined;

  constructor(code: CoreErrorCode, message: string, details: CoreErrorDetails = {}) {
    super(details.path ? `${message} (in ${details.path})` : message, details.cause !== undefined ? { cause: details.cause } : undefined);
    this.code = code;
    this.path = details.path;
    this.reason = details.reason;
  }

  /** A copy of this error with a path segment prepended, used while unwinding nested decoders. */
  within(segment: string): CoreError {
    const path = this.path ? `${segment}${this.path.startsWith('[') ? '' : '.'}${this.path}` : segment;
    const base = this.message.replace(/ \(in .*\)$/, '');
    return new CoreError(this.code, base, { path, ...(this.reason !== undefined ? { reason: this.reason } : {}), cause: this.cause });
  }
}

/** Whether `e` is a {@link CoreError}. */
export function isCoreError(e: unknown): e is CoreError {
  return e instanceof CoreError;
}
