import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  CONFORMANCE_BITS,
  INITIATE_REQUEST_TAG,
  INITIATE_RESPONSE_TAG,
  VAA_NAME_LN,
  conformanceFromBytes,
  conformanceFromNames,
  conformanceFromValue,
  conformanceIntersection,
  conformanceToBytes,
  decodeInitiateRequest,
  decodeInitiateResponse,
  encodeInitiateRequest,
  encodeInitiateResponse,
} from './index.ts';
import type { ConformanceBit, InitiateRequest, InitiateResponse } from './index.ts';
import { ByteReader, bytesToHex, hexToBytes } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';
import {
  INITIATE_REQUEST_DEDICATED_KEY,
  INITIATE_REQUEST_GB,
  INITIATE_RESPONSE_GB,
  INITIATE_RESPONSE_WITH_QOS,
  PUBLISHED_CONFORMANCE,
  PUBLISHED_INITIATE_REQUESTS,
  PUBLISHED_INITIATE_RESPONSES,
} from '../../test/fixtures/acse/initiate.ts';
import { initiateRequest, initiateResponse } from '../../test/arbitraries.ts';
import { INITIATE_REQUEST_EXPLICIT, INITIATE_REQUEST_LONG_FORM, INITIATE_RESPONSE_LONG_FORM } from '../../test/fixtures/acse/constructed.ts';

const isCode = (code: string) => (e: unknown) => e instanceof DlmsError && e.code === code;

// --- conformance block ------------------------------------------------------------------------

test('conformance: the published blocks name the Green Book bits', () => {
  for (const c of PUBLISHED_CONFORMANCE) {
    const block = conformanceFromBytes(hexToBytes(c.hex));
    assert.deepEqual([...block.bits].sort(), [...c.bits].sort(), c.hex);
    assert.equal(bytesToHex(conformanceToBytes(block)), c.hex);
    assert.deepEqual(conformanceFromNames(c.bits as ConformanceBit[]), block);
  }
  assert.equal(conformanceFromBytes(hexToBytes('007E1F')).value, 0x007e1f);
});

test('conformance: bit n is 1 << (23 - n), bit 0 the most significant (Green Book 9.4.6.1)', () => {
  assert.equal(CONFORMANCE_BITS.length, 24);
  assert.equal(conformanceFromNames(['reserved-zero']).value, 0x800000);
  assert.equal(conformanceFromNames(['general-protection']).value, 0x400000);
  assert.equal(conformanceFromNames(['general-block-transfer']).value, 0x200000);
  assert.equal(conformanceFromNames(['delta-value-encoding']).value, 0x020000);
  assert.equal(conformanceFromNames(['attribute0-supported-with-set']).value, 0x008000);
  assert.equal(conformanceFromNames(['data-notification']).value, 0x000080);
  assert.equal(conformanceFromNames(['get']).value, 0x000010);
  assert.equal(conformanceFromNames(['action']).value, 0x000001);
  assert.equal(conformanceFromNames([]).value, 0);
  CONFORMANCE_BITS.forEach((name, n) => assert.deepEqual([...conformanceFromValue(1 << (23 - n)).bits], [name]));
});

test('conformance: value and names agree for every 24-bit value; intersection negotiates', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffff }), fc.integer({ min: 0, max: 0xffffff }), (a, b) => {
      const c = conformanceFromValue(a);
      assert.equal(conformanceFromNames(c.bits).value, a);
      assert.deepEqual(conformanceFromBytes(conformanceToBytes(c)), c);
      assert.equal(conformanceIntersection(c, conformanceFromValue(b)).value, a & b);
    }),
  );
  const proposed = conformanceFromBytes(hexToBytes('007E1F'));
  const supported = conformanceFromNames(['get', 'set', 'action', 'block-transfer-with-get-or-read', 'general-protection']);
  assert.deepEqual([...conformanceIntersection(proposed, supported).bits].sort(), ['action', 'block-transfer-with-get-or-read', 'get', 'set']);
});

test('conformance: out-of-range values, unknown names, wrong lengths and disagreeing views are refused', () => {
  assert.throws(() => conformanceFromValue(0x1000000), isCode('INVALID_VALUE'));
  assert.throws(() => conformanceFromValue(-1), isCode('INVALID_VALUE'));
  assert.throws(() => conformanceFromValue(1.5), isCode('INVALID_VALUE'));
  assert.throws(() => conformanceFromNames(['get', 'teleport' as ConformanceBit]), isCode('INVALID_VALUE'));
  assert.throws(() => conformanceFromBytes(hexToBytes('7E1F')), isCode('INVALID_LENGTH'));
  const forged = { value: 0x10, bits: new Set<ConformanceBit>(['set']) };
  assert.throws(() => conformanceToBytes(forged), isCode('INVALID_VALUE'));
  const req = decodeInitiateRequest(hexToBytes(INITIATE_REQUEST_GB.hex));
  assert.throws(() => encodeInitiateRequest({ ...req, proposedConformance: forged }), isCode('INVALID_VALUE'));
});

