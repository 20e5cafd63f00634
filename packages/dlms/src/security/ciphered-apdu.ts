import { ByteReader, ByteWriter } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';
import { resolveLimits } from '../limits/index.ts';
import type { DecodeLimits } from '../limits/index.ts';
import { nodeCryptoProvider } from './crypto-provider.ts';
import type { DlmsCryptoProvider } from './crypto-provider.ts';
import { decryptPayload, encryptPayload } from './aes-gcm.ts';
import type { CipherKeys, UnprotectPolicy, Unprotected } from './aes-gcm.ts';
import type { SecurityControl } from './security-control.ts';

/**
 * Service-specific ciphered APDUs (Green Book 9.5, xDLMS-APDU ASN.1): each wraps exactly one
 * plain APDU type, its content is SC ‖ IC ‖ ciphered text ‖ tag. `[ciphered tag, plain tag]`;
 * glo- use the global key, ded- the dedicated key of the association.
 */
const SERVICE_CIPHERED = {
  // SN referencing and the association APDUs: glo = plain + 32, ded = plain + 64
  'glo-initiate-request': [0x21, 0x01],
  'glo-read-request': [0x25, 0x05],
  'glo-write-request': [0x26, 0x06],
  'glo-initiate-response': [0x28, 0x08],
  'glo-read-response': [0x2c, 0x0c],
  'glo-write-response': [0x2d, 0x0d],
  'glo-confirmed-service-error': [0x2e, 0x0e],
  'glo-unconfirmed-write-request': [0x36, 0x16],
  'glo-information-report-request': [0x38, 0x18],
  'ded-initiate-request': [0x41, 0x01],
  'ded-read-request': [0x45, 0x05],
  'ded-write-request': [0x46, 0x06],
  'ded-initiate-response': [0x48, 0x08],
  'ded-read-response': [0x4c, 0x0c],
  'ded-write-response': [0x4d, 0x0d],
  'ded-confirmed-service-error': [0x4e, 0x0e],
  'ded-unconfirmed-write-request': [0x56, 0x16],
  'ded-information-report-request': [0x58, 0x18],
  // LN referencing: glo = plain + 8, ded = plain + 16
  'glo-get-request': [0xc8, 0xc0],
  'glo-set-request': [0xc9, 0xc1],
  'glo-event-notification-request': [0xca, 0xc2],
  'glo-action-request': [0xcb, 0xc3],
  'glo-get-response': [0xcc, 0xc4],
  'glo-set-response': [0xcd, 0xc5],
  'glo-action-response': [0xcf, 0xc7],
  'ded-get-request': [0xd0, 0xc0],
  'ded-set-request': [0xd1, 0xc1],
  'ded-event-notification-request': [0xd2, 0xc2],
  'ded-action-request': [0xd3, 0xc3],
  'ded-get-response': [0xd4, 0xc4],
  'ded-set-response': [0xd5, 0xc5],
  'ded-action-response': [0xd7, 0xc7],
} as const satisfies Record<string, readonly [number, number]>;

/** Name of a service-specific ciphered APDU (`glo-get-request`, `ded-action-response`, …). */
export type ServiceCipheredType = keyof typeof SERVICE_CIPHERED;

/** Service-specific ciphered APDU name → tag. */
export const SERVICE_CIPHERED_TAGS: Readonly<Record<ServiceCipheredType, number>> = Object.freeze(
  Object.fromEntries(Object.entries(SERVICE_CIPHERED).map(([k, v]) => [k, v[0]])) as Record<ServiceCipheredType, number>,
);

const TAG_TO_SERVICE: ReadonlyMap<number, ServiceCipheredType> = new Map(
  (Object.keys(SERVICE_CIPHERED) as ServiceCipheredType[]).map((k) => [SERVICE_CIPHERED[k][0], k]),
);

