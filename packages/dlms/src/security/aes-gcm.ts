import { ByteReader, concatBytes } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';
import { nodeCryptoProvider } from './crypto-provider.ts';
import type { DlmsCryptoProvider } from './crypto-provider.ts';
import { decodeSecurityControl, encodeSecurityControl } from './security-control.ts';
import type { SecurityControl } from './security-control.ts';

/** Suites 0 and 1 use a 96-bit (12-byte) authentication tag (Green Book 9.2.3.3.7). */
export const DLMS_TAG_LENGTH = 12;

/** The symmetric keys of one protection. */
export interface CipherKeys {
  /** Block cipher key EK: the global unicast (GUEK), broadcast (GBEK), dedicated or an agreed key. */
  readonly encryptionKey: Uint8Array;
  /** Authentication key AK; required whenever the A bit is set. */
  readonly authenticationKey?: Uint8Array;
}

/** What `encryptPayload` protects. */
export interface ProtectInput extends CipherKeys {
  readonly securityControl: SecurityControl;
  /** The sender's system title (8 bytes): with the counter it forms the GCM nonce. */
  readonly systemTitle: Uint8Array;
  readonly invocationCounter: number;
  readonly plaintext: Uint8Array;
}

function checkSystemTitle(st: Uint8Array): void {
  if (st.length !== 8) throw new DlmsError('KEY_INVALID', `system title must be 8 bytes, got ${st.length}`);
}

function checkCounter(ic: number): void {
  if (!Number.isInteger(ic) || ic < 0 || ic > 0xffffffff) throw new DlmsError('INVALID_VALUE', `invocation counter ${ic} is outside 0..4294967295`);
}

/** IV = system title ‖ invocation counter, the 96-bit deterministic nonce of Green Book 9.2.3.3.7.2. */
const EMPTY = new Uint8Array(0);

/** Additional authenticated data SC ‖ AK ‖ rest (Green Book 9.2.7.2.4.2), in one allocation. */
function gcmAad(sc: number, ak: Uint8Array, rest: Uint8Array): Uint8Array {
  const aad = new Uint8Array(1 + ak.length + rest.length);
  aad[0] = sc;
  aad.set(ak, 1);
  aad.set(rest, 1 + ak.length);
  return aad;
}

export function gcmIv(systemTitle: Uint8Array, invocationCounter: number): Uint8Array {
  checkSystemTitle(systemTitle);
  checkCounter(invocationCounter);
  const iv = new Uint8Array(12);
  iv.set(systemTitle);
  iv[8] = invocationCounter >>> 24;
  iv[9] = (invocationCounter >>> 16) & 0xff;
  iv[10] = (invocationCounter >>> 8) & 0xff;
  iv[11] = invocationCounter & 0xff;
  return iv;
}

function checkSuite(sc: SecurityControl, keys: CipherKeys, offset?: number): void {
  // Suite 2 is AES-GCM-256 with P-384/SHA-384: not implemented here, so refused rather than guessed.
  if (sc.suite === 2) throw new DlmsError('SECURITY_POLICY', 'security suite 2 (AES-GCM-256, P-384) is not supported by this codec', offset === undefined ? {} : { offset });
  // Green Book 9.2.3.3.7: suites 0 and 1 use AES-GCM-128.
  if (keys.encryptionKey.length !== 16) throw new DlmsError('KEY_INVALID', `security suite ${sc.suite} needs a 16-byte block cipher key, got ${keys.encryptionKey.length}`);
}

function authKey(keys: CipherKeys): Uint8Array {
  if (!keys.authenticationKey) throw new DlmsError('KEY_INVALID', 'the security control byte sets authentication but no authentication key (AK) was given');
  return keys.authenticationKey;
}

/**
 * Protect `plaintext` as Green Book 9.2.7.2.4.2 ("Use of the AES-GCM inputs") describes and
 * return the security header and payload SC ‖ IC ‖ (C or P) ‖ T:
 * - authenticated and encrypted: AAD = SC ‖ AK ‖ `headerAad`, output C ‖ T;
 * - authenticated only: AAD = SC ‖ AK ‖ P, output P ‖ T (the APDU travels in clear);
 * - encrypted only: output C, no tag (tampering cannot be detected).
 *
 * `headerAad` carries the fields of a general-ciphering envelope; it joins the AAD of
 * authenticated-and-encrypted content in suites 1 and 2 only, as Gurux implements Green Book
 * 9.2.7.2.4.2 (see `generalCipheringAad`). For every other APDU it is empty.
 */
export function encryptPayload(input: ProtectInput, provider: DlmsCryptoProvider = nodeCryptoProvider, headerAad: Uint8Array = EMPTY): Uint8Array {
  const sc = encodeSecurityControl(input.securityControl);
  const { authenticated, encrypted } = input.securityControl;
  checkSuite(input.securityControl, input);
  if (!authenticated && !encrypted) throw new DlmsError('SECURITY_POLICY', 'security control sets neither authentication nor encryption: send the APDU unprotected instead');
  const iv = gcmIv(input.systemTitle, input.invocationCounter);
  const header = new Uint8Array(5);
  header[0] = sc;
  new DataView(header.buffer).setUint32(1, input.invocationCounter);
  if (encrypted && !authenticated) return concatBytes(header, provider.aesGcmCtrOnly(input.encryptionKey, iv, input.plaintext));
  const ak = authKey(input);
  if (!encrypted) {
    const { tag } = provider.aesGcmEncrypt(input.encryptionKey, iv, EMPTY, gcmAad(sc, ak, input.plaintext), DLMS_TAG_LENGTH);
    return concatBytes(header, input.plaintext, tag);
  }
  const extra = input.securityControl.suite === 0 ? EMPTY : headerAad;
  const { ciphertext, tag } = provider.aesGcmEncrypt(input.encryptionKey, iv, input.plaintext, gcmAad(sc, ak, extra), DLMS_TAG_LENGTH);
  return concatBytes(header, ciphertext, tag);
}

