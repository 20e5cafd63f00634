import { EVENT_CODES } from '../cosem/index.ts';
import { checkFaultConfig } from './config.ts';
import type { FaultConfig, MissingValueCause, Range } from './config.ts';
import { hashText, mix, uniform } from './hash.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const QUARTER = 900_000;
const DAYS_PER_YEAR = 365.2425;

// Salts: one per independent draw, so two faults never share randomness.
const S = {
  never: 1,
  clone: 2,
  firmware: 3,
  drift: 4,
  driftSign: 5,
  driftSince: 6,
  dst: 7,
  slow: 8,
  slowLatency: 9,
  slowBandwidth: 10,
  signal: 20,
  concentrator: 30,
  power: 40,
  cover: 50,
  field: 60,
  entry: 70,
  drop: 80,
} as const;

/** Why a meter cannot be reached. */
export type LinkDownCause = 'never-communicating' | 'signal-loss' | 'concentrator-outage' | 'power-off';

/** A span during which a fault holds, true time (ms), `[from, to)`. */
export interface FaultEpisode {
  readonly kind: 'signal-loss' | 'concentrator-outage' | 'power-off';
  readonly from: number;
  readonly to: number;
}

/**
 * A fault that changes what the meter records, at true instant `at`: the main fuse (power-failure
 * log, no profile entries while off), a tamper event (fraud detection log), a missed DST change
 * (the clock jumps by `shiftMs`).
 */
export type MeterFaultEvent =
  | { readonly at: number; readonly type: 'power-off' }
  | { readonly at: number; readonly type: 'power-on' }
  | { readonly at: number; readonly type: 'tamper'; readonly code: number }
  | { readonly at: number; readonly type: 'dst-glitch'; readonly shiftMs: number };

/** What is wrong with one load-profile entry as the meter serves it. */
export type EntryFault = 'missing' | 'duplicate' | 'corrupt';

/** The faults a meter has for life (drawn from the seed and its index). */
export interface MeterFaultTraits {
  /** Never reachable (domain.md §1: ~12,800 meters in Norway never communicate). */
  readonly neverCommunicates: boolean;
  /** A second device with the same system title and keys answers every other connection and pushes too. */
  readonly cloned: boolean;
  /** The next image activation fails. */
  readonly failsFirmwareActivation: boolean;
  /** Clock drift in ppm (0: none), accumulating since `driftSinceDays` before the fleet started. */
  readonly clockDriftPpm: number;
  readonly driftSinceDays: number;
  /** Misses each DST change (the clock is an hour off until set). */
  readonly dstGlitch: boolean;
  /** A slow link: round-trip latency and bandwidth; undefined for a normal link. */
  readonly slowLink: { readonly latencyMs: number; readonly bitsPerSecond: number } | undefined;
  /** The concentrator the meter is behind (index ÷ metersPerConcentrator). */
  readonly concentrator: number;
}

/** The rates a `FaultConfig` comes to (derived once; see `FaultPlan`). */
export interface FaultRates {
  /** Each cause's share of the missing values, normalised. */
  readonly causeShares: Readonly<Record<MissingValueCause, number>>;
  /** Share of meter-time in transient signal loss (never-communicating meters excluded). */
  readonly signalLossTimeShare: number;
  /** Share of concentrator-time in an outage. */
  readonly concentratorOutageTimeShare: number;
  /** Share of meter-time with the main fuse off. */
  readonly powerOffTimeShare: number;
  /** Per meter-day (or concentrator-day): probability an episode starts. */
  readonly signalLossPerDay: number;
  readonly concentratorOutagePerDay: number;
  readonly powerOffPerDay: number;
  /** Per load-profile entry: missing (the meter cause). */
  readonly missingEntryShare: number;
  /** Per session: the head-end side drops the link. */
  readonly headEndDropPerSession: number;
  readonly coverOpenPerDay: number;
  readonly magneticFieldPerDay: number;
}

function mean(r: Range): number {
  return (r[0] + r[1]) / 2;
}

/** A length in whole seconds (ms): fault instants fall on whole seconds, as a meter's event log stamps them. */
function seconds(ms: number): number {
  return Math.max(1, Math.round(ms / 1000)) * 1000;
}

function between(r: Range, u: number): number {
  return r[0] + (r[1] - r[0]) * u;
}

/** Spans (ms) of the signal-loss lengths and of main-fuse-off lengths. */
const SIGNAL_HOURS: Range = [1, 12];
const SIGNAL_DAYS: Range = [1, 4];
const POWER_HOURS: Range = [1, 24];
const POWER_DAYS: Range = [1, 14];

