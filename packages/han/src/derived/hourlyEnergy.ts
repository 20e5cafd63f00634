/**
 * Hourly energy from the List 3 cumulative registers.
 *
 * A List 3 push carries the meter clock and the four cumulative registers A+, A−, R+, R− as they
 * stood at the whole hour (NVE letter 27.06.2016: hourly list; generated at XX:00:00, pushed at
 * XX:00:10 by Aidon/Kaifa and XX:00:05 by Kamstrup). The difference between two consecutive
 * snapshots is the energy of the hour **that just ended** by the meter clock: a List 3 stamped
 * 14:00:10 describes 13:00–14:00. Booking it on arrival is the source of the "off by one hour"
 * reports (amshan-homeassistant #55; amsreader #884, #394, #303, #43, #377).
 *
 * Pitfalls handled (research note han.md §4):
 * - a **repeated snapshot**: some Aidon firmware resends the previous hour's clock and counters
 *   with fresh instantaneous values (amsreader #1119). It is never booked as a second hour;
 * - **missing hours**: a delta spanning k hours is reported as one gap of k hours (`spansHours: k`),
 *   never as one hour's consumption (amsreader #680: a peak doubled to 18 kWh); optionally spread
 *   evenly as `estimated` hours;
 * - a counter that goes **backwards** (meter replaced or reset, amsreader #690) and a jump larger
 *   than the fuse allows: no delta, a note. A single outlier snapshot between two consistent ones
 *   is recognised and bridged.
 */
import { toOsloIso } from '@openams/core';
import { HanError } from '../errors/index.ts';
import type { HanReading } from '../reading/index.ts';
import { assertReading, numericValue } from './values.ts';

const HOUR_MS = 3_600_000;

/** Options of {@link HourlyEnergyTracker}; every field has a documented default. */
export interface HourlyEnergyOptions {
  /**
   * The largest average power the installation can draw or feed, in kW (fuse size). A register
   * that grows faster than this over the hours between two snapshots is rejected. Default 100 kW
   * (above any direct-connected Norwegian household meter; raise it for CT meters).
   */
  readonly maxPowerKw?: number;
  /** Also spread a k-hour gap evenly over its hours as `estimated: true` events. Default false. */
  readonly estimateGaps?: boolean;
  /**
   * How far a List 3 clock may be from the whole hour and still mark it, in seconds. Default 300.
   * A snapshot farther away does not describe an hour boundary and is not used.
   */
  readonly maxClockOffsetSeconds?: number;
  /**
   * When a new hour's counters are all identical to the previous hour's although the meter
   * reported at least this active import power (W) in both snapshots, the snapshot is treated as
   * a repeat (amsreader #1119) rather than an hour with zero energy. Default 100 W: 100 W for an
   * hour moves even a 10 Wh register ten steps. Set to `Infinity` to turn the check off.
   */
  readonly repeatPowerThresholdW?: number;
}

/** The defaults of {@link HourlyEnergyOptions}. */
export const DEFAULT_HOURLY_ENERGY_OPTIONS: Readonly<Required<HourlyEnergyOptions>> = {
  maxPowerKw: 100,
  estimateGaps: false,
  maxClockOffsetSeconds: 300,
  repeatPowerThresholdW: 100,
};

/**
 * Energy between two hour boundaries. A measured hour has `spansHours: 1` and `estimated: false`
 * (see {@link isMeasuredHour}). A gap total spans `spansHours` hours (`hourStart`–`hourEnd` cover
 * them all) and is *not* one hour's consumption. An estimate is one hour of an evenly spread gap:
 * `estimated: true`, with `spansHours` telling how long the gap it came from was.
 */
export interface HourlyEnergy {
  readonly kind: 'energy';
  /** Start of the period, ISO 8601 with the Europe/Oslo offset. */
  readonly hourStart: string;
  /** End of the period (the meter clock of the closing List 3, on the whole hour). */
  readonly hourEnd: string;
  /** Active energy import A+ (1.8.0), Wh. */
  readonly importWh: number;
  /** Active energy export A− (2.8.0), Wh. */
  readonly exportWh: number;
  /** Reactive energy import R+ (3.8.0), varh. */
  readonly reactiveImportVarh: number;
  /** Reactive energy export R− (4.8.0), varh. */
  readonly reactiveExportVarh: number;
  readonly estimated: boolean;
  /** Hours covered by the counter delta this value comes from: 1 for a measured hour. */
  readonly spansHours: number;
  readonly notes: readonly string[];
}