/** The result of `decryptPayload`. */
export interface Unprotected {
  readonly securityControl: SecurityControl;
  /**
   * Whether a tag was checked: the A bit of the security control. False means the plaintext is
   * deciphered but not authenticated, and the A bit itself may have been cleared in transit.
   */
  readonly authenticated: boolean;
  readonly invocationCounter: number;
  readonly plaintext: Uint8Array;
}

/**
 * What a receiver insists on when it unprotects an APDU (the `policy` option of `unprotectApdu`,
 * `unprotectGeneralCiphering` and `decryptPayload`). Not the Security setup (IC 64) attribute
 * `security_policy` (the cosem module's `SecurityPolicy`, Green Book 9.2.7.2.3), but derived from
 * it: an association whose policy authenticates requests/responses passes
 * `requireAuthentication: true`, one whose policy encrypts them `requireEncryption: true`.
 * Everything is optional; the empty policy accepts any of A, E or both.
 */
export interface UnprotectPolicy {
  /** Refuse APDUs without the A bit. Without this, clearing A in transit turns an authenticated APDU into an unchecked encrypted-only one. */
  readonly requireAuthentication?: boolean;
  /** Refuse APDUs without the E bit. */
  readonly requireEncryption?: boolean;
  /** Accept only this security suite. */
  readonly suite?: 0 | 1;
}

/** The security header SC ‖ IC at the start of ciphered content, checked against a policy. */
export function readSecurityHeader(r: ByteReader, policy: UnprotectPolicy = {}): { securityControl: SecurityControl; scByte: number; invocationCounter: number } {
  const scAt = r.offset;
  const scByte = r.u8('the security control byte');
  const securityControl = decodeSecurityControl(scByte, scAt);
  if (securityControl.suite === 2) throw new DlmsError('SECURITY_POLICY', 'security suite 2 (AES-GCM-256, P-384) is not supported by this codec', { offset: scAt });
  if (!securityControl.authenticated && !securityControl.encrypted) {
    throw new DlmsError('SECURITY_POLICY', 'ciphered APDU whose security control sets neither authentication nor encryption', { offset: scAt });
  }
  if (policy.requireAuthentication && !securityControl.authenticated) throw new DlmsError('SECURITY_POLICY', 'the security policy requires authentication but the APDU is not authenticated', { offset: scAt });
  if (policy.requireEncryption && !securityControl.encrypted) throw new DlmsError('SECURITY_POLICY', 'the security policy requires encryption but the APDU is not encrypted', { offset: scAt });
  if (policy.suite !== undefined && securityControl.suite !== policy.suite) {
    throw new DlmsError('SECURITY_POLICY', `the security policy requires suite ${policy.suite} but the APDU uses suite ${securityControl.suite}`, { offset: scAt });
  }
  const invocationCounter = r.u32('the invocation counter');
  return { securityControl, scByte, invocationCounter };
}

/**
 * The inverse of `encryptPayload`: `payload` is SC ‖ IC ‖ … as found inside a ciphered APDU,
 * `systemTitle` the sender's, `baseOffset` where the payload starts in the whole APDU (for error
 * offsets). Throws AUTH_TAG_INVALID when the tag does not verify, SECURITY_POLICY when the header
 * breaks `options.policy`. `options.headerAad` as in `encryptPayload`. Encrypted-only payloads are
 * accepted unless the policy requires authentication (see `unprotectApdu`).
 */
export function decryptPayload(
  payload: Uint8Array,
  systemTitle: Uint8Array,
  keys: CipherKeys,
  provider: DlmsCryptoProvider = nodeCryptoProvider,
  baseOffset = 0,
  options: { readonly policy?: UnprotectPolicy; readonly headerAad?: Uint8Array } = {},
): Unprotected {
  const r = new ByteReader(payload, baseOffset);
  const { securityControl, scByte, invocationCounter } = readSecurityHeader(r, options.policy);
  checkSuite(securityControl, keys);
  const iv = gcmIv(systemTitle, invocationCounter);
  const rest = r.rest();
  if (securityControl.encrypted && !securityControl.authenticated) {
    return { securityControl, authenticated: false, invocationCounter, plaintext: provider.aesGcmCtrOnly(keys.encryptionKey, iv, rest) };
  }
  if (rest.length < DLMS_TAG_LENGTH) {
    throw new DlmsError('TRUNCATED', `ciphered content is ${rest.length} byte(s), shorter than the ${DLMS_TAG_LENGTH}-byte tag`, { offset: baseOffset + 5 });
  }
  const body = rest.subarray(0, rest.length - DLMS_TAG_LENGTH);
  const tag = rest.subarray(rest.length - DLMS_TAG_LENGTH);
  const ak = authKey(keys);
  if (!securityControl.encrypted) {
    provider.aesGcmDecrypt(keys.encryptionKey, iv, EMPTY, gcmAad(scByte, ak, body), tag);
    return { securityControl, authenticated: true, invocationCounter, plaintext: Uint8Array.from(body) };
  }
  const extra = securityControl.suite === 0 ? EMPTY : (options.headerAad ?? EMPTY);
  const plaintext = provider.aesGcmDecrypt(keys.encryptionKey, iv, body, gcmAad(scByte, ak, extra), tag);
  return { securityControl, authenticated: true, invocationCounter, plaintext };
}
