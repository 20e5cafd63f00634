/**
 * The HAN port of a virtual meter: `hanFrames` builds the complete HDLC frame of a vendor's List
 * 1, 2 or 3 from the load model, byte-compatible with real Aidon, Kaifa and Kamstrup frames;
 * `HanEmitter` pushes them in the vendor's cadence on a `SimClock`.
 */
export { HAN_HDLC, hanClock, hanFrames, hanListContent, hanNotification } from './han-frames.ts';
export type { HanFrameOptions, HanListContent, HanListNumber } from './han-frames.ts';
export { HAN_CADENCE, HanEmitter, framesIn, nextHanEmission } from './han-emitter.ts';
export type { HanCadence, HanEmission, HanEmitterOptions } from './han-emitter.ts';
export { HanOutputError } from './han-output-error.ts';
export type { HanOutputErrorCode } from './han-output-error.ts';
