import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ACSE_TAGS,
  APPLICATION_CONTEXT_IDS,
  MECHANISM_IDS,
  buildAare,
  buildAarq,
  decodeAcseApdu,
  encodeAcseApdu,
  isAuthenticationSelected,
  isCipheredContext,
} from './index.ts';
import type {
  Aare,
  Aarq,
  AcseApdu,
  ApplicationContextName,
  AssociateSourceDiagnostic,
  AuthenticationValue,
  BerBitString,
  MechanismName,
  Rlre,
  Rlrq,
} from './index.ts';
import { bytesToHex, hexToBytes } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';
import { conformanceFromValue, decodeInitiateRequest, encodeInitiateRequest, encodeInitiateResponse } from '../initiate/index.ts';
import type { InitiateRequest, InitiateResponse } from '../initiate/index.ts';
import {
  CAPTURED_AARE_LLS,
  CAPTURED_AARQ_LLS,
  GB_AARE_CONFIRMED_SERVICE_ERROR,
  GB_AARE_HLS_GMAC,
  GB_AARE_LN_NO_SECURITY,
  GB_AARQ_HLS_GMAC,
  GB_AARQ_LLS,
  GB_AARQ_LLS_CIPHERED,
  GB_AARQ_LN_NO_SECURITY,
  GOSEM_AARE_AUTHENTICATION_FAILURE,
  GOSEM_AARE_AUTHENTICATION_FAILURE_BARE,
  GOSEM_AARE_GLO_CONFIRMED_SERVICE_ERROR,
  GOSEM_AARE_LLS_CIPHERED,
  GOSEM_AARQ_LLS_CIPHERED,
  HLS_GMAC_CIPHERED_AARE,
  HLS_GMAC_CIPHERED_AARQ,
  JDLMS_AARE_WITH_QOS,
  PUBLISHED_ASSOCIATIONS,
} from '../../test/fixtures/acse/associations.ts';
import { PUBLISHED_RELEASES, RLRE_WITH_INITIATE_RESPONSE, RLRQ_WITH_GLO_INITIATE_REQUEST } from '../../test/fixtures/acse/releases.ts';
import {
  AARE_EVERY_COMPONENT,
  AARE_LONG_FORM_CONFORMANCE,
  AARE_LONG_FORM_LENGTHS,
  AARE_UNNAMED_PROVIDER_DIAGNOSTIC,
  AARE_UNNAMED_USER_DIAGNOSTIC,
  AARQ_EVERY_COMPONENT,
  AARQ_UNKNOWN_NAMES,
  CONSTRUCTED_ACSE,
  LONG_FORM_ACSE,
  RLRE_UNNAMED_REASON,
  RLRQ_UNNAMED_REASON,
} from '../../test/fixtures/acse/constructed.ts';
import { CAPTURED_SESSION } from '../../test/fixtures/hdlc/captured-session.ts';
import { initiateRequest, initiateResponse } from '../../test/arbitraries.ts';

const isCode = (code: string) => (e: unknown) => e instanceof DlmsError && e.code === code;
const isCodeAt = (code: string, offset: number) => (e: unknown) => e instanceof DlmsError && e.code === code && e.offset === offset;
const ALL_FIXTURES = [...PUBLISHED_ASSOCIATIONS, ...PUBLISHED_RELEASES, ...CONSTRUCTED_ACSE];
const decodeHex = (hex: string): AcseApdu => decodeAcseApdu(hexToBytes(hex));
const encodeHex = (apdu: AcseApdu): string => bytesToHex(encodeAcseApdu(apdu));
const text = (s: string) => new TextEncoder().encode(s);

function decodeAs<T extends AcseApdu['type']>(hex: string, type: T): Extract<AcseApdu, { type: T }> {
  const apdu = decodeHex(hex);
  assert.equal(apdu.type, type);
  return apdu as Extract<AcseApdu, { type: T }>;
}

// --- every fixture --------------------------------------------------------------------------

test('every fixture decodes and re-encodes byte for byte', () => {
  for (const f of ALL_FIXTURES) {
    const apdu = decodeHex(f.hex);
    assert.equal(encodeHex(apdu), f.hex, f.name);
    assert.deepEqual(decodeAcseApdu(encodeAcseApdu(apdu)), apdu, f.name);
  }
});

test('every strict prefix of every fixture is TRUNCATED, long-form lengths included', () => {
  for (const f of [...ALL_FIXTURES, ...LONG_FORM_ACSE]) {
    const b = hexToBytes(f.hex);
    for (let n = 0; n < b.length; n++) assert.throws(() => decodeAcseApdu(b.subarray(0, n)), isCode('TRUNCATED'), `${f.name} cut at ${n}`);
  }
});

test('ACSE_TAGS are [APPLICATION 0..3] constructed', () => {
  assert.deepEqual([...ACSE_TAGS].sort(), [0x60, 0x61, 0x62, 0x63]);
});

// --- AARQ -----------------------------------------------------------------------------------

test('Green Book LN AARQ without security: decoded fields', () => {
  const expected: Aarq = {
    type: 'aarq',
    applicationContextName: 'logical-name',
    userInformation: hexToBytes('01000000065F1F0400007E1F04B0'),
    initiateRequest: {
      type: 'initiate-request',
      proposedDlmsVersionNumber: 6,
      proposedConformance: conformanceFromValue(0x007e1f),
      clientMaxReceivePduSize: 1200,
    },
  };
  assert.deepEqual(decodeHex(GB_AARQ_LN_NO_SECURITY.hex), expected);
  assert.equal(encodeHex(expected), GB_AARQ_LN_NO_SECURITY.hex);
});

