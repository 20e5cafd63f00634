/**
 * The faults real fleets have (issue 4, domain.md §1), deterministic from the fleet seed:
 * `FaultPlan` says which meter fails how and when (communication loss, never-communicating
 * meters, concentrator outages, head-end drops, main fuse off, clock drift and DST glitches,
 * missing/duplicate/corrupt profile entries, tamper events, clones, failing firmware activation,
 * slow links); `applyMeterTraits`/`applyMeterEvents`, `withProfileFaults` and the link wrappers
 * put them into a meter. `DEFAULT_FAULTS` reproduces the published rates.
 */
export { DEFAULT_FAULTS, NO_FAULTS, checkFaultConfig, faultConfigProblems, parseFaultConfig } from './config.ts';
export type { FaultConfig, MissingValueCause, Range } from './config.ts';
export { FaultConfigError } from './errors.ts';
export type { FaultConfigErrorCode } from './errors.ts';
export { FaultPlan, dstChanges, faultRates, lastDstChange } from './plan.ts';
export type { EntryFault, FaultEpisode, FaultRates, LinkDownCause, MeterFaultEvent, MeterFaultTraits } from './plan.ts';
export { FAULT_KINDS, PinnableClock, applyMeterEvents, applyMeterTraits } from './apply.ts';
export type { FaultCounter, FaultKind } from './apply.ts';
export { withProfileFaults } from './profile-faults.ts';
export { DroppingLink, ForwardingTransport, SlowLink } from './link.ts';
export { hashText, mix, uniform } from './hash.ts';
