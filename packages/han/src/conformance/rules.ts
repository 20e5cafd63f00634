/**
 * The rule table of the HAN conformance check: one entry per rule, each with a stable id, a
 * one-line description, where the rule comes from, and a check over the whole capture. The CLI
 * lists this table for `--help`; adding a rule is adding an entry.
 *
 * Sources: NVE's letter of 27.06.2016 on the HAN interface ("Informasjon til kundene via
 * HAN-grensesnittet … OBIS-koder"): List 1 every 2.5 s (Kamstrup exempt), List 2 every 10 s, List 3
 * every hour; the vendor documents (Aidon v1.1A, Kaifa KFM_001, Kamstrup HAN-NVE rev 3.1); and the
 * failures users met (research note han.md §4).
 */
import { osloOffsetMinutes, toOsloIso } from '@openams/core';
import type { DottedObis, HanList, HanReading, HanUnit, HanVendor } from '../reading/index.ts';
import { numericValue, readingValue } from '../derived/index.ts';
import type { MeterTopology } from './topology.ts';

/** Thresholds of the rules; see {@link DEFAULT_CONFORMANCE_TOLERANCES} for the defaults and why. */
export interface ConformanceTolerances {
  /** Allowed List 1 period, seconds (NVE: 2.5 s; Kaifa sends every 2 s). */
  readonly list1PeriodSeconds: readonly [number, number];
  /** Slack on the List 1 period and on each List 1 interval, seconds. */
  readonly list1ToleranceSeconds: number;
  /** List 2 period, seconds (NVE: 10 s). */
  readonly list2PeriodSeconds: number;
  readonly list2ToleranceSeconds: number;
  /** A List 3 must be received within this many seconds after the whole hour (Aidon/Kaifa push at XX:00:10, Kamstrup XX:00:05). */
  readonly list3WindowSeconds: number;
  /** …or at most this many seconds before it (the receiver's clock may run a little late). */
  readonly list3EarlySeconds: number;
  /** Share of intervals that may be off cadence or missing (frames lost to line errors) before a cadence rule fails. */
  readonly maxOffCadenceFraction: number;
  /** Largest allowed |receive time − meter clock|, seconds. */
  readonly clockToleranceSeconds: number;
  /** Phase (or, on IT, line-line) voltage range, V. */
  readonly voltageRangeV: readonly [number, number];
  /** Largest current of a direct-connected meter, A (not checked on CT meters). */
  readonly maxCurrentA: number;
  /** Largest active or reactive power of a direct-connected meter, W/var (not checked on CT meters). */
  readonly maxPowerW: number;
  /** Power vs V×I: allowed ratio either way … */
  readonly powerRatioTolerance: number;
  /** … plus this absolute slack, VA (current resolution is 0.1 A on Aidon, timing differs per value). */
  readonly powerSlackVA: number;
  /** Share of readings that may fail the power plausibility check (a load switching between the samples). */
  readonly maxImplausibleFraction: number;
}

/** The defaults: NVE's cadences with slack for a PC's receive-time jitter, and a 230 V grid. */
export const DEFAULT_CONFORMANCE_TOLERANCES: ConformanceTolerances = {
  list1PeriodSeconds: [2, 2.5],
  list1ToleranceSeconds: 0.3,
  list2PeriodSeconds: 10,
  list2ToleranceSeconds: 1,
  list3WindowSeconds: 15,
  list3EarlySeconds: 5,
  maxOffCadenceFraction: 0.05,
  clockToleranceSeconds: 30,
  voltageRangeV: [180, 260],
  maxCurrentA: 100,
  maxPowerW: 100_000,
  powerRatioTolerance: 1.25,
  powerSlackVA: 250,
  maxImplausibleFraction: 0.05,
};

/** One reading of the capture with its receive time (ms) and position in the input. */
export interface CaptureFrame {
  readonly reading: HanReading;
  readonly receivedMs: number;
  readonly index: number;
}

/** What a rule sees: the capture sorted by receive time, the declared vendor, the topology. */
export interface RuleContext {
  readonly vendor: HanVendor;
  readonly topology: MeterTopology;
  readonly tolerances: ConformanceTolerances;
  readonly frames: readonly CaptureFrame[];
}

/** The outcome of one rule. */
export type RuleStatus = 'pass' | 'fail' | 'not-applicable';

