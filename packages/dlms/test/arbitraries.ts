import fc from 'fast-check';
import type { DlmsData, TypeDescription } from '../src/axdr/index.ts';
import { conformanceFromValue } from '../src/initiate/index.ts';
import type { InitiateRequest, InitiateResponse } from '../src/initiate/index.ts';

/**
 * fast-check generators for COSEM data, shared by the property tests of every module that carries
 * `Data` (A-XDR codec, xDLMS services, translate). Values are generated in their canonical decoded
 * form, so `decode(encode(x))` must deep-equal `x`.
 */
const f32 = fc.float({ noNaN: true }).map((x) => Math.fround(x));
const f64 = fc.double({ noNaN: true });

/** Every non-container data type. */
export const simpleData: fc.Arbitrary<DlmsData> = fc.oneof(
  fc.constant<DlmsData>({ type: 'null-data' }),
  fc.constant<DlmsData>({ type: 'dont-care' }),
  fc.boolean().map((value): DlmsData => ({ type: 'boolean', value })),
  fc.integer({ min: 2, max: 255 }).map((raw): DlmsData => ({ type: 'boolean', value: true, raw })),
  fc.uint8Array({ maxLength: 40 }).chain((bytes) =>
    fc.integer({ min: Math.max(0, bytes.length * 8 - 7), max: bytes.length * 8 }).map((bitLength): DlmsData => ({ type: 'bit-string', bitLength: bytes.length === 0 ? 0 : bitLength, value: bytes })),
  ),
  fc.integer({ min: -0x80000000, max: 0x7fffffff }).map((value): DlmsData => ({ type: 'double-long', value })),
  fc.integer({ min: 0, max: 0xffffffff }).map((value): DlmsData => ({ type: 'double-long-unsigned', value })),
  f32.map((value): DlmsData => ({ type: 'floating-point', value })),
  fc.uint8Array({ maxLength: 300 }).map((value): DlmsData => ({ type: 'octet-string', value })),
  fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 40 }).map((value): DlmsData => ({ type: 'visible-string', value })),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map((value): DlmsData => ({ type: 'utf8-string', value })),
  fc.integer({ min: 0, max: 255 }).map((value): DlmsData => ({ type: 'bcd', value })),
  fc.integer({ min: -128, max: 127 }).map((value): DlmsData => ({ type: 'integer', value })),
  fc.integer({ min: -32768, max: 32767 }).map((value): DlmsData => ({ type: 'long', value })),
  fc.integer({ min: 0, max: 255 }).map((value): DlmsData => ({ type: 'unsigned', value })),
  fc.integer({ min: 0, max: 65535 }).map((value): DlmsData => ({ type: 'long-unsigned', value })),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((value): DlmsData => ({ type: 'long64', value })),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((value): DlmsData => ({ type: 'long64-unsigned', value })),
  fc.integer({ min: 0, max: 255 }).map((value): DlmsData => ({ type: 'enum', value })),
  f32.map((value): DlmsData => ({ type: 'float32', value })),
  f64.map((value): DlmsData => ({ type: 'float64', value })),
  fc.uint8Array({ minLength: 12, maxLength: 12 }).map((value): DlmsData => ({ type: 'date-time', value })),
  fc.uint8Array({ minLength: 5, maxLength: 5 }).map((value): DlmsData => ({ type: 'date', value })),
  fc.uint8Array({ minLength: 4, maxLength: 4 }).map((value): DlmsData => ({ type: 'time', value })),
);

/** A type description with non-empty elements, and generators of values that fit it. */
const descriptionLeaf: fc.Arbitrary<TypeDescription> = fc.constantFrom<TypeDescription>(
  { type: 'boolean' },
  { type: 'double-long-unsigned' },
  { type: 'long' },
  { type: 'unsigned' },
  { type: 'long-unsigned' },
  { type: 'octet-string' },
  { type: 'visible-string' },
  { type: 'enum' },
  { type: 'long64' },
  { type: 'date-time' },
);

const description: fc.Arbitrary<TypeDescription> = fc.oneof(
  { maxDepth: 2, depthIdentifier: 'desc' },
  descriptionLeaf,
  fc.array(descriptionLeaf, { minLength: 1, maxLength: 5 }).map((elements): TypeDescription => ({ type: 'structure', elements })),
  fc.tuple(fc.integer({ min: 1, max: 4 }), descriptionLeaf).map(([count, element]): TypeDescription => ({ type: 'array', count, element })),
);

