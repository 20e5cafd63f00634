import { DlmsError } from '../errors/index.ts';
import { encodeInitiateRequest, encodeInitiateResponse } from '../initiate/index.ts';
import type { InitiateRequest, InitiateResponse } from '../initiate/index.ts';
import type { Aare } from './aare.ts';
import type { Aarq } from './aarq.ts';
import { bitStringHas } from './ber.ts';
import type { BerBitString } from './ber.ts';
import { isCipheredContext } from './names.ts';
import type { AssociateSourceDiagnostic, AssociationResult, KnownApplicationContextName, KnownMechanismName } from './names.ts';

/** Green Book 4.3.4: a system title is 8 octets; AP-titles carrying one must be too. */
const SYSTEM_TITLE_LENGTH = 8;

/** ACSE-requirements with only bit 0, `authentication`, set: `07 80` on the wire. */
function authenticationRequirement(): BerBitString {
  return { unusedBits: 7, bytes: Uint8Array.of(0x80) };
}

/**
 * Whether an ACSE-requirements bit string selects the authentication functional unit (bit 0),
 * as sender-acse-requirements must whenever a mechanism-name is sent (Green Book 9.4.2.2.3).
 */
export function isAuthenticationSelected(requirements: BerBitString | undefined): boolean {
  return requirements !== undefined && bitStringHas(requirements, 0);
}

/** What a head-end chooses for an AARQ; everything else takes its DLMS default. */
export type AarqOptions = {
  /** Default `logical-name`. The `…-with-ciphering` contexts need `callingApTitle`. */
  readonly context?: KnownApplicationContextName;
  /** Default `lowest` (no authentication: no requirements, mechanism or value are sent). */
  readonly mechanism?: KnownMechanismName;
  /** The client system title, 8 bytes; needed with ciphering, HLS-GMAC and HLS-ECDSA. */
  readonly callingApTitle?: Uint8Array;
  /** The LLS password, or the HLS challenge CtoS; needed for every mechanism but `lowest`. */
  readonly authenticationValue?: Uint8Array;
  /** The client user id, when the server identifies users. */
  readonly callingAeInvocationId?: number;
} & (
  | { readonly initiateRequest: InitiateRequest; readonly userInformation?: undefined }
  /** Already-ciphered user-information (a glo-initiate-request from the security module). */
  | { readonly userInformation: Uint8Array; readonly initiateRequest?: undefined }
);

/**
 * An AARQ as a client sends it (Green Book 9.3.2): the chosen context, the authentication
 * fields when a mechanism other than `lowest` is chosen, and the InitiateRequest (plain, or
 * ciphered bytes). The result is in decoded form, so `decodeAcseApdu(encodeAcseApdu(aarq))`
 * deep-equals it.
 */
export function buildAarq(o: AarqOptions): Aarq {
  const context = o.context ?? 'logical-name';
  const mechanism = o.mechanism ?? 'lowest';
  const userInformation = oneUserInformation(o.initiateRequest, o.userInformation, encodeInitiateRequest, 'initiateRequest', true);
  if (mechanism === 'lowest' && o.authenticationValue !== undefined) {
    throw new DlmsError('INVALID_VALUE', 'an authentication value needs a mechanism other than lowest');
  }
  // LLS sends the password; every HLS variant sends the challenge CtoS (Green Book 9.2.7.4, pass 1).
  if (mechanism !== 'lowest' && o.authenticationValue === undefined) {
    throw new DlmsError('INVALID_VALUE', `mechanism '${mechanism}' needs an authentication value (LLS password or HLS challenge)`);
  }
  // The server needs the client system title to decipher (ciphered contexts) and to check f(StoC).
  if ((isCipheredContext(context) || mechanism === 'high-gmac' || mechanism === 'high-ecdsa') && o.callingApTitle === undefined) {
    throw new DlmsError('INVALID_VALUE', `context '${context}' with mechanism '${mechanism}' needs callingApTitle (the client system title)`);
  }
  checkSystemTitle(o.callingApTitle, 'callingApTitle');
  return {
    type: 'aarq',
    applicationContextName: context,
    ...(o.callingApTitle !== undefined ? { callingApTitle: o.callingApTitle } : {}),
    ...(o.callingAeInvocationId !== undefined ? { callingAeInvocationId: o.callingAeInvocationId } : {}),
    ...(mechanism !== 'lowest' && o.authenticationValue !== undefined
      ? {
          senderAcseRequirements: authenticationRequirement(),
          mechanismName: mechanism,
          callingAuthenticationValue: { type: 'charstring', value: o.authenticationValue } as const,
        }
      : {}),
    userInformation,
    ...(o.initiateRequest !== undefined ? { initiateRequest: o.initiateRequest } : {}),
  };
}