/** Why a List 3 snapshot gave no energy. */
export type SnapshotSkipReason =
  /** Same meter clock and counters as the previous snapshot (amsreader #1119), or identical counters across an hour under load. */
  | 'repeated-snapshot'
  /** Same hour as the previous snapshot but different counters; the first is kept. */
  | 'clock-not-advancing'
  /** The meter clock is earlier than the previous snapshot's. */
  | 'clock-backwards'
  /** The clock is too far from a whole hour to mark an hour boundary. */
  | 'clock-off-hour'
  /** The timestamp is not a parseable instant. */
  | 'invalid-clock'
  /** A+, A−, R+ or R− is absent, not finite, negative or in the wrong unit. */
  | 'missing-counters'
  /** A register is lower than before: meter replaced or reset. */
  | 'counter-backwards'
  /** A register grew faster than `maxPowerKw` allows. */
  | 'implausible-jump'
  /** The meter id changed: a different meter, counted from scratch. */
  | 'meter-changed';

/** A List 3 snapshot that gave no energy, and why. */
export interface SnapshotSkipped {
  readonly kind: 'skipped';
  readonly reason: SnapshotSkipReason;
  /** The snapshot's timestamp as the reading gave it. */
  readonly timestamp: string;
  readonly notes: readonly string[];
}

/** What {@link HourlyEnergyTracker.push} reports. */
export type HourlyEnergyEvent = HourlyEnergy | SnapshotSkipped;

/** One measured hour: a one-hour delta between two consecutive valid List 3 snapshots. */
export type MeasuredHour = HourlyEnergy & { readonly estimated: false; readonly spansHours: 1 };

/** Whether `e` is one measured hour: the only kind a capacity tariff may count. */
export function isMeasuredHour(e: HourlyEnergyEvent): e is MeasuredHour {
  return e.kind === 'energy' && !e.estimated && e.spansHours === 1;
}

/** The registers in the order A+, A−, R+, R−, with their C.D.E and unit. */
const REGISTERS = [
  { cde: '1.8.0', unit: 'Wh', name: 'A+' },
  { cde: '2.8.0', unit: 'Wh', name: 'A−' },
  { cde: '3.8.0', unit: 'varh', name: 'R+' },
  { cde: '4.8.0', unit: 'varh', name: 'R−' },
] as const;

type Counters = readonly [number, number, number, number];

interface Snapshot {
  /** The whole hour this snapshot marks (UTC ms). */
  readonly hourMs: number;
  /** The meter clock as given (UTC ms). */
  readonly clockMs: number;
  readonly timestamp: string;
  readonly meterId: string | undefined;
  readonly counters: Counters;
  /** Instantaneous active import power in the same frame, W, if present. */
  readonly powerW: number | undefined;
  readonly fromReceiveTime: boolean;
}

type Evaluation =
  | { readonly ok: true; readonly hours: number; readonly deltas: Counters }
  | { readonly ok: false; readonly reason: 'clock-backwards' | 'counter-backwards' | 'implausible-jump'; readonly note: string };

function resolveOptions(options: HourlyEnergyOptions): Required<HourlyEnergyOptions> {
  const o = { ...DEFAULT_HOURLY_ENERGY_OPTIONS, ...options };
  if (!(Number.isFinite(o.maxPowerKw) && o.maxPowerKw > 0)) {
    throw new HanError('INVALID_OPTION', `maxPowerKw must be a positive number, got ${o.maxPowerKw}`);
  }
  if (!(Number.isFinite(o.maxClockOffsetSeconds) && o.maxClockOffsetSeconds >= 0 && o.maxClockOffsetSeconds < 1800)) {
    throw new HanError('INVALID_OPTION', `maxClockOffsetSeconds must be in [0, 1800), got ${o.maxClockOffsetSeconds}`);
  }
  if (Number.isNaN(o.repeatPowerThresholdW) || o.repeatPowerThresholdW < 0) {
    throw new HanError('INVALID_OPTION', `repeatPowerThresholdW must be ≥ 0, got ${o.repeatPowerThresholdW}`);
  }
  return o;
}

const iso = (ms: number): string => toOsloIso(new Date(ms));

/**
 * Splits `total` into `k` parts that add up to it exactly: whole numbers when `total` is one
 * (the remainder goes to the first hours), else equal shares.
 */
function spread(total: number, k: number): number[] {
  if (!Number.isInteger(total)) return Array.from({ length: k }, () => total / k);
  const base = Math.floor(total / k);
  const rest = total - base * k;
  return Array.from({ length: k }, (_, i) => base + (i < rest ? 1 : 0));
}

/**
 * Turns a stream of readings into hourly energy. Feed it every reading (or only List 3 ones); it
 * keeps the last accepted List 3 snapshot and reports, for each new one, the energy since — or
 * why there is none. Readings must arrive in the order the meter sent them.
 *
 * @example
 * const tracker = new HourlyEnergyTracker();
 * for (const reading of readings) for (const e of tracker.push(reading)) if (isMeasuredHour(e)) book(e);
 */
