export { QUANTITIES, QUANTITY_KINDS, isQuantityKind, quantityKindFromCim } from './quantity.ts';
export type { CimQuantityCodes, QuantityDefinition, QuantityKind } from './quantity.ts';
export { RESOLUTIONS, isResolution, parseResolution, resolutionMillis, resolutionMinutes } from './resolution.ts';
export type { Resolution } from './resolution.ts';
export { QUALITIES, QUALITY_CODES, isQuality, qualityFromCim, qualityFromEbix, qualityToCim, qualityToEbix } from './quality.ts';
export type { CimQualityCode, EbixQualityCode, Quality, QualityDefinition } from './quality.ts';
