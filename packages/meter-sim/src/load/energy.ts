import type { OsloDate, Resolution } from '@openams/core';
import type { MeterIdentity } from '../identity/index.ts';
import { dayContaining, dayInfo, dayNumberOf } from './calendar.ts';
import type { DayInfo } from './calendar.ts';
import { planDay, planTotals, spreadDay } from './day-model.ts';
import type { DayEnergy } from './day-model.ts';
import { hashString } from './hash.ts';
import { LoadModelError } from './load-error.ts';
import { checkParams, loadProfileParams } from './params.ts';
import type { EnergyQuantities, LoadProfileParams } from './params.ts';

/** A meter as the load model takes it: its identity (parameters derived) or parameters directly. */
export type LoadSubject = MeterIdentity | LoadProfileParams;

/** Energy of one interval (integers; Wh and varh). */
export type IntervalEnergy = EnergyQuantities;

/** Cumulative register values (integers; Wh and varh), as OBIS 1.8.0, 2.8.0, 3.8.0, 4.8.0 read them. */
export type RegisterValues = EnergyQuantities;

const QUARTER_MS = 900_000;

const checked = new WeakSet<LoadProfileParams>();
const keys = new WeakMap<LoadProfileParams, string>();

/** The parameters of a subject (derived and cached for an identity; checked once for hand-made ones). */
export function paramsOf(subject: LoadSubject): LoadProfileParams {
  if ('archetype' in subject) {
    if (!checked.has(subject)) {
      checkParams(subject);
      checked.add(subject);
    }
    return subject;
  }
  return loadProfileParams(subject);
}

/**
 * A short string naming the parameters in the caches: two independent 32-bit hashes of their
 * JSON (equal parameters, equal key; a clash between two meters' parameters has odds of about
 * 1 in 10^9 for a fleet of 100,000). Short keys keep the checkpoints at ~150 bytes a meter.
 */
function keyOf(p: LoadProfileParams): string {
  let k = keys.get(p);
  if (k === undefined) {
    const json = JSON.stringify(p);
    k = `${hashString(json).toString(36)}.${hashString(`${json.length}|${json}`).toString(36)}`;
    keys.set(p, k);
  }
  return k;
}

/** A bounded map that forgets its oldest entries (insertion order is recency: hits are re-inserted). */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }

  clear(): void {
    this.map.clear();
  }
}

/**
 * Spread days: 4,096 meter-days of quarter-hour arrays (about 1.6 KB each, ~7 MB in all). A HES
 * reading a day of profile, or a HAN emitter ticking through an hour, hits the same day again
 * and again.
 */
const dayCache = new Lru<DayEnergy>(4096);

/**
 * Register checkpoints: per meter, the cumulative energy at the start of the last day asked about
 * (about 150 bytes each; 131,072 meters ≈ 20 MB). The next reading continues from there, so a
 * meter read every hour costs O(1) per read after the first.
 */
const checkpoints = new Lru<{ readonly day: number; readonly sums: readonly [number, number, number, number] }>(131_072);

/** Drop the model's caches (tests of the cold path; a long-running demo that changes parameters). */
export function clearLoadCaches(): void {
  dayCache.clear();
  checkpoints.clear();
}

/** The quarter-hours of day `d` for meter `p` (cached). */
export function dayEnergy(p: LoadProfileParams, d: DayInfo): DayEnergy {
  const key = `${keyOf(p)}|${d.day}`;
  const hit = dayCache.get(key);
  if (hit) return hit;
  const e = spreadDay(p, planDay(p, d));
  dayCache.set(key, e);
  return e;
}

/** Day totals from the plan alone: O(1), no quarter-hour computed. */
function dayTotals(p: LoadProfileParams, d: DayInfo): EnergyQuantities {
  return planTotals(planDay(p, d));
}

function resolutionQuarters(resolution: Resolution): 1 | 4 {
  if (resolution === 'PT15M') return 1;
  if (resolution === 'PT60M') return 4;
  throw new LoadModelError('UNALIGNED_INTERVAL', `resolution must be PT15M or PT60M, got '${String(resolution)}'`);
}

const ZERO: IntervalEnergy = Object.freeze({ activeImportWh: 0, activeExportWh: 0, reactiveImportVarh: 0, reactiveExportVarh: 0 });

/**
 * The energy of the interval of `resolution` that starts at `intervalStart` (integers, Wh and
 * varh). The intervals are the Oslo calendar's (`osloDayIntervals` of `@openams/core`): 92, 96
 * or 100 quarter-hours and 23, 24 or 25 hours a day. A PT60M value is exactly the sum of its four
 * PT15M values; intervals before the meter's installation are zero. Throws
 * `UNALIGNED_INTERVAL` when `intervalStart` is not on the interval grid, `INVALID_INSTANT` for an
 * invalid date or one outside 1990–2099.
 */
export function intervalEnergy(subject: LoadSubject, intervalStart: Date, resolution: Resolution): IntervalEnergy {
  const p = paramsOf(subject);
  const quarters = resolutionQuarters(resolution);
  const ms = intervalStart.getTime();
  const d = dayContaining(ms);
  const offset = ms - d.startMs;
  if (offset % (quarters * QUARTER_MS) !== 0) {
    throw new LoadModelError('UNALIGNED_INTERVAL', `${intervalStart.toISOString()} is not the start of a ${resolution} interval of Oslo time`);
  }
  if (d.day < p.installDay) return ZERO;
  const e = dayEnergy(p, d);
  const q0 = offset / QUARTER_MS;
  let ai = 0;
  let ae = 0;
  let ri = 0;
  let re = 0;
  for (let q = q0; q < q0 + quarters; q++) {
    ai += e.activeImportWh[q] as number;
    ae += e.activeExportWh[q] as number;
    ri += e.reactiveImportVarh[q] as number;
    re += e.reactiveExportVarh[q] as number;
  }
  return { activeImportWh: ai, activeExportWh: ae, reactiveImportVarh: ri, reactiveExportVarh: re };
}

