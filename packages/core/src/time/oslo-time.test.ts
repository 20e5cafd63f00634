import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  hoursInOsloDay,
  isOsloDate,
  nextOsloDate,
  osloDate,
  osloOffsetMinutes,
  osloParts,
  osloWallTimeToInstant,
  startOfOsloDay,
  toOsloIso,
} from './index.ts';
import type { OsloDate } from './index.ts';

const d = (s: string) => s as OsloDate;

test('offsets and ISO strings in winter and summer', () => {
  assert.equal(toOsloIso(new Date('2026-11-25T13:00:00Z')), '2026-11-25T14:00:00+01:00');
  assert.equal(toOsloIso(new Date('2026-07-01T10:30:15Z')), '2026-07-01T12:30:15+02:00');
  assert.equal(osloOffsetMinutes(new Date('2026-03-29T00:59:59Z')), 60);
  assert.equal(osloOffsetMinutes(new Date('2026-03-29T01:00:00Z')), 120);
  assert.equal(osloOffsetMinutes(new Date('2026-10-25T00:59:59Z')), 120);
  assert.equal(osloOffsetMinutes(new Date('2026-10-25T01:00:00Z')), 60);
  assert.deepEqual(osloParts(new Date('2026-11-29T23:30:00Z')), { year: 2026, month: 11, day: 30, hour: 0, minute: 30, second: 0, weekday: 1 });
});

test('DST days have 23 and 25 hours; other days 24', () => {
  assert.equal(hoursInOsloDay(d('2026-03-29')), 23);
  assert.equal(hoursInOsloDay(d('2026-10-25')), 25);
  assert.equal(hoursInOsloDay(d('2026-11-25')), 24);
  assert.equal(hoursInOsloDay(d('2024-03-31')), 23);
  assert.equal(startOfOsloDay(d('2026-10-25')).toISOString(), '2026-10-24T22:00:00.000Z');
});

test('wall times: the doubled autumn hour and the missing spring hour', () => {
  assert.equal(osloWallTimeToInstant({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, 'earlier').toISOString(), '2026-10-25T00:30:00.000Z');
  assert.equal(osloWallTimeToInstant({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, 'later').toISOString(), '2026-10-25T01:30:00.000Z');
  assert.equal(osloWallTimeToInstant({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }).toISOString(), '2026-03-29T01:30:00.000Z');
  assert.equal(toOsloIso(osloWallTimeToInstant({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 })), '2026-03-29T03:30:00+02:00');
});

test('dates: validity and stepping over month and year ends', () => {
  assert.ok(isOsloDate('2028-02-29'));
  assert.ok(!isOsloDate('2026-02-29'));
  assert.ok(!isOsloDate('2026-1-01'));
  assert.equal(nextOsloDate(d('2026-12-31')), '2027-01-01');
  assert.equal(nextOsloDate(d('2026-03-01'), -1), '2026-02-28');
});

test('property: every instant maps to a wall time that maps back (outside the doubled hour: exactly)', () => {
  fc.assert(
    fc.property(fc.date({ min: new Date('2000-01-01Z'), max: new Date('2060-01-01Z'), noInvalidDate: true }), (t) => {
      const instant = new Date(Math.floor(t.getTime() / 1000) * 1000);
      const p = osloParts(instant);
      const earlier = osloWallTimeToInstant(p, 'earlier');
      const later = osloWallTimeToInstant(p, 'later');
      assert.ok(earlier.getTime() === instant.getTime() || later.getTime() === instant.getTime());
      assert.equal(osloDate(instant), `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`);
      assert.ok([60, 120].includes(osloOffsetMinutes(instant)));
    }),
    { numRuns: 500 },
  );
});

test('property: the EU-rule fast path agrees with the IANA zone data in Intl, 1996–2099', () => {
  const intl = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Oslo', hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  const around = (year: number, month: number) => fc.integer({ min: -3 * 3_600_000, max: 3 * 3_600_000 }).map((ms) => new Date(Date.UTC(year, month, 25) + 6 * 86_400_000 * 0 + ms));
  const instants = fc.oneof(
    fc.date({ min: new Date('1996-01-01Z'), max: new Date('2099-12-31Z'), noInvalidDate: true }),
    // Near the switches: the last week of March and October, any year.
    fc.integer({ min: 1996, max: 2099 }).chain((y) => fc.integer({ min: 0, max: 7 * 86_400_000 }).map((ms) => new Date(Date.UTC(y, 2, 25) + ms))),
    fc.integer({ min: 1996, max: 2099 }).chain((y) => fc.integer({ min: 0, max: 7 * 86_400_000 }).map((ms) => new Date(Date.UTC(y, 9, 25) + ms))),
    around(2026, 2),
  );
  fc.assert(
    fc.property(instants, (t) => {
      const p: Record<string, string> = {};
      for (const part of intl.formatToParts(t)) p[part.type] = part.value;
      const q = osloParts(t);
      assert.deepEqual([q.year, q.month, q.day, q.hour, q.minute, q.second], [p.year, p.month, p.day, p.hour, p.minute, p.second].map(Number), t.toISOString());
    }),
    { numRuns: 3000 },
  );
});
