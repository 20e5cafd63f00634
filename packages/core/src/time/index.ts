export {
  OSLO_TIME_ZONE,
  hoursInOsloDay,
  isOsloDate,
  nextOsloDate,
  osloDate,
  osloOffsetMinutes,
  osloParts,
  osloWallTimeToInstant,
  startOfOsloDay,
  toOsloIso,
} from './oslo-time.ts';
export type { OsloDate, OsloDateTimeParts, OsloWallTime } from './oslo-time.ts';