/** The rates `config` comes to: each cause's time share, and episode starts per day from the mean episode length. */
export function faultRates(config: FaultConfig): FaultRates {
  const c = config.causes;
  const total = c.signal + c.meter + c.concentrator + c.headEnd + c.other;
  const causeShares = { signal: c.signal / total, meter: c.meter / total, concentrator: c.concentrator / total, headEnd: c.headEnd / total, other: c.other / total };
  const missing = config.missingValueShare;
  const sl = config.signalLossLengths;
  const slWeight = sl.interval + sl.hours + sl.days;
  const signalMeanH = (sl.interval * 0.25 + sl.hours * mean(SIGNAL_HOURS) + sl.days * 24 * mean(SIGNAL_DAYS)) / slWeight;
  const pl = config.powerOffLengths;
  const powerMeanH = (pl.hours * mean(POWER_HOURS) + pl.days * 24 * mean(POWER_DAYS)) / (pl.hours + pl.days);
  const concentratorMeanH = Math.max(mean(config.concentratorOutageHours), 1 / 60);
  // Never-communicating meters' values are missing every day: they use up part of the signal share.
  const signalLossTimeShare = Math.max(0, missing * causeShares.signal - config.neverCommunicatingShare);
  const concentratorOutageTimeShare = missing * causeShares.concentrator;
  const powerOffTimeShare = missing * causeShares.other;
  // An episode starting on a given day with mean length L hours covers L/24 days on average.
  const perDay = (timeShare: number, meanH: number) => Math.min(1, (timeShare * 24) / meanH);
  return {
    causeShares,
    signalLossTimeShare,
    concentratorOutageTimeShare,
    powerOffTimeShare,
    signalLossPerDay: perDay(signalLossTimeShare, signalMeanH),
    concentratorOutagePerDay: perDay(concentratorOutageTimeShare, concentratorMeanH),
    powerOffPerDay: perDay(powerOffTimeShare, powerMeanH),
    missingEntryShare: missing * causeShares.meter,
    headEndDropPerSession: missing * causeShares.headEnd,
    coverOpenPerDay: config.coverOpenPerMeterYear / DAYS_PER_YEAR,
    magneticFieldPerDay: config.magneticFieldPerMeterYear / DAYS_PER_YEAR,
  };
}

/** Last Sunday of `monthIndex` at 01:00 UTC: the EU summer-time change (Directive 2000/84/EC). */
function euChange(year: number, monthIndex: number): number {
  const last = new Date(Date.UTC(year, monthIndex + 1, 0));
  return Date.UTC(year, monthIndex, last.getUTCDate() - last.getUTCDay(), 1);
}

/** The DST changes in `(from, to]`, with the way a meter that misses them goes wrong: +1 h in autumn, −1 h in spring. */
export function dstChanges(from: number, to: number): { readonly at: number; readonly shiftMs: number }[] {
  const out: { at: number; shiftMs: number }[] = [];
  for (let y = new Date(from).getUTCFullYear(); y <= new Date(to).getUTCFullYear(); y++) {
    // Spring: true time jumps an hour ahead of the meter that stays on winter time, so the meter is an hour behind.
    for (const [at, shiftMs] of [
      [euChange(y, 2), -HOUR],
      [euChange(y, 9), HOUR],
    ] as const) {
      if (at > from && at <= to) out.push({ at, shiftMs });
    }
  }
  return out;
}

/** The most recent DST change at or before `t`. */
export function lastDstChange(t: number): { readonly at: number; readonly shiftMs: number } {
  const changes = dstChanges(Date.UTC(new Date(t).getUTCFullYear() - 1, 0, 1), t);
  return changes[changes.length - 1] as { at: number; shiftMs: number };
}

/**
 * Which faults a fleet has, where and when: a pure function of the fleet seed, the configuration
 * and (meter index or concentrator, day or instant). Nothing is stored; a meter's fault history
 * in any window is recomputed on demand, so an evicted meter catches up when it is next used.
 *
 * Episodes (signal loss, concentrator outage, main fuse off) start at most once per subject and
 * UTC day, with the probability `faultRates` derives so that the expected share of time each
 * cause takes matches `missingValueShare × cause share` (domain.md §1). Per-entry and per-session
 * faults are drawn per entry instant and per session number.
 */
export class FaultPlan {
  readonly config: FaultConfig;
  readonly rates: FaultRates;
  private readonly seed: number;
  private readonly clones: ReadonlySet<number>;
  private readonly signalBackDays: number;
  private readonly powerBackDays: number;
  private readonly concentratorBackDays: number;

  constructor(seed: string, config: FaultConfig) {
    this.config = checkFaultConfig(config);
    this.rates = faultRates(config);
    this.seed = hashText(`openams/meter-sim/faults/v1|${seed}`);
    this.clones = new Set(config.cloneIndexes);
    this.signalBackDays = Math.ceil(SIGNAL_DAYS[1]) + 1;
    this.powerBackDays = Math.ceil(POWER_DAYS[1]) + 1;
    this.concentratorBackDays = Math.ceil(config.concentratorOutageHours[1] / 24) + 1;
  }

