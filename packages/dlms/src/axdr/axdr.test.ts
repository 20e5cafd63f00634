import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  cosemDateTimeFromDate,
  cosemDateTimeToDate,
  dataAsDateTime,
  decodeCosemDate,
  decodeCosemDateTime,
  decodeCosemTime,
  decodeData,
  decodeDataBytes,
  encodeCosemDate,
  encodeCosemDateTime,
  encodeCosemTime,
  encodeDataBytes,
} from './index.ts';
import type { DlmsData } from './index.ts';
import { ByteReader, bytesToHex, hexToBytes } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';
import * as F from '../../test/fixtures/axdr/data-values.ts';
import { dlmsData } from '../../test/arbitraries.ts';

const isCode = (code: string, extra?: (e: DlmsError) => boolean) => (e: unknown) => e instanceof DlmsError && e.code === code && (extra ? extra(e) : true);
const u = (hex: string) => hexToBytes(hex);

function roundTrip(hex: string): DlmsData {
  const d = decodeDataBytes(u(hex));
  assert.equal(bytesToHex(encodeDataBytes(d)), hex.toUpperCase());
  return d;
}

test('captured GET responses: serial number, clock, a capture object', () => {
  const serial = roundTrip(F.CAPTURED_SERIAL_NUMBER);
  assert.equal(serial.type, 'octet-string');
  assert.equal(serial.type === 'octet-string' && Buffer.from(serial.value).toString('latin1'), 'APAnor3094481130');
  const clock = roundTrip(F.CAPTURED_CLOCK);
  assert.deepEqual(dataAsDateTime(clock), {
    year: 2020,
    month: 5,
    dayOfMonth: 9,
    dayOfWeek: 6,
    hour: 14,
    minute: 26,
    second: 15,
    deviation: 180,
    clockStatus: { invalidValue: false, doubtfulValue: false, differentClockBase: false, invalidClockStatus: false, daylightSavingActive: false, raw: 0 },
  });
  const obj = roundTrip(F.CAPTURED_CAPTURE_OBJECT);
  assert.deepEqual(obj, {
    type: 'structure',
    value: [
      { type: 'long-unsigned', value: 8 },
      { type: 'octet-string', value: u('0000010000FF') },
      { type: 'integer', value: 2 },
      { type: 'long-unsigned', value: 0 },
    ],
  });
});

test('scalars decode to the values the Blue Book encoding gives', () => {
  const d = roundTrip(F.CONSTRUCTED_SCALARS);
  assert.ok(d.type === 'structure');
  assert.deepEqual(
    d.value.map((x) => ('value' in x ? x.value : null)),
    [true, -1, -128, -120, 255, 65535, -1n, 2n ** 64n - 1n, 3, 1, -1, 0x12, null],
  );
});

test('strings, bit-string and the date/time tags', () => {
  const d = roundTrip(F.CONSTRUCTED_STRINGS);
  assert.ok(d.type === 'structure');
  assert.deepEqual(d.value[0], { type: 'bit-string', bitLength: 11, value: u('A0E0') });
  assert.deepEqual(d.value[1], { type: 'visible-string', value: 'AMS' });
  assert.deepEqual(d.value[2], { type: 'utf8-string', value: 'Æ' });
  assert.deepEqual(decodeCosemDateTime((d.value[3] as { value: Uint8Array }).value), { year: 2026, month: 11, dayOfMonth: 25, dayOfWeek: 3 });
  assert.deepEqual(decodeCosemDate((d.value[4] as { value: Uint8Array }).value), { year: 2026, month: 'dst-begin', dayOfWeek: 7 });
  assert.deepEqual(decodeCosemTime((d.value[5] as { value: Uint8Array }).value), { hour: 23, minute: 59, second: 59, hundredths: 99 });
});

