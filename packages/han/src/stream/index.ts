/**
 * Finding HAN pushes in a byte stream: HDLC frames, DLMS over M-Bus long frames and bare APDUs,
 * resynchronising after noise and reporting every dropped byte.
 */
export { HAN_DEFRAMER_DEFAULTS, HanDeframer } from './han-deframer.ts';
export type { HanBareMode, HanDeframerOptions } from './han-deframer.ts';
export type { HanDeframerEvent, HanFraming } from './types.ts';