  private u(salt: number, subject: number, x = 0): number {
    return uniform(this.seed, salt, subject, x);
  }

  /** The lifelong faults of meter `index`. */
  traits(index: number): MeterFaultTraits {
    const c = this.config;
    const drifts = this.u(S.drift, index) < c.clockDriftShare;
    const slow = this.u(S.slow, index) < c.slowLinkShare;
    return {
      neverCommunicates: this.u(S.never, index) < c.neverCommunicatingShare,
      cloned: this.clones.has(index) || this.u(S.clone, index) < c.cloneShare,
      failsFirmwareActivation: this.u(S.firmware, index) < c.firmwareActivationFailureShare,
      clockDriftPpm: drifts ? (this.u(S.driftSign, index) < 0.5 ? -1 : 1) * Math.round(between(c.clockDriftPpm, this.u(S.drift, index, 1))) : 0,
      driftSinceDays: 1 + Math.floor(this.u(S.driftSince, index) * 30),
      dstGlitch: this.u(S.dst, index) < c.dstGlitchShare,
      slowLink: slow
        ? { latencyMs: Math.round(between(c.slowLinkLatencyMs, this.u(S.slowLatency, index))), bitsPerSecond: Math.round(between(c.slowLinkBitsPerSecond, this.u(S.slowBandwidth, index))) }
        : undefined,
      concentrator: Math.floor(index / c.metersPerConcentrator),
    };
  }

  /** The signal-loss episode of meter `index` starting on UTC day `day`, if any. */
  private signalEpisode(index: number, day: number): FaultEpisode | undefined {
    if (this.u(S.signal, index, day) >= this.rates.signalLossPerDay) return undefined;
    const start = day * DAY + Math.floor(this.u(S.signal + 1, index, day) * 86_400) * 1000;
    const l = this.config.signalLossLengths;
    const pick = this.u(S.signal + 2, index, day) * (l.interval + l.hours + l.days);
    const v = this.u(S.signal + 3, index, day);
    if (pick < l.interval) {
      // One lost interval: the whole quarter-hour the episode falls in.
      const from = Math.floor(start / QUARTER) * QUARTER;
      return { kind: 'signal-loss', from, to: from + QUARTER };
    }
    const length = pick < l.interval + l.hours ? between(SIGNAL_HOURS, v) * HOUR : between(SIGNAL_DAYS, v) * DAY;
    return { kind: 'signal-loss', from: start, to: start + seconds(length) };
  }

  private concentratorEpisode(concentrator: number, day: number): FaultEpisode | undefined {
    if (this.u(S.concentrator, concentrator, day) >= this.rates.concentratorOutagePerDay) return undefined;
    const start = day * DAY + Math.floor(this.u(S.concentrator + 1, concentrator, day) * 86_400) * 1000;
    const length = between(this.config.concentratorOutageHours, this.u(S.concentrator + 2, concentrator, day)) * HOUR;
    return { kind: 'concentrator-outage', from: start, to: start + seconds(length) };
  }

  private powerEpisode(index: number, day: number): FaultEpisode | undefined {
    if (this.u(S.power, index, day) >= this.rates.powerOffPerDay) return undefined;
    const start = day * DAY + Math.floor(this.u(S.power + 1, index, day) * 86_400) * 1000;
    const l = this.config.powerOffLengths;
    const v = this.u(S.power + 3, index, day);
    const length = this.u(S.power + 2, index, day) * (l.hours + l.days) < l.hours ? between(POWER_HOURS, v) * HOUR : between(POWER_DAYS, v) * DAY;
    return { kind: 'power-off', from: start, to: start + seconds(length) };
  }

  /**
   * The episodes of one kind that overlap `[from, to)`, by start. Episodes may overlap each
   * other (a second outage while the first lasts); the fault holds while any of them does.
   */
  episodes(index: number, kind: FaultEpisode['kind'], from: number, to: number): FaultEpisode[] {
    const back = kind === 'signal-loss' ? this.signalBackDays : kind === 'power-off' ? this.powerBackDays : this.concentratorBackDays;
    const subject = kind === 'concentrator-outage' ? Math.floor(index / this.config.metersPerConcentrator) : index;
    const out: FaultEpisode[] = [];
    for (let day = Math.floor(from / DAY) - back; day <= Math.floor((to - 1) / DAY); day++) {
      const e = kind === 'signal-loss' ? this.signalEpisode(subject, day) : kind === 'power-off' ? this.powerEpisode(subject, day) : this.concentratorEpisode(subject, day);
      if (e !== undefined && e.to > from && e.from < to) out.push(e);
    }
    return out;
  }

