import { ByteWriter, concatBytes, hexToBytes } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';
import { nodeCryptoProvider } from './crypto-provider.ts';
import type { DlmsCryptoProvider } from './crypto-provider.ts';

/**
 * AlgorithmID of the KDF OtherInfo (Green Book 9.2.3.4.6.5): the content octets of the DLMS UA
 * object identifier {2 16 756 5 8 3 x}, as Gurux and EPRI encode it. Some peers (GBCS
 * implementations, for one) put 60 85 74 06 … there instead; pass that as `algorithmId` to talk
 * to such a peer.
 */
export const KDF_ALGORITHM_ID = Object.freeze({
  'aes-gcm-128': hexToBytes('60857405080300'),
  'aes-gcm-256': hexToBytes('60857405080301'),
  'aes-wrap-128': hexToBytes('60857405080302'),
  'aes-wrap-256': hexToBytes('60857405080303'),
});

/**
 * The single-step concatenation KDF of NIST SP 800-56A 5.8.1 with SHA-256 (suite 1):
 * K = H(00000001 ‖ Z ‖ OtherInfo) ‖ H(00000002 ‖ Z ‖ OtherInfo) ‖ …, truncated to `keyLength` bytes.
 */
export function concatKdfSha256(z: Uint8Array, otherInfo: Uint8Array, keyLength = 16, provider: DlmsCryptoProvider = nodeCryptoProvider): Uint8Array {
  if (!Number.isInteger(keyLength) || keyLength < 1 || keyLength > 255 * 32) throw new DlmsError('INVALID_VALUE', `KDF key length ${keyLength} is outside 1..${255 * 32} bytes`);
  const out = new Uint8Array(Math.ceil(keyLength / 32) * 32);
  const counter = new Uint8Array(4);
  for (let i = 1; (i - 1) * 32 < keyLength; i++) {
    new DataView(counter.buffer).setUint32(0, i);
    out.set(provider.sha256(concatBytes(counter, z, otherInfo)), (i - 1) * 32);
  }
  return out.slice(0, keyLength);
}

/**
 * The key agreement schemes of security suite 1 (Green Book 9.2.3.4.6, NIST SP 800-56A 6.1–6.3):
 * - `ephemeral-unified-model` C(2e, 0s): Security setup `key_agreement`; both sides send signed
 *   ephemeral public keys; U is the client, V the server;
 * - `one-pass-diffie-hellman` C(1e, 1s): general-ciphering agreed-key 0x01; the originator (U)
 *   uses an ephemeral key, the recipient (V) its static key agreement key;
 * - `static-unified-model` C(0e, 2s): general-ciphering agreed-key 0x02; both static keys, the
 *   transaction-id makes the key fresh.
 * Each side computes Z = ECDH(own private key, peer public key); Z is the same on both sides.
 */
export type KeyAgreementScheme = 'ephemeral-unified-model' | 'one-pass-diffie-hellman' | 'static-unified-model';

/** Input of `agreeKey`. */
export interface AgreeKeyInput {
  readonly scheme: KeyAgreementScheme;
  /** Our private key: ephemeral or static as the scheme says for our role. */
  readonly ownPrivateKey: Uint8Array;
  /** The peer's public key (X‖Y): ephemeral or static as the scheme says for its role. */
  readonly peerPublicKey: Uint8Array;
  /** System title of party U (the client for C(2e, 0s), the originator otherwise). */
  readonly partyUSystemTitle: Uint8Array;
  /** System title of party V (the server for C(2e, 0s), the recipient otherwise). */
  readonly partyVSystemTitle: Uint8Array;
  /** Static unified model only: the general-ciphering transaction-id. */
  readonly transactionId?: Uint8Array;
  /** OtherInfo AlgorithmID; AES-GCM-128 unless told otherwise. */
  readonly algorithmId?: Uint8Array;
  readonly provider?: DlmsCryptoProvider;
}

/**
 * OtherInfo = AlgorithmID ‖ PartyUInfo ‖ PartyVInfo (Green Book 9.2.3.4.6.5). PartyUInfo is U's
 * system title; PartyVInfo is V's system title, except in the static unified model where it is
 * transaction-id (as an A-XDR octet-string) ‖ V's system title, as Gurux implements it, so that two
 * static keys still give a fresh key per message.
 */
export function kdfOtherInfo(input: Pick<AgreeKeyInput, 'scheme' | 'partyUSystemTitle' | 'partyVSystemTitle' | 'transactionId' | 'algorithmId'>): Uint8Array {
  for (const [name, st] of [['party U', input.partyUSystemTitle], ['party V', input.partyVSystemTitle]] as const) {
    if (st.length !== 8) throw new DlmsError('KEY_INVALID', `system title of ${name} must be 8 bytes, got ${st.length}`);
  }
  const algorithmId = input.algorithmId ?? KDF_ALGORITHM_ID['aes-gcm-128'];
  if (input.scheme !== 'static-unified-model') return concatBytes(algorithmId, input.partyUSystemTitle, input.partyVSystemTitle);
  if (!input.transactionId || input.transactionId.length === 0) throw new DlmsError('KEY_INVALID', 'the static unified model needs the transaction-id of the general-ciphering APDU');
  const v = new ByteWriter(32).length(input.transactionId.length).bytes(input.transactionId).bytes(input.partyVSystemTitle).finish();
  return concatBytes(algorithmId, input.partyUSystemTitle, v);
}