/** Plain tag → service-specific forms, for choosing the envelope when protecting. */
const PLAIN_TO_SERVICE: ReadonlyMap<number, { glo?: ServiceCipheredType; ded?: ServiceCipheredType }> = (() => {
  const m = new Map<number, { glo?: ServiceCipheredType; ded?: ServiceCipheredType }>();
  for (const k of Object.keys(SERVICE_CIPHERED) as ServiceCipheredType[]) {
    const plain = SERVICE_CIPHERED[k][1];
    m.set(plain, { ...m.get(plain), [k.startsWith('glo-') ? 'glo' : 'ded']: k });
  }
  return m;
})();

/** general-glo-ciphering [219] (Green Book 9.5). */
export const GENERAL_GLO_CIPHERING = 0xdb;
/** general-ded-ciphering [220]. */
export const GENERAL_DED_CIPHERING = 0xdc;
/** general-ciphering [221]. */
export const GENERAL_CIPHERING = 0xdd;
/** general-signing [223]. */
export const GENERAL_SIGNING = 0xdf;

/**
 * Key-Info of general-ciphering (Green Book 9.5): which key ciphers the content.
 * - identified-key: key-id 0 = global unicast encryption key, 1 = global broadcast encryption key;
 * - wrapped-key: a fresh key wrapped (RFC 3394) with the master key, kek-id 0;
 * - agreed-key: key-parameters 0x01 One-Pass Diffie-Hellman C(1e, 1s) with key-ciphered-data =
 *   ephemeral public key ‖ its signature, or 0x02 Static Unified Model C(0e, 2s) with empty data.
 */
export type KeyInfo =
  | { readonly type: 'identified-key'; readonly keyId: 0 | 1 }
  | { readonly type: 'wrapped-key'; readonly kekId: 0; readonly keyCipheredData: Uint8Array }
  | { readonly type: 'agreed-key'; readonly keyParameters: Uint8Array; readonly keyCipheredData: Uint8Array };

/** A ciphered APDU's envelope as found on the wire (not deciphered). */
export type CipheredApdu =
  | { readonly type: ServiceCipheredType; readonly content: Uint8Array }
  | { readonly type: 'general-glo-ciphering' | 'general-ded-ciphering'; readonly systemTitle: Uint8Array; readonly content: Uint8Array }
  | GeneralCipheringApdu
  | GeneralSigningApdu;

/** general-ciphering (Green Book 9.5); `content` is SC ‖ IC ‖ ciphered text ‖ tag. */
export interface GeneralCipheringApdu {
  readonly type: 'general-ciphering';
  readonly transactionId: Uint8Array;
  readonly originatorSystemTitle: Uint8Array;
  readonly recipientSystemTitle: Uint8Array;
  readonly dateTime: Uint8Array;
  readonly otherInformation: Uint8Array;
  readonly keyInfo?: KeyInfo;
  readonly content: Uint8Array;
}

/** general-signing (Green Book 9.5); `content` is any APDU, `signature` r‖s over the fields before it. */
export interface GeneralSigningApdu {
  readonly type: 'general-signing';
  readonly transactionId: Uint8Array;
  readonly originatorSystemTitle: Uint8Array;
  readonly recipientSystemTitle: Uint8Array;
  readonly dateTime: Uint8Array;
  readonly otherInformation: Uint8Array;
  readonly content: Uint8Array;
  readonly signature: Uint8Array;
}

/** The `type` of any ciphered envelope. */
export type CipheredApduType = CipheredApdu['type'];

/** Every tag of a ciphered envelope, for APDU dispatch. */
export const CIPHERED_TAGS: ReadonlySet<number> = new Set([...TAG_TO_SERVICE.keys(), GENERAL_GLO_CIPHERING, GENERAL_DED_CIPHERING, GENERAL_CIPHERING, GENERAL_SIGNING]);

/** Every `type` of a ciphered envelope, for telling envelopes apart from other APDU objects. */
export const CIPHERED_TYPE_NAMES: ReadonlySet<string> = new Set<CipheredApduType>([
  ...TAG_TO_SERVICE.values(),
  'general-glo-ciphering',
  'general-ded-ciphering',
  'general-ciphering',
  'general-signing',
]);

function octets(r: ByteReader, what: string): Uint8Array {
  return r.bytes(r.boundedLength(`the length of ${what}`), what);
}

