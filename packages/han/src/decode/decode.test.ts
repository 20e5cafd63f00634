import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { bytesToHex, decodeXdlmsApdu, hexToBytes, protectApdu } from '@openams/dlms';
import { toOsloIso } from '@openams/core';
import { HanError } from '../errors/index.ts';
import type { HanErrorCode } from '../errors/index.ts';
import type { HanReading } from '../reading/index.ts';
import { ALL_FRAMES, RECEIVED_AT, apduOf, optionsOf } from '../../test/fixtures/frames/index.ts';
import type { HanFrameFixture } from '../../test/fixtures/frames/types.ts';
import { decodeHanApdu, detectHanVendor, dottedObis } from './index.ts';
import type { HanDecodeOptions } from './index.ts';
import { decipherHanPush } from './encrypted.ts';

function fixture(id: string): HanFrameFixture {
  const f = ALL_FRAMES.find((x) => x.id === id);
  assert.ok(f, `no fixture ${id}`);
  return f;
}

function decodeFixture(id: string, extra: Partial<HanDecodeOptions> = {}): HanReading {
  const f = fixture(id);
  return decodeHanApdu(apduOf(f), optionsOf(f, extra));
}

function hanCode(fn: () => unknown): HanErrorCode {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof HanError, `expected a HanError, got ${String(e)}`);
    return e.code;
  }
  assert.fail('expected a HanError, got a reading');
}

/** A plain data-notification around `body` (an A-XDR Data value), no date-time. */
function push(bodyHex: string, dateTimeHex = '00'): Uint8Array {
  return hexToBytes(`0F40000000${dateTimeHex}${bodyHex}`);
}

test('at least 30 published frames across Aidon, Kaifa, Kamstrup lists 1–3, 1-phase and 3-phase, plus encrypted ones', () => {
  assert.ok(ALL_FRAMES.length >= 30, `${ALL_FRAMES.length} frames`);
  const lists = (vendor: string): Set<number | undefined> => new Set(ALL_FRAMES.filter((f) => f.id.startsWith(vendor)).map((f) => f.expected.list));
  for (const v of ['aidon', 'kaifa']) for (const l of [1, 2, 3]) assert.ok(lists(v).has(l), `${v} list ${l}`);
  for (const l of [2, 3]) assert.ok(lists('kamstrup').has(l), `kamstrup list ${l}`);
  assert.ok(ALL_FRAMES.filter((f) => f.keys).length >= 4);
  assert.equal(new Set(ALL_FRAMES.map((f) => f.id)).size, ALL_FRAMES.length, 'fixture ids are unique');
});

for (const f of ALL_FRAMES) {
  test(`decodes ${f.id} exactly (${f.source})`, () => {
    const r = decodeHanApdu(apduOf(f), optionsOf(f));
    const e = f.expected;
    assert.equal(r.vendor, e.vendor);
    assert.equal(r.list, e.list);
    assert.equal(r.listVersion, e.listVersion);
    assert.equal(r.meterId, e.meterId);
    assert.equal(r.meterType, e.meterType);
    if (e.timestamp !== undefined) {
      assert.equal(r.timestamp, e.timestamp);
      assert.equal(r.timestampSource, 'meter');
    } else {
      assert.equal(r.timestamp, toOsloIso(RECEIVED_AT));
      assert.equal(r.timestampSource, 'received');
    }
    assert.deepEqual(Object.keys(r.obis).sort(), Object.keys(e.values).sort(), 'the same OBIS codes, none dropped, none invented');
    for (const [key, want] of Object.entries(e.values)) {
      const got = r.obis[dottedObis(key)];
      assert.ok(got, key);
      if (typeof want === 'string') {
        assert.equal(got.text, want, key);
      } else {
        assert.equal(got.value, want[0], key);
        assert.equal(got.unit, want[1], key);
        assert.equal(typeof got.raw, 'number', `${key} keeps the integer sent`);
      }
    }
  });
}

