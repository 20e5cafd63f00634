/**
 * The grid company's check of a meter's HAN output (issue 3: `openams han conformance --file
 * <capture> --vendor <v>`; the security guide asks grid companies to document and test the HAN
 * port, B.12.2): decoded readings with their receive times in, one pass / fail / not-applicable
 * result per rule of {@link CONFORMANCE_RULES} out.
 */
import { toOsloIso } from '@openams/core';
import { HanError } from '../errors/index.ts';
import type { HanReading, HanVendor } from '../reading/index.ts';
import { DEFAULT_CONFORMANCE_TOLERANCES, CONFORMANCE_RULES } from './rules.ts';
import type { CaptureFrame, ConformanceTolerances, RuleStatus } from './rules.ts';
import { detectTopology } from './topology.ts';
import type { MeterPhases, MeterTopology } from './topology.ts';

/** One decoded reading of a capture and when it arrived. */
export interface CapturedReading {
  readonly reading: HanReading;
  readonly receivedAt: Date;
}

/** Options of {@link checkHanConformance}. */
export interface ConformanceOptions {
  /** The vendor the meter is declared to be. */
  readonly vendor: HanVendor;
  /** The phase layout, when the meter type does not tell (or to override it). */
  readonly phases?: MeterPhases;
  /** Thresholds; unset ones take {@link DEFAULT_CONFORMANCE_TOLERANCES}. */
  readonly tolerances?: Partial<ConformanceTolerances>;
  /** Run only these rule ids (default: all). */
  readonly rules?: readonly string[];
}

/** The result of one rule. */
export interface ConformanceResult {
  readonly rule: string;
  readonly description: string;
  readonly status: RuleStatus;
  readonly details: readonly string[];
}

/** The whole report. */
export interface ConformanceReport {
  readonly vendor: HanVendor;
  readonly topology: MeterTopology;
  readonly readings: number;
  /** First and last receive time, ISO with the Oslo offset. */
  readonly from?: string;
  readonly to?: string;
  readonly results: readonly ConformanceResult[];
  /** True when no rule failed. */
  readonly passed: boolean;
  readonly counts: { readonly pass: number; readonly fail: number; readonly notApplicable: number };
}

const VENDORS: readonly HanVendor[] = ['aidon', 'kaifa', 'kamstrup', 'generic'];
const PHASE_LAYOUTS: readonly MeterPhases[] = ['1P', '3P3W', '3P4W'];

/** The rule table without its code, for `--help` and documentation. */
export function listConformanceRules(): { readonly id: string; readonly description: string; readonly source: string }[] {
  return CONFORMANCE_RULES.map(({ id, description, source }) => ({ id, description, source }));
}

function resolveTolerances(partial: Partial<ConformanceTolerances> | undefined): ConformanceTolerances {
  const t: ConformanceTolerances = { ...DEFAULT_CONFORMANCE_TOLERANCES, ...partial };
  const bad: string[] = [];
  for (const [key, v] of Object.entries(t) as [keyof ConformanceTolerances, unknown][]) {
    const values = Array.isArray(v) ? (v as unknown[]) : [v];
    if (values.some((x) => typeof x !== 'number' || !Number.isFinite(x) || x < 0)) bad.push(key);
  }
  const [l1lo, l1hi] = t.list1PeriodSeconds;
  const [ulo, uhi] = t.voltageRangeV;
  if (t.list1PeriodSeconds.length !== 2 || !(l1lo > 0 && l1lo <= l1hi)) bad.push('list1PeriodSeconds');
  if (t.voltageRangeV.length !== 2 || !(ulo < uhi)) bad.push('voltageRangeV');
  if (!(t.list2PeriodSeconds > 0)) bad.push('list2PeriodSeconds');
  if (!(t.powerRatioTolerance >= 1)) bad.push('powerRatioTolerance');
  if (bad.length > 0) throw new HanError('INVALID_VALUE', `conformance tolerances out of range: ${[...new Set(bad)].join(', ')}`);
  return t;
}

/**
 * Checks a capture against every rule (or the `rules` chosen). The readings are sorted by
 * receive time first (a stable sort, so equal times keep capture order). Throws `HanError`
 * `INVALID_VALUE` for an unknown vendor, phase layout or rule id, out-of-range tolerances, or an
 * entry that is not `{ reading, receivedAt }` with a valid date.
 *
 * @example
 * const report = checkHanConformance(captured, { vendor: 'aidon' });
 * for (const r of report.results) console.log(r.status, r.rule, r.details.join('; '));
 */
export function checkHanConformance(readings: readonly CapturedReading[], options: ConformanceOptions): ConformanceReport {
  if (!Array.isArray(readings)) throw new HanError('INVALID_VALUE', 'checkHanConformance: readings must be an array');
  if (typeof options !== 'object' || options === null || !VENDORS.includes(options.vendor)) {
    throw new HanError('INVALID_VALUE', `checkHanConformance: vendor must be one of ${VENDORS.join(', ')}`);
  }
  if (options.phases !== undefined && !PHASE_LAYOUTS.includes(options.phases)) {
    throw new HanError('INVALID_VALUE', `checkHanConformance: phases must be one of ${PHASE_LAYOUTS.join(', ')}`);
  }
  const known = new Set(CONFORMANCE_RULES.map((r) => r.id));
  const unknown = (options.rules ?? []).filter((id) => !known.has(id));
  if (unknown.length > 0) throw new HanError('INVALID_VALUE', `checkHanConformance: unknown rule(s) ${unknown.join(', ')}`);
  const tolerances = resolveTolerances(options.tolerances);

  const frames: CaptureFrame[] = readings.map((entry, index) => {
    const e = entry as Partial<CapturedReading> | null;
    const r = e?.reading as Partial<HanReading> | undefined;
    if (typeof r !== 'object' || r === null || typeof r.timestamp !== 'string' || typeof r.obis !== 'object' || r.obis === null) {
      throw new HanError('INVALID_VALUE', `checkHanConformance: entry ${index} holds no reading`);
    }
    const ms = e?.receivedAt instanceof Date ? e.receivedAt.getTime() : Number.NaN;
    if (!Number.isFinite(ms)) throw new HanError('INVALID_VALUE', `checkHanConformance: entry ${index} has no valid receivedAt`);
    return { reading: r as HanReading, receivedMs: ms, index };
  });
  frames.sort((a, b) => a.receivedMs - b.receivedMs || a.index - b.index);

  const topology = detectTopology(
    options.vendor,
    frames.map((f) => f.reading),
    options.phases,
  );
  const ctx = { vendor: options.vendor, topology, tolerances, frames };
  const chosen = options.rules ? CONFORMANCE_RULES.filter((r) => options.rules?.includes(r.id)) : CONFORMANCE_RULES;
  const results: ConformanceResult[] = chosen.map((rule) => {
    const o = rule.check(ctx);
    return { rule: rule.id, description: rule.description, status: o.status, details: o.details };
  });
  const count = (s: RuleStatus): number => results.filter((r) => r.status === s).length;
  const first = frames[0];
  const last = frames.at(-1);
  return {
    vendor: options.vendor,
    topology,
    readings: frames.length,
    ...(first && last ? { from: toOsloIso(new Date(first.receivedMs)), to: toOsloIso(new Date(last.receivedMs)) } : {}),
    results,
    passed: count('fail') === 0,
    counts: { pass: count('pass'), fail: count('fail'), notApplicable: count('not-applicable') },
  };
}