test('compact-array: description, packed contents, round trip', () => {
  const d = roundTrip(F.CONSTRUCTED_COMPACT_ARRAY);
  assert.deepEqual(d, {
    type: 'compact-array',
    contents: { type: 'structure', elements: [{ type: 'long-unsigned' }, { type: 'octet-string' }] },
    value: [
      { type: 'structure', value: [{ type: 'long-unsigned', value: 1 }, { type: 'octet-string', value: u('ABCD') }] },
      { type: 'structure', value: [{ type: 'long-unsigned', value: 2 }, { type: 'octet-string', value: u('0102') }] },
    ],
  });
  assert.throws(
    () => encodeDataBytes({ type: 'compact-array', contents: { type: 'unsigned' }, value: [{ type: 'long', value: 1 }] }),
    isCode('INVALID_VALUE'),
  );
  assert.throws(() => decodeDataBytes(u('1300' + '01' + '00')), isCode('INVALID_VALUE')); // null elements with contents
});

test('a profile row: date-time in an octet-string converts to the instant', () => {
  const d = roundTrip(F.CONSTRUCTED_PROFILE_ROW);
  assert.ok(d.type === 'array' && d.value[0]?.type === 'structure');
  const dt = dataAsDateTime(d.value[0].value[0] as DlmsData);
  assert.ok(dt);
  assert.equal(cosemDateTimeToDate(dt).toISOString(), '2026-11-25T13:00:00.000Z');
});

test('every data type round-trips (property)', () => {
  fc.assert(
    fc.property(dlmsData, (d) => {
      const bytes = encodeDataBytes(d);
      assert.deepEqual(decodeDataBytes(bytes), d);
    }),
    { numRuns: 3000 },
  );
});

test('every strict prefix is refused with a typed error, never a crash', () => {
  for (const hex of Object.values(F)) {
    const b = u(hex);
    for (let n = 0; n < b.length; n++) assert.throws(() => decodeDataBytes(b.subarray(0, n)), (e: unknown) => e instanceof DlmsError, `${hex} prefix ${n}`);
  }
  assert.throws(() => decodeDataBytes(u(F.CAPTURED_CLOCK + '00')), isCode('TRAILING_BYTES'));
});

test('random bytes give a value or a DlmsError, never anything else', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
      try {
        decodeDataBytes(b);
      } catch (e) {
        assert.ok(e instanceof DlmsError, String(e));
      }
    }),
    { numRuns: 5000 },
  );
});

test('limits: depth, elements per container, total values; hostile counts allocate nothing', () => {
  const deep = u('01'.repeat(0) + '0101'.repeat(40) + '00');
  assert.throws(() => decodeDataBytes(deep), isCode('LIMIT_EXCEEDED'));
  assert.throws(() => decodeDataBytes(u('0103' + '000000'), { maxElements: 2 }), isCode('LIMIT_EXCEEDED'));
  assert.throws(() => decodeDataBytes(u('0102' + '0102' + '0000' + '0102' + '0000'), { maxTotalElements: 5 }), isCode('LIMIT_EXCEEDED'));
  // An array claiming 4 billion elements in 5 bytes is refused at once.
  assert.throws(() => decodeDataBytes(u('0184FFFFFFFF')), isCode('TRUNCATED', (e) => e.offset === 1));
  assert.throws(() => decodeDataBytes(u('0984FFFFFFFF')), isCode('TRUNCATED'));
});

test('errors point into nested data with a path and the absolute offset', () => {
  // structure[1] is an unknown tag 0x08 at byte 4
  assert.throws(
    () => decodeDataBytes(u('0202' + '1100' + '08')),
    isCode('UNSUPPORTED_TAG', (e) => e.path === 'structure[1]' && e.offset === 4),
  );
  const r = new ByteReader(u('FF' + '0202' + '1100' + '1101'));
  r.u8();
  assert.deepEqual(decodeData(r), { type: 'structure', value: [{ type: 'unsigned', value: 0 }, { type: 'unsigned', value: 1 }] });
  assert.throws(() => decodeDataBytes(u('0C02C328')), isCode('INVALID_VALUE')); // invalid UTF-8
});