// --- InitiateRequest --------------------------------------------------------------------------

test('InitiateRequest: the Green Book request decodes to its fields and re-encodes byte for byte', () => {
  const bytes = hexToBytes(INITIATE_REQUEST_GB.hex);
  const expected: InitiateRequest = {
    type: 'initiate-request',
    proposedDlmsVersionNumber: 6,
    proposedConformance: conformanceFromValue(0x007e1f),
    clientMaxReceivePduSize: 1200,
  };
  assert.deepEqual(decodeInitiateRequest(bytes), expected);
  assert.equal(bytesToHex(encodeInitiateRequest(expected)), INITIATE_REQUEST_GB.hex);
  assert.equal(INITIATE_REQUEST_TAG, 0x01);
});

test('InitiateRequest: a dedicated key', () => {
  const req = decodeInitiateRequest(hexToBytes(INITIATE_REQUEST_DEDICATED_KEY.hex));
  assert.equal(bytesToHex(req.dedicatedKey ?? new Uint8Array()), '00112233445566778899AABBCCDDEEFF');
  assert.equal(req.responseAllowed, undefined);
  assert.equal(req.proposedQualityOfService, undefined);
  assert.equal(bytesToHex(encodeInitiateRequest(req)), INITIATE_REQUEST_DEDICATED_KEY.hex);
});

test('InitiateRequest: response-allowed keeps its wire form (default, explicit TRUE, explicit FALSE)', () => {
  const explicit = decodeInitiateRequest(hexToBytes(INITIATE_REQUEST_EXPLICIT.hex));
  assert.equal(explicit.responseAllowed, false);
  assert.equal(explicit.proposedQualityOfService, 5);
  assert.equal(explicit.clientMaxReceivePduSize, 0xffff);
  assert.equal(bytesToHex(encodeInitiateRequest(explicit)), INITIATE_REQUEST_EXPLICIT.hex);
  const base = INITIATE_REQUEST_GB.hex; // 01 00 | 00 | 00 | 06 …
  const withTrue = '0100' + '0101' + base.slice(6);
  const t = decodeInitiateRequest(hexToBytes(withTrue));
  assert.equal(t.responseAllowed, true);
  assert.equal(bytesToHex(encodeInitiateRequest(t)), withTrue);
  assert.equal('responseAllowed' in decodeInitiateRequest(hexToBytes(base)), false);
  assert.throws(() => decodeInitiateRequest(hexToBytes('0100' + '01FF' + base.slice(6))), (e: unknown) => isCode('INVALID_VALUE')(e) && (e as DlmsError).offset === 3);
  assert.throws(() => decodeInitiateRequest(hexToBytes('0100' + '02' + base.slice(6))), (e: unknown) => isCode('INVALID_VALUE')(e) && (e as DlmsError).offset === 2);
});

test('InitiateRequest: errors carry codes and offsets', () => {
  const hex = INITIATE_REQUEST_GB.hex;
  assert.throws(() => decodeInitiateRequest(hexToBytes('08' + hex.slice(2))), (e: unknown) => isCode('UNSUPPORTED_TAG')(e) && (e as DlmsError).offset === 0);
  assert.throws(() => decodeInitiateRequest(hexToBytes(hex + '00')), isCode('TRAILING_BYTES'));
  // Conformance block: tag at offset 5, length at 7, unused bits at 8.
  assert.throws(() => decodeInitiateRequest(hexToBytes(hex.replace('5F1F04', '5F1E04'))), (e: unknown) => isCode('UNSUPPORTED_TAG')(e) && (e as DlmsError).offset === 5);
  assert.throws(() => decodeInitiateRequest(hexToBytes(hex.replace('5F1F0400007E1F', '5F1F03007E1F'))), (e: unknown) => isCode('INVALID_LENGTH')(e) && (e as DlmsError).offset === 7);
  assert.throws(() => decodeInitiateRequest(hexToBytes(hex.replace('5F1F0400', '5F1F0401'))), (e: unknown) => isCode('INVALID_VALUE')(e) && (e as DlmsError).offset === 8);
  // A dedicated key longer than the input.
  assert.throws(() => decodeInitiateRequest(hexToBytes('010140' + '00')), isCode('TRUNCATED'));
  assert.throws(() => decodeInitiateRequest(hexToBytes(hex), { maxApduSize: 10 }), isCode('LIMIT_EXCEEDED'));
  assert.throws(() => encodeInitiateRequest({ ...decodeInitiateRequest(hexToBytes(hex)), clientMaxReceivePduSize: 70000 }), isCode('INVALID_VALUE'));
  assert.throws(() => encodeInitiateRequest({ ...decodeInitiateRequest(hexToBytes(hex)), proposedQualityOfService: 200 }), isCode('INVALID_VALUE'));
});