test('encrypted fixtures: the TINETZ example deciphers to the plaintext published with it', () => {
  const f = fixture('kaifa-at-ma309-encrypted-tinetz');
  assert.ok(f.plaintext && f.keys);
  const opened = decipherHanPush(apduOf(f), { encryptionKey: hexToBytes(f.keys.encryptionKey) });
  assert.equal(bytesToHex(opened.plaintext), f.plaintext);
  assert.equal(opened.authenticated, false);
  assert.equal(opened.invocationCounter, 0x00295b9a);
});

test('every strict prefix of every APDU is a HanError (TRUNCATED), never a reading', () => {
  for (const f of ALL_FRAMES) {
    const apdu = apduOf(f);
    const options = optionsOf(f);
    for (let n = 0; n < apdu.length; n++) {
      const code = hanCode(() => decodeHanApdu(apdu.subarray(0, n), options));
      assert.equal(code, 'TRUNCATED', `${f.id}: prefix of ${n} of ${apdu.length} bytes gave ${code}`);
    }
  }
});

test('random and mutated APDUs give a reading or a HanError, nothing else (fast-check)', () => {
  const seeds = ALL_FRAMES.map((f) => ({ apdu: apduOf(f), options: optionsOf(f) }));
  const outcome = (apdu: Uint8Array, options: HanDecodeOptions): void => {
    try {
      const r = decodeHanApdu(apdu, options);
      assert.equal(typeof r.timestamp, 'string');
      for (const v of Object.values(r.obis)) assert.ok(v.text !== undefined || Number.isFinite(v.value));
    } catch (e) {
      if (!(e instanceof HanError)) throw e;
    }
  };
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, asPush) => {
      // Half the inputs start like a push so the decoders, not just the tag check, see them.
      const input = asPush && bytes.length > 0 ? Uint8Array.of(0x0f, ...bytes) : bytes;
      outcome(input, { receivedAt: RECEIVED_AT });
    }),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: seeds.length - 1 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      (i, edits) => {
        const seed = seeds[i];
        assert.ok(seed);
        const apdu = Uint8Array.from(seed.apdu);
        for (const [at, b] of edits) apdu[at % apdu.length] = b;
        outcome(apdu, seed.options);
      },
    ),
    { numRuns: 3000 },
  );
});

test('a flipped bit anywhere in an authenticated push (SC 0x30) is DECRYPT_FAILED', () => {
  const f = fixture('kamstrup-dk-65-encrypted-asbjoern');
  const apdu = apduOf(f);
  // DB | 08 | system title (8) | 82 01 D0 | SC … tag: the title and the whole ciphered content.
  const titleAt = 2;
  const contentAt = 2 + 8 + 3;
  for (let i = titleAt; i < apdu.length; i++) {
    if (i >= titleAt + 8 && i < contentAt) continue; // the content's length field is framing, not crypto
    for (let bit = 0; bit < 8; bit++) {
      const bad = Uint8Array.from(apdu);
      bad[i] = (bad[i] as number) ^ (1 << bit);
      assert.equal(hanCode(() => decodeHanApdu(bad, optionsOf(f))), 'DECRYPT_FAILED', `byte ${i} bit ${bit}`);
    }
  }
});

test('encrypted-only pushes: a flipped bit in the system title or invocation counter is DECRYPT_FAILED', () => {
  for (const id of ['im350-at-encrypted-shrdzm', 'am550-at-encrypted-shrdzm', 'kaifa-at-ma309-encrypted-tinetz', 'kaifa-pl-ma309-encrypted-amsreader-gh905']) {
    const f = fixture(id);
    const apdu = apduOf(f);
    const contentAt = 10 + (apdu[10] === 0x82 ? 3 : apdu[10] === 0x81 ? 2 : 1);
    const nonce = [...Array(8).keys()].map((k) => 2 + k).concat([1, 2, 3, 4].map((k) => contentAt + k));
    for (const i of nonce) {
      for (let bit = 0; bit < 8; bit++) {
        const bad = Uint8Array.from(apdu);
        bad[i] = (bad[i] as number) ^ (1 << bit);
        assert.equal(hanCode(() => decodeHanApdu(bad, optionsOf(f))), 'DECRYPT_FAILED', `${id} byte ${i} bit ${bit}`);
      }
    }
  }
});

