import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { intervalsInOsloDay, osloDayInterval, osloOffsetMinutes, parseOsloDate } from '@openams/core';
import {
  CLOCK_CAPTURE_OBJECT,
  attributeDescriptor,
  cosemDateTimeFromDate,
  cosemDateTimeToDate,
  dataAsDateTime,
  encodeCosemDateTime,
  entryDescriptor,
  parseObis,
  rangeDescriptor,
} from '@openams/dlms';
import type { DlmsData, SelectiveAccessDescriptor } from '@openams/dlms';
import { InMemoryInvocationCounterStore } from '@openams/dlms-session';
import type { ServerRequestContext } from '@openams/dlms-session';
import { FakeDataSource, testMeter } from '../../test/fixtures/cosem/fake-meter.ts';
import { openSession } from '../../test/fixtures/cosem/session.ts';
import { AMR_PROFILE_STATUS, EVENT_CODES, createCosemHandler, isOsloSummerTime } from './index.ts';

const HOURLY = attributeDescriptor(7, '1-0:99.1.0.255', 2);
const QUARTERLY = attributeDescriptor(7, '1-0:99.2.0.255', 2);
const MANAGEMENT: ServerRequestContext = { clientSap: 1, mechanism: 'high-gmac', access: 'read-write', ciphered: true };

/** A bound as a head-end writes it: Oslo local time with the deviation of that instant. */
function oslo(instant: Date): DlmsData {
  return { type: 'octet-string', value: encodeCosemDateTime(cosemDateTimeFromDate(instant, { deviation: -osloOffsetMinutes(instant) })) };
}

function byRange(from: Date, to: Date, selectedValues?: Parameters<typeof rangeDescriptor>[0]['selectedValues']): SelectiveAccessDescriptor {
  return rangeDescriptor({ restrictingObject: CLOCK_CAPTURE_OBJECT, from: oslo(from), to: oslo(to), ...(selectedValues !== undefined ? { selectedValues } : {}) });
}

interface Row {
  readonly at: Date;
  readonly deviation: number | undefined;
  readonly status: number;
  readonly values: readonly number[];
}

function rows(value: DlmsData): Row[] {
  assert.equal(value.type, 'array');
  if (value.type !== 'array') return [];
  return value.value.map((entry) => {
    assert.equal(entry.type, 'structure');
    const cells = entry.type === 'structure' ? entry.value : [];
    const time = dataAsDateTime(cells[0] as DlmsData);
    assert.ok(time);
    const numbers = cells.slice(1).map((c) => (c.type === 'unsigned' || c.type === 'double-long-unsigned' ? c.value : NaN));
    return { at: cosemDateTimeToDate(time), deviation: time.deviation, status: numbers[0] as number, values: numbers.slice(1) };
  });
}

const DAYS = [
  { date: '2026-11-25', name: 'a normal day', hours: 24 },
  { date: '2026-03-29', name: 'the spring DST day', hours: 23 },
  { date: '2026-10-25', name: 'the autumn DST day', hours: 25 },
] as const;

for (const day of DAYS) {
  test(`a range read returns exactly the intervals of ${day.name} (${day.hours} hours, ${day.hours * 4} quarter-hours) over a real session`, async () => {
    const date = parseOsloDate(day.date);
    const { start, end } = osloDayInterval(date);
    const { meter } = testMeter({ start: new Date(end.getTime() + 3 * 86_400_000) });
    const s = openSession(meter, { client: 'management', keys: meter.identity.keys, counter: new InMemoryInvocationCounterStore(1) });
    await s.client.associate();
    for (const [descriptor, resolution] of [
      [HOURLY, 'PT60M'],
      [QUARTERLY, 'PT15M'],
    ] as const) {
      const period = resolution === 'PT60M' ? 3_600_000 : 900_000;
      // The entries of the day's intervals carry the instants their intervals end: start + p … end.
      const result = await s.client.get(descriptor, byRange(new Date(start.getTime() + period), end));
      assert.ok(result.ok, JSON.stringify(result));
      const got = rows(result.value);
      assert.equal(got.length, intervalsInOsloDay(date, resolution));
      assert.equal(got.length, day.hours * (resolution === 'PT60M' ? 1 : 4));
      got.forEach((row, i) => {
        const at = start.getTime() + (i + 1) * period;
        assert.equal(row.at.getTime(), at);
        assert.equal(row.deviation, isOsloSummerTime(at) ? -120 : -60);
        assert.equal((row.status & AMR_PROFILE_STATUS.daylightSaving) !== 0, isOsloSummerTime(at));
        const expected = new FakeDataSource().cumulativeRegisters(meter.identity, new Date(at));
        assert.deepEqual(row.values, [expected.activeImportWh, expected.activeExportWh, expected.reactiveImportVarh, expected.reactiveExportVarh]);
      });
      // From local midnight inclusive: one more entry, the end of the previous day's last interval.
      const withMidnight = await s.client.get(descriptor, byRange(start, end));
      assert.ok(withMidnight.ok);
      assert.equal(rows(withMidnight.value).length, got.length + 1);
    }
    await s.client.release();
    await s.done();
  });
}

