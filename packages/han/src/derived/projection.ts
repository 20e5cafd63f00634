/**
 * The current hour's energy so far and where it is heading, from the active import power that
 * List 1 (every 2–2.5 s) and List 2 (every 10 s) carry (1-0:1.7.0.255, W). Users ask for a
 * warning before an hour lifts the month into a higher capacity step (amsreader #680 "expected
 * consumption peak"; node-red-contrib-power-saver #58); this is the number behind it.
 *
 * Energy is the trapezoid integral of power over time, within the Oslo clock hour (Oslo offsets
 * are whole hours, so Oslo hours are UTC hours). Two samples farther apart than `maxGapSeconds`
 * are not integrated across: nobody knows what happened in between (a cut cable, a reader
 * restart). That uncovered time is reported and, for the projection only, filled at the hour's
 * covered average power.
 */
import { toOsloIso } from '@openams/core';
import { HanError } from '../errors/index.ts';
import type { HanReading } from '../reading/index.ts';
import type { HourLimit } from './capacityTariff.ts';
import { assertReading, numericValue } from './values.ts';

const HOUR_MS = 3_600_000;

/** Options of {@link HourProjector}. */
export interface HourProjectorOptions {
  /** Samples farther apart than this are not integrated across, in seconds. Default 30. */
  readonly maxGapSeconds?: number;
  /**
   * The "current rate" is the time-weighted average power of the last this many seconds, so one
   * kettle-length spike does not swing the projection. Default 60; 0 uses the last sample.
   */
  readonly rateWindowSeconds?: number;
}

/** The defaults of {@link HourProjectorOptions}. */
export const DEFAULT_HOUR_PROJECTOR_OPTIONS: Readonly<Required<HourProjectorOptions>> = {
  maxGapSeconds: 30,
  rateWindowSeconds: 60,
};

/** The integral of an hour that has ended (by power samples, not by List 3). */
export interface IntegratedHour {
  readonly hourStart: string;
  readonly hourEnd: string;
  /** Trapezoid integral over the covered time, Wh. */
  readonly energyWh: number;
  /** Seconds of the hour covered by integrated sample pairs. */
  readonly coveredSeconds: number;
}

/** Anything that can say what an hour must stay below: `CapacityTariffTracker` does. */
export interface HourLimitSource {
  hourLimit(hourStart: Date): HourLimit;
}

/** Where the current hour stands, as of the last power sample. */
export interface HourProjection {
  readonly hourStart: string;
  readonly hourEnd: string;
  /** The last sample's time, ISO with the Oslo offset. */
  readonly at: string;
  readonly elapsedSeconds: number;
  readonly coveredSeconds: number;
  readonly remainingSeconds: number;
  /** Energy integrated over covered time only, Wh. */
  readonly energySoFarWh: number;
  /** Uncovered elapsed time filled at the hour's covered average power, Wh (0 when fully covered). */
  readonly uncoveredEstimateWh: number;
  /** The current rate, W (see `rateWindowSeconds`). */
  readonly currentPowerW: number;
  /** `energySoFarWh + uncoveredEstimateWh + currentPowerW × remaining time`, Wh. */
  readonly projectedWh: number;
  /** True when `now` is more than `maxGapSeconds` after the last sample. */
  readonly stale: boolean;
  /** A+ from the List 3 that opened this hour, Wh, when one was seen. */
  readonly importCounterAtHourStartWh?: number;
  /** That counter plus the energy so far (incl. the uncovered estimate), Wh. */
  readonly estimatedImportCounterWh?: number;
  /** Present when a limit was given: whether the projection reaches it. */
  readonly limit?: {
    /** The hour must stay below this, Wh; `null` in the open top step (nothing to exceed). */
    readonly limitWh: number | null;
    /** True when `projectedWh ≥ limitWh`: at this rate the month moves up a step. */
    readonly exceeds: boolean;
    /** The average power the rest of the hour may draw and stay below the limit, W (≥ 0); `null` without a limit or when the hour is over. */
    readonly allowedPowerW: number | null;
  };
}

/** Options of {@link HourProjector.projection}. */
export interface ProjectionQuery {
  /** The time of the question; only used to flag stale data. Default: the last sample's time. */
  readonly now?: Date;
  /** A fixed limit for this hour (Wh); overrides `tariff`. */
  readonly limitWh?: number | null;
  /** A capacity tariff to take this hour's limit from. */
  readonly tariff?: HourLimitSource;
}

