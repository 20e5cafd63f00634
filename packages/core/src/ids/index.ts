export { appendGs1CheckDigit, gs1CheckDigit } from './gs1.ts';
export {
  GSRN_LENGTH,
  MAX_METERING_POINT_SEQUENCE,
  NORWEGIAN_GSRN_PREFIX,
  isMeteringPointId,
  meteringPointIdFromSequence,
  meteringPointSequence,
  parseMeteringPointId,
} from './metering-point-id.ts';
export type { MeteringPointId } from './metering-point-id.ts';
export { GLN_LENGTH, glnFromPayload, isGln, parseGln } from './gln.ts';
export type { Gln } from './gln.ts';
