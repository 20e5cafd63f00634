import type { HanError } from '../errors/index.ts';
import type { HanReading, HanVendor } from '../reading/index.ts';
import type { HanFraming } from '../stream/types.ts';

/** Keys and hints a HAN reader needs; everything is optional for Norwegian (plain) meters. */
export interface HanReaderOptions {
  /** Block cipher key (GUEK) for encrypted HAN (general-glo-ciphering), 16 bytes. */
  readonly encryptionKey?: Uint8Array;
  /** Authentication key (GAK), 16 bytes; needed when the meter authenticates its pushes. */
  readonly authenticationKey?: Uint8Array;
  /**
   * The vendor when known from configuration. A Kaifa List 1 frame carries no id, so without this
   * (or an earlier List 2/3 frame from the same stream) it is decoded as `generic`.
   */
  readonly vendor?: HanVendor;
  /** Clock for frames without a meter clock; defaults to `new Date()`. */
  readonly now?: () => Date;
}

/** One decoded push, or why a frame gave none. */
export type HanEvent =
  | { readonly type: 'reading'; readonly reading: HanReading; readonly framing: HanFraming; readonly raw: Uint8Array }
  | { readonly type: 'error'; readonly error: HanError; readonly droppedBytes: number; readonly raw?: Uint8Array };

/** Counters a live reader keeps, for the diagnostics topic and the CLI's status line. */
export interface HanReaderStats {
  readonly frames: number;
  readonly readings: number;
  readonly bytesDropped: number;
  /** Errors by code, e.g. `{ CHECKSUM_MISMATCH: 3 }`. */
  readonly errors: Readonly<Record<string, number>>;
  /** ISO instant of the last reading, if any. */
  readonly lastReadingAt?: string;
}

/**
 * Bytes in, readings out: a `HanDeframer` and the vendor decoders behind one `push()`. Stateful
 * only where the line is (partial frames, the vendor learnt from earlier frames, stats).
 */
export interface HanReaderLike {
  push(chunk: Uint8Array, receivedAt?: Date): HanEvent[];
  /** End of stream: a partial frame held is reported as dropped. */
  flush(): HanEvent[];
  readonly stats: HanReaderStats;
}
