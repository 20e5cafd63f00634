import type { OsloDate } from '../time/index.ts';
import { addDays, checkYear, osloDateFromParts } from './dates.ts';
import { memoize } from './memo.ts';

/** Stable ids of the Norwegian public holidays. */
export type NorwegianHolidayId =
  | 'new-years-day'
  | 'maundy-thursday'
  | 'good-friday'
  | 'easter-sunday'
  | 'easter-monday'
  | 'labour-day'
  | 'constitution-day'
  | 'ascension-day'
  | 'whit-sunday'
  | 'whit-monday'
  | 'christmas-day'
  | 'boxing-day';

/** A public holiday ("helligdag" or "offentlig høytidsdag") on a given day. */
export interface NorwegianHoliday {
  readonly id: NorwegianHolidayId;
  readonly date: OsloDate;
  /** The Norwegian (bokmål) name. */
  readonly name: string;
  readonly englishName: string;
}

/**
 * Easter Sunday of `year` in the Gregorian calendar, by the anonymous Gregorian algorithm
 * (Meeus/Jones/Butcher, "Astronomical Algorithms" ch. 8): the first Sunday after the
 * ecclesiastical full moon on or after 21 March. Throws `OUT_OF_RANGE` outside 1583–9999.
 */
export function easterSunday(year: number): OsloDate {
  checkYear(year);
  const a = year % 19; // position in the 19-year Metonic cycle
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3); // lunar correction
  const h = (19 * a + b - d - g + 15) % 30; // days from 21 March to the full moon
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7; // days from the full moon to Sunday
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return osloDateFromParts(year, month, day);
}

/**
 * The Norwegian public holidays of `year`, in date order: the "helligdager" of lov om helligdager
 * og helligdagsfred §2 (New Year's Day, Maundy Thursday, Good Friday, Easter Sunday and Monday,
 * Ascension Day, Whit Sunday and Monday, Christmas Day, Boxing Day) and the two "offentlige
 * høytidsdager" of the 1947 act (1 May and 17 May). Christmas Eve and New Year's Eve are not public
 * holidays. The current rules are applied to every year. Throws `OUT_OF_RANGE` outside 1583–9999.
 */
export function norwegianPublicHolidays(year: number): readonly NorwegianHoliday[] {
  checkYear(year);
  return holidaysOfYear(year);
}

const holidaysOfYear = memoize(computeHolidays, 512);

function computeHolidays(year: number): readonly NorwegianHoliday[] {
  const easter = easterSunday(year);
  const fixed = (month: number, day: number) => osloDateFromParts(year, month, day);
  const holidays: NorwegianHoliday[] = [
    { id: 'new-years-day', date: fixed(1, 1), name: 'Første nyttårsdag', englishName: "New Year's Day" },
    { id: 'maundy-thursday', date: addDays(easter, -3), name: 'Skjærtorsdag', englishName: 'Maundy Thursday' },
    { id: 'good-friday', date: addDays(easter, -2), name: 'Langfredag', englishName: 'Good Friday' },
    { id: 'easter-sunday', date: easter, name: 'Første påskedag', englishName: 'Easter Sunday' },
    { id: 'easter-monday', date: addDays(easter, 1), name: 'Andre påskedag', englishName: 'Easter Monday' },
    { id: 'labour-day', date: fixed(5, 1), name: 'Arbeidernes dag', englishName: 'Labour Day' },
    { id: 'constitution-day', date: fixed(5, 17), name: 'Grunnlovsdag', englishName: 'Constitution Day' },
    { id: 'ascension-day', date: addDays(easter, 39), name: 'Kristi himmelfartsdag', englishName: 'Ascension Day' },
    { id: 'whit-sunday', date: addDays(easter, 49), name: 'Første pinsedag', englishName: 'Whit Sunday' },
    { id: 'whit-monday', date: addDays(easter, 50), name: 'Andre pinsedag', englishName: 'Whit Monday' },
    { id: 'christmas-day', date: fixed(12, 25), name: 'Første juledag', englishName: 'Christmas Day' },
    { id: 'boxing-day', date: fixed(12, 26), name: 'Andre juledag', englishName: 'Boxing Day' },
  ];
  // Ascension Day or Whit Sunday/Monday can fall on 1 or 17 May (Ascension Day 2008 on 1 May,
  // Whit Monday 2027 on 17 May); both entries stay, in date order.
  return Object.freeze(holidays.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0)).map((h) => Object.freeze(h)));
}

/** The public holidays on `date` (usually none, one, or two when Ascension Day meets 1 or 17 May). */
export function publicHolidaysOn(date: OsloDate): readonly NorwegianHoliday[] {
  return norwegianPublicHolidays(Number(date.slice(0, 4))).filter((h) => h.date === date);
}

/** Whether `date` is a Norwegian public holiday. */
export function isPublicHoliday(date: OsloDate): boolean {
  return publicHolidaysOn(date).length > 0;
}
