import type { ByteReader, ByteWriter } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';
import type { DecodeLimits } from '../limits/index.ts';
import { encodeInitiateRequest } from '../initiate/index.ts';
import type { InitiateRequest } from '../initiate/index.ts';
import { readBitString, writeElement } from './ber.ts';
import type { BerBitString } from './ber.ts';
import {
  readApplicationContextName,
  readAuthenticationValue,
  readComponents,
  readExplicitInteger,
  readExplicitOctetString,
  readMechanismName,
  readRequestUserInformation,
  userInformationBytes,
  writeApplicationContextName,
  writeAuthenticationValue,
  writeExplicitInteger,
  writeExplicitOctetString,
  writeImplicitBitString,
  writeMechanismName,
  writeUserInformation,
} from './components.ts';
import type { AuthenticationValue } from './components.ts';
import type { ApplicationContextName, MechanismName } from './names.ts';

/** AARQ-apdu ::= [APPLICATION 0] IMPLICIT SEQUENCE (Green Book 9.5). */
export const AARQ_TAG = 0x60;

/**
 * A-ASSOCIATE.request (Green Book 9.3.2, AARQ-apdu in 9.5). Fields are named after the ASN.1
 * components and appear on the wire in this order; absent OPTIONAL components are absent here.
 *
 * `userInformation` holds the xDLMS APDU as sent: a plain InitiateRequest (then
 * `initiateRequest` also holds it decoded, and `userInformation` is its shortest encoding should
 * the client have used longer length forms), or a glo-initiate-request (0x21) that the security
 * module deciphers. To encode, give either one; if both are given they must agree.
 */
export interface Aarq {
  readonly type: 'aarq';
  /** `[0] IMPLICIT BIT STRING DEFAULT {version1}`: present only when it was on the wire. */
  readonly protocolVersion?: BerBitString;
  readonly applicationContextName: ApplicationContextName;
  readonly calledApTitle?: Uint8Array;
  readonly calledAeQualifier?: Uint8Array;
  readonly calledApInvocationId?: number;
  readonly calledAeInvocationId?: number;
  /** The client's system title (8 bytes) when ciphering or HLS-GMAC is used (Green Book 9.2.7.4). */
  readonly callingApTitle?: Uint8Array;
  /** With HLS-ECDSA, the client's public key certificate. */
  readonly callingAeQualifier?: Uint8Array;
  readonly callingApInvocationId?: number;
  /** The client user id, when the server identifies users (Association LN `user_list`). */
  readonly callingAeInvocationId?: number;
  /** ACSE-requirements: bit 0 `authentication` is set when a mechanism-name follows (Green Book 9.4.2.2.3). */
  readonly senderAcseRequirements?: BerBitString;
  readonly mechanismName?: MechanismName;
  /** LLS password or HLS challenge CtoS. */
  readonly callingAuthenticationValue?: AuthenticationValue;
  readonly implementationInformation?: Uint8Array;
  readonly userInformation?: Uint8Array;
  readonly initiateRequest?: InitiateRequest;
}

