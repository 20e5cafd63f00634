import { DlmsError } from '../errors/index.ts';
import type { DecodeLimits } from '../limits/index.ts';
import { nodeCryptoProvider } from './crypto-provider.ts';
import type { DlmsCryptoProvider } from './crypto-provider.ts';
import { decryptPayload, encryptPayload } from './aes-gcm.ts';
import type { UnprotectPolicy, Unprotected } from './aes-gcm.ts';
import { decodeCipheredApdu, encodeCipheredApdu, generalCipheringAad } from './ciphered-apdu.ts';
import type { GeneralCipheringApdu, KeyInfo } from './ciphered-apdu.ts';
import { agreeKey, signOnePassEphemeralKey, verifyOnePassEphemeralKey } from './key-agreement.ts';
import type { EcP256KeyPair } from './key-agreement.ts';
import { unwrapTransferredKey, wrapKeyForTransfer } from './key-wrap.ts';
import type { SecurityControl } from './security-control.ts';

/** key-parameters of agreed-key (Green Book 9.5). */
const ONE_PASS_DIFFIE_HELLMAN = 0x01;
const STATIC_UNIFIED_MODEL = 0x02;

/** How the originator keys a general-ciphering APDU (Green Book 9.2.7.2.4, 9.5 Key-Info). */
export type GeneralCipheringSenderKey =
  /** No key-info: the key is known from the context (e.g. the association). */
  | { readonly type: 'none'; readonly encryptionKey: Uint8Array }
  /** identified-key: key-id 0 global unicast, 1 global broadcast encryption key. */
  | { readonly type: 'identified-key'; readonly keyId: 0 | 1; readonly encryptionKey: Uint8Array }
  /** wrapped-key: a content key wrapped with the master key (random unless given). */
  | { readonly type: 'wrapped-key'; readonly masterKey: Uint8Array; readonly contentKey?: Uint8Array }
  /** agreed-key C(1e, 1s): a fresh ephemeral key (generated unless given) signed with our signing key. */
  | {
      readonly type: 'one-pass-diffie-hellman';
      readonly recipientKeyAgreementPublicKey: Uint8Array;
      readonly originatorSigningPrivateKey: Uint8Array;
      readonly ephemeralKeyPair?: EcP256KeyPair;
      readonly algorithmId?: Uint8Array;
    }
  /** agreed-key C(0e, 2s): both static key agreement keys; the transaction-id makes the key fresh. */
  | {
      readonly type: 'static-unified-model';
      readonly originatorKeyAgreementPrivateKey: Uint8Array;
      readonly recipientKeyAgreementPublicKey: Uint8Array;
      readonly algorithmId?: Uint8Array;
    };

/** Options of `protectGeneralCiphering`. */
export interface GeneralCipheringProtectOptions {
  readonly transactionId: Uint8Array;
  readonly originatorSystemTitle: Uint8Array;
  readonly recipientSystemTitle: Uint8Array;
  readonly dateTime?: Uint8Array;
  readonly otherInformation?: Uint8Array;
  readonly securityControl: SecurityControl;
  readonly invocationCounter: number;
  readonly authenticationKey?: Uint8Array;
  readonly key: GeneralCipheringSenderKey;
  readonly provider?: DlmsCryptoProvider;
}

function requireSuite1(sc: SecurityControl, what: string): void {
  // Green Book 9.2.3.4: key agreement exists only in the public-key suites 1 and 2.
  if (sc.suite === 0) throw new DlmsError('SECURITY_POLICY', `${what} needs security suite 1; the security control names suite 0`);
}

/**
 * Cipher a plain APDU into general-ciphering. The content key comes from `options.key`; the IV is
 * originator-system-title ‖ invocation counter; in suites 1 and 2 the envelope fields join the AAD
 * (see `generalCipheringAad`).
 */