test('keys: KEY_REQUIRED without them, DECRYPT_FAILED with wrong ones, kept apart (amsreader-firmware #1245)', () => {
  const dk = fixture('kamstrup-dk-65-encrypted-asbjoern');
  const at = fixture('im350-at-encrypted-shrdzm');
  const wrong = hexToBytes('000102030405060708090A0B0C0D0E0F');
  assert.equal(hanCode(() => decodeHanApdu(apduOf(dk), { receivedAt: RECEIVED_AT })), 'KEY_REQUIRED');
  assert.equal(hanCode(() => decodeHanApdu(apduOf(dk), { receivedAt: RECEIVED_AT, encryptionKey: hexToBytes(dk.keys?.encryptionKey ?? '') })), 'KEY_REQUIRED', 'authenticated push, no AK');
  assert.equal(hanCode(() => decodeHanApdu(apduOf(dk), optionsOf(dk, { encryptionKey: wrong }))), 'DECRYPT_FAILED');
  assert.equal(hanCode(() => decodeHanApdu(apduOf(dk), optionsOf(dk, { authenticationKey: wrong }))), 'DECRYPT_FAILED');
  assert.equal(hanCode(() => decodeHanApdu(apduOf(at), { receivedAt: RECEIVED_AT })), 'KEY_REQUIRED');
  assert.equal(hanCode(() => decodeHanApdu(apduOf(at), optionsOf(at, { encryptionKey: wrong }))), 'DECRYPT_FAILED', 'wrong key: plaintext is no data-notification');
  // With an AK configured, an encrypted-only push is refused: a cleared A bit would skip the tag check.
  assert.equal(hanCode(() => decodeHanApdu(apduOf(at), optionsOf(at, { authenticationKey: wrong }))), 'DECRYPT_FAILED');
  assert.equal(hanCode(() => decodeHanApdu(apduOf(at), optionsOf(at, { encryptionKey: hexToBytes('0011') }))), 'DECRYPT_FAILED', 'a key of the wrong length');
});

test('an authenticated push whose plaintext is not a data-notification is NOT_A_PUSH', () => {
  const keys = { encryptionKey: hexToBytes('000102030405060708090A0B0C0D0E0F'), authenticationKey: hexToBytes('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF') };
  const ciphered = protectApdu(hexToBytes('C001C100080000010000FF0200'), {
    ...keys,
    kind: 'general-glo',
    systemTitle: hexToBytes('4D4D4D0000BC614E'),
    invocationCounter: 1,
    securityControl: { suite: 0, authenticated: true, encrypted: true, broadcastKey: false },
  });
  assert.equal(hanCode(() => decodeHanApdu(ciphered, { receivedAt: RECEIVED_AT, ...keys })), 'NOT_A_PUSH');
  const pushed = protectApdu(push('0201' + '0600000528'), {
    ...keys,
    kind: 'general-glo',
    systemTitle: hexToBytes('4D4D4D0000BC614E'),
    invocationCounter: 2,
    securityControl: { suite: 0, authenticated: true, encrypted: true, broadcastKey: false },
  });
  const r = decodeHanApdu(pushed, { receivedAt: RECEIVED_AT, ...keys });
  assert.equal(r.obis[dottedObis('1.0.1.7.0.255')]?.value, 1320);
  assert.match(r.notes?.[0] ?? '', /authenticated, invocation counter 2/);
});