test('InitiateRequest from a reader: reads one request, leaves the reader after it, offsets stay absolute', () => {
  const bytes = hexToBytes('AAAA' + INITIATE_REQUEST_GB.hex + 'BB');
  const r = new ByteReader(bytes);
  r.skip(2);
  assert.equal(decodeInitiateRequest(r).clientMaxReceivePduSize, 1200);
  assert.equal(r.remaining, 1);
  const bad = new ByteReader(hexToBytes('AAAA' + '0100000006' + '5F1E'));
  bad.skip(2);
  assert.throws(() => decodeInitiateRequest(bad), (e: unknown) => isCode('UNSUPPORTED_TAG')(e) && (e as DlmsError).offset === 7);
});

// --- InitiateResponse -------------------------------------------------------------------------

test('InitiateResponse: the Green Book response decodes to its fields and re-encodes byte for byte', () => {
  const expected: InitiateResponse = {
    type: 'initiate-response',
    negotiatedDlmsVersionNumber: 6,
    negotiatedConformance: conformanceFromValue(0x00501f),
    serverMaxReceivePduSize: 500,
    vaaName: VAA_NAME_LN,
  };
  assert.deepEqual(decodeInitiateResponse(hexToBytes(INITIATE_RESPONSE_GB.hex)), expected);
  assert.equal(bytesToHex(encodeInitiateResponse(expected)), INITIATE_RESPONSE_GB.hex);
  const withQos = decodeInitiateResponse(hexToBytes(INITIATE_RESPONSE_WITH_QOS.hex));
  assert.equal(withQos.negotiatedQualityOfService, 0);
  assert.equal(withQos.serverMaxReceivePduSize, 1224);
  assert.equal(bytesToHex(encodeInitiateResponse(withQos)), INITIATE_RESPONSE_WITH_QOS.hex);
  assert.equal(INITIATE_RESPONSE_TAG, 0x08);
});

test('InitiateResponse: errors carry codes and offsets', () => {
  const hex = INITIATE_RESPONSE_GB.hex;
  assert.throws(() => decodeInitiateResponse(hexToBytes('01' + hex.slice(2))), (e: unknown) => isCode('UNSUPPORTED_TAG')(e) && (e as DlmsError).offset === 0);
  assert.throws(() => decodeInitiateResponse(hexToBytes(hex + '07')), isCode('TRAILING_BYTES'));
  assert.throws(() => decodeInitiateResponse(hexToBytes('0802' + hex.slice(4))), (e: unknown) => isCode('INVALID_VALUE')(e) && (e as DlmsError).offset === 1);
  assert.throws(() => encodeInitiateResponse({ ...decodeInitiateResponse(hexToBytes(hex)), vaaName: -1 }), isCode('INVALID_VALUE'));
});

// --- lengths -----------------------------------------------------------------------------------

test('long-form lengths longer than needed are accepted (X.690 8.1.3.5) and re-encode in the shortest form', () => {
  const req = decodeInitiateRequest(hexToBytes(INITIATE_REQUEST_LONG_FORM.hex));
  assert.deepEqual(req, decodeInitiateRequest(hexToBytes(INITIATE_REQUEST_LONG_FORM.shortest)));
  assert.equal(bytesToHex(encodeInitiateRequest(req)), INITIATE_REQUEST_LONG_FORM.shortest);
  assert.equal(INITIATE_REQUEST_LONG_FORM.shortest, INITIATE_REQUEST_DEDICATED_KEY.hex);
  const res = decodeInitiateResponse(hexToBytes(INITIATE_RESPONSE_LONG_FORM.hex));
  assert.deepEqual(res, decodeInitiateResponse(hexToBytes(INITIATE_RESPONSE_GB.hex)));
  assert.equal(bytesToHex(encodeInitiateResponse(res)), INITIATE_RESPONSE_GB.hex);
  // The dedicated-key length as 84 00 00 00 10.
  const base = INITIATE_REQUEST_DEDICATED_KEY.hex; // 01 01 10 <key> …
  assert.deepEqual(decodeInitiateRequest(hexToBytes('0101' + '8400000010' + base.slice(6))), decodeInitiateRequest(hexToBytes(base)));
  // Still refused: the indefinite form, more than 4 length octets, a long length that overruns,
  // and a conformance block whose long-form length is not 4.
  assert.throws(() => decodeInitiateRequest(hexToBytes('0101' + '80' + base.slice(6))), (e: unknown) => isCode('INVALID_LENGTH')(e) && (e as DlmsError).offset === 2);
  assert.throws(() => decodeInitiateRequest(hexToBytes('0101' + '850000000010' + base.slice(6))), (e: unknown) => isCode('INVALID_LENGTH')(e) && (e as DlmsError).offset === 2);
  assert.throws(() => decodeInitiateRequest(hexToBytes('0101' + '82FFFF' + base.slice(6))), (e: unknown) => isCode('TRUNCATED')(e) && (e as DlmsError).offset === 2);
  assert.throws(() => decodeInitiateResponse(hexToBytes(INITIATE_RESPONSE_GB.hex.replace('5F1F04', '5F1F8105'))), (e: unknown) => isCode('INVALID_LENGTH')(e) && (e as DlmsError).offset === 5);
});

