import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { COSEM_UNITS, scaledDecimal, scaledValue, unitFromCode } from './index.ts';
import { DlmsError } from '../errors/index.ts';

const isCode = (code: string) => (e: unknown) => e instanceof DlmsError && e.code === code;

test('spot checks against the Blue Book unit table (Ed. 12.2 Table 4)', () => {
  const expect: readonly (readonly [number, string, string])[] = [
    [1, 'a', 'time'],
    [7, 's', 'time (t)'],
    [9, '°C', 'temperature (T)'],
    [13, 'm³', 'volume (V)'],
    [27, 'W', 'active power (P)'],
    [28, 'VA', 'apparent power (S)'],
    [29, 'var', 'reactive power (Q)'],
    [30, 'Wh', 'active energy'],
    [31, 'VAh', 'apparent energy'],
    [32, 'varh', 'reactive energy'],
    [33, 'A', 'current (I)'],
    [35, 'V', 'voltage (U)'],
    [38, 'Ω', 'resistance (R)'],
    [44, 'Hz', 'frequency (f, ω)'],
    [45, '1/(Wh)', 'R_W, active energy meter constant or pulse value'],
    [56, '%', 'percentage'],
    [70, 'dBm', 'signal strength'],
    [254, 'other', 'other unit'],
    [255, 'count', 'no unit, unitless, count'],
  ];
  for (const [code, symbol, quantity] of expect) {
    const u = unitFromCode(code);
    assert.ok(u, `unit ${code}`);
    assert.equal(u.code, code);
    assert.equal(u.symbol, symbol, `symbol of ${code}`);
    assert.equal(u.quantity, quantity, `quantity of ${code}`);
  }
  assert.equal(unitFromCode(27)?.name, 'watt');
  assert.equal(unitFromCode(30)?.name, 'watt-hour');
});

test('unassigned and unlisted codes give undefined', () => {
  for (const code of [0, 58, 59, 68, 69, 73, 127, 128, 174, 253, 256, -1, 1.5, NaN]) assert.equal(unitFromCode(code), undefined, String(code));
});

test('the table covers 1..57, 60..67, 70..72, 254 and 255, in order, once each', () => {
  const codes = COSEM_UNITS.map((u) => u.code);
  const expected = [
    ...Array.from({ length: 57 }, (_, i) => i + 1),
    ...Array.from({ length: 8 }, (_, i) => i + 60),
    70,
    71,
    72,
    254,
    255,
  ];
  assert.deepEqual(codes, expected);
  for (const u of COSEM_UNITS) {
    assert.ok(u.symbol.length > 0 && u.quantity.length > 0, String(u.code));
    assert.equal(unitFromCode(u.code), u);
  }
});

test('scaledValue applies the scaler with a single rounding', () => {
  assert.equal(scaledValue(12345, -3), 12.345);
  assert.equal(scaledValue(2276, -1), 227.6);
  assert.equal(scaledValue(2272138, 1), 22721380);
  assert.equal(scaledValue(7, 2), 700);
  assert.equal(scaledValue(-5, -3), -0.005);
  assert.equal(scaledValue(0, -128), 0);
  assert.equal(scaledValue(1, 127), 1e127);
  assert.equal(scaledValue(1, -128), 1e-128);
  assert.equal(scaledValue(123456789012345678901n, -3), Number('123456789012345678.901'));
  assert.equal(scaledValue(18446744073709551615n, 0), 2 ** 64);
  assert.equal(scaledValue(1.5, 1), 15);
  assert.equal(scaledValue(1.5, -1), 0.15);
});

test('a scaler outside integer8 throws INVALID_VALUE', () => {
  for (const s of [128, -129, 0.5, NaN, Infinity]) {
    assert.throws(() => scaledValue(1, s), isCode('INVALID_VALUE'), String(s));
    assert.throws(() => scaledDecimal(1, s), isCode('INVALID_VALUE'), String(s));
  }
  assert.throws(() => scaledDecimal(1.5, 0), isCode('INVALID_VALUE'));
  assert.throws(() => scaledDecimal(2 ** 60, 0), isCode('INVALID_VALUE'));
});

test('scaledDecimal writes the exact value', () => {
  assert.equal(scaledDecimal(123456, -3), '123.456');
  assert.equal(scaledDecimal(5, 2), '500');
  assert.equal(scaledDecimal(-5, -3), '-0.005');
  assert.equal(scaledDecimal(1200, -2), '12');
  assert.equal(scaledDecimal(1210, -2), '12.1');
  assert.equal(scaledDecimal(0, 3), '0');
  assert.equal(scaledDecimal(0, -3), '0');
  assert.equal(scaledDecimal(18446744073709551615n, -2), '184467440737095516.15');
});

test('property: scaledDecimal is exact and scaledValue is its nearest double', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }), fc.integer({ min: -30, max: 30 }), (v, s) => {
      const text = scaledDecimal(v, s);
      const [whole = '', fraction = ''] = text.replace('-', '').split('.');
      const digits = BigInt(whole + fraction) * (text.startsWith('-') ? -1n : 1n);
      if (s >= 0) assert.equal(digits, v * 10n ** BigInt(s));
      else assert.equal(digits * 10n ** BigInt(-s - fraction.length), v);
      assert.equal(scaledValue(v, s), Number(text));
      if (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) assert.equal(scaledValue(Number(v), s), Number(text));
    }),
    { numRuns: 3000 },
  );
});