/**
 * Decode a ciphered APDU's envelope without deciphering it. Trailing bytes are an error, and so is
 * an APDU larger than `limits.maxApduSize`.
 */
export function decodeCipheredApdu(bytes: Uint8Array, limits?: Partial<DecodeLimits>): CipheredApdu {
  const { maxApduSize } = resolveLimits(limits);
  if (bytes.length > maxApduSize) throw new DlmsError('LIMIT_EXCEEDED', `ciphered APDU of ${bytes.length} bytes is above maxApduSize ${maxApduSize}`, { offset: 0 });
  const r = new ByteReader(bytes);
  const tag = r.u8('the APDU tag');
  const service = TAG_TO_SERVICE.get(tag);
  let apdu: CipheredApdu;
  if (service) {
    apdu = { type: service, content: octets(r, 'the ciphered content') };
  } else if (tag === GENERAL_GLO_CIPHERING || tag === GENERAL_DED_CIPHERING) {
    apdu = {
      type: tag === GENERAL_GLO_CIPHERING ? 'general-glo-ciphering' : 'general-ded-ciphering',
      systemTitle: octets(r, 'the system title'),
      content: octets(r, 'the ciphered content'),
    };
  } else if (tag === GENERAL_CIPHERING || tag === GENERAL_SIGNING) {
    const transactionId = octets(r, 'the transaction-id');
    const originatorSystemTitle = octets(r, 'the originator-system-title');
    const recipientSystemTitle = octets(r, 'the recipient-system-title');
    const dateTime = octets(r, 'the date-time');
    const otherInformation = octets(r, 'other-information');
    if (tag === GENERAL_SIGNING) {
      const content = octets(r, 'the signed content');
      const signature = octets(r, 'the signature');
      apdu = { type: 'general-signing', transactionId, originatorSystemTitle, recipientSystemTitle, dateTime, otherInformation, content, signature };
    } else {
      const keyInfo = decodeKeyInfo(r);
      const content = octets(r, 'the ciphered content');
      apdu = { type: 'general-ciphering', transactionId, originatorSystemTitle, recipientSystemTitle, dateTime, otherInformation, ...(keyInfo ? { keyInfo } : {}), content };
    }
  } else {
    throw new DlmsError('UNSUPPORTED_TAG', `0x${tag.toString(16).padStart(2, '0').toUpperCase()} is not a ciphered APDU tag`, { offset: 0 });
  }
  r.expectEnd('the ciphered APDU');
  return apdu;
}

function decodeKeyInfo(r: ByteReader): KeyInfo | undefined {
  const at = r.offset;
  // A-XDR OPTIONAL: one byte, 0 absent, 1 present.
  const present = r.u8('the key-info presence flag');
  if (present === 0) return undefined;
  if (present !== 1) throw new DlmsError('INVALID_VALUE', `OPTIONAL flag of key-info must be 0 or 1, got ${present}`, { offset: at });
  const choiceAt = r.offset;
  const choice = r.u8('the key-info choice');
  switch (choice) {
    case 0: {
      const idAt = r.offset;
      const keyId = r.u8('the key-id');
      if (keyId !== 0 && keyId !== 1) throw new DlmsError('INVALID_VALUE', `key-id ${keyId} is not global-unicast (0) or global-broadcast (1)`, { offset: idAt });
      return { type: 'identified-key', keyId };
    }
    case 1: {
      const idAt = r.offset;
      const kekId = r.u8('the kek-id');
      if (kekId !== 0) throw new DlmsError('INVALID_VALUE', `kek-id ${kekId} is not master-key (0)`, { offset: idAt });
      return { type: 'wrapped-key', kekId, keyCipheredData: octets(r, 'the wrapped key') };
    }
    case 2:
      return { type: 'agreed-key', keyParameters: octets(r, 'the key-parameters'), keyCipheredData: octets(r, 'the key-ciphered-data') };
    default:
      throw new DlmsError('UNSUPPORTED_TAG', `key-info choice ${choice} is not identified-key (0), wrapped-key (1) or agreed-key (2)`, { offset: choiceAt });
  }
}

