import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ByteReader, ByteWriter, hexToBytes, bytesToHex } from './index.ts';
import { DlmsError } from '../errors/index.ts';

test('length encoding: short and long forms (A-XDR, X.690 8.1.3)', () => {
  const cases: Array<[number, string]> = [
    [0, '00'],
    [0x7f, '7F'],
    [0x80, '8180'],
    [0xff, '81FF'],
    [0x100, '820100'],
    [0x10000, '83010000'],
    [0xffffffff, '84FFFFFFFF'],
  ];
  for (const [n, hex] of cases) {
    assert.equal(bytesToHex(new ByteWriter().length(n).finish()), hex);
    assert.equal(new ByteReader(hexToBytes(hex)).length(), n);
  }
});

test('length: any value round-trips', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
      assert.equal(new ByteReader(new ByteWriter().length(n).finish()).length(), n);
    }),
  );
});

test('length: indefinite and over-long forms are refused with a typed error', () => {
  assert.throws(() => new ByteReader(hexToBytes('80')).length(), (e: unknown) => e instanceof DlmsError && e.code === 'INVALID_LENGTH');
  assert.throws(() => new ByteReader(hexToBytes('850000000001')).length(), (e: unknown) => e instanceof DlmsError && e.code === 'INVALID_LENGTH');
  assert.throws(() => new ByteReader(hexToBytes('8201')).length(), (e: unknown) => e instanceof DlmsError && e.code === 'TRUNCATED');
});

test('fork/join prefixes nested content with its length', () => {
  const w = new ByteWriter();
  w.u8(0x60).fork().u8(0xa1).fork().bytes(new Uint8Array(200)).join().join();
  const out = w.finish();
  const r = new ByteReader(out);
  assert.equal(r.u8(), 0x60);
  assert.equal(r.length(), 1 + 2 + 200);
  assert.equal(r.u8(), 0xa1);
  assert.equal(r.length(), 200);
});

test('reader reports absolute offsets from nested readers', () => {
  const r = new ByteReader(hexToBytes('01020304'));
  r.u8();
  const sub = r.sub(2);
  sub.u16();
  assert.throws(
    () => sub.u8(),
    (e: unknown) => e instanceof DlmsError && e.code === 'TRUNCATED' && e.offset === 3,
  );
});

test('hex parsing tolerates separators and rejects junk', () => {
  assert.equal(bytesToHex(hexToBytes('0x7e a0:0a-ff\n')), '7EA00AFF');
  assert.throws(() => hexToBytes('abc'), (e: unknown) => e instanceof DlmsError && e.code === 'INVALID_HEX');
  assert.throws(() => hexToBytes('zz'), (e: unknown) => e instanceof DlmsError && e.code === 'INVALID_HEX');
});

test('writer rejects out-of-range integers instead of truncating them', () => {
  assert.throws(() => new ByteWriter().u8(256), (e: unknown) => e instanceof DlmsError && e.code === 'INVALID_VALUE');
  assert.throws(() => new ByteWriter().i16(40000), (e: unknown) => e instanceof DlmsError && e.code === 'INVALID_VALUE');
});