/** What a rule's check returns. */
export interface RuleOutcome {
  readonly status: RuleStatus;
  readonly details: readonly string[];
}

/** One entry of the rule table. */
export interface ConformanceRule {
  /** Stable id, e.g. `list2.content`. */
  readonly id: string;
  readonly description: string;
  /** Where the rule comes from. */
  readonly source: string;
  readonly check: (ctx: RuleContext) => RuleOutcome;
}

const iso = (ms: number): string => toOsloIso(new Date(ms));
const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;
const outcome = (status: RuleStatus, ...details: string[]): RuleOutcome => ({ status, details });
/**
 * Counts findings but describes only the first few: a day-long capture with a scaling error has
 * 40 000 bad values, and formatting Oslo times is the slow part.
 */
class Findings {
  count = 0;
  readonly #examples: string[] = [];
  add(describe: () => string): void {
    this.count++;
    if (this.#examples.length < 3) this.#examples.push(describe());
  }
  get text(): string {
    const shown = this.#examples.join('; ');
    return this.count > this.#examples.length ? `${shown}; … (${this.count - this.#examples.length} more)` : shown;
  }
}

const ofList = (ctx: RuleContext, list: HanList): CaptureFrame[] => ctx.frames.filter((f) => f.reading.list === list);

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * Intervals between consecutive frames of one list. A frame of another list in between took a
 * slot (Aidon and Kaifa send List 2 in place of a List 1, and List 3 in place of a List 2), so an
 * interval of k periods with j frames between means k − 1 − j frames missing. Both ends are frames
 * of the same list (same length), so the serial transmission time cancels out.
 */
function cadence(ctx: RuleContext, list: HanList, periodS: number, tolS: number) {
  const positions = ctx.frames.map((f, i) => ({ f, i })).filter(({ f }) => f.reading.list === list);
  const off = new Findings();
  let missing = 0;
  let intervals = 0;
  for (let n = 1; n < positions.length; n++) {
    const a = positions[n - 1] as { f: CaptureFrame; i: number };
    const b = positions[n] as { f: CaptureFrame; i: number };
    const d = (b.f.receivedMs - a.f.receivedMs) / 1000;
    const k = Math.max(1, Math.round(d / periodS));
    intervals++;
    if (Math.abs(d - k * periodS) > tolS) off.add(() => `${round(d)} s after ${iso(a.f.receivedMs)}`);
    else missing += Math.max(0, k - 1 - (b.i - a.i - 1));
  }
  return { frames: positions.length, intervals, off, missing };
}

/** Adjacent same-list intervals (nothing in between), seconds: the meter's own period. */
function adjacentIntervals(ctx: RuleContext, list: HanList): number[] {
  const out: number[] = [];
  for (let i = 1; i < ctx.frames.length; i++) {
    const a = ctx.frames[i - 1] as CaptureFrame;
    const b = ctx.frames[i] as CaptureFrame;
    if (a.reading.list === list && b.reading.list === list) out.push((b.receivedMs - a.receivedMs) / 1000);
  }
  return out;
}

function cadenceOutcome(ctx: RuleContext, list: HanList, name: string, periodS: number, tolS: number, periodOk: (p: number) => boolean, expected: string): RuleOutcome {
  const c = cadence(ctx, list, periodS, tolS);
  const measured = adjacentIntervals(ctx, list);
  const period = measured.length > 0 ? median(measured) : periodS;
  const details = [
    `${c.frames} ${name} frames, ${c.intervals} intervals, median period ${measured.length > 0 ? `${round(period)} s` : 'not measurable'} (expected ${expected})`,
  ];
  const fails: string[] = [];
  if (measured.length > 0 && !periodOk(period)) fails.push(`median period ${round(period)} s is outside ${expected}`);
  const maxF = ctx.tolerances.maxOffCadenceFraction;
  if (c.off.count > 0) details.push(`${c.off.count} off-cadence interval(s): ${c.off.text}`);
  if (c.off.count > maxF * c.intervals) fails.push(`${c.off.count} of ${c.intervals} intervals off cadence (limit ${maxF * 100} %)`);
  if (c.missing > 0) details.push(`${c.missing} frame(s) missing (a frame lost to a line error looks the same)`);
  if (c.missing > maxF * (c.intervals + c.missing)) fails.push(`${c.missing} frames missing (limit ${maxF * 100} %)`);
  return { status: fails.length > 0 ? 'fail' : 'pass', details: [...fails, ...details] };
}

function captureSpanS(ctx: RuleContext): number {
  const first = ctx.frames[0];
  const last = ctx.frames.at(-1);
  return first && last ? (last.receivedMs - first.receivedMs) / 1000 : 0;
}

/** Presence of a quantity, by C.D.E on channel B=0 or 1. */
const has = (r: HanReading, cde: string): boolean => readingValue(r, cde) !== undefined;

const listVersionOf = (r: HanReading): string | undefined =>
  r.listVersion ?? r.obis['1.1.0.2.129.255' as DottedObis]?.text ?? r.obis['1.0.0.2.129.255' as DottedObis]?.text;

interface Requirement {
  readonly name: string;
  readonly present: (r: HanReading) => boolean;
}

const obisReq = (name: string, cde: string): Requirement => ({ name: `${name} (1-x:${cde})`, present: (r) => has(r, cde) });

/** NVE's required content per list, for the meter's phase layout. */
function requirements(list: HanList, t: MeterTopology): Requirement[] {
  if (list === 1) return [obisReq('P+', '1.7.0')];
  const phases = t.phases;
  const l2 = phases === '3P4W';
  const l3 = phases === '3P4W' || phases === '3P3W';
  const reqs: Requirement[] = [
    { name: 'list version', present: (r) => listVersionOf(r) !== undefined },
    { name: 'meter id', present: (r) => r.meterId !== undefined },
    { name: 'meter type', present: (r) => r.meterType !== undefined },
    obisReq('P+', '1.7.0'),
    obisReq('P−', '2.7.0'),
    obisReq('Q+', '3.7.0'),
    obisReq('Q−', '4.7.0'),
    obisReq('IL1', '31.7.0'),
    ...(l2 ? [obisReq('IL2', '51.7.0'), obisReq('UL2', '52.7.0')] : []),
    ...(l3 ? [obisReq('IL3', '71.7.0'), obisReq('UL3', '72.7.0')] : []),
    obisReq('UL1', '32.7.0'),
  ];
  if (list === 3) {
    reqs.push(
      { name: 'meter clock', present: (r) => r.timestampSource === 'meter' },
      obisReq('A+', '1.8.0'),
      obisReq('A−', '2.8.0'),
      obisReq('R+', '3.8.0'),
      obisReq('R−', '4.8.0'),
    );
  }
  return reqs;
}

function contentRule(list: HanList): ConformanceRule['check'] {
  return (ctx) => {
    const frames = ofList(ctx, list);
    if (frames.length === 0) return outcome('not-applicable', `no List ${list} frames in the capture`);
    const reqs = requirements(list, ctx.topology);
    const missing = new Map<string, number>();
    for (const f of frames) for (const q of reqs) if (!q.present(f.reading)) missing.set(q.name, (missing.get(q.name) ?? 0) + 1);
    const layout =
      list === 1
        ? []
        : [
            ctx.topology.phases === 'unknown'
              ? 'phase layout unknown: only L1 currents and voltages required'
              : `phase layout ${ctx.topology.phases} (from ${ctx.topology.basis})${ctx.topology.phases === '3P3W' ? ': IL2/UL2 optional' : ''}`,
          ];
    if (missing.size === 0) return outcome('pass', `${frames.length} List ${list} frames carry every required object`, ...layout);
    return outcome('fail', ...[...missing].map(([name, n]) => `${name} missing in ${n} of ${frames.length} frames`), ...layout);
  };
}

/** Expected unit per C.D.E (Aidon/Kaifa/Kamstrup lists; NVE letter). */
const UNITS: ReadonlyArray<readonly [string, HanUnit, string]> = [
  ['1.7.0', 'W', 'P+'],
  ['2.7.0', 'W', 'P−'],
  ['3.7.0', 'var', 'Q+'],
  ['4.7.0', 'var', 'Q−'],
  ['31.7.0', 'A', 'IL1'],
  ['51.7.0', 'A', 'IL2'],
  ['71.7.0', 'A', 'IL3'],
  ['32.7.0', 'V', 'UL1'],
  ['52.7.0', 'V', 'UL2'],
  ['72.7.0', 'V', 'UL3'],
  ['1.8.0', 'Wh', 'A+'],
  ['2.8.0', 'Wh', 'A−'],
  ['3.8.0', 'varh', 'R+'],
  ['4.8.0', 'varh', 'R−'],
];
/** Quantities that cannot be negative (currents can be, on Aidon). */
const NON_NEGATIVE = new Set(['1.7.0', '2.7.0', '3.7.0', '4.7.0', '32.7.0', '52.7.0', '72.7.0', '1.8.0', '2.8.0', '3.8.0', '4.8.0']);

/** A hint for a value that is off by a power of ten: the most reported HAN bug (han.md §4 "Scaling ×10"). */
function scaleHint(value: number, ok: (v: number) => boolean): string {
  for (const f of [10, 100, 1000]) {
    if (ok(value / f)) return ` (÷${f} would fit: a scaling error?)`;
    if (ok(value * f)) return ` (×${f} would fit: a scaling error?)`;
  }
  return '';
}

const PHASES = [
  { n: 1, i: '31.7.0', u: '32.7.0' },
  { n: 2, i: '51.7.0', u: '52.7.0' },
  { n: 3, i: '71.7.0', u: '72.7.0' },
] as const;

function gs1CheckDigitOk(id: string): boolean {
  // GS1 General Specifications §7.9: weights 3, 1, 3, … from the digit left of the check digit.
  let sum = 0;
  for (let i = id.length - 2, w = 3; i >= 0; i--, w = 4 - w) sum += Number(id[i]) * w;
  return (10 - (sum % 10)) % 10 === Number(id[id.length - 1]);
}

const LIST_VERSION_PREFIX: Readonly<Record<HanVendor, RegExp | undefined>> = {
  aidon: /^AIDON_V/,
  kaifa: /^KFM_/,
  kamstrup: /^Kamstrup_V/,
  generic: undefined,
};

/** The rules, in the order a report lists them. */
export const CONFORMANCE_RULES: readonly ConformanceRule[] = [
  {
    id: 'capture.vendor',
    description: 'Every frame decodes as the declared vendor, with that vendor\'s list version id',
    source: 'vendor documents (AIDON_V0001, KFM_001, Kamstrup_V0001); a Kaifa List 1 carries no id and may decode as generic',
    check: (ctx) => {
      if (ctx.frames.length === 0) return outcome('fail', 'the capture holds no readings');
      const wrong = ctx.frames.filter((f) => f.reading.vendor !== ctx.vendor && !(f.reading.vendor === 'generic' && f.reading.list === 1));
      const prefix = LIST_VERSION_PREFIX[ctx.vendor];
      const versions = new Set(ctx.frames.map((f) => listVersionOf(f.reading)).filter((v): v is string => v !== undefined));
      const badVersions = prefix ? [...versions].filter((v) => !prefix.test(v)) : [];
      const details = [`${ctx.frames.length} readings from ${iso(ctx.frames[0]?.receivedMs ?? 0)} to ${iso(ctx.frames.at(-1)?.receivedMs ?? 0)}`];
      if (versions.size > 0) details.push(`list version ${[...versions].join(', ')}`);
      if (wrong.length === 0 && badVersions.length === 0) return outcome('pass', ...details);
      return outcome(
        'fail',
        ...(wrong.length > 0 ? [`${wrong.length} frame(s) decoded as ${[...new Set(wrong.map((f) => f.reading.vendor))].join(', ')}, not ${ctx.vendor}`] : []),
        ...(badVersions.length > 0 ? [`list version ${badVersions.join(', ')} does not belong to ${ctx.vendor}`] : []),
        ...details,
      );
    },
  },
  {
    id: 'list1.cadence',
    description: 'List 1 (active power) every 2–2.5 s',
    source: 'NVE letter 27.06.2016 (every 2.5 s); Kaifa KFM_001 (2 s); Kamstrup exempt',
    check: (ctx) => {
      if (ctx.vendor === 'kamstrup') return outcome('not-applicable', 'Kamstrup is exempt from List 1; its 10 s list is List 2');
      const n = ofList(ctx, 1).length;
      if (n === 0) {
        return captureSpanS(ctx) >= 10
          ? outcome('fail', `no List 1 frame in ${round(captureSpanS(ctx), 0)} s of capture`)
          : outcome('not-applicable', 'capture shorter than 10 s without List 1');
      }
      if (n === 1) return outcome('not-applicable', 'only one List 1 frame');
      const [lo, hi] = ctx.tolerances.list1PeriodSeconds;
      const tol = ctx.tolerances.list1ToleranceSeconds;
      // Classify intervals by the meter's own period (Aidon 2.5 s, Kaifa 2 s); the period itself
      // must lie in the allowed range.
      const measured = adjacentIntervals(ctx, 1);
      const period = measured.length > 0 ? median(measured) : hi;
      return cadenceOutcome(ctx, 1, 'List 1', period, tol, (p) => p >= lo - tol && p <= hi + tol, `${lo}–${hi} s ± ${tol} s`);
    },
  },
  {
    id: 'list2.cadence',
    description: 'List 2 every 10 s',
    source: 'NVE letter 27.06.2016',
    check: (ctx) => {
      const n = ofList(ctx, 2).length;
      if (n === 0) {
        return captureSpanS(ctx) >= 2 * ctx.tolerances.list2PeriodSeconds
          ? outcome('fail', `no List 2 frame in ${round(captureSpanS(ctx), 0)} s of capture`)
          : outcome('not-applicable', 'capture too short to need a List 2');
      }
      if (n === 1) return outcome('not-applicable', 'only one List 2 frame');
      const p = ctx.tolerances.list2PeriodSeconds;
      const tol = ctx.tolerances.list2ToleranceSeconds;
      return cadenceOutcome(ctx, 2, 'List 2', p, tol, (m) => Math.abs(m - p) <= tol, `${p} s ± ${tol} s`);
    },
  },
  {
    id: 'list3.cadence',
    description: 'List 3 every hour, received at XX:00:00–XX:00:15',
    source: 'NVE letter 27.06.2016; Aidon/Kaifa push at XX:00:10, Kamstrup at XX:00:05 (han.md §2.4)',
    check: (ctx) => {
      const t = ctx.tolerances;
      const l3 = ofList(ctx, 3);
      const first = ctx.frames[0];
      const last = ctx.frames.at(-1);
      if (!first || !last) return outcome('not-applicable', 'no readings');
      const offsetS = (ms: number): number => (ms - Math.round(ms / 3_600_000) * 3_600_000) / 1000;
      const late = l3.filter((f) => {
        const o = offsetS(f.receivedMs);
        return o < -t.list3EarlySeconds || o > t.list3WindowSeconds;
      });
      // Whole hours the capture fully covers, window included; each needs a List 3 in its window.
      // One pass over the hours with a cursor into the (sorted) List 3 frames.
      let marks = 0;
      let missingCount = 0;
      const missingFirst: number[] = [];
      let cursor = 0;
      for (let h = Math.ceil(first.receivedMs / 3_600_000) * 3_600_000; h + t.list3WindowSeconds * 1000 <= last.receivedMs; h += 3_600_000) {
        marks++;
        const lo = h - t.list3EarlySeconds * 1000;
        while (cursor < l3.length && (l3[cursor] as CaptureFrame).receivedMs < lo) cursor++;
        const next = l3[cursor];
        if (next === undefined || next.receivedMs > h + t.list3WindowSeconds * 1000) {
          missingCount++;
          if (missingFirst.length < 3) missingFirst.push(h);
        }
      }
      if (marks === 0 && l3.length === 0) return outcome('not-applicable', 'the capture spans no whole hour');
      const details = [`${l3.length} List 3 frames, ${marks} whole hours in the capture`];
      const fails: string[] = [];
      if (late.length > 0) {
        const f = new Findings();
        for (const x of late) f.add(() => iso(x.receivedMs));
        fails.push(`List 3 received off the hour: ${f.text}`);
      }
      if (missingCount > 0) fails.push(`no List 3 for ${missingFirst.map(iso).join('; ')}${missingCount > 3 ? ` … (${missingCount} hours in all)` : ''}`);
      return { status: fails.length > 0 ? 'fail' : 'pass', details: [...fails, ...details] };
    },
  },
  {
    id: 'list3.clock-advances',
    description: 'Each List 3 carries a new meter clock, one hour per hour received (no repeated snapshot)',
    source: 'amsreader-firmware #1119 (Aidon resends the previous hour\'s clock and counters)',
    check: (ctx) => {
      const l3 = ofList(ctx, 3).filter((f) => f.reading.timestampSource === 'meter');
      if (l3.length < 2) return outcome('not-applicable', 'fewer than two List 3 frames with a meter clock');
      const problems = new Findings();
      for (let i = 1; i < l3.length; i++) {
        const a = l3[i - 1] as CaptureFrame;
        const b = l3[i] as CaptureFrame;
        const clockH = Math.round((Date.parse(b.reading.timestamp) - Date.parse(a.reading.timestamp)) / 3_600_000);
        const recvH = Math.round((b.receivedMs - a.receivedMs) / 3_600_000);
        if (clockH !== recvH) {
          const same = clockH === 0 ? ' (the same clock again: a repeated snapshot, amsreader #1119)' : '';
          problems.add(() => `List 3 received ${iso(b.receivedMs)} has clock ${b.reading.timestamp}, ${clockH} h after the previous one although ${recvH} h passed${same}`);
        }
      }
      return problems.count > 0 ? outcome('fail', problems.text) : outcome('pass', `${l3.length} List 3 clocks advance one hour per hour`);
    },
  },
  { id: 'list1.content', description: 'List 1 carries active power import P+', source: 'NVE letter 27.06.2016', check: contentRule(1) },
  {
    id: 'list2.content',
    description: 'List 2 carries list version, meter id and type, P±, Q±, I and U per phase',
    source: 'NVE letter 27.06.2016; IL2 absent on 3-wire meters (Aidon 6525, hass-AMS #37), only L1 on 1-phase',
    check: contentRule(2),
  },
  {
    id: 'list3.content',
    description: 'List 3 carries the List 2 objects plus the meter clock and A±, R±',
    source: 'NVE letter 27.06.2016',
    check: contentRule(3),
  },
  {
    id: 'clock.sane',
    description: 'Meter clock within the tolerance of the receive time, with the Oslo UTC offset of that instant',
    source: 'KFM_001 item 15 (local time of Norway, CET/CEST); DST and "one hour off" reports: amsreader #43, #884; amshan-homeassistant #55',
    check: (ctx) => {
      const clocked = ctx.frames.filter((f) => f.reading.timestampSource === 'meter');
      if (clocked.length === 0) return outcome('not-applicable', 'no frame carries a meter clock');
      const tol = ctx.tolerances.clockToleranceSeconds;
      const bad = new Findings();
      let worst = 0;
      for (const f of clocked) {
        const ts = f.reading.timestamp;
        const ms = Date.parse(ts);
        if (!Number.isFinite(ms)) {
          bad.add(() => `unparseable clock ${JSON.stringify(ts)}`);
          continue;
        }
        const m = /([+-])(\d{2}):(\d{2})$/.exec(ts);
        const given = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : /Z$/.test(ts) ? 0 : undefined;
        const oslo = osloOffsetMinutes(new Date(ms));
        if (given !== oslo) bad.add(() => `clock ${ts} does not carry the Oslo offset of its instant (UTC+${oslo / 60})`);
        const diff = (f.receivedMs - ms) / 1000;
        if (Math.abs(diff) > Math.abs(worst)) worst = diff;
        if (Math.abs(diff) > tol) {
          const hourOff = Math.abs(Math.abs(diff) - 3600) <= tol ? ': one hour off, a DST or UTC/local-time mix-up' : '';
          bad.add(() => `clock ${ts} is ${round(diff, 1)} s from receive time ${iso(f.receivedMs)}${hourOff}`);
        }
      }
      const summary = `${clocked.length} clocks checked; largest receive − clock difference ${round(worst, 1)} s (limit ±${tol} s)`;
      return bad.count > 0 ? outcome('fail', `${bad.count} problem(s): ${bad.text}`, summary) : outcome('pass', summary);
    },
  },
  {
    id: 'values.units',
    description: 'Every known quantity carries its SI unit and a finite value; powers, voltages and energies are not negative',
    source: 'NVE OBIS list; vendor scaling tables (han.md §2.3)',
    check: (ctx) => {
      const bad = new Map<string, number>();
      let checked = 0;
      for (const f of ctx.frames) {
        for (const [cde, unit, name] of UNITS) {
          const v = readingValue(f.reading, cde);
          if (v === undefined) continue;
          checked++;
          const problem =
            v.unit !== unit
              ? `${name} in '${v.unit}', expected '${unit}'`
              : !Number.isFinite(v.value)
                ? `${name} is not a finite number`
                : NON_NEGATIVE.has(cde) && v.value < 0
                  ? `${name} is negative`
                  : undefined;
          if (problem) bad.set(problem, (bad.get(problem) ?? 0) + 1);
        }
      }
      if (checked === 0) return outcome('not-applicable', 'no known quantities');
      return bad.size > 0
        ? outcome('fail', ...[...bad].map(([p, n]) => `${p} (${n}×)`))
        : outcome('pass', `${checked} values in their SI units`);
    },
  },
  {
    id: 'values.voltage',
    description: 'Voltages within 180–260 V (phase voltage; line-line on IT meters; U2 = 0 allowed on IT)',
    source: 'EN 50160 (230 V ± 10 %, with margin); Kaifa IT meters send U2 = 0 (han.md §3)',
    check: (ctx) => {
      const [lo, hi] = ctx.tolerances.voltageRangeV;
      const inRange = (v: number): boolean => v >= lo && v <= hi;
      const bad = new Findings();
      let checked = 0;
      for (const f of ctx.frames) {
        for (const p of PHASES) {
          const u = numericValue(f.reading, p.u, 'V');
          if (u === undefined) continue;
          checked++;
          if (u === 0 && ((ctx.topology.phases === '3P3W' && p.n === 2) || (ctx.topology.phases === '1P' && p.n > 1))) continue;
          if (!inRange(u)) bad.add(() => `UL${p.n} ${u} V at ${iso(f.receivedMs)}${scaleHint(u, inRange)}`);
        }
      }
      if (checked === 0) return outcome('not-applicable', 'no voltages in the capture');
      return bad.count > 0 ? outcome('fail', `${bad.count} of ${checked} voltages outside ${lo}–${hi} V: ${bad.text}`) : outcome('pass', `${checked} voltages within ${lo}–${hi} V`);
    },
  },
  {
    id: 'values.current',
    description: 'Currents not negative (Aidon sends signed currents) and within a direct meter\'s rating',
    source: 'Aidon v1.1A (int16 currents, negatives seen on Swedish Aidon, han.md §2.2); Kaifa mA and Kamstrup 0.01 A scaling (han.md §2.3)',
    check: (ctx) => {
      const maxA = ctx.tolerances.maxCurrentA;
      const signed = ctx.vendor === 'aidon';
      const bad = new Findings();
      let checked = 0;
      for (const f of ctx.frames) {
        for (const p of PHASES) {
          const i = numericValue(f.reading, p.i, 'A');
          if (i === undefined) continue;
          checked++;
          if (i < 0 && !signed) bad.add(() => `IL${p.n} ${i} A (negative) at ${iso(f.receivedMs)}`);
          else if (!ctx.topology.ct && Math.abs(i) > maxA) bad.add(() => `IL${p.n} ${i} A at ${iso(f.receivedMs)}${scaleHint(Math.abs(i), (v) => v <= maxA && v >= 0.01)}`);
        }
      }
      if (checked === 0) return outcome('not-applicable', 'no currents in the capture');
      const notes = [
        signed ? 'Aidon currents are signed; negatives accepted' : 'currents must not be negative',
        ctx.topology.ct ? 'CT meter: no upper bound' : `upper bound ${maxA} A`,
      ];
      return bad.count > 0 ? outcome('fail', `${bad.count} of ${checked} currents implausible: ${bad.text}`, ...notes) : outcome('pass', `${checked} currents plausible`, ...notes);
    },
  },
  {
    id: 'values.power',
    description: 'Active and reactive power agree with voltage × current per phase, and stay within a direct meter\'s rating',
    source: 'S = √(P² + Q²) ≈ Σ U·I (4-wire, 1-phase); between ½ and 1 × Σ U·I on 3-wire meters (Aron connection)',
    check: (ctx) => {
      const t = ctx.tolerances;
      const bad = new Findings();
      let checked = 0;
      for (const f of ctx.frames) {
        const r = f.reading;
        const pq = ['1.7.0', '2.7.0', '3.7.0', '4.7.0'].map((c) => numericValue(r, c, c.startsWith('1.') || c.startsWith('2.') ? 'W' : 'var'));
        if (!ctx.topology.ct) {
          const over = pq.filter((v): v is number => v !== undefined && v > t.maxPowerW);
          if (over.length > 0) bad.add(() => `${over.join(', ')} W/var above ${t.maxPowerW} at ${iso(f.receivedMs)}`);
        }
        if (pq.some((v) => v === undefined)) continue;
        const [pp, pm, qp, qm] = pq as [number, number, number, number];
        let ui = 0;
        let pairs = 0;
        for (const p of PHASES) {
          const u = numericValue(r, p.u, 'V');
          const i = numericValue(r, p.i, 'A');
          if (u === undefined || i === undefined) continue;
          ui += Math.abs(u * i);
          pairs++;
        }
        if (pairs === 0) continue;
        checked++;
        const s = Math.hypot(pp + pm, qp + qm);
        const hiUi = ui;
        const loUi = ctx.topology.phases === '3P3W' ? ui / 2 : ui;
        const ok = s <= hiUi * t.powerRatioTolerance + t.powerSlackVA && s >= loUi / t.powerRatioTolerance - t.powerSlackVA;
        if (!ok) bad.add(() => `S ${round(s, 0)} VA vs Σ U·I ${round(ui, 0)} VA at ${iso(f.receivedMs)}`);
      }
      if (checked === 0 && bad.count === 0) return outcome('not-applicable', 'no frame carries power, currents and voltages together');
      const fails = bad.count > t.maxImplausibleFraction * Math.max(checked, 1);
      const summary = `${checked} frames compared (ratio ${t.powerRatioTolerance}, slack ${t.powerSlackVA} VA; ${ctx.topology.phases === '3P3W' ? '3-wire: ½–1 × Σ U·I' : 'Σ U·I'})`;
      return bad.count > 0 ? outcome(fails ? 'fail' : 'pass', `${bad.count} implausible: ${bad.text}`, summary) : outcome('pass', summary);
    },
  },
  {
    id: 'meter-id.gs1',
    description: 'The meter id is a 16-digit GS1 number with a valid check digit',
    source: 'NVE letter 27.06.2016 (meter id, GS1); GS1 General Specifications §7.9 (check digit)',
    check: (ctx) => {
      const ids = new Set(ctx.frames.map((f) => f.reading.meterId).filter((v): v is string => v !== undefined));
      if (ids.size === 0) return outcome('not-applicable', 'no frame carries a meter id');
      const bad = [...ids].filter((id) => !/^\d{16}$/.test(id) || !gs1CheckDigitOk(id));
      return bad.length > 0
        ? outcome('fail', ...bad.map((id) => (/^\d{16}$/.test(id) ? `${id}: GS1 check digit wrong` : `${JSON.stringify(id)} is not 16 digits`)))
        : outcome('pass', `meter id ${[...ids].join(', ')}`);
    },
  },
  {
    id: 'meter-id.stable',
    description: 'Meter id, meter type and list version stay the same through the capture',
    source: 'NVE letter 27.06.2016; a changing id means a decoding error or a second meter on the line',
    check: (ctx) => {
      const fields = [
        ['meter id', (r: HanReading) => r.meterId],
        ['meter type', (r: HanReading) => r.meterType],
        ['list version', listVersionOf],
      ] as const;
      const details: string[] = [];
      let seen = false;
      let fail = false;
      for (const [name, get] of fields) {
        const values = new Set(ctx.frames.map((f) => get(f.reading)).filter((v): v is string => v !== undefined));
        if (values.size > 0) seen = true;
        if (values.size > 1) {
          fail = true;
          details.push(`${values.size} different ${name}s: ${[...values].join(', ')}`);
        }
      }
      if (!seen) return outcome('not-applicable', 'no frame carries an id, type or list version');
      return fail ? outcome('fail', ...details) : outcome('pass', 'meter id, type and list version are stable');
    },
  },
  {
    id: 'counters.monotonic',
    description: 'The cumulative registers A+, A−, R+, R− never decrease from one List 3 to the next',
    source: 'IEC 62056-6-2 energy registers are cumulative; resets corrupt hourly values (amsreader #690)',
    check: (ctx) => {
      const l3 = ofList(ctx, 3);
      if (l3.length < 2) return outcome('not-applicable', 'fewer than two List 3 frames');
      const regs = UNITS.filter(([cde]) => cde.endsWith('.8.0'));
      const bad = new Findings();
      for (const [cde, unit, name] of regs) {
        let prev: { v: number; ms: number } | undefined;
        for (const f of l3) {
          const v = numericValue(f.reading, cde, unit);
          if (v === undefined) continue;
          const before = prev;
          if (before && v < before.v) bad.add(() => `${name} fell from ${before.v} to ${v} ${unit} at ${iso(f.receivedMs)}`);
          prev = { v, ms: f.receivedMs };
        }
      }
      return bad.count > 0 ? outcome('fail', bad.text) : outcome('pass', `${l3.length} List 3 frames, registers never decrease`);
    },
  },
];