const COMPONENTS: ReadonlyMap<number, string> = new Map([
  [0x80, 'protocol-version'],
  [0xa1, 'application-context-name'],
  [0xa2, 'called-AP-title'],
  [0xa3, 'called-AE-qualifier'],
  [0xa4, 'called-AP-invocation-id'],
  [0xa5, 'called-AE-invocation-id'],
  [0xa6, 'calling-AP-title'],
  [0xa7, 'calling-AE-qualifier'],
  [0xa8, 'calling-AP-invocation-id'],
  [0xa9, 'calling-AE-invocation-id'],
  [0x8a, 'sender-acse-requirements'],
  [0x8b, 'mechanism-name'],
  [0xac, 'calling-authentication-value'],
  [0x9d, 'implementation-information'],
  [0xbe, 'user-information'],
]);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The AARQ's contents (after tag and length); `at` is the APDU's offset for a missing field. */
export function decodeAarqContent(content: ByteReader, limits: DecodeLimits, at: number): Aarq {
  const f: Partial<Mutable<Aarq>> = {};
  readComponents(content, COMPONENTS, 'AARQ', (tag, c) => {
    switch (tag) {
      case 0x80:
        f.protocolVersion = readBitString(c, 'protocol-version');
        return;
      case 0xa1:
        f.applicationContextName = readApplicationContextName(c);
        return;
      case 0xa2:
        f.calledApTitle = readExplicitOctetString(c, 'called-AP-title');
        return;
      case 0xa3:
        f.calledAeQualifier = readExplicitOctetString(c, 'called-AE-qualifier');
        return;
      case 0xa4:
        f.calledApInvocationId = readExplicitInteger(c, 'called-AP-invocation-id');
        return;
      case 0xa5:
        f.calledAeInvocationId = readExplicitInteger(c, 'called-AE-invocation-id');
        return;
      case 0xa6:
        f.callingApTitle = readExplicitOctetString(c, 'calling-AP-title');
        return;
      case 0xa7:
        f.callingAeQualifier = readExplicitOctetString(c, 'calling-AE-qualifier');
        return;
      case 0xa8:
        f.callingApInvocationId = readExplicitInteger(c, 'calling-AP-invocation-id');
        return;
      case 0xa9:
        f.callingAeInvocationId = readExplicitInteger(c, 'calling-AE-invocation-id');
        return;
      case 0x8a:
        f.senderAcseRequirements = readBitString(c, 'sender-acse-requirements');
        return;
      case 0x8b:
        f.mechanismName = readMechanismName(c);
        return;
      case 0xac:
        f.callingAuthenticationValue = readAuthenticationValue(c);
        return;
      case 0x9d:
        f.implementationInformation = c.rest();
        return;
      default: {
        const ui = readRequestUserInformation(c, limits);
        f.userInformation = ui.userInformation;
        if (ui.initiateRequest !== undefined) f.initiateRequest = ui.initiateRequest;
      }
    }
  });
  const { applicationContextName } = f;
  if (applicationContextName === undefined) {
    throw new DlmsError('INVALID_VALUE', 'the AARQ lacks its mandatory application-context-name', { offset: at });
  }
  return { type: 'aarq', ...f, applicationContextName };
}

/** Write an AARQ, components in ASN.1 order; user-information from the raw bytes or the decoded InitiateRequest. */
export function writeAarq(w: ByteWriter, a: Aarq): void {
  const userInformation = userInformationBytes(a.userInformation, a.initiateRequest, encodeInitiateRequest, 'initiateRequest');
  writeElement(w, AARQ_TAG, () => {
    if (a.protocolVersion !== undefined) writeImplicitBitString(w, 0x80, a.protocolVersion, 'protocol-version');
    writeApplicationContextName(w, 0xa1, a.applicationContextName);
    if (a.calledApTitle !== undefined) writeExplicitOctetString(w, 0xa2, a.calledApTitle);
    if (a.calledAeQualifier !== undefined) writeExplicitOctetString(w, 0xa3, a.calledAeQualifier);
    if (a.calledApInvocationId !== undefined) writeExplicitInteger(w, 0xa4, a.calledApInvocationId, 'called-AP-invocation-id');
    if (a.calledAeInvocationId !== undefined) writeExplicitInteger(w, 0xa5, a.calledAeInvocationId, 'called-AE-invocation-id');
    if (a.callingApTitle !== undefined) writeExplicitOctetString(w, 0xa6, a.callingApTitle);
    if (a.callingAeQualifier !== undefined) writeExplicitOctetString(w, 0xa7, a.callingAeQualifier);
    if (a.callingApInvocationId !== undefined) writeExplicitInteger(w, 0xa8, a.callingApInvocationId, 'calling-AP-invocation-id');
    if (a.callingAeInvocationId !== undefined) writeExplicitInteger(w, 0xa9, a.callingAeInvocationId, 'calling-AE-invocation-id');
    if (a.senderAcseRequirements !== undefined) writeImplicitBitString(w, 0x8a, a.senderAcseRequirements, 'sender-acse-requirements');
    if (a.mechanismName !== undefined) writeMechanismName(w, 0x8b, a.mechanismName);
    if (a.callingAuthenticationValue !== undefined) writeAuthenticationValue(w, 0xac, a.callingAuthenticationValue);
    if (a.implementationInformation !== undefined) {
      const info = a.implementationInformation;
      writeElement(w, 0x9d, () => w.bytes(info));
    }
    if (userInformation !== undefined) writeUserInformation(w, 0xbe, userInformation);
  });
}