test('LLS AARQs: mechanism low, the password as charstring, authentication selected', () => {
  for (const [hex, password, pdu] of [
    [GB_AARQ_LLS.hex, '12345678', 1200],
    [CAPTURED_AARQ_LLS.hex, 'xRwPbExF', 256],
  ] as const) {
    const a = decodeAs(hex, 'aarq');
    assert.equal(a.applicationContextName, 'logical-name');
    assert.equal(a.mechanismName, 'low');
    assert.ok(isAuthenticationSelected(a.senderAcseRequirements));
    assert.deepEqual(a.callingAuthenticationValue, { type: 'charstring', value: text(password) });
    assert.equal(a.initiateRequest?.clientMaxReceivePduSize, pdu);
  }
});

test('the captured LLS AARQ/AARE are the APDUs inside the HDLC session fixture', () => {
  // 7E | format (2) | addresses (2) | control | HCS (2) | LLC E6E600 / E6E700 | APDU | FCS (2) | 7E
  const apduOf = (hex: string) => hex.slice(2 + 4 + 4 + 2 + 4 + 6, -6);
  assert.equal(apduOf(CAPTURED_SESSION[2]!.hex), CAPTURED_AARQ_LLS.hex);
  assert.equal(apduOf(CAPTURED_SESSION[3]!.hex), CAPTURED_AARE_LLS.hex);
});

test('HLS-GMAC AARQ with ciphering: AP title, mechanism 5, challenge, ciphered user-information kept raw', () => {
  const a = decodeAs(HLS_GMAC_CIPHERED_AARQ.hex, 'aarq');
  assert.equal(a.applicationContextName, 'logical-name-with-ciphering');
  assert.ok(isCipheredContext(a.applicationContextName));
  assert.equal(bytesToHex(a.callingApTitle!), '4D454C0000000001');
  assert.equal(a.mechanismName, 'high-gmac');
  assert.deepEqual(a.callingAuthenticationValue, { type: 'charstring', value: text(')HB+0F04') });
  assert.equal(a.userInformation?.[0], 0x21); // glo-initiate-request
  assert.equal(a.userInformation?.length, 33);
  assert.equal('initiateRequest' in a, false);
  const plain = decodeAs(GB_AARQ_HLS_GMAC.hex, 'aarq');
  assert.equal(plain.mechanismName, 'high-gmac');
  assert.deepEqual(plain.callingAuthenticationValue, { type: 'charstring', value: text('K56iVagY') });
});

test('ciphered LLS AARQs carry the client system title and a glo-initiate-request', () => {
  for (const [hex, title, ic] of [
    [GB_AARQ_LLS_CIPHERED.hex, '4D4D4D0000BC614E', '01234567'],
    [GOSEM_AARQ_LLS_CIPHERED.hex, '4349520000000001', '00000059'],
  ] as const) {
    const a = decodeAs(hex, 'aarq');
    assert.equal(bytesToHex(a.callingApTitle!), title);
    assert.equal(a.mechanismName, 'low');
    assert.equal(bytesToHex(a.userInformation!.subarray(0, 7)), `213030${ic}`); // glo-initiate-request, 48 bytes, SC, IC
    assert.equal(a.initiateRequest, undefined);
  }
});

test('an AARQ with every component, unknown names and the other authentication-value forms', () => {
  const a = decodeAs(AARQ_EVERY_COMPONENT.hex, 'aarq');
  assert.deepEqual(a.protocolVersion, { unusedBits: 7, bytes: Uint8Array.of(0x80) });
  assert.equal(a.applicationContextName, 'short-name');
  assert.equal(bytesToHex(a.calledApTitle!), '01020304');
  assert.equal(bytesToHex(a.calledAeQualifier!), 'AA');
  assert.equal(a.calledApInvocationId, 5);
  assert.equal(a.calledAeInvocationId, 128);
  assert.equal(bytesToHex(a.callingAeQualifier!), 'BB');
  assert.equal(a.callingApInvocationId, -1);
  assert.equal(a.callingAeInvocationId, 1);
  assert.equal(a.mechanismName, 'high');
  assert.deepEqual(a.callingAuthenticationValue, { type: 'bitstring', value: { unusedBits: 6, bytes: Uint8Array.of(0xc0) } });
  assert.equal(new TextDecoder().decode(a.implementationInformation), 'oam');
  const u = decodeAs(AARQ_UNKNOWN_NAMES.hex, 'aarq');
  assert.deepEqual(u.applicationContextName, { oid: '2.16.756.5.8.1.5' });
  assert.deepEqual(u.mechanismName, { oid: '2.16.756.5.8.2.9' });
  assert.deepEqual(u.callingAuthenticationValue, { type: 'external', value: hexToBytes('02020100') });
  assert.equal(bytesToHex(u.userInformation!), 'AABBCC');
});

// --- AARE -----------------------------------------------------------------------------------

test('Green Book AARE: decoded fields', () => {
  const expected: Aare = {
    type: 'aare',
    applicationContextName: 'logical-name',
    result: 'accepted',
    resultSourceDiagnostic: { source: 'acse-service-user', diagnostic: 'null' },
    userInformation: hexToBytes('0800065F1F040000501F01F40007'),
    initiateResponse: {
      type: 'initiate-response',
      negotiatedDlmsVersionNumber: 6,
      negotiatedConformance: conformanceFromValue(0x00501f),
      serverMaxReceivePduSize: 500,
      vaaName: 7,
    },
  };
  assert.deepEqual(decodeHex(GB_AARE_LN_NO_SECURITY.hex), expected);
  assert.equal(encodeHex(expected), GB_AARE_LN_NO_SECURITY.hex);
  assert.equal(decodeAs(CAPTURED_AARE_LLS.hex, 'aare').initiateResponse?.negotiatedConformance.value, 0x00181d);
});

