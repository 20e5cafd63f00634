import { CLOCK_BASE, CLOCK_STATUS, encodeCosemDateTime, parseObis } from '@openams/dlms';
import type { DataAccessResult, DlmsData } from '@openams/dlms';
import { actionResult, bool, enumeration, i16, i8, numberOf, octets, refused, u8, value } from './data.ts';
import type { CosemObjectDef } from './data.ts';
import { EVENT_CODES, appendEvent } from './events.ts';
import { trueNow } from './model.ts';
import type { CosemMeter } from './model.ts';
import { METER_FLAGS } from './state.ts';
import { instantFromDateTime, meterDateTime, meterTimeMs, osloDeviation } from './time.ts';

/** Clock 0-0:1.0.0.255 (Blue Book "Clock (class_id = 8, version = 0)"). */
export const CLOCK_OBIS = parseObis('0-0:1.0.0.255');

/** The meter's clock reading now, ms. */
export function meterNow(m: CosemMeter): number {
  return meterTimeMs(m.state, trueNow(m));
}

/** Whether daylight saving is enabled (attribute 8). */
export function dstEnabled(m: CosemMeter): boolean {
  return (m.state.flags & METER_FLAGS.dstEnabled) !== 0;
}

/** The clock status byte (attribute 4, and the last byte of every date-time the meter sends). */
export function clockStatus(m: CosemMeter, meterMs: number): number {
  const invalid = (m.state.flags & METER_FLAGS.clockInvalid) !== 0 ? CLOCK_STATUS.invalidValue : 0;
  return invalid | (osloDeviation(meterMs, dstEnabled(m)) === -120 ? CLOCK_STATUS.daylightSavingActive : 0);
}

/**
 * Set the meter's clock so that it shows `newMeterMs` now, as a SET of attribute 2 or an adjust
 * method does: events 4 (stamped with the old time) and 5 (with the new time) go to the standard
 * event log (IDIS), drift restarts from now, and a clock marked invalid becomes valid again.
 */
export function setMeterClock(m: CosemMeter, newMeterMs: number): void {
  const now = trueNow(m);
  const old = meterTimeMs(m.state, now);
  appendEvent(m.state, 'standard', EVENT_CODES.clockAdjustedOldTime, old);
  m.state.clockOffsetMs = newMeterMs - now;
  m.state.clockDriftFromMs = now;
  m.state.flags &= ~METER_FLAGS.clockInvalid;
  appendEvent(m.state, 'standard', EVENT_CODES.clockAdjustedNewTime, newMeterMs);
}

// Blue Book Clock attributes 5 and 6 as the EU rule writes them: the last Sunday (day 0xFE with
// day of week 7) of March at 02:00 and of October at 03:00 local time, any year.
const DST_BEGIN = encodeCosemDateTime({ month: 3, dayOfMonth: 'last', dayOfWeek: 7, hour: 2, minute: 0, second: 0, hundredths: 0 });
const DST_END = encodeCosemDateTime({ month: 10, dayOfMonth: 'last', dayOfWeek: 7, hour: 3, minute: 0, second: 0, hundredths: 0 });
const QUARTER_MS = 15 * 60_000;

function roundTo(ms: number, step: number): number {
  return Math.round(ms / step) * step;
}

/**
 * The clock. Attribute 2 is writable (the head-end's time sync); time_zone is CET (−60, the
 * deviation convention of the date-times); daylight saving follows the EU rule when enabled.
 * Methods: 1 adjust_to_quarter, 2 adjust_to_measuring_period (the quarter-hour profile's
 * period), 3 adjust_to_minute and 6 shift_time (±900 s) are implemented; 4 and 5 (preset time)
 * answer `object-unavailable`, as meters without preset adjustment do.
 */
export const clockObject: CosemObjectDef = {
  classId: 8,
  version: 0,
  obis: CLOCK_OBIS,
  attributes: ['read', 'read-write', 'read', 'read', 'read', 'read', 'read', 'read-write', 'read'],
  methods: 6,
  publicRead: [1, 2, 3, 4, 5, 6, 7, 8, 9],
  get(m, attributeId) {
    const now = meterNow(m);
    switch (attributeId) {
      case 2:
        return value(octets(meterDateTime(now, dstEnabled(m), clockStatus(m, now) & ~CLOCK_STATUS.daylightSavingActive)));
      case 3:
        return value(i16(-60));
      case 4:
        return value(u8(clockStatus(m, now)));
      case 5:
        return value(octets(DST_BEGIN));
      case 6:
        return value(octets(DST_END));
      case 7:
        return value(i8(60));
      case 8:
        return value(bool(dstEnabled(m)));
      case 9:
        return value(enumeration(CLOCK_BASE.internalCrystal));
      default:
        return refused('object-undefined');
    }
  },
  set(m, attributeId, data): DataAccessResult {
    if (attributeId === 2) {
      const instant = instantFromDateTime(data);
      if (instant === undefined) return 'type-unmatched';
      setMeterClock(m, instant);
      return 'success';
    }
    if (attributeId === 8) {
      if (data.type !== 'boolean') return 'type-unmatched';
      if (data.value !== dstEnabled(m)) {
        m.state.flags ^= METER_FLAGS.dstEnabled;
        appendEvent(m.state, 'standard', EVENT_CODES.daylightSavingChanged, meterNow(m));
      }
      return 'success';
    }
    return 'read-write-denied';
  },
  action(m, methodId, parameters: DlmsData | undefined) {
    const now = meterNow(m);
    switch (methodId) {
      case 1:
        setMeterClock(m, roundTo(now, QUARTER_MS));
        return actionResult('success');
      case 2:
        setMeterClock(m, roundTo(now, m.state.profile2PeriodS * 1000));
        return actionResult('success');
      case 3:
        setMeterClock(m, roundTo(now, 60_000));
        return actionResult('success');
      case 6: {
        // shift_time: long, −900..900 seconds (Blue Book Clock method 6).
        const shift = parameters?.type === 'long' ? numberOf(parameters) : undefined;
        if (shift === undefined || shift < -900 || shift > 900) return actionResult('type-unmatched');
        setMeterClock(m, now + shift * 1000);
        return actionResult('success');
      }
      default:
        return actionResult('object-unavailable');
    }
  },
};