/** What a server chooses for an AARE. */
export type AareOptions = {
  /** Default `logical-name`; answer with the client's context when accepting. */
  readonly context?: KnownApplicationContextName;
  /** Default `accepted`. */
  readonly result?: AssociationResult;
  /**
   * Default: acse-service-user `authentication-required` when accepting with an HLS mechanism
   * (the HLS passes 3 and 4 follow, Green Book 9.2.7.4), else acse-service-user `null`.
   */
  readonly diagnostic?: AssociateSourceDiagnostic;
  /** The server system title, 8 bytes; needed with ciphering and HLS-GMAC. */
  readonly respondingApTitle?: Uint8Array;
  /** Echoed with HLS, together with the challenge StoC. */
  readonly mechanism?: KnownMechanismName;
  /** The HLS challenge StoC. */
  readonly authenticationValue?: Uint8Array;
} & (
  | { readonly initiateResponse: InitiateResponse; readonly userInformation?: undefined }
  /** Ciphered user-information, or a confirmed-service-error refusing the xDLMS part. */
  | { readonly userInformation: Uint8Array; readonly initiateResponse?: undefined }
  | { readonly initiateResponse?: undefined; readonly userInformation?: undefined }
);

const HLS: ReadonlySet<KnownMechanismName> = new Set(['high', 'high-md5', 'high-sha1', 'high-gmac', 'high-sha256', 'high-ecdsa']);

/** An AARE as a server sends it (Green Book 9.3.2), in decoded form like `buildAarq`. */
export function buildAare(o: AareOptions): Aare {
  const result = o.result ?? 'accepted';
  const mechanism = o.mechanism;
  const hls = mechanism !== undefined && HLS.has(mechanism);
  if (o.authenticationValue !== undefined && (mechanism === undefined || mechanism === 'lowest')) {
    throw new DlmsError('INVALID_VALUE', 'an authentication value (StoC) needs a mechanism other than lowest');
  }
  if (hls && result === 'accepted' && o.authenticationValue === undefined) {
    throw new DlmsError('INVALID_VALUE', `accepting with mechanism '${mechanism}' needs the challenge StoC as authentication value`);
  }
  checkSystemTitle(o.respondingApTitle, 'respondingApTitle');
  const userInformation = oneUserInformation(o.initiateResponse, o.userInformation, encodeInitiateResponse, 'initiateResponse', false);
  const diagnostic: AssociateSourceDiagnostic =
    o.diagnostic ?? { source: 'acse-service-user', diagnostic: hls && result === 'accepted' ? 'authentication-required' : 'null' };
  return {
    type: 'aare',
    applicationContextName: o.context ?? 'logical-name',
    result,
    resultSourceDiagnostic: diagnostic,
    ...(o.respondingApTitle !== undefined ? { respondingApTitle: o.respondingApTitle } : {}),
    ...(mechanism !== undefined && mechanism !== 'lowest' ? { responderAcseRequirements: authenticationRequirement(), mechanismName: mechanism } : {}),
    ...(o.authenticationValue !== undefined ? { respondingAuthenticationValue: { type: 'charstring', value: o.authenticationValue } as const } : {}),
    ...(userInformation !== undefined ? { userInformation } : {}),
    ...(o.initiateResponse !== undefined ? { initiateResponse: o.initiateResponse } : {}),
  };
}

function checkSystemTitle(title: Uint8Array | undefined, what: string): void {
  if (title !== undefined && title.length !== SYSTEM_TITLE_LENGTH) {
    throw new DlmsError('INVALID_VALUE', `${what} carries a system title, which is ${SYSTEM_TITLE_LENGTH} bytes, not ${title.length}`);
  }
}

function oneUserInformation<T>(decoded: T | undefined, raw: Uint8Array | undefined, encode: (x: T) => Uint8Array, what: string, required: true): Uint8Array;
function oneUserInformation<T>(decoded: T | undefined, raw: Uint8Array | undefined, encode: (x: T) => Uint8Array, what: string, required: false): Uint8Array | undefined;
function oneUserInformation<T>(decoded: T | undefined, raw: Uint8Array | undefined, encode: (x: T) => Uint8Array, what: string, required: boolean): Uint8Array | undefined {
  if (decoded !== undefined && raw !== undefined) throw new DlmsError('INVALID_VALUE', `give either ${what} or userInformation, not both`);
  if (decoded !== undefined) return encode(decoded);
  if (raw === undefined && required) throw new DlmsError('INVALID_VALUE', `an AARQ carries an xDLMS InitiateRequest: give ${what} or userInformation`);
  return raw;
}
