import { FaultConfigError } from './errors.ts';

/** The causes of values that fail to arrive, as RME's status report counts them (domain.md §1). */
export type MissingValueCause = 'signal' | 'meter' | 'concentrator' | 'headEnd' | 'other';

/** A closed range `[min, max]`. */
export type Range = readonly [min: number, max: number];

/**
 * How faulty a fleet is. Every rate is a share (0–1) and every fault is drawn deterministically
 * from the fleet seed (`FaultPlan`), so two runs with the same seed and configuration fail in the
 * same places at the same times. `DEFAULT_FAULTS` reproduces domain.md §1; `NO_FAULTS` switches
 * everything off. A JSON file for `openams sim --faults` holds any subset of these fields
 * (`parseFaultConfig`), the rest taken from the defaults.
 */
export interface FaultConfig {
  /** Share of a day's values that do not reach the head-end (domain.md §1: about 1.3 %). */
  readonly missingValueShare: number;
  /**
   * How the missing values split by cause (domain.md §1: signal 50 %, meter 10 %, concentrator
   * 4 %, head-end 8 %, other 28 %). Weights, normalised to sum to 1 (RME's add up to 100 %).
   */
  readonly causes: Readonly<Record<MissingValueCause, number>>;
  /**
   * Share of meters that never communicate (domain.md §1: ~12,800 of 3.24 M ≈ 0.4 %). Their values
   * are missing every day, so they count inside the signal share: transient signal loss covers
   * what is left of it.
   */
  readonly neverCommunicatingShare: number;
  /** Weights of signal-loss episode lengths: one 15-minute interval, 1–12 hours, 1–4 days. */
  readonly signalLossLengths: { readonly interval: number; readonly hours: number; readonly days: number };
  /** Meters behind one concentrator (consecutive indexes): a concentrator outage takes them all offline. */
  readonly metersPerConcentrator: number;
  /** Length of a concentrator outage, hours. */
  readonly concentratorOutageHours: Range;
  /** Weights of main-fuse-off lengths: 1–24 hours, or 1–14 days (a cabin closed for the season). */
  readonly powerOffLengths: { readonly hours: number; readonly days: number };
  /** Share of sessions the head-end side drops is derived from `causes.headEnd`; the drop comes after this many answers. */
  readonly headEndDropAfterAnswers: Range;
  /** Share of meters whose clock drifts, and how much (ppm, either sign). A quartz RTC is good to about 20 ppm. */
  readonly clockDriftShare: number;
  readonly clockDriftPpm: Range;
  /** Share of meters that miss DST changes: their clock is an hour off after each change until a head-end sets it. */
  readonly dstGlitchShare: number;
  /** Per load-profile entry: served twice, or with a corrupted energy value (a flipped bit). */
  readonly duplicateEntryShare: number;
  readonly corruptEntryShare: number;
  /** Tamper events per meter and year: terminal cover opened (events 40/41), strong magnetic field (42/43). */
  readonly coverOpenPerMeterYear: number;
  readonly magneticFieldPerMeterYear: number;
  /** Share of meters that have a clone (a second device with the same system title and keys), and meters forced to. */
  readonly cloneShare: number;
  readonly cloneIndexes: readonly number[];
  /** Share of meters whose next firmware activation fails (image_activate: activation failed). */
  readonly firmwareActivationFailureShare: number;
  /** Share of meters on slow links (PLC, radio mesh, poor 4G), their round-trip latency (ms) and bandwidth (bit/s). */
  readonly slowLinkShare: number;
  readonly slowLinkLatencyMs: Range;
  readonly slowLinkBitsPerSecond: Range;
  /**
   * What a head-end sees when it dials an unreachable meter: `silent` (no answer; its request
   * times out, as with a 4G module out of coverage) or `close` (the link is closed at once, as a
   * gateway without a route does). Silent links are closed after `unreachableHoldMs`.
   */
  readonly unreachable: 'silent' | 'close';
  readonly unreachableHoldMs: number;
}