function putOctets(w: ByteWriter, b: Uint8Array): void {
  w.length(b.length).bytes(b);
}

/** The general-ciphering/general-signing fields transaction-id … other-information, A-XDR encoded. */
function writeGeneralHeader(w: ByteWriter, apdu: GeneralCipheringApdu | GeneralSigningApdu): void {
  putOctets(w, apdu.transactionId);
  putOctets(w, apdu.originatorSystemTitle);
  putOctets(w, apdu.recipientSystemTitle);
  putOctets(w, apdu.dateTime);
  putOctets(w, apdu.otherInformation);
}

/** Encode a ciphered APDU's envelope; the exact inverse of `decodeCipheredApdu`. */
export function encodeCipheredApdu(apdu: CipheredApdu): Uint8Array {
  const w = new ByteWriter(apdu.content.length + 64);
  switch (apdu.type) {
    case 'general-glo-ciphering':
    case 'general-ded-ciphering':
      w.u8(apdu.type === 'general-glo-ciphering' ? GENERAL_GLO_CIPHERING : GENERAL_DED_CIPHERING);
      putOctets(w, apdu.systemTitle);
      putOctets(w, apdu.content);
      break;
    case 'general-ciphering': {
      w.u8(GENERAL_CIPHERING);
      writeGeneralHeader(w, apdu);
      const k = apdu.keyInfo;
      if (!k) w.u8(0);
      else if (k.type === 'identified-key') w.u8(1).u8(0).u8(k.keyId);
      else if (k.type === 'wrapped-key') {
        w.u8(1).u8(1).u8(k.kekId);
        putOctets(w, k.keyCipheredData);
      } else {
        w.u8(1).u8(2);
        putOctets(w, k.keyParameters);
        putOctets(w, k.keyCipheredData);
      }
      putOctets(w, apdu.content);
      break;
    }
    case 'general-signing':
      w.u8(GENERAL_SIGNING);
      writeGeneralHeader(w, apdu);
      putOctets(w, apdu.content);
      putOctets(w, apdu.signature);
      break;
    default:
      w.u8(SERVICE_CIPHERED_TAGS[apdu.type]);
      putOctets(w, apdu.content);
  }
  return w.finish();
}

/**
 * The general-ciphering fields that suites 1 and 2 add to the AAD of authenticated-and-encrypted
 * content: transaction-id ‖ originator-system-title ‖ recipient-system-title ‖ date-time ‖
 * other-information, each as an A-XDR octet-string (length first), as Gurux implements it.
 */
export function generalCipheringAad(apdu: Pick<GeneralCipheringApdu, 'transactionId' | 'originatorSystemTitle' | 'recipientSystemTitle' | 'dateTime' | 'otherInformation'>): Uint8Array {
  const w = new ByteWriter(64);
  writeGeneralHeader(w, { type: 'general-ciphering', ...apdu, content: new Uint8Array(0) });
  return w.finish();
}

/** The encoding of a general-signing APDU up to and including its content: the data its signature covers. */
export function generalSigningSignedData(apdu: Omit<GeneralSigningApdu, 'type' | 'signature'>): Uint8Array {
  const w = new ByteWriter(apdu.content.length + 64);
  w.u8(GENERAL_SIGNING);
  writeGeneralHeader(w, { type: 'general-signing', ...apdu, signature: new Uint8Array(0) });
  putOctets(w, apdu.content);
  return w.finish();
}

/**
 * How `protectApdu` wraps: `glo`/`ded` use the service-specific tag of the plain APDU (the peer
 * knows our system title from the AARQ/AARE); `general-glo`/`general-ded` carry the system title
 * in the envelope and wrap any APDU (data-notification needs them).
 */
export type ProtectionKind = 'glo' | 'ded' | 'general-glo' | 'general-ded';

/** Options of `protectApdu`. */
export interface ProtectOptions extends CipherKeys {
  readonly kind: ProtectionKind;
  readonly securityControl: SecurityControl;
  /** Our system title (8 bytes). */
  readonly systemTitle: Uint8Array;
  /** Our next invocation counter; the caller owns the counter (see `nextInvocationCounter`). */
  readonly invocationCounter: number;
  readonly provider?: DlmsCryptoProvider;
}

