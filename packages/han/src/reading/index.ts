export { isHanNumber } from './reading.ts';
export type { DottedObis, HanList, HanNumber, HanReading, HanText, HanUnit, HanValue, HanVendor } from './reading.ts';
