import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CoreError } from '../errors/index.ts';
import {
  addDays,
  daysOfMonth,
  firstDayOfMonth,
  intervalsInOsloDay,
  intervalsInOsloMonth,
  osloDateFromParts,
  osloDayInterval,
  osloDayIntervals,
  osloDayStartingAt,
  osloIntervalAt,
  osloIntervalContaining,
  osloMonthInterval,
  osloWeekday,
  parseOsloDate,
  yearMonthOf,
} from './index.ts';

const d = parseOsloDate;

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof CoreError);
    return e.code;
  }
  assert.fail('expected a CoreError');
}

test('dates: parsing, weekdays, arithmetic', () => {
  assert.equal(parseOsloDate(' 2028-02-29 '), '2028-02-29');
  for (const bad of ['2026-02-29', '2026-2-01', '26-01-01', '2026-01-01T00:00', '1582-12-31']) {
    assert.ok(['INVALID_DATE', 'OUT_OF_RANGE'].includes(code(() => parseOsloDate(bad))), bad);
  }
  assert.equal(osloWeekday(d('2026-03-29')), 7);
  assert.equal(osloWeekday(d('2026-11-25')), 3);
  assert.equal(osloWeekday(d('1970-01-01')), 4);
  assert.equal(osloWeekday(d('1600-01-01')), 6);
  assert.equal(addDays(d('2026-12-31'), 1), '2027-01-01');
  assert.equal(addDays(d('2024-03-01'), -1), '2024-02-29');
  assert.equal(code(() => osloDateFromParts(2026, 2, 30)), 'INVALID_DATE');
});

test('interval counts: 92/96/100 quarter-hours and 23/24/25 hours', () => {
  assert.equal(intervalsInOsloDay(d('2026-03-29'), 'PT15M'), 92);
  assert.equal(intervalsInOsloDay(d('2026-03-29'), 'PT60M'), 23);
  assert.equal(intervalsInOsloDay(d('2026-10-25'), 'PT15M'), 100);
  assert.equal(intervalsInOsloDay(d('2026-10-25'), 'PT60M'), 25);
  assert.equal(intervalsInOsloDay(d('2026-11-25'), 'PT15M'), 96);
  assert.equal(intervalsInOsloDay(d('2026-11-25'), 'PT60M'), 24);
});

test('the intervals of a DST day, with UTC starts and ends', () => {
  const spring = osloDayIntervals(d('2026-03-29'), 'PT60M');
  assert.equal(spring.length, 23);
  assert.equal(spring[0]?.start.toISOString(), '2026-03-28T23:00:00.000Z');
  assert.equal(spring[1]?.start.toISOString(), '2026-03-29T00:00:00.000Z'); // 01:00 CET
  assert.equal(spring[2]?.start.toISOString(), '2026-03-29T01:00:00.000Z'); // 03:00 CEST: 02:00 never happened
  assert.equal(spring[22]?.end.toISOString(), '2026-03-29T22:00:00.000Z');

  const autumn = osloDayIntervals(d('2026-10-25'), 'PT15M');
  assert.equal(autumn.length, 100);
  assert.deepEqual(
    autumn.slice(8, 16).map((i) => [i.position, i.start.toISOString().slice(11, 16)]),
    [
      [9, '00:00'], [10, '00:15'], [11, '00:30'], [12, '00:45'], // 02:00–03:00 CEST
      [13, '01:00'], [14, '01:15'], [15, '01:30'], [16, '01:45'], // 02:00–03:00 CET, the second time
    ],
  );
  assert.equal(autumn[99]?.end.toISOString(), '2026-10-25T23:00:00.000Z');
  assert.deepEqual(osloDayInterval(d('2026-10-25')), { start: new Date('2026-10-24T22:00:00Z'), end: new Date('2026-10-25T23:00:00Z') });
});

