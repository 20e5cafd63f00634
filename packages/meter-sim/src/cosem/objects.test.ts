import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { osloOffsetMinutes } from '@openams/core';
import {
  CLOCK_STATUS,
  attributeDescriptor,
  cosemDateTimeFromDate,
  cosemDateTimeToDate,
  dataAsDateTime,
  decodeCosemDateTime,
  encodeCosemDateTime,
  methodDescriptor,
} from '@openams/dlms';
import type { DlmsData, GetDataResult } from '@openams/dlms';
import type { ServerRequestContext } from '@openams/dlms-session';
import { testMeter } from '../../test/fixtures/cosem/fake-meter.ts';
import { EVENT_CODES, createCosemHandler, eventsOf, isOsloSummerTime, osloDeviation } from './index.ts';

const MANAGEMENT: ServerRequestContext = { clientSap: 1, mechanism: 'high-gmac', access: 'read-write', ciphered: true, clientSystemTitle: new Uint8Array(8).fill(7) };
const PUBLIC: ServerRequestContext = { clientSap: 16, mechanism: 'lowest', access: 'read-only', ciphered: false };
const CLOCK = (id: number) => attributeDescriptor(8, '0-0:1.0.0.255', id);

function data(r: GetDataResult): DlmsData {
  assert.equal(r.type, 'data', JSON.stringify(r));
  return r.value;
}

test('Oslo summer time computed from the EU rule agrees with the IANA zone of @openams/core', () => {
  fc.assert(
    fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }), (ms) => {
      assert.equal(osloDeviation(ms, true), -osloOffsetMinutes(new Date(ms)));
    }),
  );
  // The instants of the changes themselves.
  assert.equal(isOsloSummerTime(Date.UTC(2026, 2, 29, 0, 59, 59, 999)), false);
  assert.equal(isOsloSummerTime(Date.UTC(2026, 2, 29, 1)), true);
  assert.equal(isOsloSummerTime(Date.UTC(2026, 9, 25, 0, 59, 59, 999)), true);
  assert.equal(isOsloSummerTime(Date.UTC(2026, 9, 25, 1)), false);
});

test('the clock shows Norwegian time: deviation −120 and the DST bit in summer, the EU rule in attributes 5–8', () => {
  const { meter } = testMeter({ start: new Date('2026-07-01T10:00:00Z') });
  const handler = createCosemHandler(meter);
  const time = dataAsDateTime(data(handler.get(CLOCK(2), undefined, PUBLIC)));
  assert.ok(time);
  assert.equal(time.hour, 12);
  assert.equal(time.deviation, -120);
  assert.equal(time.clockStatus?.daylightSavingActive, true);
  assert.deepEqual(data(handler.get(CLOCK(3), undefined, PUBLIC)), { type: 'long', value: -60 });
  assert.deepEqual(data(handler.get(CLOCK(4), undefined, PUBLIC)), { type: 'unsigned', value: CLOCK_STATUS.daylightSavingActive });
  const begin = data(handler.get(CLOCK(5), undefined, PUBLIC));
  assert.ok(begin.type === 'octet-string');
  assert.deepEqual(decodeCosemDateTime(begin.value), { month: 3, dayOfMonth: 'last', dayOfWeek: 7, hour: 2, minute: 0, second: 0, hundredths: 0 });
  assert.deepEqual(data(handler.get(CLOCK(7), undefined, PUBLIC)), { type: 'integer', value: 60 });
  assert.deepEqual(data(handler.get(CLOCK(8), undefined, PUBLIC)), { type: 'boolean', value: true });
  // Daylight saving disabled: CET all year, logged (event 3).
  assert.equal(handler.set(CLOCK(8), { type: 'boolean', value: false }, undefined, MANAGEMENT), 'success');
  assert.equal(dataAsDateTime(data(handler.get(CLOCK(2), undefined, PUBLIC)))?.deviation, -60);
  assert.deepEqual(eventsOf(meter.state, 'standard').map((e) => e.code), [EVENT_CODES.daylightSavingChanged]);
});

