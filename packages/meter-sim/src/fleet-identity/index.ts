/**
 * The virtual fleet's meters, one by one: `generateMeterIdentity(seed, index)` computes meter
 * `index` of a fleet from its seed on demand (vendor, phases, GS1 serial, FLAG system title,
 * metering-point id, firmware, unique keys), so a fleet of 100,000 stores nothing per meter.
 */
export { DEFAULT_PHASE_SHARES, DEFAULT_VENDOR_SHARES, MAX_FLEET_SIZE, generateMeterIdentity, meterIdentities } from './fleet-identity.ts';
export type { MeterIdentityOptions, ShareTable } from './fleet-identity.ts';
export { VENDOR_PROFILES } from './vendors.ts';
export type { VendorProfile } from './vendors.ts';
export { FleetIdentityError } from './fleet-identity-error.ts';
export type { FleetIdentityErrorCode } from './fleet-identity-error.ts';