test('on the autumn day the hour 02:00–03:00 appears twice, first with deviation −120 then −60', () => {
  const date = parseOsloDate('2026-10-25');
  const { start, end } = osloDayInterval(date);
  const { meter } = testMeter({ start: new Date(end.getTime() + 86_400_000) });
  const handler = createCosemHandler(meter);
  const result = handler.get(HOURLY, byRange(new Date(start.getTime() + 3_600_000), end), MANAGEMENT);
  assert.equal(result.type, 'data');
  if (result.type !== 'data') return;
  const local = rows(result.value).map((r) => `${r.at.toISOString()}/${r.deviation}`);
  assert.equal(local.length, 25);
  assert.deepEqual(local.slice(1, 4), ['2026-10-25T00:00:00.000Z/-120', '2026-10-25T01:00:00.000Z/-60', '2026-10-25T02:00:00.000Z/-60']);
});

test('range reads return every capture instant in [from, to] and nothing else (property)', () => {
  const now = Date.UTC(2026, 10, 26, 12);
  const { meter } = testMeter({ start: new Date(now) });
  const handler = createCosemHandler(meter);
  fc.assert(
    fc.property(fc.integer({ min: now - 40 * 86_400_000, max: now }), fc.integer({ min: 0, max: 2 * 86_400_000 }), fc.boolean(), (from, span, hourly) => {
      const to = from + span;
      const period = hourly ? 3_600_000 : 900_000;
      const result = handler.get(hourly ? HOURLY : QUARTERLY, byRange(new Date(from), new Date(to), [CLOCK_CAPTURE_OBJECT]), MANAGEMENT);
      assert.equal(result.type, 'data');
      if (result.type !== 'data' || result.value.type !== 'array') return;
      // Bounds are sent to the second (hundredths of the bound are kept), so compare on the same grid.
      const a = Math.floor(from / 10) * 10;
      const b = Math.floor(to / 10) * 10;
      const expected: number[] = [];
      for (let t = Math.ceil(a / period) * period; t <= Math.min(b, now); t += period) expected.push(t);
      const got = result.value.value.map((e) => (e.type === 'structure' ? cosemDateTimeToDate(dataAsDateTime(e.value[0] as DlmsData) ?? {}).getTime() : NaN));
      assert.deepEqual(got, expected);
    }),
    { numRuns: 60 },
  );
});

test('selective access by entry: entries and columns counted from 1, 0 meaning the last', () => {
  const { meter } = testMeter({ start: new Date(Date.UTC(2026, 0, 1, 5, 7)) });
  const handler = createCosemHandler(meter);
  // Installed 2025-12-31T23:00Z: hourly entries 23:00 … 05:00 = 7.
  const inUse = handler.get(attributeDescriptor(7, '1-0:99.1.0.255', 7), undefined, MANAGEMENT);
  assert.deepEqual(inUse, { type: 'data', value: { type: 'double-long-unsigned', value: 7 } });
  const result = handler.get(HOURLY, entryDescriptor({ fromEntry: 6, toEntry: 0, fromSelectedValue: 3, toSelectedValue: 3 }), MANAGEMENT);
  const w = FakeDataSource.watts(meter.identity);
  const hoursAt = (h: number) => Math.floor((w * (Date.UTC(2026, 0, 1, h) - Date.UTC(2025, 0, 1))) / 3_600_000);
  assert.deepEqual(result, {
    type: 'data',
    value: {
      type: 'array',
      value: [
        { type: 'structure', value: [{ type: 'double-long-unsigned', value: hoursAt(4) }] },
        { type: 'structure', value: [{ type: 'double-long-unsigned', value: hoursAt(5) }] },
      ],
    },
  });
});