test('a drifting clock is set by the head-end; old and new time are logged (events 4 and 5)', () => {
  const { meter, clock } = testMeter({ start: new Date('2026-01-10T10:00:00Z') });
  const handler = createCosemHandler(meter);
  meter.setClockOffset(95_000);
  meter.setClockDrift(20);
  clock.advance(86_400_000);
  const shown = cosemDateTimeToDate(dataAsDateTime(data(handler.get(CLOCK(2), undefined, MANAGEMENT))) ?? {});
  // 20 ppm over a day is 1.728 s; the date-time shows hundredths of a second.
  assert.equal(shown.getTime() - clock.now().getTime(), 95_000 + 1720);
  const now = clock.now();
  const value: DlmsData = { type: 'octet-string', value: encodeCosemDateTime(cosemDateTimeFromDate(now, { deviation: -60 })) };
  assert.equal(handler.set(CLOCK(2), value, undefined, MANAGEMENT), 'success');
  assert.equal(meter.meterTime().getTime(), now.getTime());
  clock.advance(86_400_000);
  assert.equal(meter.meterTime().getTime() - clock.now().getTime(), 1728, 'the crystal still drifts');
  assert.deepEqual(eventsOf(meter.state, 'standard').map((e) => e.code), [EVENT_CODES.clockAdjustedOldTime, EVENT_CODES.clockAdjustedNewTime]);
  // shift_time: ±900 s only.
  assert.deepEqual(handler.action(methodDescriptor(8, '0-0:1.0.0.255', 6), { type: 'long', value: -30 }, MANAGEMENT), { result: 'success' });
  assert.deepEqual(handler.action(methodDescriptor(8, '0-0:1.0.0.255', 6), { type: 'long', value: 1000 }, MANAGEMENT), { result: 'type-unmatched' });
  // adjust_to_minute rounds to the nearest minute.
  clock.advance(29_000);
  assert.deepEqual(handler.action(methodDescriptor(8, '0-0:1.0.0.255', 3), { type: 'integer', value: 0 }, MANAGEMENT), { result: 'success' });
  assert.equal(meter.meterTime().getTime() % 60_000, 0);
});

test('access rights: unknown and hidden objects, wrong class, unknown attribute, no write right', () => {
  const { meter } = testMeter({ start: new Date('2026-01-10T10:00:00Z') });
  const handler = createCosemHandler(meter);
  assert.deepEqual(handler.get(attributeDescriptor(3, '1-0:99.9.9.255', 2), undefined, MANAGEMENT), { type: 'data-access-result', value: 'object-undefined' });
  assert.deepEqual(handler.get(attributeDescriptor(1, '0-0:1.0.0.255', 2), undefined, MANAGEMENT), { type: 'data-access-result', value: 'object-class-inconsistent' });
  assert.deepEqual(handler.get(CLOCK(10), undefined, MANAGEMENT), { type: 'data-access-result', value: 'object-undefined' });
  assert.deepEqual(handler.get(attributeDescriptor(15, '0-0:40.0.0.255', 7), undefined, MANAGEMENT), { type: 'data-access-result', value: 'read-write-denied' });
  assert.equal(handler.set(attributeDescriptor(3, '1-0:1.8.0.255', 2), { type: 'double-long-unsigned', value: 0 }, undefined, MANAGEMENT), 'read-write-denied');
  assert.deepEqual(handler.action(methodDescriptor(3, '1-0:1.8.0.255', 1), { type: 'integer', value: 0 }, MANAGEMENT), { result: 'read-write-denied' });
  assert.deepEqual(handler.get(attributeDescriptor(7, '1-0:99.1.0.255', 2), undefined, PUBLIC), { type: 'data-access-result', value: 'object-undefined' });
  assert.deepEqual(handler.get(CLOCK(2), { accessSelector: 1, accessParameters: { type: 'null-data' } }, MANAGEMENT), { type: 'data-access-result', value: 'scope-of-access-violated' });
  // A client SAP the meter does not know has no objects at all.
  assert.deepEqual(handler.get(CLOCK(2), undefined, { ...PUBLIC, clientSap: 32 }), { type: 'data-access-result', value: 'object-undefined' });
});

test('the management object list names every object with its access rights; the profile buffer takes selectors 1 and 2', () => {
  const { meter } = testMeter({ start: new Date('2026-01-10T10:00:00Z') });
  const list = data(createCosemHandler(meter).get(attributeDescriptor(15, '0-0:40.0.0.255', 2), undefined, MANAGEMENT));
  assert.ok(list.type === 'array');
  const entries = list.value.map((e) => (e.type === 'structure' ? e.value : []));
  const name = (e: readonly DlmsData[]) => (e[2]?.type === 'octet-string' ? [...e[2].value].join('.') : '');
  for (const expected of ['0.0.40.0.0.255', '0.0.1.0.0.255', '1.0.1.8.0.255', '1.0.99.1.0.255', '1.0.99.2.0.255', '0.0.99.98.0.255', '0.0.99.97.0.255', '0.0.99.98.1.255', '0.0.99.98.2.255', '0.0.96.3.10.255', '0.0.17.0.0.255', '0.0.44.0.0.255', '0.0.43.0.0.255', '0.0.25.9.0.255', '0.0.43.1.0.255']) {
    assert.ok(entries.some((e) => name(e) === expected), expected);
  }
  const profile = entries.find((e) => name(e) === '1.0.99.1.0.255');
  assert.deepEqual(profile?.[3], {
    type: 'structure',
    value: [
      {
        type: 'array',
        value: [1, 2, 3, 4, 5, 6, 7, 8].map((id) => ({
          type: 'structure',
          value: [
            { type: 'integer', value: id },
            { type: 'enum', value: id === 4 ? 3 : 1 },
            id === 2 ? { type: 'array', value: [{ type: 'integer', value: 1 }, { type: 'integer', value: 2 }] } : { type: 'null-data' },
          ],
        })),
      },
      { type: 'array', value: [1, 2].map((id) => ({ type: 'structure', value: [{ type: 'integer', value: id }, { type: 'enum', value: 1 }] })) },
    ],
  });
});

