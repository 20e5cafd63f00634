export {
  MAX_CALENDAR_YEAR,
  MIN_CALENDAR_YEAR,
  addDays,
  isWeekend,
  osloDateFromParts,
  osloDateParts,
  osloWeekday,
  parseOsloDate,
} from './dates.ts';
export type { DateParts, IsoWeekday } from './dates.ts';
export { intervalsInOsloDay, osloDayInterval, osloDayIntervals, osloDayStartingAt, osloIntervalAt, osloIntervalContaining } from './intervals.ts';
export type { OsloInterval, UtcInterval } from './intervals.ts';
export { daysOfMonth, firstDayOfMonth, intervalsInOsloMonth, nextYearMonth, osloMonthInterval, yearMonthOf } from './months.ts';
export type { YearMonth } from './months.ts';
export { easterSunday, isPublicHoliday, norwegianPublicHolidays, publicHolidaysOn } from './holidays.ts';
export type { NorwegianHoliday, NorwegianHolidayId } from './holidays.ts';
export { MAX_BUSINESS_DAYS, addBusinessDays, isBusinessDay } from './business-days.ts';