function valueOf(d: TypeDescription): fc.Arbitrary<DlmsData> {
  switch (d.type) {
    case 'array':
      return fc.array(valueOf(d.element), { minLength: d.count, maxLength: d.count }).map((value): DlmsData => ({ type: 'array', value }));
    case 'structure':
      return fc.tuple(...d.elements.map(valueOf)).map((value): DlmsData => ({ type: 'structure', value }));
    case 'boolean':
      return fc.boolean().map((value): DlmsData => ({ type: 'boolean', value }));
    case 'double-long-unsigned':
      return fc.integer({ min: 0, max: 0xffffffff }).map((value): DlmsData => ({ type: 'double-long-unsigned', value }));
    case 'long':
      return fc.integer({ min: -32768, max: 32767 }).map((value): DlmsData => ({ type: 'long', value }));
    case 'unsigned':
      return fc.integer({ min: 0, max: 255 }).map((value): DlmsData => ({ type: 'unsigned', value }));
    case 'enum':
      return fc.integer({ min: 0, max: 255 }).map((value): DlmsData => ({ type: 'enum', value }));
    case 'long-unsigned':
      return fc.integer({ min: 0, max: 65535 }).map((value): DlmsData => ({ type: 'long-unsigned', value }));
    case 'octet-string':
      return fc.uint8Array({ maxLength: 20 }).map((value): DlmsData => ({ type: 'octet-string', value }));
    case 'visible-string':
      return fc.string({ maxLength: 10 }).map((value): DlmsData => ({ type: 'visible-string', value }));
    case 'long64':
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((value): DlmsData => ({ type: 'long64', value }));
    case 'date-time':
      return fc.uint8Array({ minLength: 12, maxLength: 12 }).map((value): DlmsData => ({ type: 'date-time', value }));
    default:
      throw new Error(`no value generator for ${d.type}`);
  }
}

export const compactArrayData: fc.Arbitrary<DlmsData> = description.chain((contents) =>
  fc.array(valueOf(contents), { maxLength: 6 }).map((value): DlmsData => ({ type: 'compact-array', contents, value })),
);

/** Any COSEM data value, nested up to a few levels. */
export const dlmsData: fc.Arbitrary<DlmsData> = fc.letrec<{ data: DlmsData }>((tie) => ({
  data: fc.oneof(
    { maxDepth: 4, depthIdentifier: 'data', withCrossShrink: true },
    simpleData,
    compactArrayData,
    fc.array(tie('data'), { maxLength: 5 }).map((value): DlmsData => ({ type: 'array', value })),
    fc.array(tie('data'), { maxLength: 5 }).map((value): DlmsData => ({ type: 'structure', value })),
  ),
})).data;

/** xDLMS InitiateRequest / InitiateResponse in decoded form, every optional field sometimes present. */
const conformance = fc.integer({ min: 0, max: 0xffffff }).map(conformanceFromValue);

export const initiateRequest: fc.Arbitrary<InitiateRequest> = fc
  .record(
    {
      dedicatedKey: fc.uint8Array({ maxLength: 40 }),
      responseAllowed: fc.boolean(),
      proposedQualityOfService: fc.integer({ min: -128, max: 127 }),
      proposedDlmsVersionNumber: fc.integer({ min: 0, max: 255 }),
      proposedConformance: conformance,
      clientMaxReceivePduSize: fc.integer({ min: 0, max: 0xffff }),
    },
    { requiredKeys: ['proposedDlmsVersionNumber', 'proposedConformance', 'clientMaxReceivePduSize'], noNullPrototype: true },
  )
  .map((r) => ({ type: 'initiate-request' as const, ...r }));

export const initiateResponse: fc.Arbitrary<InitiateResponse> = fc
  .record(
    {
      negotiatedQualityOfService: fc.integer({ min: -128, max: 127 }),
      negotiatedDlmsVersionNumber: fc.integer({ min: 0, max: 255 }),
      negotiatedConformance: conformance,
      serverMaxReceivePduSize: fc.integer({ min: 0, max: 0xffff }),
      vaaName: fc.integer({ min: 0, max: 0xffff }),
    },
    { requiredKeys: ['negotiatedDlmsVersionNumber', 'negotiatedConformance', 'serverMaxReceivePduSize', 'vaaName'], noNullPrototype: true },
  )
  .map((r) => ({ type: 'initiate-response' as const, ...r }));
