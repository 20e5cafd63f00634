export { crc16x25 } from './crc16.ts';
export { decodeHdlcAddress, encodeHdlcAddress, serverAddress } from './address.ts';
export type { HdlcAddress } from './address.ts';
export { decodeHdlcControl, encodeHdlcControl } from './control.ts';
export type { HdlcControl, HdlcControlType } from './control.ts';
export { HDLC_FLAG, HDLC_MAX_FRAME_LENGTH, decodeHdlcFrame, encodeHdlcFrame } from './frame.ts';
export type { HdlcFrame } from './frame.ts';
export { stripLlc, addLlc, requireLlc } from './llc.ts';
export type { LlcDirection } from './llc.ts';
export {
  HDLC_DEFAULT_PARAMETERS,
  decodeHdlcParameters,
  encodeHdlcParameters,
  effectiveHdlcParameters,
  negotiateHdlcParameters,
} from './parameters.ts';
export type { HdlcParameters, HdlcParameterName } from './parameters.ts';
export { HdlcDeframer } from './deframer.ts';
export type { HdlcDeframerEvent } from './deframer.ts';
export { HdlcReassembler, segmentInformation } from './segmentation.ts';
export type { HdlcReassemblyResult } from './segmentation.ts';
