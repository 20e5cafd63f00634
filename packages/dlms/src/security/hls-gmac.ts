import { ByteReader, concatBytes } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';
import { nodeCryptoProvider } from './crypto-provider.ts';
import type { DlmsCryptoProvider } from './crypto-provider.ts';
import { gcmIv, DLMS_TAG_LENGTH } from './aes-gcm.ts';
import { decodeSecurityControl } from './security-control.ts';

/**
 * HLS authentication mechanism 5, GMAC (Green Book 9.2.7.4, Table "HLS example using
 * authentication-mechanism 5 with GMAC"):
 *  1. the client sends a random challenge CtoS (8–64 bytes) in the AARQ;
 *  2. the server answers with StoC in the AARE;
 *  3. the client sends f(StoC) in reply_to_HLS_authentication (Association LN method 1);
 *  4. the server checks it and returns f(CtoS), which the client checks.
 * f(challenge) = SC ‖ IC ‖ GMAC, with IV = own system title ‖ IC, key = EK, AAD = SC ‖ AK ‖
 * challenge and an empty plaintext.
 */
export interface HlsGmacInput {
  /** The system title of the party computing f (the client in pass 3, the server in pass 4). */
  readonly systemTitle: Uint8Array;
  readonly invocationCounter: number;
  /** The peer's challenge being answered. */
  readonly challenge: Uint8Array;
  readonly encryptionKey: Uint8Array;
  readonly authenticationKey: Uint8Array;
  /** Security control byte; 0x10 (suite 0, authentication) unless told otherwise. */
  readonly securityControl?: number;
  readonly provider?: DlmsCryptoProvider;
}

/** Green Book 9.2.7.4: "the length of the challenges … shall be 8 to 64 octets". */
function checkChallenge(challenge: Uint8Array): void {
  if (challenge.length < 8 || challenge.length > 64) throw new DlmsError('KEY_INVALID', `HLS challenge is ${challenge.length} bytes, outside 8..64`);
}

function checkSc(sc: number, offset?: number): void {
  const where = offset === undefined ? {} : { offset };
  const decoded = decodeSecurityControl(sc, offset);
  if (!decoded.authenticated) throw new DlmsError('SECURITY_POLICY', `HLS-GMAC security control 0x${sc.toString(16).padStart(2, '0')} does not set authentication`, where);
  if (decoded.suite === 2) throw new DlmsError('SECURITY_POLICY', 'security suite 2 (AES-GCM-256) is not supported by this codec', where);
}

/** f(challenge) = SC ‖ IC ‖ GMAC tag (17 bytes). */
export function hlsGmacResponse(input: HlsGmacInput): Uint8Array {
  const sc = input.securityControl ?? 0x10;
  checkSc(sc);
  checkChallenge(input.challenge);
  if (input.encryptionKey.length !== 16) throw new DlmsError('KEY_INVALID', `HLS-GMAC needs a 16-byte block cipher key, got ${input.encryptionKey.length}`);
  const provider = input.provider ?? nodeCryptoProvider;
  const iv = gcmIv(input.systemTitle, input.invocationCounter);
  const aad = concatBytes(Uint8Array.of(sc), input.authenticationKey, input.challenge);
  const { tag } = provider.aesGcmEncrypt(input.encryptionKey, iv, new Uint8Array(0), aad, DLMS_TAG_LENGTH);
  const out = new Uint8Array(5 + DLMS_TAG_LENGTH);
  out[0] = sc;
  new DataView(out.buffer).setUint32(1, input.invocationCounter);
  out.set(tag, 5);
  return out;
}

/**
 * Check the peer's f(challenge) against our own challenge, recomputing it with the peer's system
 * title and the counter it sent; compares in constant time. Returns the peer's counter so the
 * caller can enforce that it increases. Throws AUTH_TAG_INVALID on mismatch, TRUNCATED or
 * TRAILING_BYTES when the response is not 17 bytes.
 */
export function verifyHlsGmacResponse(input: {
  readonly peerSystemTitle: Uint8Array;
  /** The challenge we sent (CtoS for the client, StoC for the server). */
  readonly challenge: Uint8Array;
  readonly response: Uint8Array;
  readonly encryptionKey: Uint8Array;
  readonly authenticationKey: Uint8Array;
  readonly provider?: DlmsCryptoProvider;
}): { invocationCounter: number } {
  const provider = input.provider ?? nodeCryptoProvider;
  const r = new ByteReader(input.response);
  const sc = r.u8('the security control byte of f(challenge)');
  checkSc(sc, 0);
  const invocationCounter = r.u32('the invocation counter of f(challenge)');
  r.bytes(DLMS_TAG_LENGTH, 'the GMAC tag');
  r.expectEnd('f(challenge)');
  const expected = hlsGmacResponse({
    systemTitle: input.peerSystemTitle,
    invocationCounter,
    challenge: input.challenge,
    encryptionKey: input.encryptionKey,
    authenticationKey: input.authenticationKey,
    securityControl: sc,
    provider,
  });
  if (!provider.timingSafeEqual(expected, input.response)) {
    throw new DlmsError('AUTH_TAG_INVALID', 'HLS-GMAC response did not verify: the peer does not hold the same keys, or the system title is wrong');
  }
  return { invocationCounter };
}

/** A random challenge of 8 to 64 bytes (Green Book 9.2.7.4). */
export function generateChallenge(length = 16, provider: DlmsCryptoProvider = nodeCryptoProvider): Uint8Array {
  if (!Number.isInteger(length) || length < 8 || length > 64) throw new DlmsError('INVALID_VALUE', `HLS challenge length ${length} is outside 8..64`);
  return provider.randomBytes(length);
}
