import type { MeterIdentity } from '../identity/index.ts';

/**
 * The four energy registers of a meter (Blue Book OBIS C = 1, 2, 3, 4; D = 8): active import
 * A+ and export A− in Wh, reactive import R+ and export R− in varh. Integers, cumulative since
 * the meter was made; they only ever grow.
 */
export interface EnergyRegisters {
  readonly activeImportWh: number;
  readonly activeExportWh: number;
  readonly reactiveImportVarh: number;
  readonly reactiveExportVarh: number;
}

/** Instantaneous power in the same four quadrant groups (OBIS D = 7): W and var, integers ≥ 0. */
export interface PowerValues {
  readonly activeImportW: number;
  readonly activeExportW: number;
  readonly reactiveImportVar: number;
  readonly reactiveExportVar: number;
}

/**
 * Where a virtual meter's measurements come from: the load model, injected so the COSEM objects
 * can be tested with a simple deterministic fake and the fleet plugs in the seeded household
 * model. Both calls must be pure functions of (meter, instant), cheap, and consistent: the
 * energy between two instants is the difference of `cumulativeRegisters` (so the registers always
 * equal the sum of the profile deltas). The field names are those of `load/` (`EnergyQuantities`,
 * `InstantaneousValues`), so its `cumulativeRegisters` and `instantaneous` fit as they are. The meter itself removes the energy of the periods its
 * supply was off (breaker open, main fuse off), so a source never needs to know about those.
 */
export interface MeterDataSource {
  /** The cumulative registers at `instant` (true time, not the meter's possibly wrong clock). */
  cumulativeRegisters(meter: MeterIdentity, instant: Date): EnergyRegisters;
  /** The power drawn or fed in at `instant`, as the limiter and the 1-0:x.7.0 registers see it. */
  instantaneous(meter: MeterIdentity, instant: Date): PowerValues;
}
