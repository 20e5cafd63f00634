/**
 * Every failure the codec can report, with a stable machine-readable code.
 *
 * | code | meaning |
 * |---|---|
 * | `TRUNCATED` | the input ends before the structure it started is complete |
 * | `TRAILING_BYTES` | bytes remain after a complete APDU or frame |
 * | `INVALID_HEX` | a hex string has an odd length or a non-hex character |
 * | `INVALID_LENGTH` | a length field is malformed, too long, or disagrees with the content |
 * | `INVALID_VALUE` | a field holds a value the standard does not allow |
 * | `UNSUPPORTED_TAG` | an A-XDR data tag, APDU tag or BER tag this codec does not know |
 * | `LIMIT_EXCEEDED` | nesting depth, element count or size above a configured decode limit |
 * | `INVALID_OBIS` | an OBIS code that cannot be parsed |
 * | `HCS_MISMATCH` | HDLC header check sequence is wrong |
 * | `FCS_MISMATCH` | HDLC frame check sequence is wrong |
 * | `FRAME_INVALID` | an HDLC or wrapper frame violates its format (flags, format type, addresses) |
 * | `AUTH_TAG_INVALID` | AES-GCM authentication tag (or HLS GMAC) did not verify: wrong key, or tampered data |
 * | `COMPRESSION_UNSUPPORTED` | the security control byte asks for compression, which no suite supports |
 * | `SECURITY_POLICY` | the security control byte or suite is not acceptable here |
 * | `INVOCATION_COUNTER_REPLAY` | a received invocation counter did not increase |
 * | `INVOCATION_COUNTER_EXHAUSTED` | the invocation counter reached 2^32-1; re-key before sending again |
 * | `KEY_INVALID` | a key, system title or challenge has the wrong length |
 * | `SIGNATURE_INVALID` | an ECDSA signature (suite 1/2) did not verify |
 * | `BLOCK_SEQUENCE` | a block-transfer or segmented frame arrived out of order |
 */
export type DlmsErrorCode =
  | 'TRUNCATED'
  | 'TRAILING_BYTES'
  | 'INVALID_HEX'
  | 'INVALID_LENGTH'
  | 'INVALID_VALUE'
  | 'UNSUPPORTED_TAG'
  | 'LIMIT_EXCEEDED'
  | 'INVALID_OBIS'
  | 'HCS_MISMATCH'
  | 'FCS_MISMATCH'
  | 'FRAME_INVALID'
  | 'AUTH_TAG_INVALID'
  | 'COMPRESSION_UNSUPPORTED'
  | 'SECURITY_POLICY'
  | 'INVOCATION_COUNTER_REPLAY'
  | 'INVOCATION_COUNTER_EXHAUSTED'
  | 'KEY_INVALID'
  | 'SIGNATURE_INVALID'
  | 'BLOCK_SEQUENCE';

export interface DlmsErrorDetails {
  /** Byte offset into the input where the problem was found. */
  readonly offset?: number;
  /** Path into nested data, e.g. `structure[2].array[0]`. */
  readonly path?: string;
  readonly cause?: unknown;
}

/** The one error type of `@openams/dlms`: malformed or refused input, never a programming slip. */
export class DlmsError extends Error {
  override readonly name = 'DlmsError';
  readonly code: DlmsErrorCode;
  readonly offset: number | undefined;
  readonly path: string | undefined;

  constructor(code: DlmsErrorCode, message: string, details: DlmsErrorDetails = {}) {
    const where = [
      details.offset !== undefined ? `at byte ${details.offset}` : '',
      details.path ? `in ${details.path}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    super(where ? `${message} (${where})` : message, details.cause !== undefined ? { cause: details.cause } : undefined);
    this.code = code;
    this.offset = details.offset;
    this.path = details.path;
  }

  /** A copy of this error with a path segment prepended, used while unwinding nested decoders. */
  within(segment: string): DlmsError {
    const path = this.path ? `${segment}.${this.path}` : segment;
    const base = this.message.replace(/ \((at byte|in) .*\)$/, '');
    return new DlmsError(this.code, base, { ...(this.offset !== undefined ? { offset: this.offset } : {}), path, cause: this.cause });
  }
}

export function isDlmsError(e: unknown): e is DlmsError {
  return e instanceof DlmsError;
}