export class HourlyEnergyTracker {
  readonly #options: Required<HourlyEnergyOptions>;
  /** The last accepted snapshot: the base of the next delta. */
  #base: Snapshot | undefined;
  /**
   * The last snapshot that gave (or began) a valid delta, kept while the base is a snapshot that
   * was rejected as an outlier: if the next one fits this, the outlier is bridged.
   */
  #beforeOutlier: Snapshot | undefined;

  constructor(options: HourlyEnergyOptions = {}) {
    this.#options = resolveOptions(options);
  }

  /** The snapshot the next delta starts from: its clock (ISO) and counters, if any. */
  get lastSnapshot(): { readonly timestamp: string; readonly hourEnd: string; readonly counters: Counters } | undefined {
    const b = this.#base;
    return b && { timestamp: b.timestamp, hourEnd: iso(b.hourMs), counters: b.counters };
  }

  /** Forgets every snapshot (e.g. after the meter was replaced on purpose). */
  reset(): void {
    this.#base = undefined;
    this.#beforeOutlier = undefined;
  }

  /**
   * Takes one reading; returns the hours it closes (none for List 1/2 or the first List 3), or a
   * `skipped` event saying why a List 3 gave none. Throws `HanError` `INVALID_VALUE` only when the
   * argument is not a reading at all.
   */
  push(reading: HanReading): HourlyEnergyEvent[] {
    assertReading(reading, 'HourlyEnergyTracker.push');
    if (reading.list !== 3) return [];
    const parsed = this.#snapshot(reading);
    if (parsed.kind === 'skipped') return [parsed];
    const s = parsed.snapshot;
    const notes: string[] = s.fromReceiveTime
      ? ['the List 3 frame has no meter clock; booked by receive time, which may be off by one hour (amshan-homeassistant #55)']
      : [];

    const base = this.#base;
    if (base === undefined) {
      this.#base = s;
      return [];
    }

    if (s.meterId !== undefined && base.meterId !== undefined && s.meterId !== base.meterId) {
      this.#base = s;
      this.#beforeOutlier = undefined;
      return [skipped('meter-changed', s, [...notes, `meter id changed from ${base.meterId} to ${s.meterId}; counting starts again`])];
    }

    if (s.hourMs === base.hourMs) {
      // amsreader #1119: an Aidon resent the 17:00 snapshot (clock and counters) at 18:00. Taken as
      // the 18:00 snapshot it books 17–18 as 0 Wh and 18–19 as two hours, the month's false peak.
      const same = s.counters.every((c, i) => c === base.counters[i]);
      return same
        ? [skipped('repeated-snapshot', s, [...notes, `repeats the snapshot of ${iso(base.hourMs)} (same clock and counters; amsreader #1119); not booked`])]
        : [skipped('clock-not-advancing', s, [...notes, `a second List 3 for ${iso(base.hourMs)} with different counters; the first is kept`])];
    }

    const deltasZero = s.counters.every((c, i) => c === base.counters[i]);
    const threshold = this.#options.repeatPowerThresholdW;
    if (deltasZero && s.hourMs > base.hourMs && (s.powerW ?? 0) >= threshold && (base.powerW ?? 0) >= threshold) {
      // The same firmware fault with a fresh clock would look like an hour of zero energy followed
      // by an hour of double energy. Under load the registers must move, so this is a repeat.
      return [
        skipped('repeated-snapshot', s, [
          ...notes,
          `counters unchanged since ${iso(base.hourMs)} although the meter drew ${base.powerW} W and ${s.powerW} W; treated as a repeated snapshot (amsreader #1119), not booked`,
        ]),
      ];
    }

    // After an outlier, first try to bridge it from the snapshot before it.
    const before = this.#beforeOutlier;
    if (before !== undefined) {
      const r = this.#evaluate(before, s);
      if (r.ok) return this.#book(before, s, r.hours, r.deltas, [...notes, `the snapshot at ${base.timestamp} was an outlier and is ignored`]);
    }
    const r = this.#evaluate(base, s);
    if (r.ok) return this.#book(base, s, r.hours, r.deltas, notes);
    // Rejected: start again from this snapshot, remembering the last good one in case this was
    // a one-off outlier.
    this.#beforeOutlier ??= base;
    this.#base = s;
    return [skipped(r.reason, s, [...notes, r.note])];
  }