test('switching the hourly profile to 15 minutes restarts its buffer on the quarter-hour grid', () => {
  const { meter, clock } = testMeter({ start: new Date(Date.UTC(2026, 1, 2, 10, 5)) });
  const handler = createCosemHandler(meter);
  const period = attributeDescriptor(7, '1-0:99.1.0.255', 4);
  assert.equal(handler.set(period, { type: 'double-long-unsigned', value: 700 }, undefined, MANAGEMENT), 'other-reason');
  assert.equal(handler.set(period, { type: 'double-long-unsigned', value: 900 }, undefined, MANAGEMENT), 'success');
  assert.deepEqual(handler.get(period, undefined, MANAGEMENT), { type: 'data', value: { type: 'double-long-unsigned', value: 900 } });
  clock.advance(3_600_000);
  const result = handler.get(HOURLY, undefined, MANAGEMENT);
  assert.ok(result.type === 'data');
  assert.deepEqual(
    rows(result.value).map((r) => r.at.toISOString()),
    ['2026-02-02T10:15:00.000Z', '2026-02-02T10:30:00.000Z', '2026-02-02T10:45:00.000Z', '2026-02-02T11:00:00.000Z'],
  );
});

test('delta mode carries each interval its own energy, under the 1-0:x.29.0 columns', () => {
  const { meter } = testMeter({ start: new Date(Date.UTC(2026, 1, 2, 10, 5)), env: { profileValues: 'delta' } });
  const handler = createCosemHandler(meter);
  const columns = handler.get(attributeDescriptor(7, '1-0:99.2.0.255', 3), undefined, MANAGEMENT);
  assert.ok(columns.type === 'data' && columns.value.type === 'array');
  const third = columns.value.value[2];
  assert.ok(third?.type === 'structure' && third.value[1]?.type === 'octet-string');
  assert.deepEqual([...third.value[1].value], [1, 0, 1, 29, 0, 255]);
  const result = handler.get(QUARTERLY, byRange(new Date(Date.UTC(2026, 1, 2, 9)), new Date(Date.UTC(2026, 1, 2, 10))), MANAGEMENT);
  assert.ok(result.type === 'data');
  const w = FakeDataSource.watts(meter.identity);
  for (const row of rows(result.value)) assert.equal(row.values[0], w / 4);
});

test('a power outage leaves no entries while the mains are off and marks the next one power down; energy stops', () => {
  const { meter, clock } = testMeter({ start: new Date(Date.UTC(2026, 1, 2, 10, 5)) });
  const handler = createCosemHandler(meter);
  const before = meter.registers();
  meter.powerOff();
  clock.advance(30 * 60_000); // 10:05 → 10:35
  meter.powerOn();
  assert.deepEqual(meter.registers(), before);
  clock.advance(40 * 60_000); // 11:15
  const result = handler.get(QUARTERLY, byRange(new Date(Date.UTC(2026, 1, 2, 10)), new Date(Date.UTC(2026, 1, 2, 11, 15))), MANAGEMENT);
  assert.ok(result.type === 'data');
  const got = rows(result.value);
  assert.deepEqual(
    got.map((r) => [r.at.toISOString().slice(11, 16), r.status & AMR_PROFILE_STATUS.powerDown]),
    [
      ['10:00', 0],
      ['10:45', AMR_PROFILE_STATUS.powerDown],
      ['11:00', 0],
      ['11:15', 0],
    ],
  );
  const log = handler.get(attributeDescriptor(7, '0-0:99.97.0.255', 2), undefined, MANAGEMENT);
  assert.ok(log.type === 'data' && log.value.type === 'array');
  assert.deepEqual(
    log.value.value.map((e) => (e.type === 'structure' && e.value[1]?.type === 'unsigned' ? e.value[1].value : -1)),
    [EVENT_CODES.powerDown, EVENT_CODES.powerUp],
  );
});

test('a range that restricts on another column is scope-of-access-violated; a malformed bound type-unmatched', () => {
  const { meter } = testMeter({ start: new Date(Date.UTC(2026, 1, 2, 10, 5)) });
  const handler = createCosemHandler(meter);
  const other = rangeDescriptor({
    restrictingObject: { classId: 3, logicalName: parseObis('1-0:1.8.0.255'), attributeIndex: 2, dataIndex: 0 },
    from: { type: 'double-long-unsigned', value: 0 },
    to: { type: 'double-long-unsigned', value: 1 },
  });
  assert.deepEqual(handler.get(QUARTERLY, other, MANAGEMENT), { type: 'data-access-result', value: 'scope-of-access-violated' });
  const bad = rangeDescriptor({ restrictingObject: CLOCK_CAPTURE_OBJECT, from: { type: 'octet-string', value: new Uint8Array(3) }, to: oslo(new Date()) });
  assert.deepEqual(handler.get(QUARTERLY, bad, MANAGEMENT), { type: 'data-access-result', value: 'type-unmatched' });
});