test('an AARE with negotiated-quality-of-service present (Iskra MT372, jDLMS)', () => {
  const a = decodeAs(JDLMS_AARE_WITH_QOS.hex, 'aare');
  assert.equal(a.result, 'accepted');
  assert.deepEqual(a.initiateResponse, {
    type: 'initiate-response',
    negotiatedQualityOfService: 0,
    negotiatedDlmsVersionNumber: 6,
    negotiatedConformance: conformanceFromValue(0x007c1f),
    serverMaxReceivePduSize: 1024,
    vaaName: 7,
  } satisfies InitiateResponse);
  assert.equal(bytesToHex(a.userInformation!), '080100065F1F0400007C1F04000007');
});

test('HLS-GMAC AAREs: authentication-required, the server system title and StoC', () => {
  const a = decodeAs(HLS_GMAC_CIPHERED_AARE.hex, 'aare');
  assert.equal(a.result, 'accepted');
  assert.deepEqual(a.resultSourceDiagnostic, { source: 'acse-service-user', diagnostic: 'authentication-required' });
  assert.equal(bytesToHex(a.respondingApTitle!), '4D454C6570A037B2');
  assert.ok(isAuthenticationSelected(a.responderAcseRequirements));
  assert.equal(a.mechanismName, 'high-gmac');
  assert.deepEqual(a.respondingAuthenticationValue, { type: 'charstring', value: text('(G3cnP~s') });
  assert.equal(a.userInformation?.[0], 0x28); // glo-initiate-response
  assert.equal(a.initiateResponse, undefined);
  const plain = decodeAs(GB_AARE_HLS_GMAC.hex, 'aare');
  assert.deepEqual(plain.respondingAuthenticationValue, { type: 'charstring', value: text('P6wRJ21F') });
  assert.equal(plain.initiateResponse?.serverMaxReceivePduSize, 500);
  assert.equal(bytesToHex(decodeAs(GOSEM_AARE_LLS_CIPHERED.hex, 'aare').respondingApTitle!), '4C475A2022604828');
});

test('refusals are values: authentication-failure, confirmed-service-error, glo-confirmed-service-error', () => {
  const failed = decodeAs(GOSEM_AARE_AUTHENTICATION_FAILURE.hex, 'aare');
  assert.equal(failed.result, 'rejected-permanent');
  assert.deepEqual(failed.resultSourceDiagnostic, { source: 'acse-service-user', diagnostic: 'authentication-failure' });
  assert.equal(failed.initiateResponse?.serverMaxReceivePduSize, 128);
  const bare = decodeAs(GOSEM_AARE_AUTHENTICATION_FAILURE_BARE.hex, 'aare');
  assert.equal(bare.userInformation, undefined);
  assert.equal(bare.resultSourceDiagnostic.diagnostic, 'authentication-failure');
  const cse = decodeAs(GB_AARE_CONFIRMED_SERVICE_ERROR.hex, 'aare');
  assert.deepEqual(cse.resultSourceDiagnostic, { source: 'acse-service-user', diagnostic: 'no-reason-given' });
  assert.equal(bytesToHex(cse.userInformation!), '0E010601');
  assert.equal(cse.initiateResponse, undefined);
  const glo = decodeAs(GOSEM_AARE_GLO_CONFIRMED_SERVICE_ERROR.hex, 'aare');
  assert.equal(glo.userInformation?.[0], 0x2e);
  assert.equal(bytesToHex(glo.respondingApTitle!), '4B464D3434383831');
});

test('an AARE with every component: provider diagnostic, invocation ids, the other authentication value', () => {
  const a = decodeAs(AARE_EVERY_COMPONENT.hex, 'aare');
  assert.equal(a.applicationContextName, 'short-name-with-ciphering');
  assert.equal(a.result, 'rejected-transient');
  assert.deepEqual(a.resultSourceDiagnostic, { source: 'acse-service-provider', diagnostic: 'no-common-acse-version' });
  assert.equal(a.respondingApInvocationId, 7);
  assert.equal(a.respondingAeInvocationId, 9);
  assert.equal(bytesToHex(a.respondingAeQualifier!), 'CC');
  assert.equal(a.mechanismName, 'high-ecdsa');
  assert.deepEqual(a.respondingAuthenticationValue, { type: 'other', value: hexToBytes('060100') });
});

// --- RLRQ / RLRE ----------------------------------------------------------------------------

test('releases: reasons, empty APDUs, plain and ciphered user-information', () => {
  assert.deepEqual(decodeHex('6203800100'), { type: 'rlrq', reason: 'normal' } satisfies Rlrq);
  assert.deepEqual(decodeHex('6303800101'), { type: 'rlre', reason: 'not-finished' } satisfies Rlre);
  assert.deepEqual(decodeHex('620380011E'), { type: 'rlrq', reason: 'user-defined' } satisfies Rlrq);
  assert.deepEqual(decodeHex('6200'), { type: 'rlrq' });
  assert.deepEqual(decodeHex('6300'), { type: 'rlre' });
  const rlre = decodeAs(RLRE_WITH_INITIATE_RESPONSE.hex, 'rlre');
  assert.equal(rlre.initiateResponse?.negotiatedQualityOfService, 0);
  assert.equal(rlre.initiateResponse?.serverMaxReceivePduSize, 1224);
  const rlrq = decodeAs(RLRQ_WITH_GLO_INITIATE_REQUEST.hex, 'rlrq');
  assert.equal(rlrq.userInformation?.[0], 0x21);
  assert.equal(rlrq.initiateRequest, undefined);
  // A plain InitiateRequest in an RLRQ is decoded too.
  const withPlain: Rlrq = { type: 'rlrq', reason: 'normal', initiateRequest: decodeInitiateRequest(hexToBytes('01000000065F1F0400007E1F04B0')) };
  assert.equal(encodeHex(withPlain), '6215800100BE10040E01000000065F1F0400007E1F04B0');
  assert.deepEqual(decodeHex('6215800100BE10040E01000000065F1F0400007E1F04B0'), { ...withPlain, userInformation: hexToBytes('01000000065F1F0400007E1F04B0') });
});

