import type { MeterDataSource } from '../cosem/index.ts';
import { cumulativeRegisters, instantaneous } from '../load/index.ts';

/**
 * The seeded Norwegian load model (`load/`) as the meters' data source: registers and
 * instantaneous power computed on demand from the identity, never stored. The model caches its
 * parameters per identity object, so a fleet keeps one identity object per live meter.
 */
export const LOAD_MODEL_SOURCE: MeterDataSource = Object.freeze({ cumulativeRegisters, instantaneous });
