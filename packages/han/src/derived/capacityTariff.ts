/**
 * The capacity part of the Norwegian grid tariff ("kapasitetsledd"), in force since 1 July 2022
 * under NVE's tariff rules for households (kontrollforskriften): each month the grid
 * company takes, for every day, the customer's highest hourly import (kWh in one clock hour), and
 * averages the three highest of those daily maxima. The average (kWh/h = kW) falls in a step of a
 * table, and the step sets the month's fixed charge. Only one hour per day counts (amsreader #440
 * asked why: by design).
 *
 * Every grid company publishes its own step table (and its own prices); the default below is a
 * common layout and only a default: pass your grid company's as `steps`. The count of days is an
 * option too (`topDays`; amsreader lets users pick up to 5, default 3).
 *
 * Months and days are Europe/Oslo calendar months and days; an hour belongs to the day and month
 * of its start. Only measured hours count (see `isMeasuredHour`): a multi-hour gap or an estimate
 * is excluded and reported, because booking two hours as one corrupts the peak (amsreader #1119,
 * #680).
 */
import { osloDate, osloParts, toOsloIso } from '@openams/core';
import type { OsloDate } from '@openams/core';
import { HanError } from '../errors/index.ts';
import type { HourlyEnergyEvent } from './hourlyEnergy.ts';
import { isMeasuredHour } from './hourlyEnergy.ts';

const HOUR_MS = 3_600_000;

/**
 * One step of a capacity tariff: the basis (kW) is in this step when `fromKw ≤ basis < toKw`
 * (lower bound included, upper excluded); `toKw: null` is the open top step.
 */
export interface CapacityStep {
  readonly fromKw: number;
  readonly toKw: number | null;
  readonly label?: string;
}

/**
 * The common step table: 0–2, 2–5, 5–10, 10–15, 15–20, 20–25, 25–50, 50–75, 75–100 and ≥ 100 kW.
 * Every grid company has its own (and its own prices); this is a default, not the law.
 */
export const DEFAULT_CAPACITY_STEPS: readonly CapacityStep[] = [
  [0, 2],
  [2, 5],
  [5, 10],
  [10, 15],
  [15, 20],
  [20, 25],
  [25, 50],
  [50, 75],
  [75, 100],
  [100, null],
].map(([fromKw, toKw]) => ({
  fromKw: fromKw as number,
  toKw: toKw as number | null,
  label: toKw === null ? `≥ ${fromKw} kW` : `${fromKw}–${toKw} kW`,
}));

/** Options of the capacity tariff. */
export interface CapacityTariffOptions {
  /** The step table, ascending, contiguous, starting at 0 kW. Default {@link DEFAULT_CAPACITY_STEPS}. */
  readonly steps?: readonly CapacityStep[];
  /** How many days' maxima are averaged. Default 3 (the Norwegian rule); 1–31 accepted. */
  readonly topDays?: number;
}

/** A step as found: its index in the table and its bounds. */
export interface CapacityStepResult {
  readonly index: number;
  readonly fromKw: number;
  readonly toKw: number | null;
  readonly label: string;
}

/** One of the month's top days: the day's highest hour. */
export interface PeakDay {
  /** Oslo calendar day. */
  readonly date: OsloDate;
  /** The hour, ISO with the Oslo offset. */
  readonly hourStart: string;
  readonly hourEnd: string;
  /** Oslo wall-clock hour of `hourStart` (0–23; the doubled autumn hour appears twice as 2). */
  readonly hour: number;
  readonly importWh: number;
  readonly kwh: number;
}

/** A period left out of the basis: a multi-hour gap total or an estimated hour. */
export interface ExcludedPeriod {
  readonly hourStart: string;
  readonly hourEnd: string;
  readonly spansHours: number;
  readonly importWh: number;
  readonly reason: 'gap' | 'estimate';
  /**
   * Whether the missing measurement could have changed the basis: a gap's largest hour is at most
   * its whole total, so when that total is above the lowest counted day (or fewer than `topDays`
   * days are counted) the true basis may be higher than reported.
   */
  readonly mayAffectBasis: boolean;
}

