export type { MeterIdentity, MeterKeys, MeterPhases, MeterVendor } from './meter-identity.ts';