  private covered(index: number, kind: FaultEpisode['kind'], t: number): boolean {
    return this.episodes(index, kind, t, t + 1).length > 0;
  }

  /** Why meter `index` cannot be reached at true instant `t`, or undefined when it can. */
  linkDown(index: number, t: number): LinkDownCause | undefined {
    if (this.u(S.never, index) < this.config.neverCommunicatingShare) return 'never-communicating';
    if (this.rates.powerOffPerDay > 0 && this.covered(index, 'power-off', t)) return 'power-off';
    if (this.rates.concentratorOutagePerDay > 0 && this.covered(index, 'concentrator-outage', t)) return 'concentrator-outage';
    if (this.rates.signalLossPerDay > 0 && this.covered(index, 'signal-loss', t)) return 'signal-loss';
    return undefined;
  }

  /**
   * What happens to meter `index` in `(from, to]` that the meter itself records, in time order:
   * main fuse off and on, tamper events (each opening followed by its closing 1–30 minutes later,
   * each field by its end 1–60 minutes later), missed DST changes.
   */
  events(index: number, from: number, to: number): MeterFaultEvent[] {
    const out: MeterFaultEvent[] = [];
    if (to <= from) return out;
    if (this.rates.powerOffPerDay > 0) {
      // Transitions of the union of the episodes: the state just before and at each edge decides,
      // and both are local, so any window gives the same transitions.
      const edges = new Set<number>();
      for (const e of this.episodes(index, 'power-off', from, to + 1)) {
        if (e.from > from && e.from <= to) edges.add(e.from);
        if (e.to > from && e.to <= to) edges.add(e.to);
      }
      for (const at of [...edges].sort((a, b) => a - b)) {
        const before = this.covered(index, 'power-off', at - 1);
        const after = this.covered(index, 'power-off', at);
        if (before !== after) out.push({ at, type: after ? 'power-off' : 'power-on' });
      }
    }
    const r = this.rates;
    if (r.coverOpenPerDay > 0 || r.magneticFieldPerDay > 0) {
      // A tamper pair starting up to an hour before `from` can still end inside the window.
      for (let day = Math.floor((from - HOUR) / DAY); day <= Math.floor(to / DAY); day++) {
        for (const [salt, rate, open, close, maxMin] of [
          [S.cover, r.coverOpenPerDay, EVENT_CODES.terminalCoverRemoved, EVENT_CODES.terminalCoverClosed, 30],
          [S.field, r.magneticFieldPerDay, EVENT_CODES.strongDcFieldDetected, EVENT_CODES.noStrongDcFieldAnymore, 60],
        ] as const) {
          if (this.u(salt, index, day) >= rate) continue;
          const at = day * DAY + Math.floor(this.u(salt + 1, index, day) * 86_400) * 1000;
          const end = at + (1 + Math.floor(this.u(salt + 2, index, day) * maxMin)) * MINUTE;
          if (at > from && at <= to) out.push({ at, type: 'tamper', code: open });
          if (end > from && end <= to) out.push({ at: end, type: 'tamper', code: close });
        }
      }
    }
    if (this.traits(index).dstGlitch) for (const c of dstChanges(from, to)) out.push({ at: c.at, type: 'dst-glitch', shiftMs: c.shiftMs });
    return out.sort((a, b) => a.at - b.at);
  }

  /** The fault of the load-profile entry of meter `index` captured at meter time `t`, if any. */
  entryFault(index: number, t: number): EntryFault | undefined {
    const c = this.config;
    const u = this.u(S.entry, index, Math.floor(t / 1000));
    let edge = this.rates.missingEntryShare;
    if (u < edge) return 'missing';
    edge += c.duplicateEntryShare;
    if (u < edge) return 'duplicate';
    edge += c.corruptEntryShare;
    if (u < edge) return 'corrupt';
    return undefined;
  }

  /** A bit of `value` flipped the same way every time the entry is read: a memory error, not noise. */
  corruptValue(index: number, t: number, value: number): number {
    const bit = 16 + (mix(this.seed, S.entry + 1, index, Math.floor(t / 1000)) % 15);
    return (value ^ (1 << bit)) >>> 0;
  }

  /** Whether the head-end side drops session number `session` of meter `index`, and after how many answers. */
  headEndDrop(index: number, session: number): number | undefined {
    if (this.u(S.drop, index, session) >= this.rates.headEndDropPerSession) return undefined;
    const [lo, hi] = this.config.headEndDropAfterAnswers;
    return Math.round(lo) + Math.floor(this.u(S.drop + 1, index, session) * (Math.round(hi) - Math.round(lo) + 1));
  }
}