/**
 * Cipher a plain APDU (Green Book 9.2.7.2.4) and wrap it. `encryptionKey` must be the key that
 * `kind` and the SC key-set bit name (GUEK, GBEK or the dedicated key).
 */
export function protectApdu(plain: Uint8Array, options: ProtectOptions): Uint8Array {
  if (plain.length === 0) throw new DlmsError('TRUNCATED', 'an empty APDU cannot be protected');
  let type: CipheredApdu['type'];
  if (options.kind === 'general-glo' || options.kind === 'general-ded') {
    type = options.kind === 'general-glo' ? 'general-glo-ciphering' : 'general-ded-ciphering';
  } else {
    const service = PLAIN_TO_SERVICE.get(plain[0] as number)?.[options.kind];
    if (service === undefined) {
      throw new DlmsError('UNSUPPORTED_TAG', `APDU 0x${(plain[0] as number).toString(16).padStart(2, '0').toUpperCase()} has no ${options.kind}- ciphered form; use general-glo or general-ded`);
    }
    type = service;
  }
  const content = encryptPayload({ ...options, plaintext: plain }, options.provider ?? nodeCryptoProvider);
  if (type === 'general-glo-ciphering' || type === 'general-ded-ciphering') return encodeCipheredApdu({ type, systemTitle: options.systemTitle, content });
  return encodeCipheredApdu({ type, content });
}

/**
 * Options of `unprotectApdu`. `encryptionKey` deciphers everything unless a more specific key is
 * given: `dedicatedKey` for ded- and general-ded-ciphering APDUs, `broadcastEncryptionKey` when
 * the SC key-set bit (or general-ciphering key-id 1) names the broadcast key.
 */
export interface UnprotectOptions extends CipherKeys {
  /** The sender's system title; required for service-specific APDUs (it is not in the envelope). */
  readonly systemTitle?: Uint8Array;
  readonly dedicatedKey?: Uint8Array;
  readonly broadcastEncryptionKey?: Uint8Array;
  /**
   * What the receiver insists on. Default `{}`: encrypted-only APDUs are accepted without any tag
   * check. A head-end or any association whose security policy authenticates MUST pass
   * `{ requireAuthentication: true }` (see `unprotectApdu`).
   */
  readonly policy?: UnprotectPolicy;
  readonly limits?: Partial<DecodeLimits>;
  readonly provider?: DlmsCryptoProvider;
}

/**
 * The result of `unprotectApdu`. `authenticated` (inherited) tells whether a tag was checked; a
 * caller that did not pass `requireAuthentication` must look at it before trusting the plaintext.
 */
export interface UnprotectedApdu extends Unprotected {
  /** The sender's system title used for the nonce. */
  readonly systemTitle: Uint8Array;
  readonly envelope: CipheredApdu;
}

/**
 * Decipher a ciphered APDU: returns the plain APDU bytes and the security header.
 *
 * SECURITY: the default policy is tolerant so that encrypted-only HAN/customer-interface pushes
 * (SC 0x20, no tag) can be read. With that default, a man in the middle can clear the A bit of an
 * authenticated APDU and have it deciphered as encrypted-only, with no tag check at all (the SC
 * byte is only protected by the tag it switches off). A head-end, and any association whose
 * security policy authenticates, MUST pass `policy: { requireAuthentication: true }`; other
 * callers must check `result.authenticated` before trusting the plaintext.
 *
 * Checks the tag
 * (AUTH_TAG_INVALID), the policy (SECURITY_POLICY), and that a service-specific envelope carries
 * the APDU type it names (INVALID_VALUE: the envelope tag is not authenticated, so this is what
 * stops a glo-get-request being replayed as a glo-set-request). general-ciphering with wrapped or
 * agreed keys needs `unprotectGeneralCiphering`; general-signing needs `verifyGeneralSigning`.
 * The caller then feeds the counter to an `InvocationCounterGuard`.
 */
