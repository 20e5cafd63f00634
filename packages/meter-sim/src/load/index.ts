/**
 * A seeded, deterministic load model for Norwegian meters: electrically heated houses that follow
 * a synthetic outdoor temperature, flats, holiday cabins, prosumers with PV, small businesses; EV
 * charging, water heater cycles, weekends and holidays; on the Oslo calendar with its 23- and
 * 25-hour days. Every value is computed on demand from the meter's parameters: interval energy
 * (PT15M sums exactly to PT60M), cumulative registers (always the sum of the intervals) and
 * instantaneous values for the HAN lists.
 */
export { ARCHETYPE_SHARES, LOAD_ARCHETYPES, loadProfileParams } from './params.ts';
export type { EnergyQuantities, LoadArchetype, LoadProfileOptions, LoadProfileParams } from './params.ts';
export { clearLoadCaches, cumulativeRegisters, dayIntervalEnergies, installInstant, intervalEnergy } from './energy.ts';
export type { DayInterval, IntervalEnergy, LoadSubject, RegisterValues } from './energy.ts';
export { instantaneous } from './instantaneous.ts';
export type { InstantaneousValues } from './instantaneous.ts';
export { DEFAULT_WEATHER_SEED, WEATHER, outdoorTemperature, solarElevation } from './weather.ts';
export type { TemperatureOptions } from './weather.ts';
export { LoadModelError } from './load-error.ts';
export type { LoadModelErrorCode } from './load-error.ts';
