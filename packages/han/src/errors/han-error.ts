/**
 * Every failure of `@openams/han`, with a stable machine-readable code.
 *
 * | code | meaning |
 * |---|---|
 * | `FRAME_INVALID` | bytes that are not a frame (bad flags, length, M-Bus start/stop or checksum); `cause` holds the DlmsError when framing came from `@openams/dlms` |
 * | `CHECKSUM_MISMATCH` | an HDLC HCS/FCS or M-Bus checksum does not match: a bit error on the line |
 * | `TRUNCATED` | a frame or APDU was cut short |
 * | `NOT_A_PUSH` | a complete APDU that is not a data-notification (or a ciphered one around it) |
 * | `UNKNOWN_LIST` | a data-notification whose layout matches no known vendor list |
 * | `KEY_REQUIRED` | an encrypted push arrived but no encryption key was configured |
 * | `DECRYPT_FAILED` | the push did not decipher or authenticate under the configured keys |
 * | `INVALID_VALUE` | a field holds a value a real meter cannot send (e.g. a voltage of 65 kV, a clock of month 13) |
 * | `LIMIT_EXCEEDED` | a frame or list larger than any meter sends |
 * | `CAPTURE_INVALID` | a capture file line that is not hex or not `<ISO time> <hex>` |
 * | `INVALID_OPTION` | an option out of its range (a step table with gaps, a negative limit) |
 */
export type HanErrorCode =
  | 'FRAME_INVALID'
  | 'CHECKSUM_MISMATCH'
  | 'TRUNCATED'
  | 'NOT_A_PUSH'
  | 'UNKNOWN_LIST'
  | 'KEY_REQUIRED'
  | 'DECRYPT_FAILED'
  | 'INVALID_VALUE'
  | 'LIMIT_EXCEEDED'
  | 'CAPTURE_INVALID'
  | 'INVALID_OPTION';

/** The one error type of `@openams/han`. */
export class HanError extends Error {
  override readonly name = 'HanError';
  readonly code: HanErrorCode;

  constructor(code: HanErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.code = code;
  }
}

export function isHanError(e: unknown): e is HanError {
  return e instanceof HanError;
}
