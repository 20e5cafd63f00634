import { ACSE_TAGS, decodeAcseApdu, encodeAcseApdu } from '../acse/index.ts';
import type { AcseApdu } from '../acse/index.ts';
import {
  INITIATE_REQUEST_TAG,
  INITIATE_RESPONSE_TAG,
  decodeInitiateRequest,
  decodeInitiateResponse,
  encodeInitiateRequest,
  encodeInitiateResponse,
} from '../initiate/index.ts';
import type { InitiateRequest, InitiateResponse } from '../initiate/index.ts';
import { XDLMS_TAGS, decodeXdlmsApdu, encodeXdlmsApdu } from '../xdlms/index.ts';
import type { XdlmsApdu } from '../xdlms/index.ts';
import { CIPHERED_TAGS, CIPHERED_TYPE_NAMES, decodeCipheredApdu, encodeCipheredApdu } from '../security/index.ts';
import type { CipheredApdu } from '../security/index.ts';
import { DlmsError } from '../errors/index.ts';
import type { DecodeLimits } from '../limits/index.ts';

/**
 * Any APDU this codec knows (LN referencing): ACSE (AARQ…RLRE), the xDLMS InitiateRequest and
 * InitiateResponse (carried in ACSE user-information but also seen bare after deciphering a
 * glo-initiate-request), the xDLMS services, and ciphered envelopes. A union on `type`.
 */
export type Apdu = AcseApdu | InitiateRequest | InitiateResponse | XdlmsApdu | CipheredApdu;

/** Which family an APDU's first byte belongs to, or undefined for an unknown tag. */
export function apduFamily(tag: number): 'acse' | 'initiate' | 'xdlms' | 'ciphered' | undefined {
  if (ACSE_TAGS.has(tag)) return 'acse';
  if (tag === INITIATE_REQUEST_TAG || tag === INITIATE_RESPONSE_TAG) return 'initiate';
  if (XDLMS_TAGS.has(tag)) return 'xdlms';
  if (CIPHERED_TAGS.has(tag)) return 'ciphered';
  return undefined;
}

/**
 * Decode one complete APDU; trailing bytes are `TRAILING_BYTES`. Ciphered APDUs come back as their
 * envelope: `unprotectApdu` with the keys gives the plaintext, which this decodes in turn.
 */
export function decodeApdu(bytes: Uint8Array, limits?: Partial<DecodeLimits>): Apdu {
  if (bytes.length === 0) throw new DlmsError('TRUNCATED', 'empty input: an APDU needs at least its tag', { offset: 0 });
  const tag = bytes[0] as number;
  switch (apduFamily(tag)) {
    case 'acse':
      return decodeAcseApdu(bytes, limits);
    case 'initiate':
      return tag === INITIATE_REQUEST_TAG ? decodeInitiateRequest(bytes, limits) : decodeInitiateResponse(bytes, limits);
    case 'xdlms':
      return decodeXdlmsApdu(bytes, limits);
    case 'ciphered':
      return decodeCipheredApdu(bytes, limits);
    case undefined:
      throw new DlmsError('UNSUPPORTED_TAG', `0x${tag.toString(16).padStart(2, '0').toUpperCase()} is not an APDU tag this codec knows`, { offset: 0 });
  }
}

/** Encode any APDU; the inverse of `decodeApdu`. */
export function encodeApdu(apdu: Apdu): Uint8Array {
  if (apdu.type === 'initiate-request') return encodeInitiateRequest(apdu);
  if (apdu.type === 'initiate-response') return encodeInitiateResponse(apdu);
  if (isAcse(apdu)) return encodeAcseApdu(apdu);
  if (isCiphered(apdu)) return encodeCipheredApdu(apdu);
  return encodeXdlmsApdu(apdu);
}

const ACSE_TYPES: ReadonlySet<string> = new Set(['aarq', 'aare', 'rlrq', 'rlre']);
function isAcse(apdu: Apdu): apdu is AcseApdu {
  return ACSE_TYPES.has(apdu.type);
}
function isCiphered(apdu: Apdu): apdu is CipheredApdu {
  return CIPHERED_TYPE_NAMES.has(apdu.type);
}
