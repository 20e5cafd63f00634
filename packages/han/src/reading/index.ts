export type { DottedObis, HanList, HanReading, HanUnit, HanValue, HanVendor } from './reading.ts';
