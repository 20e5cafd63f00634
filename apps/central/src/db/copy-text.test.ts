import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DbError, copyTextValue, encodeCopyText, quoteIdentifier } from './index.ts';
import type { CopyValue } from './index.ts';

/** COPY's text-format field decoding (PostgreSQL manual, COPY "Text Format"), for the round trip. */
function decodeField(field: string): string | null {
  if (field === '\\N') return null;
  const map: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', b: '\b', f: '\f', v: '\v' };
  return field.replace(/\\(.)/gs, (_, c: string) => map[c] ?? c);
}

function decodeRows(text: string): (string | null)[][] {
  assert.ok(text.endsWith('\n'));
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => line.split('\t').map(decodeField));
}

test('every value type has one text form', () => {
  const cases: [CopyValue, string][] = [
    [null, '\\N'],
    ['', ''],
    ['\\N', '\\\\N'],
    ['a\tb\nc\rd\\e', 'a\\tb\\nc\\rd\\\\e'],
    ['æøå 😀', 'æøå 😀'],
    [42, '42'],
    [-1.5, '-1.5'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [2n ** 64n, '18446744073709551616'],
    [true, 't'],
    [false, 'f'],
    [new Date('2024-10-27T01:00:00.5Z'), '2024-10-27T01:00:00.500Z'],
    [Uint8Array.from([0, 0xab, 0xff]), '\\\\x00abff'],
    [new Uint8Array(0), '\\\\x'],
    [{ a: 'x\ty', b: [1, null] }, '{"a":"x\\\\ty","b":[1,null]}'],
  ];
  for (const [value, text] of cases) assert.equal(copyTextValue(value), text, text);
  assert.throws(() => copyTextValue(new Date(Number.NaN)), (e: unknown) => e instanceof DbError && e.code === 'INVALID_ARGUMENT');
  assert.throws(() => copyTextValue([1] as unknown as CopyValue), (e: unknown) => e instanceof DbError && e.code === 'INVALID_ARGUMENT');
});

test('any strings and nulls survive encoding (property)', () => {
  const cell = fc.option(fc.string({ unit: 'binary', maxLength: 20 }), { nil: null });
  fc.assert(
    fc.property(fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 20 }), (rows) => {
      const { chunks, rows: n } = encodeCopyText(rows, 3);
      assert.equal(n, rows.length);
      const decoded = decodeRows(chunks.join(''));
      // Lone surrogates cannot be sent as UTF-8; the database would receive U+FFFD. Compare the
      // strings as they would be encoded.
      const wire = (s: string | null) => (s === null ? null : Buffer.from(s, 'utf8').toString('utf8'));
      assert.deepEqual(decoded.map((r) => r.map(wire)), rows.map((r) => r.map(wire)));
    }),
    { numRuns: 2000 },
  );
});

test('rows are chunked, checked for width and for undefined', () => {
  const many = Array.from({ length: 20_000 }, (_, i) => [i, `row ${i}`]);
  const { chunks, rows } = encodeCopyText(many, 2);
  assert.equal(rows, 20_000);
  assert.ok(chunks.length > 1);
  assert.ok(chunks.every((c) => c.endsWith('\n')));
  assert.equal(chunks.join('').split('\n').length - 1, 20_000);
  assert.throws(() => encodeCopyText([[1, 2], [3]], 2), /row 1 has 1 values for 2 columns/);
  assert.throws(() => encodeCopyText([[1, undefined as unknown as CopyValue]], 2), /undefined/);
});

test('identifiers are lower-case names only', () => {
  assert.equal(quoteIdentifier('readings_p2025_01'), '"readings_p2025_01"');
  for (const bad of ['Readings', 'a b', 'a"b', '1abc', '', 'a.b', 'x; DROP TABLE y']) {
    assert.throws(() => quoteIdentifier(bad), (e: unknown) => e instanceof DbError && e.code === 'INVALID_ARGUMENT', bad);
  }
});
