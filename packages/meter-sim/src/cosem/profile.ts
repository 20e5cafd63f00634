import {
  CLOCK_CAPTURE_OBJECT,
  ENTRY_DESCRIPTOR_SELECTOR,
  RANGE_DESCRIPTOR_SELECTOR,
  parseEntryDescriptor,
  parseObis,
  parseRangeDescriptor,
} from '@openams/dlms';
import type { CaptureObjectDefinition, DataAccessResult, DlmsData, GetDataResult, Obis, SelectiveAccessDescriptor } from '@openams/dlms';
import { meterNow } from './clock.ts';
import { actionResult, array, captureObjectData, enumeration, numberOf, refused, structure, u32, u8, value } from './data.ts';
import type { CosemObjectDef } from './data.ts';
import { EVENT_CODES, EVENT_LOGS, eventsOf, powerOutages } from './events.ts';
import type { CosemMeter } from './model.ts';
import { ENERGY_OBIS, PERIOD_ENERGY_OBIS } from './obis.ts';
import { METER_FLAGS } from './state.ts';
import type { EventLogName } from './state.ts';
import { registersAt } from './supply.ts';
import { instantFromDateTime, meterDateTimeData, osloDeviation, trueTimeMs } from './time.ts';

/**
 * AMR profile status, the second column of the load profiles (IDIS / DSMR P3 "AMR profile
 * status code"; bit numbers as OSGP's `AmrProfileStatusCodeHelper` (Apache-2.0) decodes them).
 */
export const AMR_PROFILE_STATUS = Object.freeze({
  criticalError: 0x01,
  clockInvalid: 0x02,
  dataNotValid: 0x04,
  daylightSaving: 0x08,
  clockAdjusted: 0x20,
  powerDown: 0x80,
} as const);

/** Which load profile: 1 = 1-0:99.1.0.255 (hourly), 2 = 1-0:99.2.0.255 (quarter-hourly). */
export type LoadProfileNumber = 1 | 2;

/** The load profiles' logical names. */
export const LOAD_PROFILE_OBIS: Readonly<Record<LoadProfileNumber, Obis>> = Object.freeze({ 1: parseObis('1-0:99.1.0.255'), 2: parseObis('1-0:99.2.0.255') });

/** profile_entries: 180 days of hours, 90 days of quarter-hours (values stay until read, §4-3). */
const PROFILE_ENTRIES: Readonly<Record<LoadProfileNumber, number>> = { 1: 4320, 2: 8640 };
const STATUS_OBIS: Readonly<Record<LoadProfileNumber, Obis>> = { 1: parseObis('0-0:96.10.1.255'), 2: parseObis('0-0:96.10.2.255') };

function column(classId: number, obis: Obis): CaptureObjectDefinition {
  return { classId, logicalName: obis, attributeIndex: 2, dataIndex: 0 };
}

/** capture_objects of a load profile: clock, AMR profile status, A+, A−, R+, R−. */
export function loadProfileColumns(which: LoadProfileNumber, delta: boolean): readonly CaptureObjectDefinition[] {
  return [CLOCK_CAPTURE_OBJECT, column(1, STATUS_OBIS[which]), ...(delta ? PERIOD_ENERGY_OBIS : ENERGY_OBIS).map((o) => column(3, o))];
}

function sameColumn(a: CaptureObjectDefinition, b: CaptureObjectDefinition): boolean {
  return a.classId === b.classId && a.logicalName === b.logicalName && a.attributeIndex === b.attributeIndex && a.dataIndex === b.dataIndex;
}

/** A profile buffer seen as rows in capture order (sort_method FIFO), computed on demand. */
interface BufferView {
  readonly columns: readonly CaptureObjectDefinition[];
  /** Number of entries (entries_in_use). */
  readonly count: number;
  /** Index of the first entry captured at or after meter time `t` (`count` if none). */
  firstAtOrAfter(t: number): number;
  /** Row `i`, only the columns listed (indexes into `columns`). */
  row(i: number, selected: readonly number[]): DlmsData;
}

