import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { gs1CheckDigit, isMeteringPointId, meteringPointSequence } from '@openams/core';
import { bytesToHex } from '@openams/dlms';
import { FleetIdentityError, MAX_FLEET_SIZE, VENDOR_PROFILES, generateMeterIdentity, meterIdentities } from './index.ts';
import { GOLDEN_METERS, GOLDEN_SEED } from '../../test/fixtures/load/golden.ts';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof FleetIdentityError, String(e));
    return e.code;
  }
  assert.fail('expected a FleetIdentityError');
}

/** Hex of a view without copying it. */
function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
}

function ascii(b: Uint8Array): string {
  return String.fromCharCode(...b);
}

test('an identity has the vendor shapes: GS1 serial, FLAG system title, meter type, metering point id', () => {
  for (let i = 0; i < 300; i++) {
    const m = generateMeterIdentity('shapes', i);
    const p = VENDOR_PROFILES[m.vendor];
    assert.match(m.serial, /^\d{16}$/);
    assert.ok(m.serial.startsWith(p.gs1Prefix));
    assert.equal(gs1CheckDigit(m.serial.slice(0, 15)), Number(m.serial[15]), 'GS1 check digit');
    assert.equal(m.systemTitle.length, 8);
    assert.equal(ascii(m.systemTitle.subarray(0, 3)), p.flagId);
    assert.equal(m.systemTitle[3], p.systemTitleTypeByte);
    // The last four bytes are the 8 serial digits between prefix and check digit.
    assert.equal(new DataView(m.systemTitle.buffer).getUint32(4), Number(m.serial.slice(7, 15)));
    assert.equal(m.meterType, p.meterTypes[m.phases]);
    assert.ok(p.firmware.some(([v]) => v === m.firmwareVersion));
    assert.ok(isMeteringPointId(m.meteringPointId));
    assert.ok(m.meteringPointId.startsWith('707057500'));
    for (const k of [m.keys.encryptionKey, m.keys.authenticationKey, m.keys.masterKey]) assert.equal(k.length, 16);
    assert.equal(m.index, i);
  }
});

test('FLAG ids: Aidon ADN, Kaifa KFM, Kamstrup KAM', () => {
  assert.equal(ascii(generateMeterIdentity('s', 1, { vendor: 'aidon' }).systemTitle.subarray(0, 3)), 'ADN');
  assert.equal(ascii(generateMeterIdentity('s', 1, { vendor: 'kaifa' }).systemTitle.subarray(0, 3)), 'KFM');
  const kam = generateMeterIdentity('s', 1, { vendor: 'kamstrup', phases: '3p4w' });
  assert.equal(bytesToHex(kam.systemTitle).slice(0, 8), '4B414D45');
  assert.equal(kam.meterType, '6841131BN243101040');
  assert.equal(generateMeterIdentity('s', 1, { vendor: 'aidon', phases: '3p3w' }).meterType, '6525');
  assert.equal(generateMeterIdentity('s', 1, { vendor: 'kaifa', phases: '1p' }).meterType, 'MA105H2E');
});

test('deterministic: the same seed and index give the same meter; another seed another fleet', () => {
  const a = generateMeterIdentity('fleet-a', 42);
  const b = generateMeterIdentity('fleet-a', 42);
  assert.deepEqual(a, b);
  const c = generateMeterIdentity('fleet-b', 42);
  assert.notEqual(bytesToHex(a.keys.encryptionKey), bytesToHex(c.keys.encryptionKey));
});

test('100,000 identities: serials, system titles, metering points and every key are unique', () => {
  const n = 100_000;
  // Small integers, not strings, keep 600,000 set entries fast: a serial is its vendor and 8 body
  // digits, a title its FLAG id's second letter and 32-bit body, a metering point its sequence
  // number, a key its first 30 bits (a clash there is then checked on the whole key).
  const flag = { aidon: 0, kaifa: 1, kamstrup: 2 };
  const serials = new Set<number>();
  const titles = new Set<number>();
  const points = new Set<number>();
  const keyPrefixes = new Map<number, Uint8Array>();
  let keyCount = 0;
  const vendors = { aidon: 0, kaifa: 0, kamstrup: 0 };
  const phases = { '1p': 0, '3p3w': 0, '3p4w': 0 };
  const addKey = (k: Uint8Array) => {
    const prefix = ((k[0]! << 22) | (k[1]! << 14) | (k[2]! << 6) | (k[3]! >> 2)) >>> 0;
    const seen = keyPrefixes.get(prefix);
    if (seen !== undefined) assert.notEqual(hex(seen), hex(k), 'two keys are equal');
    else keyPrefixes.set(prefix, k);
    keyCount++;
  };
  for (const m of meterIdentities('uniqueness', n)) {
    serials.add(flag[m.vendor] * 100_000_000 + Number(m.serial.slice(7, 15)));
    const t = m.systemTitle;
    titles.add((t[1]! & 3) * 100_000_000 + ((t[4]! << 24) | (t[5]! << 16) | (t[6]! << 8) | t[7]!));
    points.add(meteringPointSequence(m.meteringPointId));
    addKey(m.keys.encryptionKey);
    addKey(m.keys.authenticationKey);
    addKey(m.keys.masterKey);
    vendors[m.vendor]++;
    phases[m.phases]++;
  }
  assert.equal(serials.size, n);
  assert.equal(titles.size, n);
  assert.equal(points.size, n);
  assert.equal(keyCount, 3 * n, 'EK, AK and master key differ across meters and across roles');
  // Default shares 55:38:20 and 60:25:15, within sampling noise.
  assert.ok(Math.abs(vendors.kamstrup / n - 55 / 113) < 0.01, JSON.stringify(vendors));
  assert.ok(Math.abs(vendors.aidon / n - 38 / 113) < 0.01, JSON.stringify(vendors));
  assert.ok(Math.abs(phases['3p3w'] / n - 0.6) < 0.01, JSON.stringify(phases));
  assert.ok(Math.abs(phases['1p'] / n - 0.15) < 0.01, JSON.stringify(phases));
});

