/**
 * Derived values households ask for: hourly energy from List 3 (booked to the hour that ended by
 * the meter clock), the running month's capacity-tariff basis and step, and the current hour's
 * projection from List 1/2 power.
 */
export { DEFAULT_HOURLY_ENERGY_OPTIONS, HourlyEnergyTracker, isMeasuredHour } from './hourlyEnergy.ts';
export type { HourlyEnergy, HourlyEnergyEvent, HourlyEnergyOptions, MeasuredHour, SnapshotSkipReason, SnapshotSkipped } from './hourlyEnergy.ts';
export { CapacityTariffTracker, DEFAULT_CAPACITY_STEPS, capacityByMonth } from './capacityTariff.ts';
export type {
  CapacityAddResult,
  CapacityStep,
  CapacityStepResult,
  CapacityTariffOptions,
  ExcludedPeriod,
  HourLimit,
  MonthlyCapacity,
  PeakDay,
} from './capacityTariff.ts';
export { DEFAULT_HOUR_PROJECTOR_OPTIONS, HourProjector } from './projection.ts';
export type { HourLimitSource, HourProjection, HourProjectorOptions, IntegratedHour, ProjectionQuery } from './projection.ts';
export { numericValue, readingValue } from './values.ts';