interface Segment {
  readonly t0: number;
  readonly t1: number;
  readonly wh: number;
}

function resolveOptions(options: HourProjectorOptions): Required<HourProjectorOptions> {
  const o = { ...DEFAULT_HOUR_PROJECTOR_OPTIONS, ...options };
  if (!(Number.isFinite(o.maxGapSeconds) && o.maxGapSeconds > 0)) {
    throw new HanError('INVALID_OPTION', `maxGapSeconds must be a positive number, got ${o.maxGapSeconds}`);
  }
  if (!(Number.isFinite(o.rateWindowSeconds) && o.rateWindowSeconds >= 0)) {
    throw new HanError('INVALID_OPTION', `rateWindowSeconds must be ≥ 0, got ${o.rateWindowSeconds}`);
  }
  return o;
}

const floorHour = (ms: number): number => Math.floor(ms / HOUR_MS) * HOUR_MS;
/** W over ms → Wh. */
const wh = (w: number, ms: number): number => (w * ms) / HOUR_MS;

/**
 * Integrates active import power over the current Oslo hour and projects the hour's total.
 * Feed it every reading in arrival order; List 3 readings also give the hour's opening A+.
 *
 * @example
 * const projector = new HourProjector();
 * projector.push(reading, receivedAt);
 * const p = projector.projection({ tariff });
 * if (p?.limit?.exceeds) warn(`this hour will reach ${p.projectedWh} Wh; stay below ${p.limit.allowedPowerW} W`);
 */
export class HourProjector {
  readonly #options: Required<HourProjectorOptions>;
  #hourMs: number | undefined;
  #energyWh = 0;
  #coveredMs = 0;
  #last: { readonly t: number; readonly w: number } | undefined;
  #recent: Segment[] = [];
  #counter: { readonly hourMs: number; readonly wh: number } | undefined;
  #ignored = 0;

  constructor(options: HourProjectorOptions = {}) {
    this.#options = resolveOptions(options);
  }

  /** Samples not used: no usable P+, a negative power, an unparseable time, or out of order. */
  get ignoredSamples(): number {
    return this.#ignored;
  }

