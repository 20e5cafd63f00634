export { WPORT, WRAPPER_HEADER_LENGTH, WRAPPER_VERSION, decodeWrapperFrame, encodeWrapperFrame } from './wrapper-frame.ts';
export type { WrapperFrame } from './wrapper-frame.ts';
export { WrapperDeframer } from './deframer.ts';
export type { WrapperDeframerEvent } from './deframer.ts';