// --- all fixtures: prefixes, properties, random input -----------------------------------------

test('every strict prefix of every initiate fixture is TRUNCATED, long-form lengths included', () => {
  const cases: Array<[string, (b: Uint8Array) => unknown]> = [
    ...[...PUBLISHED_INITIATE_REQUESTS, INITIATE_REQUEST_EXPLICIT, INITIATE_REQUEST_LONG_FORM].map(
      (f) => [f.hex, decodeInitiateRequest] as [string, (b: Uint8Array) => unknown],
    ),
    ...[...PUBLISHED_INITIATE_RESPONSES, INITIATE_RESPONSE_LONG_FORM].map((f) => [f.hex, decodeInitiateResponse] as [string, (b: Uint8Array) => unknown]),
  ];
  for (const [hex, decode] of cases) {
    const b = hexToBytes(hex);
    decode(b);
    for (let n = 0; n < b.length; n++) assert.throws(() => decode(b.subarray(0, n)), isCode('TRUNCATED'), `${hex} cut at ${n}`);
  }
});



test('property: decode(encode(request)) deep-equals the request', () => {
  fc.assert(
    fc.property(initiateRequest, (req) => {
      const bytes = encodeInitiateRequest(req);
      assert.deepEqual(decodeInitiateRequest(bytes), req);
      assert.equal(bytesToHex(encodeInitiateRequest(decodeInitiateRequest(bytes))), bytesToHex(bytes));
    }),
    { numRuns: 500 },
  );
});

test('property: decode(encode(response)) deep-equals the response', () => {
  fc.assert(
    fc.property(initiateResponse, (res) => {
      assert.deepEqual(decodeInitiateResponse(encodeInitiateResponse(res)), res);
    }),
    { numRuns: 500 },
  );
});

/**
 * `encode(decode(bytes))` is `bytes`, unless the input used longer length forms than needed: then
 * the re-encoding is shorter and decodes to the same value.
 */
function assertReencodes<T>(bytes: Uint8Array, decode: (b: Uint8Array) => T, encode: (x: T) => Uint8Array): void {
  let value: T;
  try {
    value = decode(bytes);
  } catch (e) {
    if (e instanceof DlmsError) return;
    throw e;
  }
  const again = encode(value);
  if (bytesToHex(again) === bytesToHex(bytes)) return;
  assert.ok(again.length < bytes.length, `${bytesToHex(bytes)} re-encodes to ${bytesToHex(again)}`);
  assert.deepEqual(decode(again), value);
}

test('random bytes give a value or a DlmsError, never anything else; decoded values re-encode to the same value', () => {
  const seeds = [...PUBLISHED_INITIATE_REQUESTS, ...PUBLISHED_INITIATE_RESPONSES, INITIATE_REQUEST_EXPLICIT, INITIATE_REQUEST_LONG_FORM, INITIATE_RESPONSE_LONG_FORM].map(
    (f) => hexToBytes(f.hex),
  );
  const mutated = fc
    .tuple(fc.constantFrom(...seeds), fc.nat(), fc.integer({ min: 0, max: 255 }))
    .map(([seed, at, byte]) => {
      const b = Uint8Array.from(seed);
      b[at % b.length] = byte;
      return b;
    });
  fc.assert(
    fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), mutated), (bytes) => {
      assertReencodes(bytes, decodeInitiateRequest, encodeInitiateRequest);
      assertReencodes(bytes, decodeInitiateResponse, encodeInitiateResponse);
    }),
    { numRuns: 4000 },
  );
});