test('NOT_A_PUSH for other APDUs, UNKNOWN_LIST for pushes no decoder knows', () => {
  assert.equal(hanCode(() => decodeHanApdu(hexToBytes('C001C100080000010000FF0200'), { receivedAt: RECEIVED_AT })), 'NOT_A_PUSH');
  assert.equal(hanCode(() => decodeHanApdu(hexToBytes('7EA0'), { receivedAt: RECEIVED_AT })), 'NOT_A_PUSH');
  assert.equal(hanCode(() => decodeHanApdu(hexToBytes('DC084D4D4D0000BC614E0520000000010F'), { receivedAt: RECEIVED_AT })), 'NOT_A_PUSH', 'general-ded-ciphering');
  assert.equal(hanCode(() => decodeHanApdu(push('0202' + '0A03414243' + '0A03444546'), { receivedAt: RECEIVED_AT })), 'UNKNOWN_LIST');
  // A KFM_001 list of 12 items is no Kaifa layout.
  assert.equal(hanCode(() => decodeHanApdu(push('020C' + '0907' + '4B464D5F303031' + '0600000001'.repeat(11)), { receivedAt: RECEIVED_AT })), 'UNKNOWN_LIST');
  // Kamstrup: list version then a value where a logical name belongs.
  assert.equal(hanCode(() => decodeHanApdu(push('0203' + '0A0E4B616D73747275705F5630303031' + '0600000001' + '0600000001'), { receivedAt: RECEIVED_AT })), 'UNKNOWN_LIST');
  assert.equal(hanCode(() => decodeHanApdu(new Uint8Array(0), { receivedAt: RECEIVED_AT })), 'TRUNCATED');
});

test('INVALID_VALUE for values no meter can produce, rather than a wrong reading', () => {
  const rx = { receivedAt: RECEIVED_AT };
  // A Kaifa List 3 (1-phase) whose clock says month 13.
  const kaifa1p = (clock: string): Uint8Array =>
    push(
      '020E' +
        '0907' + '4B464D5F303031' + '0910' + '36393730363331343038323235393238' + '0908' + '4D41313035483245' +
        '0600000677' + '0600000000' + '0600000000' + '060000000C' + '0600001B28' + '0600000978' +
        `090C${clock}` + '060186 7F8D'.replace(' ', '') + '0600000000' + '06003F5D2E' + '0600065FB7',
      '090C07E60505041500 0AFF800000'.replace(' ', ''),
    );
  assert.equal(decodeHanApdu(kaifa1p('07E60505041500 0AFF800000'.replace(' ', '')), rx).list, 3);
  assert.equal(hanCode(() => decodeHanApdu(kaifa1p('07E60D05041500 0AFF800000'.replace(' ', '')), rx)), 'INVALID_VALUE', 'month 13');
  assert.equal(hanCode(() => decodeHanApdu(kaifa1p('07E6021E041500 0AFF800000'.replace(' ', '')), rx)), 'INVALID_VALUE', '30 February');
  assert.equal(hanCode(() => decodeHanApdu(kaifa1p('07E60505041800 0AFF800000'.replace(' ', '')), rx)), 'INVALID_VALUE', 'hour 24');
  // A Kamstrup voltage of 65 535 V.
  const kamstrup = push('0205' + '0A0E4B616D73747275705F5630303031' + '0906 0101200700FF 12FFFF'.replace(/ /g, '') + '0906 0101010700FF 0600000010'.replace(/ /g, ''));
  assert.equal(hanCode(() => decodeHanApdu(kamstrup, rx)), 'INVALID_VALUE');
  // A generic register of negative energy (double-long −5 Wh).
  const negative = push('0203' + '09060100010800FF' + '05FFFFFFFB' + '02020F00161E');
  assert.equal(hanCode(() => decodeHanApdu(negative, rx)), 'INVALID_VALUE');
  // Aidon voltage of 1 200.0 V.
  const aidon = push('0101' + '0203' + '09060100200700FF' + '122EE0' + '02020FFF1623');
  assert.equal(hanCode(() => decodeHanApdu(aidon, rx)), 'INVALID_VALUE');
  assert.equal(hanCode(() => decodeHanApdu(push('0201' + '0600000001'), { ...rx, energyMultiplier: 0 })), 'INVALID_VALUE', 'a bad option');
});