/** The fault mix of domain.md §1 and the assumptions documented on each field. */
export const DEFAULT_FAULTS: FaultConfig = Object.freeze({
  missingValueShare: 0.013,
  causes: Object.freeze({ signal: 0.5, meter: 0.1, concentrator: 0.04, headEnd: 0.08, other: 0.28 }),
  neverCommunicatingShare: 12_800 / 3_240_000,
  signalLossLengths: Object.freeze({ interval: 0.5, hours: 0.4, days: 0.1 }),
  metersPerConcentrator: 250,
  concentratorOutageHours: Object.freeze([1, 8] as const),
  powerOffLengths: Object.freeze({ hours: 0.8, days: 0.2 }),
  headEndDropAfterAnswers: Object.freeze([1, 3] as const),
  clockDriftShare: 0.02,
  clockDriftPpm: Object.freeze([20, 200] as const),
  dstGlitchShare: 0.001,
  duplicateEntryShare: 0.0001,
  corruptEntryShare: 0.0001,
  coverOpenPerMeterYear: 0.02,
  magneticFieldPerMeterYear: 0.005,
  cloneShare: 0.00001,
  cloneIndexes: Object.freeze([]),
  firmwareActivationFailureShare: 0.01,
  slowLinkShare: 0.03,
  slowLinkLatencyMs: Object.freeze([300, 3000] as const),
  slowLinkBitsPerSecond: Object.freeze([2400, 19_200] as const),
  unreachable: 'silent',
  unreachableHoldMs: 60_000,
});

/** No faults at all: every meter reachable, every entry present, every clock right. */
export const NO_FAULTS: FaultConfig = Object.freeze({
  ...DEFAULT_FAULTS,
  missingValueShare: 0,
  neverCommunicatingShare: 0,
  clockDriftShare: 0,
  dstGlitchShare: 0,
  duplicateEntryShare: 0,
  corruptEntryShare: 0,
  coverOpenPerMeterYear: 0,
  magneticFieldPerMeterYear: 0,
  cloneShare: 0,
  firmwareActivationFailureShare: 0,
  slowLinkShare: 0,
});

type Problems = string[];

function share(p: Problems, name: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) p.push(`${name} must be a number in 0..1, got ${JSON.stringify(v)}`);
}

function nonNegative(p: Problems, name: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) p.push(`${name} must be a number ≥ 0, got ${JSON.stringify(v)}`);
}

function range(p: Problems, name: string, v: unknown, min: number): void {
  if (!Array.isArray(v) || v.length !== 2 || v.some((x) => typeof x !== 'number' || !Number.isFinite(x) || x < min) || (v[0] as number) > (v[1] as number)) {
    p.push(`${name} must be [min, max] with ${min} ≤ min ≤ max, got ${JSON.stringify(v)}`);
  }
}

function weights(p: Problems, name: string, v: unknown, keys: readonly string[]): void {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    p.push(`${name} must be an object with ${keys.join(', ')}`);
    return;
  }
  const record = v as Record<string, unknown>;
  for (const k of Object.keys(record)) if (!keys.includes(k)) p.push(`${name}.${k} is not a known field (${keys.join(', ')})`);
  for (const k of keys) nonNegative(p, `${name}.${k}`, record[k]);
  if (keys.every((k) => record[k] === 0)) p.push(`${name} has no weight above 0`);
}

const CAUSES: readonly MissingValueCause[] = ['signal', 'meter', 'concentrator', 'headEnd', 'other'];