export function protectGeneralCiphering(plain: Uint8Array, options: GeneralCipheringProtectOptions): Uint8Array {
  if (plain.length === 0) throw new DlmsError('TRUNCATED', 'an empty APDU cannot be protected');
  const provider = options.provider ?? nodeCryptoProvider;
  const header = {
    transactionId: options.transactionId,
    originatorSystemTitle: options.originatorSystemTitle,
    recipientSystemTitle: options.recipientSystemTitle,
    dateTime: options.dateTime ?? new Uint8Array(0),
    otherInformation: options.otherInformation ?? new Uint8Array(0),
  };
  if (header.transactionId.length === 0) throw new DlmsError('INVALID_VALUE', 'general-ciphering needs a transaction-id');
  let keyInfo: KeyInfo | undefined;
  let encryptionKey: Uint8Array;
  const k = options.key;
  switch (k.type) {
    case 'none':
      encryptionKey = k.encryptionKey;
      break;
    case 'identified-key':
      encryptionKey = k.encryptionKey;
      keyInfo = { type: 'identified-key', keyId: k.keyId };
      break;
    case 'wrapped-key':
      encryptionKey = k.contentKey ?? provider.randomBytes(16);
      keyInfo = { type: 'wrapped-key', kekId: 0, keyCipheredData: wrapKeyForTransfer(k.masterKey, encryptionKey, provider) };
      break;
    case 'one-pass-diffie-hellman': {
      requireSuite1(options.securityControl, 'one-pass Diffie-Hellman');
      const eph = k.ephemeralKeyPair ?? provider.p256GenerateKeyPair();
      encryptionKey = agreeKey({
        scheme: 'one-pass-diffie-hellman',
        ownPrivateKey: eph.privateKey,
        peerPublicKey: k.recipientKeyAgreementPublicKey,
        partyUSystemTitle: header.originatorSystemTitle,
        partyVSystemTitle: header.recipientSystemTitle,
        ...(k.algorithmId ? { algorithmId: k.algorithmId } : {}),
        provider,
      });
      keyInfo = { type: 'agreed-key', keyParameters: Uint8Array.of(ONE_PASS_DIFFIE_HELLMAN), keyCipheredData: signOnePassEphemeralKey(eph.publicKey, k.originatorSigningPrivateKey, provider) };
      break;
    }
    case 'static-unified-model':
      requireSuite1(options.securityControl, 'the static unified model');
      encryptionKey = agreeKey({
        scheme: 'static-unified-model',
        ownPrivateKey: k.originatorKeyAgreementPrivateKey,
        peerPublicKey: k.recipientKeyAgreementPublicKey,
        partyUSystemTitle: header.originatorSystemTitle,
        partyVSystemTitle: header.recipientSystemTitle,
        transactionId: header.transactionId,
        ...(k.algorithmId ? { algorithmId: k.algorithmId } : {}),
        provider,
      });
      keyInfo = { type: 'agreed-key', keyParameters: Uint8Array.of(STATIC_UNIFIED_MODEL), keyCipheredData: new Uint8Array(0) };
      break;
  }
  const content = encryptPayload(
    {
      securityControl: options.securityControl,
      systemTitle: header.originatorSystemTitle,
      invocationCounter: options.invocationCounter,
      plaintext: plain,
      encryptionKey,
      ...(options.authenticationKey ? { authenticationKey: options.authenticationKey } : {}),
    },
    provider,
    generalCipheringAad(header),
  );
  return encodeCipheredApdu({ type: 'general-ciphering', ...header, ...(keyInfo ? { keyInfo } : {}), content });
}

/** What the recipient accepts and holds; the APDU's key-info must be of the same type (else SECURITY_POLICY). */
export type GeneralCipheringRecipientKey =
  | { readonly type: 'none'; readonly encryptionKey: Uint8Array }
  | { readonly type: 'identified-key'; readonly encryptionKey: Uint8Array; readonly broadcastEncryptionKey?: Uint8Array }
  | { readonly type: 'wrapped-key'; readonly masterKey: Uint8Array }
  | { readonly type: 'one-pass-diffie-hellman'; readonly recipientKeyAgreementPrivateKey: Uint8Array; readonly originatorSigningPublicKey: Uint8Array; readonly algorithmId?: Uint8Array }
  | { readonly type: 'static-unified-model'; readonly recipientKeyAgreementPrivateKey: Uint8Array; readonly originatorKeyAgreementPublicKey: Uint8Array; readonly algorithmId?: Uint8Array };

/** Options of `unprotectGeneralCiphering`. */
export interface GeneralCipheringUnprotectOptions {
  readonly key: GeneralCipheringRecipientKey;
  readonly authenticationKey?: Uint8Array;
  /** As for `unprotectApdu`: pass `{ requireAuthentication: true }` unless encrypted-only content is acceptable. */
  readonly policy?: UnprotectPolicy;
  readonly limits?: Partial<DecodeLimits>;
  readonly provider?: DlmsCryptoProvider;
}

/** The result of `unprotectGeneralCiphering`. */
export interface UnprotectedGeneralCiphering extends Unprotected {
  readonly envelope: GeneralCipheringApdu;
}

function keyInfoKind(k: KeyInfo | undefined): GeneralCipheringRecipientKey['type'] | 'unknown agreed-key' {
  if (!k) return 'none';
  if (k.type !== 'agreed-key') return k.type;
  if (k.keyParameters.length === 1 && k.keyParameters[0] === ONE_PASS_DIFFIE_HELLMAN) return 'one-pass-diffie-hellman';
  if (k.keyParameters.length === 1 && k.keyParameters[0] === STATIC_UNIFIED_MODEL) return 'static-unified-model';
  return 'unknown agreed-key';
}