test('diagnostics and release reasons the Green Book does not name are kept as numbers and re-encode exactly', () => {
  const user = decodeAs(AARE_UNNAMED_USER_DIAGNOSTIC.hex, 'aare');
  assert.equal(user.result, 'rejected-permanent');
  assert.deepEqual(user.resultSourceDiagnostic, { source: 'acse-service-user', diagnostic: 250 });
  const provider = decodeAs(AARE_UNNAMED_PROVIDER_DIAGNOSTIC.hex, 'aare');
  assert.deepEqual(provider.resultSourceDiagnostic, { source: 'acse-service-provider', diagnostic: 3 });
  assert.deepEqual(decodeHex(RLRQ_UNNAMED_REASON.hex), { type: 'rlrq', reason: 2 } satisfies Rlrq);
  assert.deepEqual(decodeHex(RLRE_UNNAMED_REASON.hex), { type: 'rlre', reason: 5 } satisfies Rlre);
  for (const f of [AARE_UNNAMED_USER_DIAGNOSTIC, AARE_UNNAMED_PROVIDER_DIAGNOSTIC, RLRQ_UNNAMED_REASON, RLRE_UNNAMED_REASON]) {
    assert.equal(encodeHex(decodeHex(f.hex)), f.hex, f.name);
  }
  // A negative value and a 15 (one past the last named acse-service-user diagnostic) as well.
  const aare = (diag: string) => `61${(16 + diag.length / 2).toString(16).padStart(2, '0')}A109060760857405080101A203020101${diag}`;
  for (const [diag, diagnostic] of [['A305A10302010F', 15], ['A305A1030201FF', -1]] as const) {
    const a = decodeAs(aare(diag), 'aare');
    assert.deepEqual(a.resultSourceDiagnostic, { source: 'acse-service-user', diagnostic });
    assert.equal(encodeHex(a), aare(diag));
  }
  // The builder passes a vendor diagnostic through.
  const built = buildAare({ result: 'rejected-permanent', diagnostic: { source: 'acse-service-user', diagnostic: 250 } });
  assert.equal(encodeHex(built), AARE_UNNAMED_USER_DIAGNOSTIC.hex);
});

test('an AARE result other than 0, 1, 2 is refused: the association state depends on it', () => {
  const aare = (result: string) => `6117A109060760857405080101${result}A305A103020100`; // a 5-byte result
  assert.throws(() => decodeHex(aare('A203020103')), (e: unknown) => isCodeAt('INVALID_VALUE', 15)(e) && (e as DlmsError).path === 'aare.result');
  assert.throws(() => decodeHex(aare('A2030201FF')), isCodeAt('INVALID_VALUE', 15));
  assert.throws(() => encodeAcseApdu({ ...decodeAs(GB_AARE_LN_NO_SECURITY.hex, 'aare'), result: 3 as never }), isCode('INVALID_VALUE'));
});

// --- builders -------------------------------------------------------------------------------

const GB_INITIATE_REQUEST: InitiateRequest = {
  type: 'initiate-request',
  proposedDlmsVersionNumber: 6,
  proposedConformance: conformanceFromValue(0x007e1f),
  clientMaxReceivePduSize: 1200,
};
const GB_INITIATE_RESPONSE: InitiateResponse = {
  type: 'initiate-response',
  negotiatedDlmsVersionNumber: 6,
  negotiatedConformance: conformanceFromValue(0x00501f),
  serverMaxReceivePduSize: 500,
  vaaName: 7,
};

test('buildAarq reproduces the published AARQs', () => {
  assert.equal(encodeHex(buildAarq({ initiateRequest: GB_INITIATE_REQUEST })), GB_AARQ_LN_NO_SECURITY.hex);
  assert.equal(encodeHex(buildAarq({ mechanism: 'low', authenticationValue: text('12345678'), initiateRequest: GB_INITIATE_REQUEST })), GB_AARQ_LLS.hex);
  assert.equal(encodeHex(buildAarq({ mechanism: 'high-gmac', authenticationValue: text('K56iVagY'), callingApTitle: hexToBytes('0000000000000000'), initiateRequest: GB_INITIATE_REQUEST })).includes('8B0760857405080205AC0A80084B35366956616759'), true);
  const ciphered = decodeAs(HLS_GMAC_CIPHERED_AARQ.hex, 'aarq');
  const built = buildAarq({
    context: 'logical-name-with-ciphering',
    mechanism: 'high-gmac',
    callingApTitle: ciphered.callingApTitle!,
    authenticationValue: text(')HB+0F04'),
    userInformation: ciphered.userInformation!,
  });
  assert.equal(encodeHex(built), HLS_GMAC_CIPHERED_AARQ.hex);
  assert.deepEqual(built, ciphered);
  assert.deepEqual(decodeAcseApdu(encodeAcseApdu(buildAarq({ initiateRequest: GB_INITIATE_REQUEST }))), buildAarq({ initiateRequest: GB_INITIATE_REQUEST }));
});

test('buildAare reproduces the published AAREs', () => {
  assert.equal(encodeHex(buildAare({ initiateResponse: GB_INITIATE_RESPONSE })), GB_AARE_LN_NO_SECURITY.hex);
  assert.equal(encodeHex(buildAare({ mechanism: 'high-gmac', authenticationValue: text('P6wRJ21F'), initiateResponse: GB_INITIATE_RESPONSE })), GB_AARE_HLS_GMAC.hex);
  const ciphered = decodeAs(HLS_GMAC_CIPHERED_AARE.hex, 'aare');
  const built = buildAare({
    context: 'logical-name-with-ciphering',
    respondingApTitle: ciphered.respondingApTitle!,
    mechanism: 'high-gmac',
    authenticationValue: text('(G3cnP~s'),
    userInformation: ciphered.userInformation!,
  });
  assert.equal(encodeHex(built), HLS_GMAC_CIPHERED_AARE.hex);
  assert.deepEqual(built, ciphered);
  const refused = buildAare({ result: 'rejected-permanent', diagnostic: { source: 'acse-service-user', diagnostic: 'authentication-failure' } });
  assert.equal(encodeHex(refused), GOSEM_AARE_AUTHENTICATION_FAILURE_BARE.hex);
});