  #snapshot(reading: HanReading): { kind: 'snapshot'; snapshot: Snapshot } | SnapshotSkipped {
    const clockMs = Date.parse(reading.timestamp);
    const base = { timestamp: reading.timestamp };
    if (!Number.isFinite(clockMs)) {
      return { kind: 'skipped', reason: 'invalid-clock', ...base, notes: [`timestamp ${JSON.stringify(reading.timestamp)} is not an instant`] };
    }
    // Oslo offsets are whole hours, so the nearest whole UTC hour is the nearest whole Oslo hour.
    // Nearest, not floor: a meter clock a few seconds slow (13:59:58) still marks 14:00.
    const hourMs = Math.round(clockMs / HOUR_MS) * HOUR_MS;
    const offsetS = Math.abs(clockMs - hourMs) / 1000;
    if (offsetS > this.#options.maxClockOffsetSeconds) {
      return {
        kind: 'skipped',
        reason: 'clock-off-hour',
        ...base,
        notes: [`clock ${reading.timestamp} is ${Math.round(offsetS)} s from the whole hour (limit ${this.#options.maxClockOffsetSeconds} s); not an hour boundary`],
      };
    }
    const values: number[] = [];
    const missing: string[] = [];
    for (const r of REGISTERS) {
      const v = numericValue(reading, r.cde, r.unit);
      if (v === undefined || v < 0) missing.push(r.name);
      else values.push(v);
    }
    if (missing.length > 0) {
      return { kind: 'skipped', reason: 'missing-counters', ...base, notes: [`List 3 without a usable ${missing.join(', ')} register (absent, negative or not in Wh/varh)`] };
    }
    const power = numericValue(reading, '1.7.0', 'W');
    return {
      kind: 'snapshot',
      snapshot: {
        hourMs,
        clockMs,
        timestamp: reading.timestamp,
        meterId: reading.meterId,
        counters: values as unknown as Counters,
        powerW: power,
        fromReceiveTime: reading.timestampSource === 'received',
      },
    };
  }

  #evaluate(from: Snapshot, s: Snapshot): Evaluation {
    const hours = Math.round((s.hourMs - from.hourMs) / HOUR_MS);
    if (hours <= 0) {
      return { ok: false, reason: 'clock-backwards', note: `clock ${s.timestamp} is not after the previous snapshot ${from.timestamp}; counting starts again` };
    }
    const deltas = s.counters.map((c, i) => c - (from.counters[i] as number)) as unknown as Counters;
    const back = REGISTERS.filter((_, i) => (deltas[i] as number) < 0).map((r) => r.name);
    if (back.length > 0) {
      return {
        ok: false,
        reason: 'counter-backwards',
        note: `${back.join(', ')} went backwards since ${from.timestamp} (meter replaced or reset?); no energy booked, counting starts again`,
      };
    }
    const maxPerRegister = this.#options.maxPowerKw * 1000 * hours;
    const jumps = REGISTERS.map((r, i) => ({ name: r.name, delta: deltas[i] as number }))
      .filter((j) => j.delta > maxPerRegister)
      .map((j) => `${j.name} +${j.delta}`);
    if (jumps.length > 0) {
      return {
        ok: false,
        reason: 'implausible-jump',
        note: `${jumps.join(', ')} in ${hours} h exceeds ${this.#options.maxPowerKw} kW (maxPowerKw); rejected, counting starts again`,
      };
    }
    return { ok: true, hours, deltas };
  }

  #book(from: Snapshot, s: Snapshot, hours: number, d: Counters, notes: string[]): HourlyEnergy[] {
    this.#base = s;
    this.#beforeOutlier = undefined;
    const event = (startMs: number, endMs: number, v: Counters, estimated: boolean, extra: string[]): HourlyEnergy => ({
      kind: 'energy',
      hourStart: iso(startMs),
      hourEnd: iso(endMs),
      importWh: v[0],
      exportWh: v[1],
      reactiveImportVarh: v[2],
      reactiveExportVarh: v[3],
      estimated,
      spansHours: hours,
      notes: extra,
    });
    if (hours === 1) return [event(from.hourMs, s.hourMs, d, false, notes)];

    const gap = event(from.hourMs, s.hourMs, d, false, [
      ...notes,
      `no valid List 3 for ${hours - 1} hour boundar${hours === 2 ? 'y' : 'ies'}: this is ${hours} hours of energy, not one hour's consumption`,
    ]);
    if (!this.#options.estimateGaps) return [gap];
    const shares = d.map((v) => spread(v, hours));
    const estimates = Array.from({ length: hours }, (_, i) =>
      event(
        from.hourMs + i * HOUR_MS,
        from.hourMs + (i + 1) * HOUR_MS,
        shares.map((sh) => sh[i] as number) as unknown as Counters,
        true,
        [`estimate: the ${hours}-hour gap ${iso(from.hourMs)}–${iso(s.hourMs)} spread evenly`],
      ),
    );
    return [gap, ...estimates];
  }
}

function skipped(reason: SnapshotSkipReason, s: Snapshot, notes: string[]): SnapshotSkipped {
  return { kind: 'skipped', reason, timestamp: s.timestamp, notes };
}
