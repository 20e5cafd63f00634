import { DlmsError, apduFamily, decodeXdlmsApdu } from '@openams/dlms';
import type { DataNotification } from '@openams/dlms';
import { HanError } from '../errors/index.ts';

/** APDU tag of data-notification (Green Book 9.5), the push of every HAN port. */
export const DATA_NOTIFICATION = 0x0f;
/** APDU tag of general-glo-ciphering, the envelope of encrypted HAN pushes (DK, AT, PL, CH). */
export const GENERAL_GLO_CIPHERING = 0xdb;

/**
 * The `HanError` for a `DlmsError` met while decoding a push: cut short → TRUNCATED; over a decode
 * limit → LIMIT_EXCEEDED; anything else malformed (a bad tag inside the body, trailing bytes, a
 * bad length) → INVALID_VALUE. The DlmsError is kept as `cause`, with its byte offset.
 */
export function hanErrorFromDlms(e: DlmsError, what: string): HanError {
  switch (e.code) {
    case 'TRUNCATED':
      return new HanError('TRUNCATED', `${what} is cut short: ${e.message}`, { cause: e });
    case 'LIMIT_EXCEEDED':
      return new HanError('LIMIT_EXCEEDED', `${what} is larger than any meter sends: ${e.message}`, { cause: e });
    default:
      return new HanError('INVALID_VALUE', `${what} is malformed: ${e.message}`, { cause: e });
  }
}

/**
 * Decode a plain APDU that must be a data-notification. Kaifa's and old Kamstrup firmware's
 * `09 0C` date-time is read by `@openams/dlms` as the header date-time. Throws TRUNCATED for an
 * APDU cut short, NOT_A_PUSH for any other APDU, INVALID_VALUE for malformed bytes.
 */
export function decodeDataNotificationApdu(apdu: Uint8Array): DataNotification {
  if (apdu.length === 0) throw new HanError('TRUNCATED', 'empty APDU');
  const tag = apdu[0] as number;
  if (tag !== DATA_NOTIFICATION) {
    const family = apduFamily(tag);
    throw new HanError('NOT_A_PUSH', `APDU 0x${tag.toString(16).padStart(2, '0').toUpperCase()} is ${family ? `a ${family} APDU` : 'no APDU this decoder knows'}, not a data-notification`);
  }
  try {
    const decoded = decodeXdlmsApdu(apdu);
    if (decoded.type !== 'data-notification') throw new HanError('NOT_A_PUSH', `a ${decoded.type} is not a data-notification`);
    return decoded;
  } catch (e) {
    if (e instanceof DlmsError) throw hanErrorFromDlms(e, 'the data-notification');
    throw e;
  }
}
