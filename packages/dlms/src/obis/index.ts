export { formatObis, isObis, obisFromBytes, obisFromGroups, obisGroups, obisToBytes, parseObis } from './obis.ts';
export type { Obis, ObisGroups, ObisStyle } from './obis.ts';
export { COSEM_UNITS, scaledDecimal, scaledValue, unitFromCode } from './units.ts';
export type { CosemUnit } from './units.ts';
export { describeObis } from './registry.ts';
export type { ObisDescription } from './registry.ts';