/** The capacity basis of one Oslo calendar month, as far as hours are known. */
export interface MonthlyCapacity {
  /** `YYYY-MM` in Oslo time. */
  readonly month: string;
  /** The top days, highest first (ties: earlier hour first). At most `topDays` entries. */
  readonly topDays: readonly PeakDay[];
  /** Average of `topDays` in kW (kWh per hour); 0 for a month without hours. */
  readonly basisKw: number;
  readonly step: CapacityStepResult;
  /** Measured hours counted. */
  readonly hoursCounted: number;
  /** Days with at least one measured hour. */
  readonly daysCounted: number;
  /** Gaps and estimates left out, by start. */
  readonly excluded: readonly ExcludedPeriod[];
}

/**
 * What the hour starting at `hourStart` must stay below for the month not to move up a step.
 * `limitWh: null` when the basis is already in the open top step.
 */
export interface HourLimit {
  readonly hourStart: string;
  /** The step the month is in now. */
  readonly step: CapacityStepResult;
  /** The hour's import must be below this (Wh) to keep `step`. */
  readonly limitWh: number | null;
  readonly limitKwh: number | null;
}

/** What one `add` did. */
export interface CapacityAddResult {
  readonly status: 'counted' | 'excluded' | 'ignored';
  /** The finished month, when this event was the first of a later month. */
  readonly rolledOver?: MonthlyCapacity;
  readonly notes: readonly string[];
}

interface ResolvedOptions {
  readonly steps: readonly CapacityStep[];
  readonly topDays: number;
}

