import { ByteReader } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';
import type { DecodeLimits } from '../limits/index.ts';

/** A reader over `input`, refusing byte arrays above the configured APDU size limit. */
export function startReader(input: Uint8Array | ByteReader, limits: DecodeLimits, what: string): ByteReader {
  if (input instanceof ByteReader) return input;
  if (input.length > limits.maxApduSize) {
    throw new DlmsError('LIMIT_EXCEEDED', `${what} of ${input.length} bytes exceeds maxApduSize ${limits.maxApduSize}`, { offset: 0 });
  }
  return new ByteReader(input);
}

/**
 * A-XDR presence flag of an OPTIONAL or DEFAULT component (IEC 61334-6): 00 absent / default,
 * 01 present. Other values are refused: IEC 61334-6 defines no other, and they would not
 * re-encode to the same byte. (Lengths, by contrast, are read leniently: see
 * `decodeInitiateRequest`.)
 */
export function readOptionalFlag(r: ByteReader, field: string): boolean {
  const at = r.offset;
  const flag = r.u8(`the presence flag of ${field}`);
  if (flag > 1) {
    throw new DlmsError('INVALID_VALUE', `the presence flag of ${field} must be 00 or 01, not 0x${flag.toString(16).padStart(2, '0').toUpperCase()}`, {
      offset: at,
    });
  }
  return flag === 1;
}