test('Kaifa List 1 names no vendor: kaifa with the hint, generic P+ with a note without it', () => {
  const withHint = decodeFixture('kaifa-no-l1-amshan');
  assert.equal(withHint.vendor, 'kaifa');
  const withoutHint = decodeHanApdu(apduOf(fixture('kaifa-no-l1-amshan')), { receivedAt: RECEIVED_AT });
  assert.equal(withoutHint.vendor, 'generic');
  assert.equal(withoutHint.list, 1);
  assert.deepEqual(withoutHint.obis[dottedObis('1.0.1.7.0.255')], { value: 5852, unit: 'W', raw: 5852 });
  assert.match(withoutHint.notes?.join(' ') ?? '', /cannot be told/);
  // The hint never overrides content that names its vendor.
  assert.equal(decodeFixture('aidon-no-l2-3p3w-amshan', { vendor: 'kaifa' }).vendor, 'aidon');
  assert.equal(decodeFixture('aidon-no-l2-3p3w-amshan', { vendor: 'generic' }).vendor, 'generic');
});

test('Aidon clock: deviation 0 and Sunday-as-0 read as Oslo wall time, with notes (amsreader-firmware #1119)', () => {
  const r = decodeFixture('aidon-no-l3-3p4w-amsreader-gh1119-1');
  assert.equal(r.timestamp, '2025-12-14T16:00:00+01:00');
  assert.ok(r.notes?.some((n) => n.includes('#1119')));
  assert.ok(r.notes?.some((n) => n.includes('Sunday')));
  // Summer: the same rule gives +02:00 (hass-AMS AIDON_HOURLY, 2020-07-21 21:00 local).
  assert.equal(decodeFixture('aidon-no-l3-3p4w-hass').timestamp, '2020-07-21T21:00:00+02:00');
});

test('#1119: the 17:00 and 18:00 frames repeat one clock and counter snapshot; the decoder reports it as sent', () => {
  const [h16, h17, h18, h19] = [1, 2, 3, 4].map((k) => decodeFixture(`aidon-no-l3-3p4w-amsreader-gh1119-${k}`));
  assert.ok(h16 && h17 && h18 && h19);
  const aPlus = (r: HanReading): number | undefined => r.obis[dottedObis('1.0.1.8.0.255')]?.value;
  assert.equal(h17.timestamp, h18.timestamp);
  assert.equal(aPlus(h17), aPlus(h18));
  assert.notEqual(h17.obis[dottedObis('1.0.1.7.0.255')]?.value, h18.obis[dottedObis('1.0.1.7.0.255')]?.value, 'fresh instantaneous values');
  assert.deepEqual([aPlus(h16), aPlus(h17), aPlus(h19)], [109_552_250, 109_554_020, 109_562_070]);
});

test('Aidon signed currents, IT meters without IL2, Kaifa IT meters with U2 = 0', () => {
  assert.deepEqual(decodeFixture('aidon-se-3p-hass').obis[dottedObis('1.0.31.7.0.255')], { value: -1, unit: 'A', raw: -10 });
  assert.equal(decodeFixture('aidon-no-l2-3p3w-amshan').obis[dottedObis('1.0.51.7.0.255')], undefined);
  const it = decodeFixture('kaifa-no-l2-3p3w-amshan');
  assert.equal(it.obis[dottedObis('1.0.52.7.0.255')]?.value, 0);
  assert.match(it.notes?.join(' ') ?? '', /U2 = 0/);
});

test('Kamstrup: 1-phase null pairs, old firmware 09 0C header, invalid clock status falls back to the receive time', () => {
  assert.match(decodeFixture('kamstrup-no-l2-1p-amshan-real').notes?.join(' ') ?? '', /4 absent object\(s\) sent as null pairs/);
  assert.equal(decodeFixture('kamstrup-no-l2-3p-oldfw-amsreader-samples').timestamp, '2017-10-20T03:43:30+02:00');
  const ex1 = decodeFixture('kamstrup-no-l2-3p-vendor-ex1-amshan');
  assert.equal(ex1.timestampSource, 'received');
  assert.match(ex1.notes?.join(' ') ?? '', /invalid value/);
});