test('builders refuse inconsistent options', () => {
  const ir = GB_INITIATE_REQUEST;
  assert.throws(() => buildAarq({ mechanism: 'low', initiateRequest: ir }), isCode('INVALID_VALUE'));
  assert.throws(() => buildAarq({ authenticationValue: text('x'), initiateRequest: ir }), isCode('INVALID_VALUE'));
  assert.throws(() => buildAarq({ context: 'logical-name-with-ciphering', userInformation: hexToBytes('2100') }), isCode('INVALID_VALUE'));
  assert.throws(() => buildAarq({ mechanism: 'high-gmac', authenticationValue: text('12345678'), initiateRequest: ir }), isCode('INVALID_VALUE'));
  assert.throws(() => buildAarq({ callingApTitle: hexToBytes('0102'), initiateRequest: ir }), isCode('INVALID_VALUE'));
  assert.throws(() => buildAarq({} as never), isCode('INVALID_VALUE'));
  assert.throws(() => buildAarq({ initiateRequest: ir, userInformation: hexToBytes('01') } as never), isCode('INVALID_VALUE'));
  assert.throws(() => buildAare({ mechanism: 'high-gmac', initiateResponse: GB_INITIATE_RESPONSE }), isCode('INVALID_VALUE'));
  assert.throws(() => buildAare({ authenticationValue: text('x') }), isCode('INVALID_VALUE'));
  assert.throws(() => buildAare({ respondingApTitle: hexToBytes('01') }), isCode('INVALID_VALUE'));
});

// --- malformed input ------------------------------------------------------------------------

test('unknown and misplaced components are refused with their offsets', () => {
  // [13] is no AARQ component: 60 05 | 8D 00 ... after the context.
  assert.throws(() => decodeHex('600FA109060760857405080101' + '8D00' + 'BE00'), isCodeAt('UNSUPPORTED_TAG', 13));
  // user-information before the application-context-name: out of ASN.1 order.
  const ui = 'BE10040E01000000065F1F0400007E1F04B0';
  assert.throws(() => decodeHex('601D' + ui + 'A109060760857405080101'), isCodeAt('INVALID_VALUE', 20));
  // The application-context-name twice.
  assert.throws(() => decodeHex('6016A109060760857405080101A109060760857405080101'), isCodeAt('INVALID_VALUE', 13));
  // No application-context-name at all; an AARE without result.
  assert.throws(() => decodeHex('6012' + ui), (e: unknown) => isCodeAt('INVALID_VALUE', 0)(e) && /application-context-name/.test((e as Error).message));
  assert.throws(() => decodeHex('6112A109060760857405080101A305A103020100'), (e: unknown) => isCode('INVALID_VALUE')(e) && /result/.test((e as Error).message));
  // A multi-byte tag, a primitive where the component is constructed, another APDU tag.
  assert.throws(() => decodeHex('60031F0100'), isCodeAt('UNSUPPORTED_TAG', 2));
  assert.throws(() => decodeHex('600B8109060760857405080101'), isCodeAt('UNSUPPORTED_TAG', 2));
  assert.throws(() => decodeHex('6400'), isCodeAt('UNSUPPORTED_TAG', 0));
  assert.throws(() => decodeHex(''), isCode('TRUNCATED'));
});

test('malformed values inside components are refused', () => {
  const aare = (result: string, diag: string) => decodeHex(`61${(11 + result.length / 2 + diag.length / 2).toString(16).padStart(2, '0')}A109060760857405080101${result}${diag}`);
  assert.throws(() => aare('A203020103', 'A305A103020100'), isCodeAt('INVALID_VALUE', 15)); // result 3
  assert.throws(() => aare('A203020100', 'A305A303020100'), isCodeAt('UNSUPPORTED_TAG', 20)); // no such CHOICE
  assert.throws(() => aare('A203020100', 'A306A10402020001'), isCodeAt('INVALID_VALUE', 24)); // diagnostic INTEGER 00 01 is too long
  assert.throws(() => decodeHex('620480020001'), isCodeAt('INVALID_VALUE', 4)); // release reason INTEGER 00 01 is too long
  assert.throws(() => aare('A20402020000', 'A305A103020100'), isCodeAt('INVALID_VALUE', 17)); // INTEGER 00 00 is too long
  assert.throws(() => aare('A2050201000000', 'A305A103020100'), isCodeAt('INVALID_LENGTH', 18)); // bytes after the INTEGER
  assert.throws(() => aare('A2020200', 'A305A103020100'), isCodeAt('INVALID_LENGTH', 17)); // an empty INTEGER
  // OID sub-identifier padded with 0x80, and one cut short.
  assert.throws(() => decodeHex('600AA108060660857405' + '8001'), isCode('INVALID_VALUE'));
  assert.throws(() => decodeHex('6009A1070605608574058F'), isCode('INVALID_VALUE'));
  // ACSE-requirements with 8 unused bits.
  assert.throws(() => decodeHex('600FA1090607608574050801018A020880'), isCodeAt('INVALID_VALUE', 15));
  // An authentication value that is none of the four alternatives.
  assert.throws(() => decodeHex('6011A109060760857405080101AC0484020000'), isCodeAt('UNSUPPORTED_TAG', 15));
  // user-information that is not an OCTET STRING.
  assert.throws(() => decodeHex('6011A109060760857405080101BE04030200FF'), isCodeAt('UNSUPPORTED_TAG', 15));
});

