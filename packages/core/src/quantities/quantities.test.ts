import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CoreError } from '../errors/index.ts';
import {
  QUALITIES,
  QUANTITIES,
  QUANTITY_KINDS,
  isQuality,
  isQuantityKind,
  isResolution,
  parseResolution,
  qualityFromCim,
  qualityFromEbix,
  qualityToCim,
  qualityToEbix,
  quantityKindFromCim,
  resolutionMillis,
  resolutionMinutes,
} from './index.ts';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof CoreError);
    return e.code;
  }
  assert.fail('expected a CoreError');
}

test('quantities: units and market codes', () => {
  assert.deepEqual(QUANTITY_KINDS, ['active-import', 'active-export', 'reactive-import', 'reactive-export']);
  assert.equal(QUANTITIES['active-import'].unit, 'kWh');
  assert.equal(QUANTITIES['reactive-export'].unit, 'kvarh');
  assert.equal(QUANTITIES['active-export'].product, '8716867000030');
  assert.equal(QUANTITIES['reactive-import'].product, '8716867000047');
  assert.equal(QUANTITIES['reactive-import'].cimUnit, 'K3');
  assert.equal(QUANTITIES['active-import'].elhubDirection, 'OUT');
  assert.equal(QUANTITIES['active-export'].elhubDirection, 'IN');
  assert.equal(QUANTITIES['active-export'].obis, '1-0:2.8.0.255');
  for (const kind of QUANTITY_KINDS) {
    const q = QUANTITIES[kind];
    assert.equal(q.kind, kind);
    assert.equal(quantityKindFromCim({ unit: q.cimUnit, meteringPointType: q.meteringPointType, product: q.product }), kind);
    assert.equal(quantityKindFromCim({ unit: q.cimUnit, meteringPointType: q.meteringPointType }), kind);
  }
  assert.ok(isQuantityKind('active-import'));
  assert.ok(!isQuantityKind('active'));
  assert.equal(code(() => quantityKindFromCim({ unit: 'MWH', meteringPointType: 'E17' })), 'INVALID_QUANTITY_KIND');
  assert.equal(code(() => quantityKindFromCim({ unit: 'KWH', meteringPointType: 'E20' })), 'INVALID_QUANTITY_KIND');
  assert.equal(code(() => quantityKindFromCim({ unit: 'K3', meteringPointType: 'E17', product: '8716867000030' })), 'INVALID_QUANTITY_KIND');
});

test('resolutions: PT15M, PT60M, and PT1H read as PT60M', () => {
  assert.equal(parseResolution('PT15M'), 'PT15M');
  assert.equal(parseResolution('PT60M'), 'PT60M');
  assert.equal(parseResolution('PT1H'), 'PT60M');
  assert.equal(code(() => parseResolution('PT30M')), 'INVALID_RESOLUTION');
  assert.equal(code(() => parseResolution('pt15m')), 'INVALID_RESOLUTION');
  assert.equal(resolutionMinutes('PT15M'), 15);
  assert.equal(resolutionMillis('PT60M'), 3_600_000);
  assert.ok(isResolution('PT15M') && !isResolution('PT1H'));
});

test('qualities: CIM and ebIX codes both ways', () => {
  assert.deepEqual(
    QUALITIES.map((q) => [q, qualityToCim(q), qualityToEbix(q)]),
    [
      ['measured', 'A04', 'E01'],
      ['estimated', 'A03', '56'],
      ['corrected', 'A01', '36'],
      ['missing', 'A02', undefined],
    ],
  );
  for (const q of QUALITIES) {
    assert.equal(qualityFromCim(qualityToCim(q)), q);
    const ebix = qualityToEbix(q);
    if (ebix !== undefined) assert.equal(qualityFromEbix(ebix), q);
  }
  assert.equal(code(() => qualityFromCim('A05')), 'INVALID_QUALITY');
  assert.equal(code(() => qualityFromCim('A06')), 'INVALID_QUALITY');
  assert.equal(code(() => qualityFromEbix('D01')), 'INVALID_QUALITY');
  assert.ok(isQuality('missing') && !isQuality('A02'));
});
