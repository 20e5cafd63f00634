import type { HanError } from '../errors/index.ts';

/** How an APDU was carried on the line. */
export type HanFraming = 'hdlc' | 'mbus' | 'raw';

/**
 * What the HAN deframer found in the bytes pushed so far, in stream order: a complete APDU (after
 * joining HDLC segments or M-Bus long-frame segments, LLC/transport headers removed), or bytes it
 * had to drop, with the reason and how many. The deframer never throws and never drops a good
 * frame that follows garbage.
 */
export type HanDeframerEvent =
  | {
      readonly type: 'apdu';
      readonly apdu: Uint8Array;
      readonly framing: HanFraming;
      /** The frame(s) exactly as received, for logging and re-checking. */
      readonly raw: Uint8Array;
    }
  | { readonly type: 'error'; readonly error: HanError; readonly droppedBytes: number };
