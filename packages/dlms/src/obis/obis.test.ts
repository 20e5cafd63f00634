import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatObis, isObis, obisFromBytes, obisFromGroups, obisGroups, obisToBytes, parseObis } from './index.ts';
import type { Obis } from './index.ts';
import { DlmsError } from '../errors/index.ts';

const isCode = (code: string) => (e: unknown) => e instanceof DlmsError && e.code === code;
const sixBytes = fc.uint8Array({ minLength: 6, maxLength: 6 });
const toHex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');

test('parses the standard form, the dotted form and 12 hex digits to the same code', () => {
  assert.equal(parseObis('1-0:1.8.0.255'), '1-0:1.8.0.255');
  assert.equal(parseObis('1.0.1.8.0.255'), '1-0:1.8.0.255');
  assert.equal(parseObis('0100010800FF'), '1-0:1.8.0.255');
  assert.equal(parseObis('0100010800ff'), '1-0:1.8.0.255');
  assert.equal(parseObis('  0-0:96.1.0.255\n'), '0-0:96.1.0.255');
});

test('F may be left out (255) or written after * or & as IEC 62056-21 readouts print it', () => {
  assert.equal(parseObis('1-0:1.8.0'), '1-0:1.8.0.255');
  assert.equal(parseObis('1-0:1.8.0*255'), '1-0:1.8.0.255');
  assert.equal(parseObis('1-0:1.8.0&12'), '1-0:1.8.0.12');
  assert.equal(parseObis('1-1:0.2.129'), '1-1:0.2.129.255');
});

test('leading zeros are accepted on input and dropped in the canonical form', () => {
  assert.equal(parseObis('01-00:001.008.000.255'), '1-0:1.8.0.255');
  assert.equal(parseObis('000.000.096.001.000.255'), '0-0:96.1.0.255');
});

test('formats in both styles', () => {
  const o = parseObis('1-0:99.1.0.255');
  assert.equal(formatObis(o), '1-0:99.1.0.255');
  assert.equal(formatObis(o, 'standard'), '1-0:99.1.0.255');
  assert.equal(formatObis(o, 'dotted'), '1.0.99.1.0.255');
});

test('bad input throws INVALID_OBIS', () => {
  for (const bad of [
    '',
    '   ',
    'abc',
    '1-0:1.8',
    '1-0:1.8.0.255.1',
    '256-0:1.8.0.255',
    '1-0:1.8.0.256',
    '1-0:1.8.0.2555',
    '1.0.1.8.0',
    '1.0.1.8.0.255.0',
    '1.0.1.8.0.999',
    '0100010800F',
    '0100010800FF00',
    '0100010800FG',
    '1-0:1.8.-1.255',
    '1-0:1,8,0,255',
    '1 - 0 : 1 . 8 . 0 . 255',
  ]) {
    assert.throws(() => parseObis(bad), isCode('INVALID_OBIS'), JSON.stringify(bad));
  }
});

test('logical-name bytes: 6 bytes both ways; other lengths throw INVALID_OBIS with the offset', () => {
  assert.equal(obisFromBytes(Uint8Array.of(0, 0, 1, 0, 0, 255)), '0-0:1.0.0.255');
  assert.deepEqual([...obisToBytes(parseObis('1-0:1.8.0.255'))], [1, 0, 1, 8, 0, 255]);
  assert.throws(() => obisFromBytes(Uint8Array.of(1, 0, 1, 8, 0)), (e: unknown) => e instanceof DlmsError && e.code === 'INVALID_OBIS' && e.offset === undefined);
  assert.throws(() => obisFromBytes(Uint8Array.of(1, 0, 1, 8, 0), 17), (e: unknown) => e instanceof DlmsError && e.code === 'INVALID_OBIS' && e.offset === 17);
  assert.throws(() => obisFromBytes(new Uint8Array(7)), isCode('INVALID_OBIS'));
});

test('value groups and obisFromGroups', () => {
  assert.deepEqual(obisGroups(parseObis('1-1:0.2.129.255')), [1, 1, 0, 2, 129, 255]);
  assert.equal(obisFromGroups([0, 0, 43, 1, 3, 255]), '0-0:43.1.3.255');
  assert.throws(() => obisFromGroups([0, 0, 43, 1, 3]), isCode('INVALID_OBIS'));
  assert.throws(() => obisFromGroups([0, 0, 43, 1, 3, 256]), isCode('INVALID_OBIS'));
  assert.throws(() => obisFromGroups([0, 0, 43, 1.5, 3, 255]), isCode('INVALID_OBIS'));
  assert.throws(() => obisFromGroups([0, -1, 43, 1, 3, 255]), isCode('INVALID_OBIS'));
  assert.throws(() => obisGroups('1-0:01.8.0.255' as Obis), isCode('INVALID_OBIS'));
  assert.throws(() => obisGroups('1.0.1.8.0.255' as Obis), isCode('INVALID_OBIS'));
});

test('isObis accepts only the canonical form', () => {
  assert.equal(isObis('1-0:1.8.0.255'), true);
  for (const s of ['1-0:1.8.0', '1.0.1.8.0.255', '1-0:01.8.0.255', '1-0:1.8.0*255', '1-0:1.8.0.256', '0100010800FF', ' 1-0:1.8.0.255']) {
    assert.equal(isObis(s), false, s);
  }
});

test('property: every 6-byte logical name round-trips through bytes, both text forms and hex', () => {
  fc.assert(
    fc.property(sixBytes, (bytes) => {
      const o = obisFromBytes(bytes);
      assert.equal(isObis(o), true);
      assert.deepEqual(obisToBytes(o), bytes);
      assert.deepEqual([...obisGroups(o)], [...bytes]);
      assert.equal(parseObis(formatObis(o)), o);
      assert.equal(parseObis(formatObis(o, 'dotted')), o);
      assert.equal(parseObis(toHex(bytes)), o);
      assert.equal(parseObis(toHex(bytes).toUpperCase()), o);
      assert.equal(obisFromGroups([...bytes]), o);
    }),
    { numRuns: 5000 },
  );
});

test('property: parseObis on any string gives a canonical code or INVALID_OBIS, nothing else', () => {
  const obisish = fc.stringMatching(/^[0-9.:*&\- ]{0,24}$/);
  fc.assert(
    fc.property(fc.oneof(fc.string(), obisish), (s) => {
      try {
        assert.equal(isObis(parseObis(s)), true);
      } catch (e) {
        assert.ok(isCode('INVALID_OBIS')(e), String(e));
      }
    }),
    { numRuns: 5000 },
  );
});