test('interval index ↔ instant', () => {
  const i = osloIntervalAt(d('2026-10-25'), 12, 'PT15M');
  assert.equal(i.position, 13);
  assert.equal(i.start.toISOString(), '2026-10-25T01:00:00.000Z');
  const back = osloIntervalContaining(new Date('2026-10-25T01:07:00Z'), 'PT15M');
  assert.equal(back.date, '2026-10-25');
  assert.equal(back.index, 12);
  assert.equal(osloIntervalContaining(new Date('2026-03-28T23:00:00Z'), 'PT60M').date, '2026-03-29');
  assert.equal(osloIntervalContaining(new Date('2026-03-28T22:59:59.999Z'), 'PT60M').index, 23);
  assert.equal(code(() => osloIntervalAt(d('2026-03-29'), 92, 'PT15M')), 'OUT_OF_RANGE');
  assert.equal(code(() => osloIntervalAt(d('2026-03-29'), -1, 'PT15M')), 'OUT_OF_RANGE');
  assert.equal(code(() => osloIntervalContaining(new Date(Number.NaN), 'PT15M')), 'INVALID_DATE');
  assert.equal(osloDayStartingAt(new Date('2026-03-28T23:00:00Z')), '2026-03-29');
  assert.equal(osloDayStartingAt(new Date('2026-03-29T22:00:00Z')), '2026-03-30');
  assert.equal(osloDayStartingAt(new Date('2026-03-29T23:00:00Z')), undefined);
});

test('property: every instant lies in the interval osloIntervalContaining returns, and that interval maps back', () => {
  fc.assert(
    fc.property(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2060-12-31T00:00:00Z'), noInvalidDate: true }), fc.constantFrom('PT15M' as const, 'PT60M' as const), (t, r) => {
      const i = osloIntervalContaining(t, r);
      assert.ok(i.start.getTime() <= t.getTime() && t.getTime() < i.end.getTime());
      assert.ok(i.index >= 0 && i.index < intervalsInOsloDay(i.date, r));
      assert.deepEqual(osloIntervalAt(i.date, i.index, r), i);
    }),
    { numRuns: 500 },
  );
});

test('property: a year has (365|366)×96 quarter-hours; one day of 92, one of 100, on the last Sundays of March and October', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1996, max: 2100 }), (year) => {
      const days: string[] = [];
      for (let day = d(`${year}-01-01`); day.startsWith(String(year)); day = addDays(day, 1)) days.push(day);
      const counts = days.map((day) => intervalsInOsloDay(day as ReturnType<typeof d>, 'PT15M'));
      const hours = days.map((day) => intervalsInOsloDay(day as ReturnType<typeof d>, 'PT60M'));
      assert.equal(counts.reduce((a, b) => a + b, 0), days.length * 96);
      assert.equal(hours.reduce((a, b) => a + b, 0), days.length * 24);
      assert.deepEqual([...new Set(counts)].sort(), [100, 92, 96].sort());
      const spring = days[counts.indexOf(92)] as ReturnType<typeof d>;
      const autumn = days[counts.indexOf(100)] as ReturnType<typeof d>;
      assert.equal(counts.filter((c) => c !== 96).length, 2);
      assert.equal(osloWeekday(spring), 7);
      assert.equal(spring.slice(5, 7), '03');
      assert.ok(Number(spring.slice(8)) > 24, 'the last Sunday of March');
      assert.equal(osloWeekday(autumn), 7);
      assert.equal(autumn.slice(5, 7), '10');
      assert.ok(Number(autumn.slice(8)) > 24, 'the last Sunday of October');
    }),
    { numRuns: 12 },
  );
});

test('months in Oslo time', () => {
  assert.deepEqual(osloMonthInterval(2026, 3), { start: new Date('2026-02-28T23:00:00Z'), end: new Date('2026-03-31T22:00:00Z') });
  assert.deepEqual(osloMonthInterval(2026, 12), { start: new Date('2026-11-30T23:00:00Z'), end: new Date('2026-12-31T23:00:00Z') });
  assert.equal(osloMonthInterval(9999, 12).end.toISOString(), '9999-12-31T23:00:00.000Z');
  assert.equal(intervalsInOsloMonth(2026, 3, 'PT15M'), 31 * 96 - 4);
  assert.equal(intervalsInOsloMonth(2026, 10, 'PT60M'), 31 * 24 + 1);
  assert.equal(intervalsInOsloMonth(2026, 6, 'PT15M'), 30 * 96);
  assert.equal(daysOfMonth(2024, 2).length, 29);
  assert.equal(daysOfMonth(2026, 2).at(-1), '2026-02-28');
  assert.equal(firstDayOfMonth(2026, 7), '2026-07-01');
  assert.deepEqual(yearMonthOf(d('2026-07-19')), { year: 2026, month: 7 });
  assert.equal(code(() => osloMonthInterval(2026, 13)), 'OUT_OF_RANGE');
});