test('lengths in a long form longer than needed are accepted (X.690 8.1.3.5) and re-encode in the shortest form', () => {
  for (const f of LONG_FORM_ACSE) {
    const apdu = decodeHex(f.hex);
    assert.deepEqual(apdu, decodeHex(f.shortest), f.name);
    assert.equal(encodeHex(apdu), f.shortest, f.name);
  }
  // 81 1D, 82 00 1D and 84 00 00 00 1D for the Green Book AARQ's 29 bytes.
  const rest = GB_AARQ_LN_NO_SECURITY.hex.slice(4);
  for (const length of ['811D', '82001D', '840000001D']) assert.deepEqual(decodeHex(`60${length}${rest}`), decodeHex(GB_AARQ_LN_NO_SECURITY.hex), length);
  // A plain InitiateResponse with a long-form length: userInformation is its shortest encoding, so both views agree.
  const a = decodeAs(AARE_LONG_FORM_CONFORMANCE.hex, 'aare');
  assert.equal(bytesToHex(a.userInformation!), '0800065F1F040000501F01F40007');
  assert.equal(a.initiateResponse?.negotiatedConformance.value, 0x00501f);
  assert.deepEqual(decodeAs(AARE_LONG_FORM_LENGTHS.hex, 'aare').resultSourceDiagnostic, { source: 'acse-service-user', diagnostic: 'null' });
  // Still refused: the indefinite form, more than 4 length octets, and a long length that overruns.
  assert.throws(() => decodeHex('6080'), isCodeAt('INVALID_LENGTH', 1));
  assert.throws(() => decodeHex('6085000000001D' + rest), isCodeAt('INVALID_LENGTH', 1));
  assert.throws(() => decodeHex('6081FF' + rest), isCodeAt('TRUNCATED', 1));
});

test('a malformed InitiateRequest in user-information is an error with its path and absolute offset', () => {
  // The conformance tag 5F 1F (AARQ bytes 22..23) broken into 5F 1E.
  const hex = GB_AARQ_LN_NO_SECURITY.hex.replace('5F1F', '5F1E');
  assert.throws(
    () => decodeHex(hex),
    (e: unknown) => isCodeAt('UNSUPPORTED_TAG', 22)(e) && (e as DlmsError).path === 'aarq.user-information.initiate-request',
  );
  // An InitiateResponse one byte short inside correctly framed user-information.
  assert.throws(
    () => decodeHex('6128A109060760857405080101A203020100A305A103020100' + 'BE0F040D' + '0800065F1F040000501F01F400'),
    (e: unknown) => isCodeAt('TRUNCATED', 41)(e) && (e as DlmsError).path === 'aare.user-information.initiate-response',
  );
  // Trailing bytes after the InitiateResponse inside user-information.
  assert.throws(() => decodeHex('612AA109060760857405080101A203020100A305A103020100BE11040F0800065F1F040000501F01F4000700'), isCode('TRAILING_BYTES'));
});

test('trailing bytes after the APDU, and the size limit', () => {
  assert.throws(() => decodeHex(GB_AARQ_LN_NO_SECURITY.hex + '00'), isCodeAt('TRAILING_BYTES', 31));
  assert.throws(() => decodeAcseApdu(hexToBytes(GB_AARQ_LN_NO_SECURITY.hex), { maxApduSize: 30 }), isCode('LIMIT_EXCEEDED'));
  assert.equal(decodeAcseApdu(hexToBytes(GB_AARQ_LN_NO_SECURITY.hex), { maxApduSize: 31 }).type, 'aarq');
});

test('encoder refuses values it cannot write, and user-information that disagrees with its decoded form', () => {
  const a = decodeAs(GB_AARQ_LN_NO_SECURITY.hex, 'aarq');
  assert.throws(() => encodeAcseApdu({ ...a, initiateRequest: { ...a.initiateRequest!, clientMaxReceivePduSize: 1 } }), isCode('INVALID_VALUE'));
  assert.throws(() => encodeAcseApdu({ ...a, applicationContextName: 'long-name' as never }), isCode('INVALID_VALUE'));
  assert.throws(() => encodeAcseApdu({ ...a, applicationContextName: { oid: '3.1' } }), isCode('INVALID_VALUE'));
  assert.throws(() => encodeAcseApdu({ ...a, applicationContextName: { oid: '1.40' } }), isCode('INVALID_VALUE'));
  assert.throws(() => encodeAcseApdu({ ...a, mechanismName: 'toString' as never }), isCode('INVALID_VALUE'));
  assert.throws(() => encodeAcseApdu({ ...a, callingApInvocationId: 2 ** 50 }), isCode('INVALID_VALUE'));
  assert.throws(() => encodeAcseApdu({ ...a, senderAcseRequirements: { unusedBits: 8, bytes: Uint8Array.of(0) } }), isCode('INVALID_VALUE'));
  assert.throws(() => encodeAcseApdu({ type: 'rlrq', reason: 'not-finished' as never }), isCode('INVALID_VALUE'));
  // A number is only for values without a name (else it would decode back as the name); it must be an integer.
  assert.throws(() => encodeAcseApdu({ type: 'rlrq', reason: 0 }), (e: unknown) => isCode('INVALID_VALUE')(e) && /'normal'/.test((e as Error).message));
  assert.throws(() => encodeAcseApdu({ type: 'rlre', reason: 1.5 }), isCode('INVALID_VALUE'));
  assert.throws(() => encodeAcseApdu({ type: 'rlre', reason: 2 ** 50 }), isCode('INVALID_VALUE'));
  assert.throws(() => encodeAcseApdu({ type: 'xyz' } as never), isCode('INVALID_VALUE'));
  const aare = decodeAs(GB_AARE_LN_NO_SECURITY.hex, 'aare');
  assert.throws(() => encodeAcseApdu({ ...aare, resultSourceDiagnostic: { source: 'acse-service-provider', diagnostic: 'authentication-failure' } as never }), isCode('INVALID_VALUE'));
  assert.throws(() => encodeAcseApdu({ ...aare, resultSourceDiagnostic: { source: 'acse-service-user', diagnostic: 14 } }), isCode('INVALID_VALUE'));
  assert.throws(() => encodeAcseApdu({ ...aare, resultSourceDiagnostic: { source: 'acse-service-provider', diagnostic: Number.NaN } }), isCode('INVALID_VALUE'));
  // userInformation alone wins when no decoded form is given.
  const { initiateRequest: _dropped, ...rawOnly } = a;
  assert.equal(encodeHex(rawOnly), GB_AARQ_LN_NO_SECURITY.hex);
});