  /**
   * Takes one reading, timed by `receivedAt` when given (millisecond receive times beat the
   * whole-second ISO timestamp for 2-second samples), else by `reading.timestamp`. Returns the
   * integrals of any hours this sample closed. Throws `HanError` `INVALID_VALUE` when the argument
   * is not a reading or `receivedAt` is not a valid date.
   */
  push(reading: HanReading, receivedAt?: Date): IntegratedHour[] {
    assertReading(reading, 'HourProjector.push');
    if (receivedAt !== undefined && !(receivedAt instanceof Date && Number.isFinite(receivedAt.getTime()))) {
      throw new HanError('INVALID_VALUE', 'HourProjector.push: receivedAt is not a valid Date');
    }
    if (reading.list === 3) this.#noteCounter(reading);
    const t = receivedAt?.getTime() ?? Date.parse(reading.timestamp);
    const w = numericValue(reading, '1.7.0', 'W');
    const last = this.#last;
    if (!Number.isFinite(t) || w === undefined || w < 0 || (last !== undefined && t <= last.t)) {
      this.#ignored++;
      return [];
    }
    const closed: IntegratedHour[] = [];
    this.#hourMs ??= floorHour(t);
    if (last !== undefined) {
      if (t - last.t <= this.#options.maxGapSeconds * 1000) {
        let a = last.t;
        let wa = last.w;
        // A pair straddling the hour is split there, at the linearly interpolated power.
        while (t >= this.#hourMs + HOUR_MS) {
          const h = this.#hourMs + HOUR_MS;
          const wh_ = wa + ((w - wa) * (h - a)) / (t - a);
          this.#integrate(a, wa, h, wh_);
          closed.push(this.#close(h));
          a = h;
          wa = wh_;
        }
        this.#integrate(a, wa, t, w);
      } else if (t >= this.#hourMs + HOUR_MS) {
        closed.push(this.#close(floorHour(t)));
      }
    }
    this.#last = { t, w };
    const horizon = t - this.#options.rateWindowSeconds * 1000;
    while (this.#recent.length > 0 && (this.#recent[0] as Segment).t1 <= horizon) this.#recent.shift();
    return closed;
  }

  /**
   * The current hour as of the last sample, or `undefined` when there is none or `now` is past
   * the end of the hour the last sample fell in (no data for the hour asked about).
   */
  projection(query: ProjectionQuery = {}): HourProjection | undefined {
    const last = this.#last;
    const hourMs = this.#hourMs;
    if (last === undefined || hourMs === undefined) return undefined;
    const now = query.now?.getTime() ?? last.t;
    if (!Number.isFinite(now)) throw new HanError('INVALID_VALUE', 'projection: now is not a valid Date');
    const endMs = hourMs + HOUR_MS;
    if (now >= endMs) return undefined;

    const elapsedMs = last.t - hourMs;
    const remainingMs = endMs - last.t;
    const rate = this.#rate(last);
    const uncoveredMs = Math.max(0, elapsedMs - this.#coveredMs);
    const coveredAverageW = this.#coveredMs > 0 ? (this.#energyWh * HOUR_MS) / this.#coveredMs : rate;
    const uncoveredEstimateWh = wh(coveredAverageW, uncoveredMs);
    const soFar = this.#energyWh + uncoveredEstimateWh;
    const projectedWh = soFar + wh(rate, remainingMs);

    const base: HourProjection = {
      hourStart: toOsloIso(new Date(hourMs)),
      hourEnd: toOsloIso(new Date(endMs)),
      at: toOsloIso(new Date(last.t)),
      elapsedSeconds: elapsedMs / 1000,
      coveredSeconds: this.#coveredMs / 1000,
      remainingSeconds: remainingMs / 1000,
      energySoFarWh: this.#energyWh,
      uncoveredEstimateWh,
      currentPowerW: rate,
      projectedWh,
      stale: now - last.t > this.#options.maxGapSeconds * 1000,
    };
    const counter = this.#counter?.hourMs === hourMs ? this.#counter.wh : undefined;
    const withCounter: HourProjection =
      counter === undefined ? base : { ...base, importCounterAtHourStartWh: counter, estimatedImportCounterWh: counter + soFar };

    const limitWh = query.limitWh !== undefined ? query.limitWh : query.tariff?.hourLimit(new Date(hourMs)).limitWh;
    if (limitWh === undefined) return withCounter;
    if (limitWh === null) return { ...withCounter, limit: { limitWh: null, exceeds: false, allowedPowerW: null } };
    if (!Number.isFinite(limitWh)) throw new HanError('INVALID_VALUE', `projection: limitWh must be finite, got ${limitWh}`);
    return {
      ...withCounter,
      limit: {
        limitWh,
        exceeds: projectedWh >= limitWh,
        allowedPowerW: remainingMs > 0 ? Math.max(0, ((limitWh - soFar) * HOUR_MS) / remainingMs) : null,
      },
    };
  }

  #integrate(t0: number, w0: number, t1: number, w1: number): void {
    if (t1 <= t0) return;
    const e = wh((w0 + w1) / 2, t1 - t0);
    this.#energyWh += e;
    this.#coveredMs += t1 - t0;
    this.#recent.push({ t0, t1, wh: e });
  }

  #close(nextHourMs: number): IntegratedHour {
    const hourMs = this.#hourMs as number;
    const done: IntegratedHour = {
      hourStart: toOsloIso(new Date(hourMs)),
      hourEnd: toOsloIso(new Date(hourMs + HOUR_MS)),
      energyWh: this.#energyWh,
      coveredSeconds: this.#coveredMs / 1000,
    };
    this.#hourMs = nextHourMs;
    this.#energyWh = 0;
    this.#coveredMs = 0;
    return done;
  }

  #rate(last: { readonly t: number; readonly w: number }): number {
    const horizon = last.t - this.#options.rateWindowSeconds * 1000;
    let e = 0;
    let ms = 0;
    for (const s of this.#recent) {
      if (s.t1 <= horizon) continue;
      e += s.wh;
      ms += s.t1 - s.t0;
    }
    return ms > 0 && this.#options.rateWindowSeconds > 0 ? (e * HOUR_MS) / ms : last.w;
  }

  /** A List 3 at a whole hour gives the A+ register at the start of that hour. */
  #noteCounter(reading: HanReading): void {
    const clock = Date.parse(reading.timestamp);
    const a = numericValue(reading, '1.8.0', 'Wh');
    if (!Number.isFinite(clock) || a === undefined) return;
    const hourMs = Math.round(clock / HOUR_MS) * HOUR_MS;
    if (Math.abs(clock - hourMs) <= 300_000) this.#counter = { hourMs, wh: a };
  }
}
