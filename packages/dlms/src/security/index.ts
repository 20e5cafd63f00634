/**
 * DLMS/COSEM security: ciphered APDUs, security suites 0 and 1, HLS-GMAC, key transfer.
 * All cryptography goes through `DlmsCryptoProvider` (node:crypto by default).
 *
 * | area | what is covered | Green Book (DLMS UA 1000-2) |
 * |---|---|---|
 * | security header | SC byte (suite, A, E, key set; compression refused), IC | 9.2.7.2.4.1 |
 * | AES-GCM-128 | authenticated, encrypted, both; 12-byte tag; IV = system title ‖ IC; suites 0 and 1 | 9.2.3.3.7, 9.2.7.2.4.2 |
 * | envelopes | glo-/ded- service-specific (LN and SN), general-glo-, general-ded-ciphering, general-ciphering (identified, wrapped, agreed key-info), general-signing: decode/encode | 9.5 |
 * | protect/unprotect | `protectApdu`/`unprotectApdu` with a receiver policy; the envelope tag is checked against the deciphered APDU | 9.2.7.2.4 |
 * | replay | `InvocationCounterGuard` (strictly increasing), `nextInvocationCounter` (refuses at 2^32−1) | 9.2.3.3.7.2 |
 * | HLS | mechanism 5 (GMAC): f(challenge), verification in constant time, challenges | 9.2.7.4 |
 * | key transfer | RFC 3394 wrap/unwrap for Security setup key_transfer and wrapped-key | 9.2.3.3.8 |
 * | suite 1 | ECDSA P-256/SHA-256 general-signing; ECDH P-256 C(2e,0s), C(1e,1s), C(0e,2s) with the SP 800-56A concatenation KDF; general-ciphering with agreed keys | 9.2.3.4 |
 *
 * Not covered: suite 2 (AES-256, P-384, SHA-384) and the compression bit are refused with
 * SECURITY_POLICY / COMPRESSION_UNSUPPORTED; certificates (X.509 handling, Security setup
 * certificate methods) are outside this module.
 */
export { decodeSecurityControl, encodeSecurityControl } from './security-control.ts';
export type { SecurityControl } from './security-control.ts';
export { nodeCryptoProvider } from './crypto-provider.ts';
export type { DlmsCryptoProvider } from './crypto-provider.ts';
export { DLMS_TAG_LENGTH, decryptPayload, encryptPayload, gcmIv } from './aes-gcm.ts';
export type { CipherKeys, ProtectInput, UnprotectPolicy, Unprotected } from './aes-gcm.ts';
export {
  CIPHERED_TAGS,
  CIPHERED_TYPE_NAMES,
  GENERAL_CIPHERING,
  GENERAL_DED_CIPHERING,
  GENERAL_GLO_CIPHERING,
  GENERAL_SIGNING,
  SERVICE_CIPHERED_TAGS,
  decodeCipheredApdu,
  encodeCipheredApdu,
  generalCipheringAad,
  generalSigningSignedData,
  protectApdu,
  unprotectApdu,
} from './ciphered-apdu.ts';
export type {
  CipheredApdu,
  CipheredApduType,
  GeneralCipheringApdu,
  GeneralSigningApdu,
  KeyInfo,
  ProtectOptions,
  ProtectionKind,
  ServiceCipheredType,
  UnprotectOptions,
  UnprotectedApdu,
} from './ciphered-apdu.ts';
export { generateChallenge, hlsGmacResponse, verifyHlsGmacResponse } from './hls-gmac.ts';
export type { HlsGmacInput } from './hls-gmac.ts';
export { InvocationCounterGuard, nextInvocationCounter } from './invocation-counter.ts';
export { unwrapTransferredKey, wrapKeyForTransfer } from './key-wrap.ts';
export {
  KDF_ALGORITHM_ID,
  agreeKey,
  concatKdfSha256,
  ecP256PublicKey,
  generateEcP256KeyPair,
  kdfOtherInfo,
  signKeyAgreementData,
  signOnePassEphemeralKey,
  verifyKeyAgreementData,
  verifyOnePassEphemeralKey,
} from './key-agreement.ts';
export type { AgreeKeyInput, EcP256KeyPair, KeyAgreementScheme } from './key-agreement.ts';
export { signGeneralSigning, verifyGeneralSigning } from './general-signing.ts';
export type { GeneralSigningFields } from './general-signing.ts';
export { protectGeneralCiphering, unprotectGeneralCiphering } from './general-ciphering.ts';
export type {
  GeneralCipheringProtectOptions,
  GeneralCipheringRecipientKey,
  GeneralCipheringSenderKey,
  GeneralCipheringUnprotectOptions,
  UnprotectedGeneralCiphering,
} from './general-ciphering.ts';