test('energyMultiplier repairs a Swedish Kamstrup that sends Wh (amsreader-firmware #239) and touches energy only', () => {
  const plain = decodeFixture('kamstrup-se-l3-3p-amsreader-gh239');
  const fixed = decodeFixture('kamstrup-se-l3-3p-amsreader-gh239', { energyMultiplier: 0.1 });
  assert.equal(plain.obis[dottedObis('1.1.1.8.0.255')]?.value, 320_141_580);
  assert.equal(fixed.obis[dottedObis('1.1.1.8.0.255')]?.value, 32_014_158);
  assert.equal(fixed.obis[dottedObis('1.1.3.8.0.255')]?.value, 5_796_235);
  assert.equal(fixed.obis[dottedObis('1.1.1.7.0.255')]?.value, plain.obis[dottedObis('1.1.1.7.0.255')]?.value);
});

test('generic decoder: MA309 nested lists with deviation and DST bit, meter id from the OBIS value (#905)', () => {
  const at = decodeFixture('kaifa-at-ma309-encrypted-tinetz');
  assert.equal(at.timestamp, '2021-07-19T15:46:35+02:00');
  assert.equal(at.meterId, '1KFM0100000035');
  const pl = decodeFixture('kaifa-pl-ma309-encrypted-amsreader-gh905');
  assert.equal(pl.meterId, '1KFM0200169986', 'not the system title KFM…');
  const im = decodeFixture('im350-at-encrypted-shrdzm');
  assert.match(im.notes?.join(' ') ?? '', /10 value\(s\) without a logical name/);
});

test('detectHanVendor picks the decoder from the content', () => {
  const body = (id: string) => {
    const d = decodeXdlmsApdu(apduOf(fixture(id)));
    assert.equal(d.type, 'data-notification');
    return d.body;
  };
  assert.equal(detectHanVendor(body('aidon-no-l1-amshan')), 'aidon');
  assert.equal(detectHanVendor(body('aidon-se-amshan')), 'aidon');
  assert.equal(detectHanVendor(body('kaifa-no-l3-3p3w-amshan')), 'kaifa');
  assert.equal(detectHanVendor(body('kaifa-se-obis-amshan')), 'kaifa');
  assert.equal(detectHanVendor(body('kaifa-no-l1-amshan')), 'generic');
  assert.equal(detectHanVendor(body('kaifa-no-l1-amshan'), 'kaifa'), 'kaifa');
  assert.equal(detectHanVendor(body('kaifa-no-l1-amshan'), 'aidon'), 'generic');
  assert.equal(detectHanVendor(body('kamstrup-dk-65-ct-amsreader-gh216')), 'kamstrup');
  assert.equal(detectHanVendor({ type: 'array', value: [] }), 'generic');
});

test('dottedObis accepts logical names and every text form, and refuses anything else', () => {
  assert.equal(dottedObis(hexToBytes('0100010700FF')), '1.0.1.7.0.255');
  assert.equal(dottedObis('1-1:1.8.0.255'), '1.1.1.8.0.255');
  assert.equal(dottedObis('0.0.96.1.0.255'), '0.0.96.1.0.255');
  assert.equal(hanCode(() => dottedObis('1-0:1.8')), 'INVALID_VALUE');
  assert.equal(hanCode(() => dottedObis(new Uint8Array(5))), 'INVALID_VALUE');
});

test('a wall time in the repeated autumn hour is read as the first (CEST) one, with a note', () => {
  // Kamstrup-style header, deviation unspecified: 2025-10-26 02:30:00 happens twice in Oslo.
  const r = decodeHanApdu(push('0201' + '0600000001', '0C07E90A1A07021E00FF800000'), { receivedAt: RECEIVED_AT });
  assert.equal(r.timestamp, '2025-10-26T02:30:00+02:00');
  assert.match(r.notes?.join(' ') ?? '', /repeated autumn hour/);
});
