export { DATA_TAG } from './data.ts';
export type { DlmsData, DlmsDataType, TypeDescription } from './data.ts';
export { decodeData, decodeDataBytes, encodeData, encodeDataBytes } from './codec.ts';
export {
  cosemDateTimeFromDate,
  cosemDateTimeToDate,
  dataAsDateTime,
  decodeClockStatus,
  decodeCosemDate,
  decodeCosemDateTime,
  decodeCosemTime,
  encodeCosemDate,
  encodeCosemDateTime,
  encodeCosemTime,
} from './cosem-datetime.ts';
export type { ClockStatus, CosemDate, CosemDateTime, CosemTime } from './cosem-datetime.ts';