test('long BER lengths: a 200-byte AE-qualifier (a certificate) round-trips with 81 xx lengths', () => {
  const cert = Uint8Array.from({ length: 200 }, (_, i) => i);
  const aarq: Aarq = { ...buildAarq({ initiateRequest: GB_INITIATE_REQUEST }), callingAeQualifier: cert };
  const hex = encodeHex(aarq);
  assert.equal(hex.slice(0, 6), '6081EB'); // 235 bytes of content
  assert.ok(hex.includes('A781CB0481C8000102'));
  assert.deepEqual(decodeHex(hex), aarq);
});

test('names: application contexts and mechanisms map to the DLMS UA OIDs', () => {
  assert.deepEqual(APPLICATION_CONTEXT_IDS, { 'logical-name': 1, 'short-name': 2, 'logical-name-with-ciphering': 3, 'short-name-with-ciphering': 4 });
  assert.equal(MECHANISM_IDS['high-gmac'], 5);
  for (const [name, id] of Object.entries(MECHANISM_IDS)) {
    const a = decodeHex(`6018A109060760857405080101${'8A020780'}8B076085740508020${id}`);
    assert.equal(a.type === 'aarq' && a.mechanismName, name);
  }
  assert.equal(isAuthenticationSelected(undefined), false);
  assert.equal(isAuthenticationSelected({ unusedBits: 7, bytes: Uint8Array.of(0x00) }), false);
  assert.equal(isAuthenticationSelected({ unusedBits: 0, bytes: new Uint8Array(0) }), false);
});

// --- properties -----------------------------------------------------------------------------

const KNOWN_CONTEXT_OIDS = new Set(['2.16.756.5.8.1.1', '2.16.756.5.8.1.2', '2.16.756.5.8.1.3', '2.16.756.5.8.1.4']);
const KNOWN_MECHANISM_OIDS = new Set(Object.values(MECHANISM_IDS).map((id) => `2.16.756.5.8.2.${id}`));
const oid = fc
  .tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 39 }), fc.array(fc.integer({ min: 0, max: 2 ** 40 }), { maxLength: 8 }))
  .map(([x, y, rest]) => [x, x === 2 ? y * 100 : y, ...rest].join('.'));
const contextName: fc.Arbitrary<ApplicationContextName> = fc.oneof(
  fc.constantFrom('logical-name', 'short-name', 'logical-name-with-ciphering', 'short-name-with-ciphering' as const),
  oid.filter((o) => !KNOWN_CONTEXT_OIDS.has(o)).map((o) => ({ oid: o })),
  fc.constantFrom({ oid: '2.16.756.5.8.1.5' }, { oid: '2.16.756.5.8.1.0' }),
);
const mechanismName: fc.Arbitrary<MechanismName> = fc.oneof(
  fc.constantFrom(...(Object.keys(MECHANISM_IDS) as Array<keyof typeof MECHANISM_IDS>)),
  oid.filter((o) => !KNOWN_MECHANISM_OIDS.has(o)).map((o) => ({ oid: o })),
);
const octets = fc.oneof({ weight: 4, arbitrary: fc.uint8Array({ maxLength: 24 }) }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 120, maxLength: 300 }) });
const bitString: fc.Arbitrary<BerBitString> = fc
  .tuple(fc.integer({ min: 0, max: 7 }), fc.uint8Array({ maxLength: 4 }))
  .map(([unusedBits, bytes]) => ({ unusedBits: bytes.length === 0 ? 0 : unusedBits, bytes }));
const authenticationValue: fc.Arbitrary<AuthenticationValue> = fc.oneof(
  octets.map((value) => ({ type: 'charstring' as const, value })),
  bitString.map((value) => ({ type: 'bitstring' as const, value })),
  octets.map((value) => ({ type: 'external' as const, value })),
  octets.map((value) => ({ type: 'other' as const, value })),
);
const invocationId = fc.integer({ min: -(2 ** 47), max: 2 ** 47 - 1 });


/** user-information in decoded form: absent, a plain xDLMS APDU (raw and decoded), or other raw bytes. */
function userInformation<K extends 'initiateRequest' | 'initiateResponse', T>(key: K, decoded: fc.Arbitrary<T>, encode: (x: T) => Uint8Array, plainTag: number) {
  return fc.oneof(
    fc.constant({}),
    decoded.map((d) => ({ userInformation: encode(d), [key]: d }) as { userInformation: Uint8Array } & Record<K, T>),
    octets.filter((b) => b[0] !== plainTag).map((userInformation) => ({ userInformation })),
  );
}