/**
 * Decipher a general-ciphering APDU: derive or unwrap the content key as its key-info says (after
 * checking it is the kind `options.key` accepts), then open the content as `unprotectApdu` does.
 * One-pass Diffie-Hellman also checks the signature on the ephemeral key (SIGNATURE_INVALID).
 */
export function unprotectGeneralCiphering(bytes: Uint8Array, options: GeneralCipheringUnprotectOptions): UnprotectedGeneralCiphering {
  const envelope = decodeCipheredApdu(bytes, options.limits);
  if (envelope.type !== 'general-ciphering') throw new DlmsError('SECURITY_POLICY', `${envelope.type} is not general-ciphering`, { offset: 0 });
  const provider = options.provider ?? nodeCryptoProvider;
  const contentOffset = bytes.length - envelope.content.length;
  const kind = keyInfoKind(envelope.keyInfo);
  const k = options.key;
  if (kind !== k.type) throw new DlmsError('SECURITY_POLICY', `general-ciphering uses ${kind} key-info but this recipient accepts ${k.type}`);
  if (envelope.originatorSystemTitle.length !== 8 || envelope.recipientSystemTitle.length !== 8) {
    throw new DlmsError('INVALID_LENGTH', 'general-ciphering system titles must be 8 bytes each');
  }
  const scByte = envelope.content[0];
  let encryptionKey: Uint8Array;
  switch (k.type) {
    case 'none':
      encryptionKey = k.encryptionKey;
      break;
    case 'identified-key': {
      const info = envelope.keyInfo;
      const broadcast = info?.type === 'identified-key' && info.keyId === 1;
      if (broadcast && !k.broadcastEncryptionKey) throw new DlmsError('KEY_INVALID', 'general-ciphering names the global broadcast key (key-id 1) but none was given');
      encryptionKey = broadcast && k.broadcastEncryptionKey ? k.broadcastEncryptionKey : k.encryptionKey;
      break;
    }
    case 'wrapped-key': {
      const info = envelope.keyInfo;
      if (info?.type !== 'wrapped-key') throw new DlmsError('SECURITY_POLICY', 'wrapped-key expected');
      encryptionKey = unwrapTransferredKey(k.masterKey, info.keyCipheredData, provider);
      break;
    }
    case 'one-pass-diffie-hellman':
    case 'static-unified-model': {
      const info = envelope.keyInfo;
      if (info?.type !== 'agreed-key') throw new DlmsError('SECURITY_POLICY', 'agreed-key expected');
      // Green Book 9.2.3.4: key agreement exists only in the public-key suites.
      if (scByte !== undefined && (scByte & 0x0f) === 0) throw new DlmsError('SECURITY_POLICY', 'agreed-key needs security suite 1; the security control names suite 0', { offset: contentOffset });
      encryptionKey =
        k.type === 'one-pass-diffie-hellman'
          ? agreeKey({
              scheme: 'one-pass-diffie-hellman',
              ownPrivateKey: k.recipientKeyAgreementPrivateKey,
              peerPublicKey: verifyOnePassEphemeralKey(info.keyCipheredData, k.originatorSigningPublicKey, provider),
              partyUSystemTitle: envelope.originatorSystemTitle,
              partyVSystemTitle: envelope.recipientSystemTitle,
              ...(k.algorithmId ? { algorithmId: k.algorithmId } : {}),
              provider,
            })
          : agreeKey({
              scheme: 'static-unified-model',
              ownPrivateKey: k.recipientKeyAgreementPrivateKey,
              peerPublicKey: k.originatorKeyAgreementPublicKey,
              partyUSystemTitle: envelope.originatorSystemTitle,
              partyVSystemTitle: envelope.recipientSystemTitle,
              transactionId: envelope.transactionId,
              ...(k.algorithmId ? { algorithmId: k.algorithmId } : {}),
              provider,
            });
      break;
    }
  }
  const opened = decryptPayload(
    envelope.content,
    envelope.originatorSystemTitle,
    { encryptionKey, ...(options.authenticationKey ? { authenticationKey: options.authenticationKey } : {}) },
    provider,
    contentOffset,
    { ...(options.policy ? { policy: options.policy } : {}), headerAad: generalCipheringAad(envelope) },
  );
  if (opened.plaintext.length === 0) throw new DlmsError('TRUNCATED', 'the deciphered content is empty: no APDU inside', { offset: contentOffset });
  return { ...opened, envelope };
}
