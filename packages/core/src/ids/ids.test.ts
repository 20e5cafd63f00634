import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CoreError } from '../errors/index.ts';
import {
  MAX_METERING_POINT_SEQUENCE,
  NORWEGIAN_GSRN_PREFIX,
  appendGs1CheckDigit,
  glnFromPayload,
  gs1CheckDigit,
  isGln,
  isMeteringPointId,
  meteringPointIdFromSequence,
  meteringPointSequence,
  parseGln,
  parseMeteringPointId,
} from './index.ts';

function refusal(fn: () => unknown): CoreError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof CoreError, `expected a CoreError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a CoreError');
}

test('GS1 check digits of published keys', () => {
  // GS1 General Specifications, check digit calculation example: GTIN-13 629104150021|3.
  assert.equal(gs1CheckDigit('629104150021'), 3);
  // GLNs of Energinet DataHub's RSM-012 example (opengeh-edi MeteredDataForMeteringPoint.json).
  assert.ok(isGln('5790001330552'));
  assert.ok(isGln('5799999933318'));
  // GSRNs in opengeh-edi tests: valid GS1 keys, but with the Danish prefix 571313.
  assert.equal(gs1CheckDigit('57131300000000200'), 0);
  assert.equal(gs1CheckDigit('57131310170001188'), 7);
  assert.equal(appendGs1CheckDigit('57131300000000200'), '571313000000002000');
});

test('parseMeteringPointId accepts a valid Norwegian GSRN and says why it refuses others', () => {
  const id = meteringPointIdFromSequence(12_345_678);
  assert.equal(id, '707057500123456785');
  assert.equal(parseMeteringPointId(` ${id}\n`), id);

  const nonDigit = refusal(() => parseMeteringPointId('70705750012345678X'));
  assert.equal(nonDigit.code, 'INVALID_GSRN');
  assert.equal(nonDigit.reason, 'non-digit');
  assert.match(nonDigit.message, /non-digit "X" at position 18/);

  const short = refusal(() => parseMeteringPointId('70705750012345678'));
  assert.equal(short.reason, 'length');
  assert.match(short.message, /18 digits, got 17/);

  const danish = refusal(() => parseMeteringPointId('571313000000002000'));
  assert.equal(danish.reason, 'prefix');
  assert.match(danish.message, /Norwegian prefix 707057500, got 571313000/);

  const wrong = refusal(() => parseMeteringPointId('707057500123456789'));
  assert.equal(wrong.reason, 'check-digit');
  assert.match(wrong.message, /last digit is 9, it should be 5/);

  assert.equal(refusal(() => parseMeteringPointId('')).reason, 'length');
  assert.ok(!isMeteringPointId(` ${id}`));
  assert.ok(!isMeteringPointId(12));
});

test('sequence numbers: bounds and inverse', () => {
  assert.equal(meteringPointIdFromSequence(0), `${NORWEGIAN_GSRN_PREFIX}000000001`);
  assert.equal(meteringPointSequence(meteringPointIdFromSequence(MAX_METERING_POINT_SEQUENCE)), MAX_METERING_POINT_SEQUENCE);
  for (const bad of [-1, MAX_METERING_POINT_SEQUENCE + 1, 1.5, Number.NaN]) {
    assert.equal(refusal(() => meteringPointIdFromSequence(bad)).code, 'OUT_OF_RANGE');
  }
  assert.equal(refusal(() => gs1CheckDigit('12a')).code, 'OUT_OF_RANGE');
});

test('property: every generated GSRN is valid, distinct and gives its sequence back', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: MAX_METERING_POINT_SEQUENCE }), fc.integer({ min: 0, max: MAX_METERING_POINT_SEQUENCE }), (a, b) => {
      const id = meteringPointIdFromSequence(a);
      assert.ok(isMeteringPointId(id));
      assert.equal(parseMeteringPointId(id), id);
      assert.equal(meteringPointSequence(id), a);
      assert.equal(id === meteringPointIdFromSequence(b), a === b);
    }),
    { numRuns: 2000 },
  );
});

test('property: any single-digit change of a valid GSRN is refused', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: MAX_METERING_POINT_SEQUENCE }), fc.integer({ min: 0, max: 17 }), fc.integer({ min: 1, max: 9 }), (seq, at, delta) => {
      const id = meteringPointIdFromSequence(seq);
      const digit = (Number(id[at]) + delta) % 10;
      const changed = `${id.slice(0, at)}${digit}${id.slice(at + 1)}`;
      assert.ok(!isMeteringPointId(changed));
      const e = refusal(() => parseMeteringPointId(changed));
      assert.equal(e.code, 'INVALID_GSRN');
      assert.equal(e.reason, at < NORWEGIAN_GSRN_PREFIX.length ? 'prefix' : 'check-digit');
    }),
    { numRuns: 2000 },
  );
});

test('GLN: parse, reasons, generator, single-digit changes', () => {
  assert.equal(parseGln('5790001330552'), '5790001330552');
  assert.equal(refusal(() => parseGln('579000133055')).reason, 'length');
  assert.equal(refusal(() => parseGln('579000133055a')).reason, 'non-digit');
  const wrong = refusal(() => parseGln('5790001330553'));
  assert.equal(wrong.code, 'INVALID_GLN');
  assert.equal(wrong.reason, 'check-digit');
  assert.match(wrong.message, /should be 2/);
  assert.equal(refusal(() => glnFromPayload('123')).code, 'OUT_OF_RANGE');
  fc.assert(
    fc.property(fc.stringMatching(/^\d{12}$/), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 1, max: 9 }), (payload, at, delta) => {
      const gln = glnFromPayload(payload);
      assert.ok(isGln(gln));
      const changed = `${gln.slice(0, at)}${(Number(gln[at]) + delta) % 10}${gln.slice(at + 1)}`;
      assert.ok(!isGln(changed));
    }),
    { numRuns: 1000 },
  );
});