/** Every problem of `c`, one line each (empty when valid). */
export function faultConfigProblems(c: FaultConfig): string[] {
  const p: Problems = [];
  share(p, 'missingValueShare', c.missingValueShare);
  weights(p, 'causes', c.causes, CAUSES);
  share(p, 'neverCommunicatingShare', c.neverCommunicatingShare);
  weights(p, 'signalLossLengths', c.signalLossLengths, ['interval', 'hours', 'days']);
  if (!Number.isInteger(c.metersPerConcentrator) || c.metersPerConcentrator < 1) p.push(`metersPerConcentrator must be an integer ≥ 1, got ${JSON.stringify(c.metersPerConcentrator)}`);
  range(p, 'concentratorOutageHours', c.concentratorOutageHours, 0);
  weights(p, 'powerOffLengths', c.powerOffLengths, ['hours', 'days']);
  range(p, 'headEndDropAfterAnswers', c.headEndDropAfterAnswers, 0);
  share(p, 'clockDriftShare', c.clockDriftShare);
  range(p, 'clockDriftPpm', c.clockDriftPpm, 0);
  share(p, 'dstGlitchShare', c.dstGlitchShare);
  share(p, 'duplicateEntryShare', c.duplicateEntryShare);
  share(p, 'corruptEntryShare', c.corruptEntryShare);
  nonNegative(p, 'coverOpenPerMeterYear', c.coverOpenPerMeterYear);
  nonNegative(p, 'magneticFieldPerMeterYear', c.magneticFieldPerMeterYear);
  share(p, 'cloneShare', c.cloneShare);
  if (!Array.isArray(c.cloneIndexes) || c.cloneIndexes.some((i) => !Number.isInteger(i) || i < 0)) p.push(`cloneIndexes must be an array of meter indexes, got ${JSON.stringify(c.cloneIndexes)}`);
  share(p, 'firmwareActivationFailureShare', c.firmwareActivationFailureShare);
  share(p, 'slowLinkShare', c.slowLinkShare);
  range(p, 'slowLinkLatencyMs', c.slowLinkLatencyMs, 0);
  range(p, 'slowLinkBitsPerSecond', c.slowLinkBitsPerSecond, 1);
  if (c.unreachable !== 'silent' && c.unreachable !== 'close') p.push(`unreachable must be 'silent' or 'close', got ${JSON.stringify(c.unreachable)}`);
  nonNegative(p, 'unreachableHoldMs', c.unreachableHoldMs);
  if (p.length === 0 && c.duplicateEntryShare + c.corruptEntryShare > 1) p.push('duplicateEntryShare + corruptEntryShare must not exceed 1');
  return p;
}

/** Throws `FaultConfigError` INVALID_CONFIG listing every bad value, or returns `c`. */
export function checkFaultConfig(c: FaultConfig): FaultConfig {
  const problems = faultConfigProblems(c);
  if (problems.length > 0) throw new FaultConfigError('INVALID_CONFIG', `the fault configuration is invalid:\n- ${problems.join('\n- ')}`, problems);
  return c;
}

const FIELDS = Object.keys(DEFAULT_FAULTS) as (keyof FaultConfig)[];

/**
 * A fault configuration from JSON text: any subset of `FaultConfig`'s fields over `base`
 * (default `DEFAULT_FAULTS`); nested weight objects (`causes`, …) merge field by field. Throws
 * `FaultConfigError`: INVALID_JSON, or INVALID_CONFIG listing every unknown field and bad value.
 */
export function parseFaultConfig(json: string, base: FaultConfig = DEFAULT_FAULTS): FaultConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new FaultConfigError('INVALID_JSON', `the fault configuration is not JSON: ${e instanceof Error ? e.message : String(e)}`, []);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new FaultConfigError('INVALID_CONFIG', 'the fault configuration must be a JSON object', ['not an object']);
  const input = raw as Record<string, unknown>;
  const unknown = Object.keys(input).filter((k) => !(FIELDS as string[]).includes(k));
  const merged: Record<string, unknown> = { ...base };
  for (const k of FIELDS) {
    if (!(k in input)) continue;
    const v = input[k];
    const b = base[k];
    merged[k] = typeof b === 'object' && !Array.isArray(b) && typeof v === 'object' && v !== null && !Array.isArray(v) ? { ...b, ...v } : v;
  }
  const config = merged as unknown as FaultConfig;
  const problems = [...unknown.map((k) => `${k} is not a known field`), ...faultConfigProblems(config)];
  if (problems.length > 0) throw new FaultConfigError('INVALID_CONFIG', `the fault configuration is invalid:\n- ${problems.join('\n- ')}`, problems);
  return config;
}
