import { DlmsError } from '../errors/index.ts';
import type { DecodeLimits } from '../limits/index.ts';
import { nodeCryptoProvider } from './crypto-provider.ts';
import type { DlmsCryptoProvider } from './crypto-provider.ts';
import { decodeCipheredApdu, encodeCipheredApdu, generalSigningSignedData } from './ciphered-apdu.ts';
import type { GeneralSigningApdu } from './ciphered-apdu.ts';

/** The fields of a general-signing APDU that the originator chooses. */
export interface GeneralSigningFields {
  readonly transactionId: Uint8Array;
  readonly originatorSystemTitle: Uint8Array;
  readonly recipientSystemTitle: Uint8Array;
  /** Empty (absent) unless given. */
  readonly dateTime?: Uint8Array;
  readonly otherInformation?: Uint8Array;
  /** The APDU being signed, plain or ciphered. */
  readonly content: Uint8Array;
}

/**
 * Sign an APDU with ECDSA P-256 / SHA-256 (security suite 1, Green Book 9.2.3.4.5 and
 * 9.2.7.2.5) and wrap it in general-signing. The signature covers the general-signing APDU from
 * its tag through the content field, i.e. every field but the signature itself.
 */
export function signGeneralSigning(fields: GeneralSigningFields, signingPrivateKey: Uint8Array, provider: DlmsCryptoProvider = nodeCryptoProvider): Uint8Array {
  const unsigned = {
    transactionId: fields.transactionId,
    originatorSystemTitle: fields.originatorSystemTitle,
    recipientSystemTitle: fields.recipientSystemTitle,
    dateTime: fields.dateTime ?? new Uint8Array(0),
    otherInformation: fields.otherInformation ?? new Uint8Array(0),
    content: fields.content,
  };
  const signature = provider.ecdsaP256Sign(signingPrivateKey, generalSigningSignedData(unsigned));
  return encodeCipheredApdu({ type: 'general-signing', ...unsigned, signature });
}

/**
 * Decode a general-signing APDU and check its signature with the originator's public signing key.
 * Throws SIGNATURE_INVALID when it does not verify (also for a signature that is not 64 bytes),
 * UNSUPPORTED_TAG/SECURITY_POLICY when the APDU is not general-signing. Returns the envelope; its
 * `content` is the signed APDU.
 */
export function verifyGeneralSigning(
  bytes: Uint8Array,
  signingPublicKey: Uint8Array,
  options: { readonly provider?: DlmsCryptoProvider; readonly limits?: Partial<DecodeLimits> } = {},
): GeneralSigningApdu {
  const apdu = decodeCipheredApdu(bytes, options.limits);
  if (apdu.type !== 'general-signing') throw new DlmsError('SECURITY_POLICY', `${apdu.type} is not general-signing`, { offset: 0 });
  if (apdu.signature.length !== 64) throw new DlmsError('SIGNATURE_INVALID', `signature is ${apdu.signature.length} bytes; a P-256 r‖s is 64`, { offset: bytes.length - apdu.signature.length });
  const provider = options.provider ?? nodeCryptoProvider;
  if (!provider.ecdsaP256Verify(signingPublicKey, generalSigningSignedData(apdu), apdu.signature)) {
    throw new DlmsError('SIGNATURE_INVALID', 'general-signing signature did not verify: wrong signing key, or the APDU was changed');
  }
  return apdu;
}