export function unprotectApdu(bytes: Uint8Array, options: UnprotectOptions): UnprotectedApdu {
  const envelope = decodeCipheredApdu(bytes, options.limits);
  const provider = options.provider ?? nodeCryptoProvider;
  let systemTitle: Uint8Array;
  let dedicated = false;
  let headerAad: Uint8Array | undefined;
  let keyIdBroadcast: boolean | undefined;
  switch (envelope.type) {
    case 'general-glo-ciphering':
    case 'general-ded-ciphering':
      systemTitle = checkEnvelopeTitle(envelope.systemTitle, 1);
      dedicated = envelope.type === 'general-ded-ciphering';
      break;
    case 'general-ciphering':
      if (envelope.keyInfo && envelope.keyInfo.type !== 'identified-key') {
        throw new DlmsError('SECURITY_POLICY', `general-ciphering with ${envelope.keyInfo.type} key-info needs unwrapping or key agreement: use unprotectGeneralCiphering`);
      }
      if (envelope.keyInfo) keyIdBroadcast = envelope.keyInfo.keyId === 1;
      systemTitle = checkEnvelopeTitle(envelope.originatorSystemTitle, 1 + lengthSize(envelope.transactionId.length) + envelope.transactionId.length);
      headerAad = generalCipheringAad(envelope);
      break;
    case 'general-signing':
      throw new DlmsError('SECURITY_POLICY', 'general-signing is not ciphered: check its signature with verifyGeneralSigning');
    default:
      if (!options.systemTitle) throw new DlmsError('KEY_INVALID', `${envelope.type} does not carry the sender's system title: give it (from the AARQ/AARE)`);
      systemTitle = options.systemTitle;
      dedicated = envelope.type.startsWith('ded-');
  }
  const content = envelope.content;
  // The content is the last field of every envelope left here, so its offset follows from the lengths.
  const contentOffset = bytes.length - content.length;
  const broadcast = keyIdBroadcast ?? (content.length > 0 && ((content[0] as number) & 0x40) !== 0);
  const encryptionKey = (dedicated ? options.dedicatedKey : broadcast ? options.broadcastEncryptionKey : undefined) ?? options.encryptionKey;
  // Plain objects built without spreads: this is the hot path of every ciphered APDU received.
  const keys: CipherKeys = options.authenticationKey ? { encryptionKey, authenticationKey: options.authenticationKey } : { encryptionKey };
  const decryptOptions: { policy?: UnprotectPolicy; headerAad?: Uint8Array } = {};
  if (options.policy) decryptOptions.policy = options.policy;
  if (headerAad) decryptOptions.headerAad = headerAad;
  const opened = decryptPayload(content, systemTitle, keys, provider, contentOffset, decryptOptions);
  if (opened.plaintext.length === 0) throw new DlmsError('TRUNCATED', 'the deciphered content is empty: no APDU inside', { offset: contentOffset });
  if (Object.hasOwn(SERVICE_CIPHERED, envelope.type)) {
    const expected = SERVICE_CIPHERED[envelope.type as ServiceCipheredType][1];
    if (opened.plaintext[0] !== expected) {
      throw new DlmsError('INVALID_VALUE', `${envelope.type} must carry an APDU with tag 0x${hex(expected)}, found 0x${hex(opened.plaintext[0] as number)}`, { offset: 0 });
    }
  }
  return {
    securityControl: opened.securityControl,
    authenticated: opened.authenticated,
    invocationCounter: opened.invocationCounter,
    plaintext: opened.plaintext,
    systemTitle,
    envelope,
  };
}

/** Bytes of an A-XDR length field for `n`. */
function lengthSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x1000000 ? 4 : 5;
}

/** `offset` is where the title's length field starts in the APDU. */
function checkEnvelopeTitle(title: Uint8Array, offset: number): Uint8Array {
  // Green Book 4.3.4: a system title is 8 octets; anything else cannot form the 96-bit IV.
  if (title.length !== 8) throw new DlmsError('INVALID_LENGTH', `system title in the envelope is ${title.length} bytes, not 8`, { offset });
  return title;
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0').toUpperCase();
}