/** One interval of a day with its energy. */
export interface DayInterval extends IntervalEnergy {
  readonly start: Date;
  readonly end: Date;
}

/**
 * Every interval of the Oslo day `date` at `resolution`, in order (92/96/100 or 23/24/25 of them),
 * with its energy: what a profile generic serves for a day.
 */
export function dayIntervalEnergies(subject: LoadSubject, date: OsloDate, resolution: Resolution): DayInterval[] {
  const p = paramsOf(subject);
  const quarters = resolutionQuarters(resolution);
  const d = dayInfo(dayNumberOf(date));
  const out: DayInterval[] = [];
  const e = d.day < p.installDay ? undefined : dayEnergy(p, d);
  for (let q0 = 0; q0 < d.hours * 4; q0 += quarters) {
    let ai = 0;
    let ae = 0;
    let ri = 0;
    let re = 0;
    if (e) {
      for (let q = q0; q < q0 + quarters; q++) {
        ai += e.activeImportWh[q] as number;
        ae += e.activeExportWh[q] as number;
        ri += e.reactiveImportVarh[q] as number;
        re += e.reactiveExportVarh[q] as number;
      }
    }
    const start = d.startMs + q0 * QUARTER_MS;
    out.push({ start: new Date(start), end: new Date(start + quarters * QUARTER_MS), activeImportWh: ai, activeExportWh: ae, reactiveImportVarh: ri, reactiveExportVarh: re });
  }
  return out;
}

/** The instant the meter was installed: local midnight of its install day. Registers count from here. */
export function installInstant(subject: LoadSubject): Date {
  return new Date(dayInfo(paramsOf(subject).installDay).startMs);
}

function addTotals(sums: [number, number, number, number], t: EnergyQuantities, sign: 1 | -1): void {
  sums[0] += sign * t.activeImportWh;
  sums[1] += sign * t.activeExportWh;
  sums[2] += sign * t.reactiveImportVarh;
  sums[3] += sign * t.reactiveExportVarh;
}

/** Cumulative sums of whole days from installation up to (not including) `day`, via the checkpoint. */
function sumsBeforeDay(p: LoadProfileParams, day: number): [number, number, number, number] {
  const key = keyOf(p);
  const cp = checkpoints.get(key);
  let from = p.installDay;
  const sums: [number, number, number, number] = [0, 0, 0, 0];
  if (cp && Math.abs(cp.day - day) < day - p.installDay) {
    sums[0] = cp.sums[0];
    sums[1] = cp.sums[1];
    sums[2] = cp.sums[2];
    sums[3] = cp.sums[3];
    // Backwards: subtract the days between; forwards: add them.
    for (let k = cp.day - 1; k >= day; k--) addTotals(sums, dayTotals(p, dayInfo(k)), -1);
    from = Math.min(cp.day, day);
  }
  for (let k = from; k < day; k++) addTotals(sums, dayTotals(p, dayInfo(k)), 1);
  checkpoints.set(key, { day, sums: [sums[0], sums[1], sums[2], sums[3]] });
  return sums;
}

/**
 * The meter's cumulative registers A+, A−, R+, R− at `instant`: the seeded initial reading plus
 * every interval since installation. At any interval boundary this is exactly the initial reading
 * plus the sum of `intervalEnergy` over all intervals before it; between boundaries the running
 * interval contributes `floor(energy × elapsed fraction)`, so registers never decrease.
 *
 * Cost: O(days since the meter's last checkpoint), about a microsecond a day: whole days come
 * from their O(1) plans, the current day from its cached quarter-hours.
 */
export function cumulativeRegisters(subject: LoadSubject, instant: Date): RegisterValues {
  const p = paramsOf(subject);
  const ms = instant.getTime();
  const init = p.initialRegisters;
  const installMs = dayInfo(p.installDay).startMs;
  if (!(ms > installMs)) {
    if (Number.isNaN(ms)) throw new LoadModelError('INVALID_INSTANT', 'the instant is an invalid Date');
    return init;
  }
  const d = dayContaining(ms);
  const sums = sumsBeforeDay(p, d.day);
  const e = dayEnergy(p, d);
  const offset = ms - d.startMs;
  const qNow = Math.floor(offset / QUARTER_MS);
  const fraction = (offset - qNow * QUARTER_MS) / QUARTER_MS;
  const arrays = [e.activeImportWh, e.activeExportWh, e.reactiveImportVarh, e.reactiveExportVarh];
  for (let i = 0; i < 4; i++) {
    const a = arrays[i] as Int32Array;
    let s = 0;
    for (let q = 0; q < qNow; q++) s += a[q] as number;
    if (fraction > 0) s += Math.floor((a[qNow] as number) * fraction);
    sums[i] = (sums[i] as number) + s;
  }
  return {
    activeImportWh: init.activeImportWh + sums[0],
    activeExportWh: init.activeExportWh + sums[1],
    reactiveImportVarh: init.reactiveImportVarh + sums[2],
    reactiveExportVarh: init.reactiveExportVarh + sums[3],
  };
}
