import type { ByteReader, ByteWriter } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';
import type { DecodeLimits } from '../limits/index.ts';
import { encodeInitiateResponse } from '../initiate/index.ts';
import type { InitiateResponse } from '../initiate/index.ts';
import { expectEndOf, hex2, readBitString, readElement, writeElement } from './ber.ts';
import type { BerBitString } from './ber.ts';
import {
  readApplicationContextName,
  readAuthenticationValue,
  readComponents,
  readExplicitInteger,
  readExplicitOctetString,
  readMechanismName,
  readResponseUserInformation,
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
import { ACSE_SERVICE_PROVIDER_DIAGNOSTICS, ACSE_SERVICE_USER_DIAGNOSTICS, ASSOCIATION_RESULTS, nameOf, nameOrNumber, valueOf, valueOfNameOrNumber } from './names.ts';
import type { ApplicationContextName, AssociateSourceDiagnostic, AssociationResult, MechanismName } from './names.ts';

/** AARE-apdu ::= [APPLICATION 1] IMPLICIT SEQUENCE (Green Book 9.5). */
export const AARE_TAG = 0x61;

/**
 * A-ASSOCIATE.response (Green Book 9.3.2, AARE-apdu in 9.5). A refusal is a value, not an error:
 * check `result` and `resultSourceDiagnostic`. The diagnostic is a number when the meter sends
 * one the Green Book does not name; a `result` other than 0, 1, 2 is a decode error instead.
 * With HLS, an accepted AARE carries `authentication-required` and the server's challenge StoC
 * in `respondingAuthenticationValue`.
 *
 * `userInformation` holds the xDLMS APDU as sent: a plain InitiateResponse (then
 * `initiateResponse` also holds it decoded, and `userInformation` is its shortest encoding should
 * the meter have used longer length forms), a confirmed-service-error (0x0E) when the xDLMS
 * part was refused, or a ciphered glo-initiate-response (0x28) / glo-confirmed-service-error (0x2E).
 */
export interface Aare {
  readonly type: 'aare';
  readonly protocolVersion?: BerBitString;
  readonly applicationContextName: ApplicationContextName;
  readonly result: AssociationResult;
  readonly resultSourceDiagnostic: AssociateSourceDiagnostic;
  /** The server's system title (8 bytes) when ciphering or HLS-GMAC is used. */
  readonly respondingApTitle?: Uint8Array;
  /** With HLS-ECDSA, the server's public key certificate. */
  readonly respondingAeQualifier?: Uint8Array;
  readonly respondingApInvocationId?: number;
  readonly respondingAeInvocationId?: number;
  readonly responderAcseRequirements?: BerBitString;
  readonly mechanismName?: MechanismName;
  /** HLS challenge StoC. */
  readonly respondingAuthenticationValue?: AuthenticationValue;
  readonly implementationInformation?: Uint8Array;
  readonly userInformation?: Uint8Array;
  readonly initiateResponse?: InitiateResponse;
}

const COMPONENTS: ReadonlyMap<number, string> = new Map([
  [0x80, 'protocol-version'],
  [0xa1, 'application-context-name'],
  [0xa2, 'result'],
  [0xa3, 'result-source-diagnostic'],
  [0xa4, 'responding-AP-title'],
  [0xa5, 'responding-AE-qualifier'],
  [0xa6, 'responding-AP-invocation-id'],
  [0xa7, 'responding-AE-invocation-id'],
  [0x88, 'responder-acse-requirements'],
  [0x89, 'mechanism-name'],
  [0xaa, 'responding-authentication-value'],
  [0x9d, 'implementation-information'],
  [0xbe, 'user-information'],
]);

/** Associate-source-diagnostic CHOICE alternatives, each an EXPLICIT INTEGER. */
const DIAGNOSTIC_USER = 0xa1;
const DIAGNOSTIC_PROVIDER = 0xa2;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The AARE's contents (after tag and length); `at` is the APDU's offset for a missing field. */
export function decodeAareContent(content: ByteReader, limits: DecodeLimits, at: number): Aare {
  const f: Partial<Mutable<Aare>> = {};
  readComponents(content, COMPONENTS, 'AARE', (tag, c) => {
    switch (tag) {
      case 0x80:
        f.protocolVersion = readBitString(c, 'protocol-version');
        return;
      case 0xa1:
        f.applicationContextName = readApplicationContextName(c);
        return;
      case 0xa2: {
        // Unlike the diagnostic, an unknown result is refused: the association state hangs on it.
        const valueAt = c.offset;
        f.result = nameOf(ASSOCIATION_RESULTS, readExplicitInteger(c, 'result'), 'Association-result', valueAt);
        return;
      }
      case 0xa3:
        f.resultSourceDiagnostic = readDiagnostic(c);
        return;
      case 0xa4:
        f.respondingApTitle = readExplicitOctetString(c, 'responding-AP-title');
        return;
      case 0xa5:
        f.respondingAeQualifier = readExplicitOctetString(c, 'responding-AE-qualifier');
        return;
      case 0xa6:
        f.respondingApInvocationId = readExplicitInteger(c, 'responding-AP-invocation-id');
        return;
      case 0xa7:
        f.respondingAeInvocationId = readExplicitInteger(c, 'responding-AE-invocation-id');
        return;
      case 0x88:
        f.responderAcseRequirements = readBitString(c, 'responder-acse-requirements');
        return;
      case 0x89:
        f.mechanismName = readMechanismName(c);
        return;
      case 0xaa:
        f.respondingAuthenticationValue = readAuthenticationValue(c);
        return;
      case 0x9d:
        f.implementationInformation = c.rest();
        return;
      default: {
        const ui = readResponseUserInformation(c, limits);
        f.userInformation = ui.userInformation;
        if (ui.initiateResponse !== undefined) f.initiateResponse = ui.initiateResponse;
      }
    }
  });
  const { applicationContextName, result, resultSourceDiagnostic } = f;
  const missing = [
    applicationContextName === undefined ? 'application-context-name' : '',
    result === undefined ? 'result' : '',
    resultSourceDiagnostic === undefined ? 'result-source-diagnostic' : '',
  ].filter(Boolean);
  if (applicationContextName === undefined || result === undefined || resultSourceDiagnostic === undefined) {
    throw new DlmsError('INVALID_VALUE', `the AARE lacks its mandatory ${missing.join(', ')}`, { offset: at });
  }
  return { type: 'aare', ...f, applicationContextName, result, resultSourceDiagnostic };
}

/**
 * Associate-source-diagnostic (Green Book 9.5): the CHOICE must be one of its two alternatives,
 * but the INTEGER inside is open. A value the Green Book does not name (vendor-specific) is kept
 * as a number so the caller still learns why the meter refused; it re-encodes to the same bytes.
 */
function readDiagnostic(c: ByteReader): AssociateSourceDiagnostic {
  const at = c.offset;
  const choice = c.peekU8('the result-source-diagnostic choice');
  if (choice !== DIAGNOSTIC_USER && choice !== DIAGNOSTIC_PROVIDER) {
    throw new DlmsError('UNSUPPORTED_TAG', `0x${hex2(choice)} is neither acse-service-user (A1) nor acse-service-provider (A2)`, { offset: at });
  }
  const { content } = readElement(c, 'the result-source-diagnostic');
  expectEndOf(c, 'result-source-diagnostic');
  if (choice === DIAGNOSTIC_USER) {
    const v = readExplicitInteger(content, 'acse-service-user');
    return { source: 'acse-service-user', diagnostic: nameOrNumber(ACSE_SERVICE_USER_DIAGNOSTICS, v) };
  }
  const v = readExplicitInteger(content, 'acse-service-provider');
  return { source: 'acse-service-provider', diagnostic: nameOrNumber(ACSE_SERVICE_PROVIDER_DIAGNOSTICS, v) };
}

function writeDiagnostic(w: ByteWriter, d: AssociateSourceDiagnostic): void {
  writeElement(w, 0xa3, () => {
    switch (d.source) {
      case 'acse-service-user':
        writeExplicitInteger(
          w,
          DIAGNOSTIC_USER,
          valueOfNameOrNumber(ACSE_SERVICE_USER_DIAGNOSTICS, d.diagnostic, 'acse-service-user diagnostic'),
          'acse-service-user diagnostic',
        );
        return;
      case 'acse-service-provider':
        writeExplicitInteger(
          w,
          DIAGNOSTIC_PROVIDER,
          valueOfNameOrNumber(ACSE_SERVICE_PROVIDER_DIAGNOSTICS, d.diagnostic, 'acse-service-provider diagnostic'),
          'acse-service-provider diagnostic',
        );
        return;
      default:
        throw new DlmsError('INVALID_VALUE', `'${String((d as { source: unknown }).source)}' is not a result-source-diagnostic source`);
    }
  });
}

/** Write an AARE, components in ASN.1 order; user-information from the raw bytes or the decoded InitiateResponse. */
export function writeAare(w: ByteWriter, a: Aare): void {
  const userInformation = userInformationBytes(a.userInformation, a.initiateResponse, encodeInitiateResponse, 'initiateResponse');
  writeElement(w, AARE_TAG, () => {
    if (a.protocolVersion !== undefined) writeImplicitBitString(w, 0x80, a.protocolVersion, 'protocol-version');
    writeApplicationContextName(w, 0xa1, a.applicationContextName);
    writeExplicitInteger(w, 0xa2, valueOf(ASSOCIATION_RESULTS, a.result, 'Association-result'), 'result');
    writeDiagnostic(w, a.resultSourceDiagnostic);
    if (a.respondingApTitle !== undefined) writeExplicitOctetString(w, 0xa4, a.respondingApTitle);
    if (a.respondingAeQualifier !== undefined) writeExplicitOctetString(w, 0xa5, a.respondingAeQualifier);
    if (a.respondingApInvocationId !== undefined) writeExplicitInteger(w, 0xa6, a.respondingApInvocationId, 'responding-AP-invocation-id');
    if (a.respondingAeInvocationId !== undefined) writeExplicitInteger(w, 0xa7, a.respondingAeInvocationId, 'responding-AE-invocation-id');
    if (a.responderAcseRequirements !== undefined) writeImplicitBitString(w, 0x88, a.responderAcseRequirements, 'responder-acse-requirements');
    if (a.mechanismName !== undefined) writeMechanismName(w, 0x89, a.mechanismName);
    if (a.respondingAuthenticationValue !== undefined) writeAuthenticationValue(w, 0xaa, a.respondingAuthenticationValue);
    if (a.implementationInformation !== undefined) {
      const info = a.implementationInformation;
      writeElement(w, 0x9d, () => w.bytes(info));
    }
    if (userInformation !== undefined) writeUserInformation(w, 0xbe, userInformation);
  });
}
