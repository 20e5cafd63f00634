/**
 * The HAN conformance check: a grid company feeds a capture of a meter's HAN output (decoded
 * readings with receive times) and gets pass / fail / not-applicable per rule: list cadence,
 * required OBIS objects per list, clock, units and magnitudes, meter id, counters.
 */
export { checkHanConformance, listConformanceRules } from './check.ts';
export type { CapturedReading, ConformanceOptions, ConformanceReport, ConformanceResult } from './check.ts';
export { CONFORMANCE_RULES, DEFAULT_CONFORMANCE_TOLERANCES } from './rules.ts';
export type { CaptureFrame, ConformanceRule, ConformanceTolerances, RuleContext, RuleOutcome, RuleStatus } from './rules.ts';
export { detectTopology, topologyFromMeterType } from './topology.ts';
export type { MeterPhases, MeterTopology } from './topology.ts';
