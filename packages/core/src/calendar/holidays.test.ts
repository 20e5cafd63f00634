import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CoreError } from '../errors/index.ts';
import { addDays, easterSunday, isPublicHoliday, norwegianPublicHolidays, osloDateFromParts, osloWeekday, parseOsloDate, publicHolidaysOn } from './index.ts';
import type { NorwegianHolidayId } from './index.ts';

// Easter Sundays 2000–2030 as published in church calendars (e.g. the Norwegian almanac).
const EASTER = [
  '2000-04-23', '2001-04-15', '2002-03-31', '2003-04-20', '2004-04-11', '2005-03-27', '2006-04-16', '2007-04-08',
  '2008-03-23', '2009-04-12', '2010-04-04', '2011-04-24', '2012-04-08', '2013-03-31', '2014-04-20', '2015-04-05',
  '2016-03-27', '2017-04-16', '2018-04-01', '2019-04-21', '2020-04-12', '2021-04-04', '2022-04-17', '2023-04-09',
  '2024-03-31', '2025-04-20', '2026-04-05', '2027-03-28', '2028-04-16', '2029-04-01', '2030-04-21',
];

/** Gauss's Easter algorithm with its two exceptions: an independent computation to compare with. */
function gaussEaster(year: number): string {
  const a = year % 19;
  const b = year % 4;
  const c = year % 7;
  const k = Math.floor(year / 100);
  const p = Math.floor((13 + 8 * k) / 25);
  const q = Math.floor(k / 4);
  const m = (15 - p + k - q) % 30;
  const n = (4 + k - q) % 7;
  const d = (19 * a + m) % 30;
  const e = (2 * b + 4 * c + 6 * d + n) % 7;
  let month = 3;
  let day = 22 + d + e;
  if (day > 31) {
    month = 4;
    day = d + e - 9;
  }
  if (month === 4 && day === 26 && d === 29 && e === 6) day = 19;
  if (month === 4 && day === 25 && d === 28 && e === 6 && (11 * m + 11) % 30 < 19) day = 18;
  return osloDateFromParts(year, month, day);
}

test('Easter Sunday matches the published dates 2000–2030 and the extremes of the cycle', () => {
  for (const date of EASTER) assert.equal(easterSunday(Number(date.slice(0, 4))), date);
  assert.equal(easterSunday(1818), '1818-03-22'); // earliest possible date
  assert.equal(easterSunday(2285), '2285-03-22');
  assert.equal(easterSunday(1943), '1943-04-25'); // latest possible date
  assert.equal(easterSunday(2038), '2038-04-25');
});

test('Easter agrees with Gauss’s algorithm for every year 1583–4099', () => {
  for (let year = 1583; year <= 4099; year++) assert.equal(easterSunday(year), gaussEaster(year), `year ${year}`);
});

test('the public holidays of 2026', () => {
  assert.deepEqual(
    norwegianPublicHolidays(2026).map((h) => [h.date, h.name]),
    [
      ['2026-01-01', 'Første nyttårsdag'],
      ['2026-04-02', 'Skjærtorsdag'],
      ['2026-04-03', 'Langfredag'],
      ['2026-04-05', 'Første påskedag'],
      ['2026-04-06', 'Andre påskedag'],
      ['2026-05-01', 'Arbeidernes dag'],
      ['2026-05-14', 'Kristi himmelfartsdag'],
      ['2026-05-17', 'Grunnlovsdag'],
      ['2026-05-24', 'Første pinsedag'],
      ['2026-05-25', 'Andre pinsedag'],
      ['2026-12-25', 'Første juledag'],
      ['2026-12-26', 'Andre juledag'],
    ],
  );
  assert.ok(isPublicHoliday(parseOsloDate('2026-05-17')));
  assert.ok(!isPublicHoliday(parseOsloDate('2026-12-24')), 'Christmas Eve is not a public holiday');
  assert.ok(!isPublicHoliday(parseOsloDate('2026-12-31')), "New Year's Eve is not a public holiday");
});

test('holidays that share a day are both listed', () => {
  // Easter 2008 was 23 March: Ascension Day fell on 1 May. Easter 2027 is 28 March: Whit Monday on 17 May.
  assert.deepEqual(publicHolidaysOn(parseOsloDate('2008-05-01')).map((h) => h.id), ['labour-day', 'ascension-day']);
  assert.deepEqual(publicHolidaysOn(parseOsloDate('2027-05-17')).map((h) => h.id), ['constitution-day', 'whit-monday']);
  assert.equal(norwegianPublicHolidays(2008).length, 12);
});

test('years outside the Gregorian range are refused', () => {
  for (const year of [1582, 10000, 2026.5]) {
    assert.throws(() => easterSunday(year), (e) => e instanceof CoreError && e.code === 'OUT_OF_RANGE');
  }
});

const WEEKDAY: Partial<Record<NorwegianHolidayId, number>> = {
  'maundy-thursday': 4,
  'good-friday': 5,
  'easter-sunday': 7,
  'easter-monday': 1,
  'ascension-day': 4,
  'whit-sunday': 7,
  'whit-monday': 1,
};

test('property: for 2000–2100 every movable holiday falls on its weekday, in its season', () => {
  fc.assert(
    fc.property(fc.integer({ min: 2000, max: 2100 }), (year) => {
      const holidays = norwegianPublicHolidays(year);
      assert.equal(holidays.length, 12);
      for (const h of holidays) {
        const weekday = WEEKDAY[h.id];
        if (weekday !== undefined) assert.equal(osloWeekday(h.date), weekday, `${h.id} ${h.date}`);
        assert.equal(h.date.slice(0, 4), String(year));
      }
      const easter = easterSunday(year);
      assert.ok(easter >= `${year}-03-22` && easter <= `${year}-04-25`);
      assert.equal(holidays.find((h) => h.id === 'ascension-day')?.date, addDays(easter, 39));
      assert.equal(holidays.find((h) => h.id === 'whit-monday')?.date, addDays(easter, 50));
      for (let i = 1; i < holidays.length; i++) assert.ok((holidays[i - 1]?.date ?? '') <= (holidays[i]?.date ?? ''));
    }),
    { numRuns: 101 },
  );
});