const aarq: fc.Arbitrary<Aarq> = fc
  .tuple(
    fc.record(
      {
        protocolVersion: bitString,
        applicationContextName: contextName,
        calledApTitle: octets,
        calledAeQualifier: octets,
        calledApInvocationId: invocationId,
        calledAeInvocationId: invocationId,
        callingApTitle: octets,
        callingAeQualifier: octets,
        callingApInvocationId: invocationId,
        callingAeInvocationId: invocationId,
        senderAcseRequirements: bitString,
        mechanismName,
        callingAuthenticationValue: authenticationValue,
        implementationInformation: octets,
      },
      { requiredKeys: ['applicationContextName'], noNullPrototype: true },
    ),
    userInformation('initiateRequest', initiateRequest, encodeInitiateRequest, 0x01),
  )
  .map(([fields, ui]) => ({ type: 'aarq' as const, ...fields, ...ui }));

/** An INTEGER the table does not name: what a vendor-specific diagnostic or reason decodes to. */
const unnamed = (named: readonly number[]) => fc.integer({ min: -(2 ** 47), max: 2 ** 47 - 1 }).filter((v) => !named.includes(v));
const diagnostic: fc.Arbitrary<AssociateSourceDiagnostic> = fc.oneof(
  fc.constantFrom(
    'null',
    'no-reason-given',
    'application-context-name-not-supported',
    'calling-AP-title-not-recognized',
    'called-AE-invocation-identifier-not-recognized',
    'authentication-mechanism-name-not-recognised',
    'authentication-failure',
    'authentication-required',
  ).map((d) => ({ source: 'acse-service-user' as const, diagnostic: d })),
  fc.constantFrom('null', 'no-reason-given', 'no-common-acse-version').map((d) => ({ source: 'acse-service-provider' as const, diagnostic: d })),
  fc.oneof(fc.integer({ min: 15, max: 255 }), unnamed([...Array(15).keys()])).map((d) => ({ source: 'acse-service-user' as const, diagnostic: d })),
  fc.oneof(fc.integer({ min: 3, max: 255 }), unnamed([0, 1, 2])).map((d) => ({ source: 'acse-service-provider' as const, diagnostic: d })),
);

const aare: fc.Arbitrary<Aare> = fc
  .tuple(
    fc.record(
      {
        protocolVersion: bitString,
        applicationContextName: contextName,
        result: fc.constantFrom('accepted', 'rejected-permanent', 'rejected-transient' as const),
        resultSourceDiagnostic: diagnostic,
        respondingApTitle: octets,
        respondingAeQualifier: octets,
        respondingApInvocationId: invocationId,
        respondingAeInvocationId: invocationId,
        responderAcseRequirements: bitString,
        mechanismName,
        respondingAuthenticationValue: authenticationValue,
        implementationInformation: octets,
      },
      { requiredKeys: ['applicationContextName', 'result', 'resultSourceDiagnostic'], noNullPrototype: true },
    ),
    userInformation('initiateResponse', initiateResponse, encodeInitiateResponse, 0x08),
  )
  .map(([fields, ui]) => ({ type: 'aare' as const, ...fields, ...ui }));

const rlrq: fc.Arbitrary<Rlrq> = fc
  .tuple(
    fc.option(fc.oneof(fc.constantFrom('normal', 'urgent', 'user-defined' as const), unnamed([0, 1, 30])), { nil: undefined }),
    userInformation('initiateRequest', initiateRequest, encodeInitiateRequest, 0x01),
  )
  .map(([reason, ui]) => ({ type: 'rlrq' as const, ...(reason !== undefined ? { reason } : {}), ...ui }));
const rlre: fc.Arbitrary<Rlre> = fc
  .tuple(
    fc.option(fc.oneof(fc.constantFrom('normal', 'not-finished', 'user-defined' as const), unnamed([0, 1, 30])), { nil: undefined }),
    userInformation('initiateResponse', initiateResponse, encodeInitiateResponse, 0x08),
  )
  .map(([reason, ui]) => ({ type: 'rlre' as const, ...(reason !== undefined ? { reason } : {}), ...ui }));

test('property: decode(encode(x)) deep-equals x for every ACSE APDU', () => {
  fc.assert(
    fc.property(fc.oneof(aarq, aare, rlrq, rlre), (apdu) => {
      const bytes = encodeAcseApdu(apdu);
      const back = decodeAcseApdu(bytes);
      assert.deepEqual(back, apdu);
      assert.equal(bytesToHex(encodeAcseApdu(back)), bytesToHex(bytes));
    }),
    { numRuns: 1500 },
  );
});

test('random and mutated bytes give an APDU or a DlmsError; whatever decodes re-encodes to the same value', () => {
  const seeds = [...ALL_FIXTURES, ...LONG_FORM_ACSE].map((f) => hexToBytes(f.hex));
  const mutated = fc
    .tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }), fc.nat({ max: 4 }))
    .map(([seed, edits, cut]) => {
      const b = Uint8Array.from(seed);
      for (const [at, byte] of edits) b[at % b.length] = byte;
      return b.subarray(0, b.length - (cut === 0 ? 1 : 0));
    });
  const withAcseTag = fc.tuple(fc.constantFrom(0x60, 0x61, 0x62, 0x63), fc.uint8Array({ maxLength: 80 })).map(([tag, rest]) => Uint8Array.of(tag, rest.length, ...rest));
  fc.assert(
    fc.property(fc.oneof(fc.uint8Array({ maxLength: 100 }), mutated, withAcseTag), (bytes) => {
      let apdu: AcseApdu;
      try {
        apdu = decodeAcseApdu(bytes);
      } catch (e) {
        if (e instanceof DlmsError) return;
        throw e;
      }
      // Byte for byte, unless the input used longer length forms than needed: then the
      // re-encoding is shorter and decodes to the same value.
      const again = encodeAcseApdu(apdu);
      if (bytesToHex(again) === bytesToHex(bytes)) return;
      assert.ok(again.length < bytes.length, `${bytesToHex(bytes)} re-encodes to ${bytesToHex(again)}`);
      assert.deepEqual(decodeAcseApdu(again), apdu);
    }),
    { numRuns: 5000 },
  );
});