test('Association LN, Security setup and Push setup answer as the head-end expects', () => {
  const { meter } = testMeter({ start: new Date('2026-01-10T10:00:00Z') });
  const handler = createCosemHandler(meter);
  const get = (d: ReturnType<typeof attributeDescriptor>, c = MANAGEMENT) => data(handler.get(d, undefined, c));
  assert.deepEqual(get(attributeDescriptor(15, '0-0:40.0.0.255', 4)), { type: 'octet-string', value: Uint8Array.of(0x60, 0x85, 0x74, 0x05, 0x08, 0x01, 0x03) });
  assert.deepEqual(get(attributeDescriptor(15, '0-0:40.0.0.255', 6)), { type: 'octet-string', value: Uint8Array.of(0x60, 0x85, 0x74, 0x05, 0x08, 0x02, 0x05) });
  assert.deepEqual(get(attributeDescriptor(15, '0-0:40.0.0.255', 6), PUBLIC), { type: 'octet-string', value: Uint8Array.of(0x60, 0x85, 0x74, 0x05, 0x08, 0x02, 0x00) });
  assert.deepEqual(get(attributeDescriptor(15, '0-0:40.0.0.255', 3), PUBLIC), { type: 'structure', value: [{ type: 'integer', value: 16 }, { type: 'long-unsigned', value: 1 }] });
  assert.deepEqual(get(attributeDescriptor(64, '0-0:43.0.0.255', 3)), { type: 'enum', value: 0 });
  assert.deepEqual(get(attributeDescriptor(64, '0-0:43.0.0.255', 4)), { type: 'octet-string', value: MANAGEMENT.clientSystemTitle });
  assert.deepEqual(get(attributeDescriptor(64, '0-0:43.0.0.255', 5)), { type: 'octet-string', value: meter.identity.systemTitle });
  assert.deepEqual(get(attributeDescriptor(1, '0-0:42.0.0.255', 2), PUBLIC), { type: 'octet-string', value: new TextEncoder().encode('AID7359992890000000'.slice(0, 3) + '9992890000000') });

  const destination: DlmsData = { type: 'structure', value: [{ type: 'enum', value: 0 }, { type: 'octet-string', value: new TextEncoder().encode('10.0.0.1:4059') }, { type: 'enum', value: 0 }] };
  const push = (id: number) => attributeDescriptor(40, '0-0:25.9.0.255', id);
  assert.equal(handler.set(push(3), destination, undefined, MANAGEMENT), 'success');
  assert.deepEqual(get(push(3)), destination);
  assert.deepEqual(get(attributeDescriptor(40, '0-1:25.9.0.255', 3)), { type: 'structure', value: [{ type: 'enum', value: 5 }, { type: 'octet-string', value: new Uint8Array(0) }, { type: 'enum', value: 0 }] });
  assert.equal(handler.set(push(2), { type: 'array', value: [] }, undefined, MANAGEMENT), 'read-write-denied');
  assert.equal(handler.set(push(6), { type: 'unsigned', value: 5 }, undefined, MANAGEMENT), 'success');
  assert.deepEqual(get(push(6)), { type: 'unsigned', value: 5 });
});

test('tamper events from the fault layer appear in the fraud log with the meter time', () => {
  const { meter } = testMeter({ start: new Date('2026-01-10T10:00:00Z') });
  meter.setClockOffset(60_000);
  meter.logEvent('fraud', EVENT_CODES.meterCoverRemoved);
  const log = data(createCosemHandler(meter).get(attributeDescriptor(7, '0-0:99.98.1.255', 2), undefined, MANAGEMENT));
  assert.ok(log.type === 'array' && log.value[0]?.type === 'structure');
  const [at, code] = log.value[0].value;
  assert.equal(cosemDateTimeToDate(dataAsDateTime(at as DlmsData) ?? {}).toISOString(), '2026-01-10T10:01:00.000Z');
  assert.deepEqual(code, { type: 'unsigned', value: EVENT_CODES.meterCoverRemoved });
});
