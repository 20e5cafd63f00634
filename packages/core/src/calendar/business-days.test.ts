import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CoreError } from '../errors/index.ts';
import { addBusinessDays, addDays, isBusinessDay, parseOsloDate } from './index.ts';
import type { OsloDate } from '../time/index.ts';

const d = parseOsloDate;

test('business days: weekends and public holidays are not', () => {
  assert.ok(isBusinessDay(d('2026-03-27'))); // Friday
  assert.ok(!isBusinessDay(d('2026-03-28'))); // Saturday
  assert.ok(!isBusinessDay(d('2026-03-29'))); // Sunday
  assert.ok(!isBusinessDay(d('2026-04-02'))); // Maundy Thursday
  assert.ok(!isBusinessDay(d('2026-05-14'))); // Ascension Day
  assert.ok(isBusinessDay(d('2026-12-24'))); // Christmas Eve is a business day
});

test('addBusinessDays: the HAN port 3-business-day deadline', () => {
  assert.equal(addBusinessDays(d('2026-03-02'), 3), '2026-03-05'); // Monday → Thursday
  assert.equal(addBusinessDays(d('2026-03-06'), 3), '2026-03-11'); // Friday → Wednesday
  assert.equal(addBusinessDays(d('2026-03-07'), 3), '2026-03-11'); // Saturday → Wednesday
  assert.equal(addBusinessDays(d('2026-03-08'), 3), '2026-03-11'); // Sunday → Wednesday
  assert.equal(addBusinessDays(d('2026-04-01'), 3), '2026-04-09'); // over Easter
  assert.equal(addBusinessDays(d('2026-12-23'), 2), '2026-12-28'); // over Christmas
  assert.equal(addBusinessDays(d('2026-12-31'), 1), '2027-01-04'); // over New Year and a weekend
});

test('addBusinessDays: zero and negative counts', () => {
  assert.equal(addBusinessDays(d('2026-03-04'), 0), '2026-03-04');
  assert.equal(addBusinessDays(d('2026-03-07'), 0), '2026-03-09'); // Saturday rolls forward to Monday
  assert.equal(addBusinessDays(d('2026-04-02'), 0), '2026-04-07'); // Maundy Thursday rolls to Tuesday
  assert.equal(addBusinessDays(d('2026-04-07'), -1), '2026-04-01');
  assert.equal(addBusinessDays(d('2026-03-09'), -1), '2026-03-06');
  assert.equal(addBusinessDays(d('2026-03-08'), -1), '2026-03-06'); // Sunday back to Friday
  for (const bad of [1.5, Number.NaN, 10_001]) {
    assert.throws(() => addBusinessDays(d('2026-03-04'), bad), (e) => e instanceof CoreError && e.code === 'OUT_OF_RANGE');
  }
});

const anyDate = fc.integer({ min: 0, max: 100 * 365 }).map((n) => addDays(d('2000-01-01'), n));

function businessDaysBetween(from: OsloDate, to: OsloDate): number {
  let n = 0;
  for (let x = addDays(from, 1); x <= to; x = addDays(x, 1)) if (isBusinessDay(x)) n++;
  return n;
}

test('property: addBusinessDays(addBusinessDays(d, n), -n) is d for every business day d', () => {
  fc.assert(
    fc.property(anyDate.filter(isBusinessDay), fc.integer({ min: -400, max: 400 }), (day, n) => {
      assert.equal(addBusinessDays(addBusinessDays(day, n), -n), day);
    }),
    { numRuns: 1000 },
  );
});

test('property: the result is a business day exactly n business days away', () => {
  fc.assert(
    fc.property(anyDate, fc.integer({ min: -60, max: 60 }), (day, n) => {
      const r = addBusinessDays(day, n);
      assert.ok(isBusinessDay(r));
      if (n > 0) assert.equal(businessDaysBetween(day, r), n);
      // businessDaysBetween counts (from, to]; for n < 0 the business days in [r, day) are |n|.
      if (n < 0) assert.equal(businessDaysBetween(addDays(r, -1), addDays(day, -1)), -n);
      if (n === 0) assert.ok(r >= day && businessDaysBetween(addDays(day, -1), addDays(r, -1)) === 0);
    }),
    { numRuns: 1000 },
  );
});