function resolveOptions(options: CapacityTariffOptions): ResolvedOptions {
  const steps = options.steps ?? DEFAULT_CAPACITY_STEPS;
  const topDays = options.topDays ?? 3;
  if (!Number.isInteger(topDays) || topDays < 1 || topDays > 31) {
    throw new HanError('INVALID_OPTION', `topDays must be an integer 1–31, got ${topDays}`);
  }
  if (steps.length === 0) throw new HanError('INVALID_OPTION', 'the step table is empty');
  steps.forEach((s, i) => {
    const next = steps[i + 1];
    if (!Number.isFinite(s.fromKw) || (i === 0 && s.fromKw !== 0)) {
      throw new HanError('INVALID_OPTION', `step ${i}: the table must start at 0 kW with finite bounds`);
    }
    if (s.toKw === null) {
      if (next !== undefined) throw new HanError('INVALID_OPTION', `step ${i}: only the last step may be open`);
      return;
    }
    if (!Number.isFinite(s.toKw) || s.toKw <= s.fromKw) throw new HanError('INVALID_OPTION', `step ${i}: toKw must be above fromKw`);
    if (next !== undefined && next.fromKw !== s.toKw) {
      throw new HanError('INVALID_OPTION', `step ${i + 1}: fromKw ${next.fromKw} does not continue step ${i} (toKw ${s.toKw})`);
    }
  });
  return { steps, topDays };
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** `YYYY-MM` of the Oslo month the instant falls in. */
function monthOf(ms: number): string {
  const p = osloParts(new Date(ms));
  return `${p.year}-${pad(p.month)}`;
}

interface HourEntry {
  readonly startMs: number;
  readonly wh: number;
  readonly date: OsloDate;
}

/** Measured hours and exclusions of one month. Duplicate hours keep the larger value, so the result does not depend on arrival order. */
class MonthAccumulator {
  readonly month: string;
  readonly hours = new Map<number, HourEntry>();
  readonly excluded = new Map<string, Omit<ExcludedPeriod, 'mayAffectBasis'> & { readonly startMs: number }>();

  constructor(month: string) {
    this.month = month;
  }

  /** Each day's highest hour (ties: the earlier hour). */
  dayMaxima(): Map<OsloDate, HourEntry> {
    const days = new Map<OsloDate, HourEntry>();
    for (const h of this.hours.values()) {
      const cur = days.get(h.date);
      if (cur === undefined || h.wh > cur.wh || (h.wh === cur.wh && h.startMs < cur.startMs)) days.set(h.date, h);
    }
    return days;
  }
}

const byPeak = (a: HourEntry, b: HourEntry): number => b.wh - a.wh || a.startMs - b.startMs;

/** The step for `sumWh` averaged over `m` days, compared in whole Wh so no rounding decides a step. */
function stepFor(steps: readonly CapacityStep[], sumWh: number, m: number): CapacityStepResult {
  const index = m === 0 ? 0 : steps.findIndex((s) => s.toKw === null || sumWh < s.toKw * 1000 * m);
  const i = index < 0 ? steps.length - 1 : index;
  const s = steps[i] as CapacityStep;
  return { index: i, fromKw: s.fromKw, toKw: s.toKw, label: s.label ?? (s.toKw === null ? `≥ ${s.fromKw} kW` : `${s.fromKw}–${s.toKw} kW`) };
}

function summarize(acc: MonthAccumulator, o: ResolvedOptions): MonthlyCapacity {
  const days = [...acc.dayMaxima().values()].sort(byPeak);
  const top = days.slice(0, o.topDays);
  const sumWh = top.reduce((s, h) => s + h.wh, 0);
  const lowestCounted = top.length < o.topDays ? -Infinity : (top[top.length - 1] as HourEntry).wh;
  const excluded = [...acc.excluded.values()]
    .sort((a, b) => a.startMs - b.startMs || a.spansHours - b.spansHours || a.reason.localeCompare(b.reason))
    .map(({ startMs: _startMs, ...e }) => ({ ...e, mayAffectBasis: e.importWh > lowestCounted }));
  return {
    month: acc.month,
    topDays: top.map((h) => ({
      date: h.date,
      hourStart: toOsloIso(new Date(h.startMs)),
      hourEnd: toOsloIso(new Date(h.startMs + HOUR_MS)),
      hour: osloParts(new Date(h.startMs)).hour,
      importWh: h.wh,
      kwh: h.wh / 1000,
    })),
    basisKw: top.length === 0 ? 0 : sumWh / top.length / 1000,
    step: stepFor(o.steps, sumWh, top.length),
    hoursCounted: acc.hours.size,
    daysCounted: days.length,
    excluded,
  };
}

/**
 * The highest import the hour starting at `startMs` may have without moving the month up a step.
 * With the other days' maxima o₁ ≥ o₂ ≥ … and N = topDays: if at least N other days exist, the
 * hour enters the top only above o_N and then replaces it, so basis = (o₁+…+o_{N−1}+x)/N; with
 * fewer, basis = (Σo + x)/(count+1). Solving basis < toKw for x gives the limit. The hour's own
 * day's earlier maximum is always below it (the current basis is below toKw).
 */
function limitFor(acc: MonthAccumulator | undefined, startMs: number, o: ResolvedOptions): HourLimit {
  const maxima = acc ? acc.dayMaxima() : new Map<OsloDate, HourEntry>();
  const all = [...maxima.values()].sort(byPeak).slice(0, o.topDays);
  const step = stepFor(o.steps, all.reduce((s, h) => s + h.wh, 0), all.length);
  const hourStart = toOsloIso(new Date(startMs));
  if (step.toKw === null) return { hourStart, step, limitWh: null, limitKwh: null };
  const day = osloDate(new Date(startMs));
  const others = [...maxima.entries()]
    .filter(([d]) => d !== day)
    .map(([, h]) => h)
    .sort(byPeak);
  const m = others.length >= o.topDays ? o.topDays : others.length + 1;
  const s = others.slice(0, m - 1).reduce((sum, h) => sum + h.wh, 0);
  const limitWh = step.toKw * 1000 * m - s;
  return { hourStart, step, limitWh, limitKwh: limitWh / 1000 };
}

/** Adds one hourly event to `acc`; returns its status and notes. */
function addTo(acc: MonthAccumulator, e: HourlyEnergyEvent, startMs: number, endMs: number): Omit<CapacityAddResult, 'rolledOver'> {
  if (e.kind !== 'energy') return { status: 'ignored', notes: [] };
  if (!Number.isFinite(e.importWh) || e.importWh < 0) {
    return { status: 'ignored', notes: [`hour ${e.hourStart}: import ${e.importWh} Wh is not a usable value`] };
  }
  if (isMeasuredHour(e)) {
    if (endMs - startMs !== HOUR_MS) return { status: 'ignored', notes: [`${e.hourStart}–${e.hourEnd} is not one hour`] };
    const prev = acc.hours.get(startMs);
    if (prev !== undefined && prev.wh !== e.importWh) {
      if (e.importWh > prev.wh) acc.hours.set(startMs, { ...prev, wh: e.importWh });
      return { status: 'counted', notes: [`hour ${e.hourStart} given twice (${prev.wh} and ${e.importWh} Wh); the larger counts`] };
    }
    acc.hours.set(startMs, { startMs, wh: e.importWh, date: osloDate(new Date(startMs)) });
    return { status: 'counted', notes: [] };
  }
  const reason = e.estimated ? 'estimate' : 'gap';
  acc.excluded.set(`${startMs}/${endMs}/${reason}`, {
    startMs,
    hourStart: e.hourStart,
    hourEnd: e.hourEnd,
    spansHours: e.spansHours,
    importWh: e.importWh,
    reason,
  });
  return {
    status: 'excluded',
    notes: [
      e.estimated
        ? `hour ${e.hourStart} is an estimate; not counted in the capacity basis`
        : `${e.hourStart}–${e.hourEnd} is a ${e.spansHours}-hour gap total (${e.importWh} Wh); not counted in the capacity basis`,
    ],
  };
}

function spanOf(e: HourlyEnergyEvent): { startMs: number; endMs: number } | undefined {
  if (e.kind !== 'energy') return undefined;
  const startMs = Date.parse(e.hourStart);
  const endMs = Date.parse(e.hourEnd);
  return Number.isFinite(startMs) && Number.isFinite(endMs) && endMs > startMs ? { startMs, endMs } : undefined;
}

/**
 * The running month's capacity basis, fed hourly events as they come (from
 * `HourlyEnergyTracker`). An event of a later Oslo month closes the current one (returned as
 * `rolledOver`); one of an earlier month is ignored. A gap belongs to the month of its last hour.
 */
export class CapacityTariffTracker {
  readonly #options: ResolvedOptions;
  #month: MonthAccumulator | undefined;

  constructor(options: CapacityTariffOptions = {}) {
    this.#options = resolveOptions(options);
  }

  /** Takes one event (`skipped` events are ignored). */
  add(e: HourlyEnergyEvent): CapacityAddResult {
    if (e.kind !== 'energy') return { status: 'ignored', notes: [] };
    const span = spanOf(e);
    if (span === undefined) return { status: 'ignored', notes: [`${e.hourStart}–${e.hourEnd} is not a valid period`] };
    const month = monthOf(span.endMs - 1);
    let rolledOver: MonthlyCapacity | undefined;
    if (this.#month === undefined) this.#month = new MonthAccumulator(month);
    else if (month > this.#month.month) {
      rolledOver = summarize(this.#month, this.#options);
      this.#month = new MonthAccumulator(month);
    } else if (month < this.#month.month) {
      return { status: 'ignored', notes: [`${e.hourStart} belongs to ${month}, which was closed when ${this.#month.month} began`] };
    }
    const r = addTo(this.#month, e, span.startMs, span.endMs);
    return rolledOver ? { ...r, rolledOver } : r;
  }

  /** The running month so far, or `undefined` before the first hour. */
  get current(): MonthlyCapacity | undefined {
    return this.#month && summarize(this.#month, this.#options);
  }

  /**
   * What the hour starting at `hourStart` must stay below to keep the current step ("headroom"):
   * a limit for a later month is that of an empty month. Throws `HanError` `INVALID_VALUE` for an
   * hour of an already closed month or a time that is not a whole hour.
   */
  hourLimit(hourStart: Date): HourLimit {
    const ms = hourStart.getTime();
    if (!Number.isFinite(ms) || ms % HOUR_MS !== 0) {
      throw new HanError('INVALID_VALUE', `hourLimit needs the start of an hour, got ${String(hourStart)}`);
    }
    const month = monthOf(ms);
    const acc = this.#month;
    if (acc !== undefined && month < acc.month) throw new HanError('INVALID_VALUE', `${month} is already closed`);
    return limitFor(acc !== undefined && acc.month === month ? acc : undefined, ms, this.#options);
  }
}

/**
 * The capacity basis of every month in `events`, in month order, all at once (for a capture or a
 * history). Arrival order does not matter.
 */
export function capacityByMonth(events: Iterable<HourlyEnergyEvent>, options: CapacityTariffOptions = {}): MonthlyCapacity[] {
  const o = resolveOptions(options);
  const months = new Map<string, MonthAccumulator>();
  for (const e of events) {
    const span = spanOf(e);
    if (span === undefined) continue;
    const month = monthOf(span.endMs - 1);
    let acc = months.get(month);
    if (acc === undefined) months.set(month, (acc = new MonthAccumulator(month)));
    addTo(acc, e, span.startMs, span.endMs);
  }
  return [...months.keys()].sort().map((m) => summarize(months.get(m) as MonthAccumulator, o));
}