/** Z by ECDH, then the SP 800-56A KDF: the 16-byte AES-GCM-128 key both parties arrive at. */
export function agreeKey(input: AgreeKeyInput): Uint8Array {
  const provider = input.provider ?? nodeCryptoProvider;
  const otherInfo = kdfOtherInfo(input);
  const z = provider.ecdhP256(input.ownPrivateKey, input.peerPublicKey);
  return concatKdfSha256(z, otherInfo, 16, provider);
}

/** A P-256 key pair in DLMS encoding: 32-byte private scalar, 64-byte public X‖Y. */
export interface EcP256KeyPair {
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** A fresh P-256 key pair (an ephemeral key of C(2e, 0s) or C(1e, 1s)). */
export function generateEcP256KeyPair(provider: DlmsCryptoProvider = nodeCryptoProvider): EcP256KeyPair {
  return provider.p256GenerateKeyPair();
}

/** The public key X‖Y of a P-256 private key. */
export function ecP256PublicKey(privateKey: Uint8Array, provider: DlmsCryptoProvider = nodeCryptoProvider): Uint8Array {
  return provider.p256PublicKey(privateKey);
}

function checkPublicKey(publicKey: Uint8Array): void {
  if (publicKey.length !== 64) throw new DlmsError('KEY_INVALID', `ephemeral public key must be 64 bytes X‖Y, got ${publicKey.length}`);
}

/**
 * Security setup `key_agreement` (C(2e, 0s)) key_data: ephemeral public key ‖ ECDSA signature
 * over key_id ‖ ephemeral public key, made with the sender's signing key (Green Book 9.2.3.4.6.3).
 */
export function signKeyAgreementData(keyId: number, ephemeralPublicKey: Uint8Array, signingPrivateKey: Uint8Array, provider: DlmsCryptoProvider = nodeCryptoProvider): Uint8Array {
  if (!Number.isInteger(keyId) || keyId < 0 || keyId > 0xff) throw new DlmsError('INVALID_VALUE', `key_id ${keyId} is not an enum value`);
  checkPublicKey(ephemeralPublicKey);
  const signature = provider.ecdsaP256Sign(signingPrivateKey, concatBytes(Uint8Array.of(keyId), ephemeralPublicKey));
  return concatBytes(ephemeralPublicKey, signature);
}

/** Check key_data from `key_agreement` and return the peer's ephemeral public key; SIGNATURE_INVALID when it does not verify. */
export function verifyKeyAgreementData(keyId: number, keyData: Uint8Array, signingPublicKey: Uint8Array, provider: DlmsCryptoProvider = nodeCryptoProvider): Uint8Array {
  if (!Number.isInteger(keyId) || keyId < 0 || keyId > 0xff) throw new DlmsError('INVALID_VALUE', `key_id ${keyId} is not an enum value`);
  if (keyData.length !== 128) throw new DlmsError('INVALID_LENGTH', `key_data must be 128 bytes (public key ‖ signature), got ${keyData.length}`);
  const ephemeralPublicKey = keyData.slice(0, 64);
  if (!provider.ecdsaP256Verify(signingPublicKey, concatBytes(Uint8Array.of(keyId), ephemeralPublicKey), keyData.subarray(64))) {
    throw new DlmsError('SIGNATURE_INVALID', 'the signature on the ephemeral public key did not verify: wrong signing key or tampered key_data');
  }
  return ephemeralPublicKey;
}

/**
 * One-pass Diffie-Hellman key-ciphered-data of general-ciphering (agreed-key 0x01): ephemeral
 * public key ‖ ECDSA signature over that public key by the originator's signing key.
 */
export function signOnePassEphemeralKey(ephemeralPublicKey: Uint8Array, signingPrivateKey: Uint8Array, provider: DlmsCryptoProvider = nodeCryptoProvider): Uint8Array {
  checkPublicKey(ephemeralPublicKey);
  return concatBytes(ephemeralPublicKey, provider.ecdsaP256Sign(signingPrivateKey, ephemeralPublicKey));
}

/** Check one-pass key-ciphered-data and return the originator's ephemeral public key; SIGNATURE_INVALID when it does not verify. */
export function verifyOnePassEphemeralKey(keyCipheredData: Uint8Array, signingPublicKey: Uint8Array, provider: DlmsCryptoProvider = nodeCryptoProvider): Uint8Array {
  if (keyCipheredData.length !== 128) throw new DlmsError('INVALID_LENGTH', `one-pass key-ciphered-data must be 128 bytes (public key ‖ signature), got ${keyCipheredData.length}`);
  const ephemeralPublicKey = keyCipheredData.slice(0, 64);
  if (!provider.ecdsaP256Verify(signingPublicKey, ephemeralPublicKey, keyCipheredData.subarray(64))) {
    throw new DlmsError('SIGNATURE_INVALID', "the signature on the originator's ephemeral public key did not verify: wrong signing key or tampered key-ciphered-data");
  }
  return ephemeralPublicKey;
}