/** Index of the first of ascending `times` at or after `t`. */
function searchTimes(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Attribute 2 (buffer) with the selective access of Blue Book 4.3.6: none (the whole buffer),
 * range (selector 1: entries whose clock lies in [from, to], both inclusive, optionally some
 * columns) or entry (selector 2: entries and columns by 1-based number, 0 = up to the last).
 * A range must restrict on the clock column; anything else is `scope-of-access-violated`.
 */
function readBuffer(view: BufferView, access: SelectiveAccessDescriptor | undefined): GetDataResult {
  const all = view.columns.map((_, i) => i);
  let from = 0;
  let to = view.count; // exclusive
  let selected = all;
  if (access?.accessSelector === RANGE_DESCRIPTOR_SELECTOR) {
    let range;
    try {
      range = parseRangeDescriptor(access);
    } catch {
      return refused('type-unmatched');
    }
    if (!sameColumn(range.restrictingObject, CLOCK_CAPTURE_OBJECT)) return refused('scope-of-access-violated');
    const a = instantFromDateTime(range.from);
    const b = instantFromDateTime(range.to);
    if (a === undefined || b === undefined) return refused('type-unmatched');
    from = view.firstAtOrAfter(a);
    to = Math.max(from, view.firstAtOrAfter(b + 1));
    if (range.selectedValues.length > 0) {
      const picked = range.selectedValues.map((s) => view.columns.findIndex((c) => sameColumn(c, s)));
      if (picked.some((i) => i < 0)) return refused('scope-of-access-violated');
      selected = picked;
    }
  } else if (access?.accessSelector === ENTRY_DESCRIPTOR_SELECTOR) {
    let entry;
    try {
      entry = parseEntryDescriptor(access);
    } catch {
      return refused('type-unmatched');
    }
    from = Math.max(entry.fromEntry, 1) - 1;
    to = entry.toEntry === 0 ? view.count : Math.min(entry.toEntry, view.count);
    const lastColumn = entry.toSelectedValue === 0 ? all.length : Math.min(entry.toSelectedValue, all.length);
    selected = all.slice(Math.max(entry.fromSelectedValue, 1) - 1, lastColumn);
  } else if (access !== undefined) {
    return refused('scope-of-access-violated');
  }
  const rows: DlmsData[] = [];
  for (let i = from; i < to; i++) rows.push(view.row(i, selected));
  return value(array(rows));
}

function profileAttributes(view: () => BufferView, columns: readonly CaptureObjectDefinition[], periodS: number, entries: number, attributeId: number, access: SelectiveAccessDescriptor | undefined): GetDataResult {
  switch (attributeId) {
    case 2:
      return readBuffer(view(), access);
    case 3:
      return value(array(columns.map(captureObjectData)));
    case 4:
      return value(u32(periodS));
    case 5:
      return value(enumeration(1)); // FIFO
    case 6:
      // sort_object: not used with FIFO; an all-zero definition as Gurux meters send.
      return value(captureObjectData({ classId: 0, logicalName: parseObis('0-0:0.0.0.0'), attributeIndex: 0, dataIndex: 0 }));
    case 7:
      return value(u32(view().count));
    case 8:
      return value(u32(entries));
    default:
      return refused('object-undefined');
  }
}

const PROFILE_ACCESS = ['read', 'read', 'read', 'read', 'read', 'read', 'read', 'read'] as const;

// ---------------------------------------------------------------------------------------------
// Load profiles

function periodOf(m: CosemMeter, which: LoadProfileNumber): number {
  return (which === 1 ? m.state.profile1PeriodS : m.state.profile2PeriodS) * 1000;
}

/** The AMR profile status of the entry captured at meter time `t` of a profile with period `p` ms. */
function statusAt(m: CosemMeter, t: number, p: number, outages: readonly (readonly [number, number])[]): number {
  let status = osloDeviation(t, (m.state.flags & METER_FLAGS.dstEnabled) !== 0) === -120 ? AMR_PROFILE_STATUS.daylightSaving : 0;
  for (const [a, b] of outages) if (a < t && b > t - p) status |= AMR_PROFILE_STATUS.powerDown;
  let lastSet = -Infinity;
  for (const e of m.state.events ?? []) {
    if (e.log !== 'standard' || e.code !== EVENT_CODES.clockAdjustedNewTime) continue;
    if (e.at > t - p && e.at <= t) status |= AMR_PROFILE_STATUS.clockAdjusted;
    if (e.at <= t) lastSet = Math.max(lastSet, e.at);
  }
  if ((m.state.flags & METER_FLAGS.clockInvalid) !== 0 && t > lastSet) status |= AMR_PROFILE_STATUS.clockInvalid;
  return status;
}

/** The AMR profile status of the entry a load profile is building now (0-0:96.10.x.255). */
export function currentProfileStatus(m: CosemMeter, which: LoadProfileNumber): number {
  const p = periodOf(m, which);
  return statusAt(m, Math.ceil(meterNow(m) / p) * p, p, powerOutages(m.state, Infinity));
}

/**
 * The capture instants of a load profile's buffer, meter time: every multiple of the capture
 * period (the Oslo offset is whole hours, so the UTC grid is the local one) from installation,
 * the last reset or period change, or the depth of the buffer, up to the meter's now. Instants
 * inside a power outage are missing, as a meter without mains captures nothing. Without outages
 * the grid is arithmetic and nothing is listed; with them the instants are listed once per read.
 */
function loadProfileTimes(m: CosemMeter, which: LoadProfileNumber, outages: readonly (readonly [number, number])[]): { readonly count: number; readonly timeAt: (i: number) => number; readonly firstAtOrAfter: (t: number) => number } {
  const p = periodOf(m, which);
  const newest = Math.floor(meterNow(m) / p) * p;
  const start = which === 1 ? m.state.profile1StartMs : m.state.profile2StartMs;
  const oldest = Math.max(Math.ceil(start / p) * p, newest - (PROFILE_ENTRIES[which] - 1) * p);
  const gridCount = Math.max(0, Math.floor((newest - oldest) / p) + 1);
  const hit = outages.filter(([a, b]) => b > oldest && a < newest);
  if (hit.length === 0) {
    return {
      count: gridCount,
      timeAt: (i) => oldest + i * p,
      firstAtOrAfter: (t) => Math.min(gridCount, Math.max(0, Math.ceil((t - oldest) / p))),
    };
  }
  const times: number[] = [];
  for (let i = 0; i < gridCount; i++) {
    const t = oldest + i * p;
    if (!hit.some(([a, b]) => a < t && t < b)) times.push(t);
  }
  return { count: times.length, timeAt: (i) => times[i] as number, firstAtOrAfter: (t) => searchTimes(times, t) };
}

function loadProfileView(m: CosemMeter, which: LoadProfileNumber): BufferView {
  const delta = m.env.profileValues === 'delta';
  const columns = loadProfileColumns(which, delta);
  const p = periodOf(m, which);
  const outages = powerOutages(m.state, Infinity);
  const times = loadProfileTimes(m, which, outages);
  const dst = (m.state.flags & METER_FLAGS.dstEnabled) !== 0;
  const invalid = (m.state.flags & METER_FLAGS.clockInvalid) !== 0 ? 0x01 : 0;
  return {
    columns,
    count: times.count,
    firstAtOrAfter: times.firstAtOrAfter,
    row(i, selected) {
      const t = times.timeAt(i);
      let energy: number[] | undefined;
      const cells = selected.map((c): DlmsData => {
        if (c === 0) return meterDateTimeData(t, dst, invalid);
        if (c === 1) return u8(statusAt(m, t, p, outages));
        if (energy === undefined) {
          const end = registersAt(m, trueTimeMs(m.state, t));
          if (delta) {
            const start = registersAt(m, trueTimeMs(m.state, t - p));
            energy = end.map((v, k) => v - (start[k] as number));
          } else energy = end;
        }
        return u32(energy[c - 2] as number);
      });
      return structure(...cells);
    },
  };
}

/**
 * A load profile (Blue Book "Profile generic (class_id = 7, version = 1)"): entries are computed
 * from the data source for the requested span, never stored. Each entry holds the clock at the
 * end of its interval, the AMR profile status and the four registers at that instant
 * (cumulative, IDIS style) or the energy of the interval (delta mode). capture_period
 * (attribute 4) is writable — hourly meters must be switchable to 15 minutes (domain.md §2) — to
 * any whole number of minutes dividing an hour; a change restarts the buffer, as does reset.
 */
export function loadProfileObject(which: LoadProfileNumber, delta: boolean): CosemObjectDef {
  const columns = loadProfileColumns(which, delta);
  return {
    classId: 7,
    version: 1,
    obis: LOAD_PROFILE_OBIS[which],
    attributes: [...PROFILE_ACCESS.slice(0, 3), 'read-write', ...PROFILE_ACCESS.slice(4)],
    methods: 2,
    selectiveAccess: true,
    get(m, attributeId, access) {
      return profileAttributes(() => loadProfileView(m, which), columns, periodOf(m, which) / 1000, PROFILE_ENTRIES[which], attributeId, access);
    },
    set(m, attributeId, data): DataAccessResult {
      if (attributeId !== 4) return 'read-write-denied';
      const seconds = data.type === 'double-long-unsigned' ? numberOf(data) : undefined;
      if (seconds === undefined) return 'type-unmatched';
      if (seconds < 60 || seconds % 60 !== 0 || 3600 % seconds !== 0) return 'other-reason';
      if (seconds * 1000 !== periodOf(m, which)) restartLoadProfile(m, which, seconds);
      return 'success';
    },
    action(m, methodId) {
      if (methodId === 1) restartLoadProfile(m, which, periodOf(m, which) / 1000);
      // capture (2): entries are captured on the period grid; an extra capture is not kept.
      return actionResult('success');
    },
  };
}

/** Set a load profile's capture period (seconds) and clear its buffer. */
export function restartLoadProfile(m: CosemMeter, which: LoadProfileNumber, periodS: number): void {
  const now = meterNow(m);
  if (which === 1) {
    m.state.profile1PeriodS = periodS;
    m.state.profile1StartMs = now;
  } else {
    m.state.profile2PeriodS = periodS;
    m.state.profile2StartMs = now;
  }
}

// ---------------------------------------------------------------------------------------------
// Event logs

function eventLogColumns(log: EventLogName): readonly CaptureObjectDefinition[] {
  return [CLOCK_CAPTURE_OBJECT, column(1, EVENT_LOGS[log].codeObject)];
}

/**
 * An event log (Profile generic with {clock, event code} entries, capture_period 0: captured when
 * the event happens). The simulator keeps the newest `EVENT_TAIL` events of each log.
 */
export function eventLogObject(log: EventLogName): CosemObjectDef {
  const columns = eventLogColumns(log);
  return {
    classId: 7,
    version: 1,
    obis: EVENT_LOGS[log].obis,
    attributes: PROFILE_ACCESS,
    methods: 2,
    selectiveAccess: true,
    get(m, attributeId, access) {
      const view = (): BufferView => {
        const events = eventsOf(m.state, log);
        const dst = (m.state.flags & METER_FLAGS.dstEnabled) !== 0;
        const times = events.map((e) => e.at);
        return {
          columns,
          count: times.length,
          firstAtOrAfter: (t) => searchTimes(times, t),
          row: (i, selected) => {
            const e = events[i];
            return structure(...selected.map((c) => (c === 0 ? meterDateTimeData(e?.at ?? 0, dst) : u8(e?.code ?? 0))));
          },
        };
      };
      return profileAttributes(view, columns, 0, EVENT_LOGS[log].profileEntries, attributeId, access);
    },
    set: () => 'read-write-denied',
    action(m, methodId) {
      if (methodId === 1 && m.state.events !== undefined) m.state.events = m.state.events.filter((e) => e.log !== log);
      return actionResult('success');
    },
  };
}
