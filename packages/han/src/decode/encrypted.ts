import { DlmsError, decodeCipheredApdu, decodeXdlmsApdu, unprotectApdu } from '@openams/dlms';
import type { CipheredApdu } from '@openams/dlms';
import { HanError } from '../errors/index.ts';
import { DATA_NOTIFICATION, hanErrorFromDlms } from './notification.ts';

/** The keys of an encrypted HAN port, as the grid company hands them out (GUEK, GAK; DK: GPK60/61). */
export interface HanKeys {
  /** Global unicast encryption key, 16 bytes. */
  readonly encryptionKey?: Uint8Array;
  /** Global authentication key, 16 bytes; required for authenticated pushes (SC 0x30). */
  readonly authenticationKey?: Uint8Array;
}

/** A deciphered push: the plain data-notification bytes and how it was protected. */
export interface DecipheredPush {
  readonly plaintext: Uint8Array;
  /** Whether the GCM tag was checked (security control A bit). */
  readonly authenticated: boolean;
  readonly invocationCounter: number;
  readonly systemTitle: Uint8Array;
}

/**
 * Decipher a general-glo-ciphering HAN push (Green Book 9.2.7.2.4; Danish Kamstrup, Austrian and
 * Polish Kaifa/Sagemcom/Iskra): IV = the system title in the envelope ‖ the invocation counter,
 * AES-128-GCM with the user's encryption key and, when the push is authenticated, AAD = SC ‖ AK.
 *
 * Failures are told apart because users have to act on them differently (amsreader-firmware
 * #1245, where a wrong key showed as "no frames"):
 * - KEY_REQUIRED: no encryption key, or an authenticated push (A bit set) and no authentication key;
 * - DECRYPT_FAILED: the tag does not verify (wrong key, or a corrupted frame), the security
 *   header is refused, or an encrypted-only push does not decipher into a data-notification;
 * - TRUNCATED / INVALID_VALUE: the envelope itself is cut short or malformed.
 *
 * Encrypted-only pushes (SC 0x20/0x21: Austrian IM350/AM550, Polish MA309) carry no tag, so a
 * wrong key cannot be detected cryptographically and a flipped bit in the ciphertext flips the
 * same bit of the plaintext. They are accepted only when no authentication key is configured —
 * with an AK configured, a push without the A bit is refused, since clearing that bit in transit
 * would switch off the tag check — and their plaintext must decode as a complete
 * data-notification, which random bytes from a wrong key (or a damaged header) do not.
 */
export function decipherHanPush(apdu: Uint8Array, keys: HanKeys): DecipheredPush {
  let envelope: CipheredApdu;
  try {
    envelope = decodeCipheredApdu(apdu);
  } catch (e) {
    if (e instanceof DlmsError) throw hanErrorFromDlms(e, 'the ciphered push');
    throw e;
  }
  if (envelope.type !== 'general-glo-ciphering') throw new HanError('NOT_A_PUSH', `a ${envelope.type} APDU is not an encrypted HAN push (general-glo-ciphering)`);
  if (envelope.systemTitle.length !== 8) throw new HanError('INVALID_VALUE', `the system title in the envelope is ${envelope.systemTitle.length} bytes, not 8`);
  if (envelope.content.length === 0) throw new HanError('TRUNCATED', 'the ciphered content is empty');
  const sc = envelope.content[0] as number;
  const authenticated = (sc & 0x10) !== 0;
  if (keys.encryptionKey === undefined) throw new HanError('KEY_REQUIRED', 'this push is encrypted: give the encryption key (GUEK) the grid company issued');
  if (authenticated && keys.authenticationKey === undefined) {
    throw new HanError('KEY_REQUIRED', 'this push is authenticated (security control 0x' + hex(sc) + '): give the authentication key (GAK) too');
  }
  if (!authenticated && keys.authenticationKey !== undefined) {
    throw new HanError('DECRYPT_FAILED', `an authentication key is configured but this push carries no tag (security control 0x${hex(sc)}): refused, since a cleared A bit would skip the tag check`);
  }
  let plaintext: Uint8Array;
  let invocationCounter: number;
  try {
    const opened = unprotectApdu(apdu, {
      encryptionKey: keys.encryptionKey,
      ...(keys.authenticationKey !== undefined ? { authenticationKey: keys.authenticationKey, policy: { requireAuthentication: true } } : {}),
    });
    plaintext = opened.plaintext;
    invocationCounter = opened.invocationCounter;
  } catch (e) {
    if (!(e instanceof DlmsError)) throw e;
    if (e.code === 'TRUNCATED') throw hanErrorFromDlms(e, 'the ciphered push');
    throw new HanError('DECRYPT_FAILED', decryptMessage(e), { cause: e });
  }
  if (!authenticated && !decodesAsNotification(plaintext)) {
    throw new HanError('DECRYPT_FAILED', 'the push deciphered into bytes that are not a data-notification: wrong encryption key, or a damaged frame');
  }
  return { plaintext, authenticated, invocationCounter, systemTitle: envelope.systemTitle };
}

function decryptMessage(e: DlmsError): string {
  switch (e.code) {
    case 'AUTH_TAG_INVALID':
      return 'the push did not authenticate: wrong encryption or authentication key, or a damaged frame';
    case 'KEY_INVALID':
      return `a key is unusable: ${e.message}`;
    default:
      return `the security header was refused: ${e.message}`;
  }
}

function decodesAsNotification(plain: Uint8Array): boolean {
  if (plain[0] !== DATA_NOTIFICATION) return false;
  try {
    return decodeXdlmsApdu(plain).type === 'data-notification';
  } catch (e) {
    if (e instanceof DlmsError) return false;
    throw e;
  }
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0').toUpperCase();
}