test('the batch generator gives exactly the meters the single one does', () => {
  const batch = [...meterIdentities('batch', 1100, {}, 5)];
  assert.equal(batch.length, 1100);
  for (const i of [0, 1, 511, 512, 513, 1023, 1099]) assert.deepEqual(batch[i], generateMeterIdentity('batch', 5 + i));
  const forced = [...meterIdentities('batch', 3, { vendor: 'kaifa', phases: '1p' })];
  assert.deepEqual(forced[2], generateMeterIdentity('batch', 2, { vendor: 'kaifa', phases: '1p' }));
  assert.equal(code(() => [...meterIdentities('batch', 2, {}, MAX_FLEET_SIZE - 1)]), 'OUT_OF_RANGE');
  assert.deepEqual([...meterIdentities('batch', 0)], []);
});

test('share tables and forced values are honoured; bad ones are refused', () => {
  for (let i = 0; i < 50; i++) {
    assert.equal(generateMeterIdentity('x', i, { vendorShares: { aidon: 1, kaifa: 0, kamstrup: 0 } }).vendor, 'aidon');
    assert.equal(generateMeterIdentity('x', i, { phaseShares: { '1p': 0, '3p3w': 0, '3p4w': 2 } }).phases, '3p4w');
  }
  assert.equal(code(() => generateMeterIdentity('', 0)), 'INVALID_SEED');
  assert.equal(code(() => generateMeterIdentity('x', -1)), 'OUT_OF_RANGE');
  assert.equal(code(() => generateMeterIdentity('x', 1.5)), 'OUT_OF_RANGE');
  assert.equal(code(() => generateMeterIdentity('x', MAX_FLEET_SIZE)), 'OUT_OF_RANGE');
  assert.equal(code(() => generateMeterIdentity('x', 0, { vendorShares: { aidon: 0, kaifa: 0, kamstrup: 0 } })), 'INVALID_OPTION');
  assert.equal(code(() => generateMeterIdentity('x', 0, { vendorShares: { aidon: -1, kaifa: 1, kamstrup: 1 } })), 'INVALID_OPTION');
  assert.equal(code(() => generateMeterIdentity('x', 0, { vendor: 'landis' as never })), 'INVALID_OPTION');
});

test('property: any seed and index give a well-formed identity, the same twice', () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 20 }), fc.integer({ min: 0, max: MAX_FLEET_SIZE - 1 }), (seed, index) => {
      const m = generateMeterIdentity(seed, index);
      assert.deepEqual(generateMeterIdentity(seed, index), m);
      assert.ok(isMeteringPointId(m.meteringPointId));
      assert.equal(gs1CheckDigit(m.serial.slice(0, 15)), Number(m.serial[15]));
    }),
    { numRuns: 200 },
  );
});

test('property: two indexes of one fleet never share a serial, system title, metering point or key', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: MAX_FLEET_SIZE - 1 }), fc.integer({ min: 0, max: MAX_FLEET_SIZE - 1 }), (i, j) => {
      fc.pre(i !== j);
      const a = generateMeterIdentity('pairs', i);
      const b = generateMeterIdentity('pairs', j);
      assert.notEqual(a.serial, b.serial);
      assert.notEqual(bytesToHex(a.systemTitle), bytesToHex(b.systemTitle));
      assert.notEqual(a.meteringPointId, b.meteringPointId);
      assert.notEqual(bytesToHex(a.keys.encryptionKey), bytesToHex(b.keys.encryptionKey));
    }),
    { numRuns: 300 },
  );
});

test('golden: the seed `openams-golden` still gives the same meters (manifests stay valid)', () => {
  for (const g of GOLDEN_METERS) {
    const m = generateMeterIdentity(GOLDEN_SEED, g.index);
    assert.deepEqual(
      {
        vendor: m.vendor,
        phases: m.phases,
        serial: m.serial,
        systemTitle: bytesToHex(m.systemTitle),
        meteringPointId: m.meteringPointId,
        meterType: m.meterType,
        firmwareVersion: m.firmwareVersion,
        encryptionKey: bytesToHex(m.keys.encryptionKey),
        authenticationKey: bytesToHex(m.keys.authenticationKey),
        masterKey: bytesToHex(m.keys.masterKey),
      },
      {
        vendor: g.vendor,
        phases: g.phases,
        serial: g.serial,
        systemTitle: g.systemTitle,
        meteringPointId: g.meteringPointId,
        meterType: g.meterType,
        firmwareVersion: g.firmwareVersion,
        encryptionKey: g.encryptionKey,
        authenticationKey: g.authenticationKey,
        masterKey: g.masterKey,
      },
    );
  }
});