test('encoder refuses values that do not fit their type', () => {
  assert.throws(() => encodeDataBytes({ type: 'unsigned', value: 256 }), isCode('INVALID_VALUE'));
  assert.throws(() => encodeDataBytes({ type: 'double-long', value: 2 ** 31 }), isCode('INVALID_VALUE'));
  assert.throws(() => encodeDataBytes({ type: 'date-time', value: new Uint8Array(11) }), isCode('INVALID_VALUE'));
  assert.throws(() => encodeDataBytes({ type: 'visible-string', value: 'Ω' }), isCode('INVALID_VALUE'));
  assert.throws(() => encodeDataBytes({ type: 'bit-string', bitLength: 9, value: new Uint8Array(1) }), isCode('INVALID_VALUE'));
});

test('COSEM date-time: Norwegian winter and summer time, not-specified fields, DST days', () => {
  // 2026-03-29 02:00 local CET is when clocks go to 03:00 CEST.
  const before = cosemDateTimeFromDate(new Date('2026-03-29T00:59:59Z'), { deviation: -60 });
  assert.deepEqual([before.hour, before.minute, before.dayOfWeek, before.clockStatus?.daylightSavingActive], [1, 59, 7, false]);
  const after = cosemDateTimeFromDate(new Date('2026-03-29T01:00:00Z'), { deviation: -120, daylightSaving: true });
  assert.deepEqual([after.hour, after.minute, after.clockStatus?.raw], [3, 0, 0x80]);
  assert.equal(bytesToHex(encodeCosemDateTime(after)), '07EA031D07030000' + '00FF8880');
  assert.equal(cosemDateTimeToDate(decodeCosemDateTime(encodeCosemDateTime(after))).toISOString(), '2026-03-29T01:00:00.000Z');
  // Kamstrup: deviation not specified, local standard time all year.
  const kamstrup = decodeCosemDateTime(u('07EA071E040C000000800000'));
  assert.equal(kamstrup.deviation, undefined);
  assert.throws(() => cosemDateTimeToDate(kamstrup), isCode('INVALID_VALUE'));
  assert.equal(cosemDateTimeToDate(kamstrup, { assumeDeviation: -60 }).toISOString(), '2026-07-30T11:00:00.000Z');
  assert.throws(() => decodeCosemDateTime(u('07EA0D1E04FFFFFFFF8000FF')), isCode('INVALID_VALUE', (e) => e.offset === 2)); // month 13
  assert.throws(() => decodeCosemDateTime(u('07EA011E04FFFFFFFF0800FF')), isCode('INVALID_VALUE')); // deviation 2048
  assert.throws(() => cosemDateTimeToDate(decodeCosemDateTime(u('07EA021E0400000000FFC400'))), isCode('INVALID_VALUE')); // 30 February
  assert.equal(dataAsDateTime({ type: 'octet-string', value: u('000102030405060708090A0B') }), undefined);
});

test('COSEM date, time and date-time encode what they decode (property)', () => {
  const byte = (min: number, max: number) => fc.oneof(fc.integer({ min, max }), fc.constant(0xff));
  const dateBytes = fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.oneof(byte(1, 12), fc.constantFrom(0xfd, 0xfe)), fc.oneof(byte(1, 31), fc.constantFrom(0xfd, 0xfe)), byte(1, 7));
  const timeBytes = fc.tuple(byte(0, 23), byte(0, 59), byte(0, 59), byte(0, 99));
  fc.assert(
    fc.property(dateBytes, timeBytes, fc.oneof(fc.integer({ min: -720, max: 720 }), fc.constant(-0x8000)), fc.integer({ min: 0, max: 0xff }), ([y, mo, d, wd], [h, mi, s, hs], dev, st) => {
      const b = new Uint8Array([y >> 8, y & 0xff, mo, d, wd, h, mi, s, hs, (dev >> 8) & 0xff, dev & 0xff, st]);
      assert.deepEqual(encodeCosemDateTime(decodeCosemDateTime(b)), b);
      assert.deepEqual(encodeCosemDate(decodeCosemDate(b.subarray(0, 5))), b.subarray(0, 5));
      assert.deepEqual(encodeCosemTime(decodeCosemTime(b.subarray(5, 9))), b.subarray(5, 9));
    }),
    { numRuns: 2000 },
  );
});
