import { HanError, isHanError } from '../errors/index.ts';
import { decodeHanApdu } from '../decode/index.ts';
import type { HanDecodeOptions } from '../decode/index.ts';
import type { HanVendor } from '../reading/index.ts';
import { HanDeframer } from '../stream/index.ts';
import type { HanDeframerOptions } from '../stream/index.ts';
import type { HanEvent, HanReaderLike, HanReaderOptions, HanReaderStats } from './types.ts';

/** Options of `createHanReader`: the reader's keys and hints, the deframer's, and the decoders'. */
export interface CreateHanReaderOptions extends HanReaderOptions, HanDeframerOptions {
  /** Multiplies energy registers only (e.g. 0.1 for Swedish Kamstrup meters that send Wh). */
  readonly energyMultiplier?: number;
}

/**
 * Bytes in, readings out: a `HanDeframer` in front of `decodeHanApdu`. Remembers the vendor once a
 * List 2/3 has named it, so a following id-less Kaifa List 1 decodes as Kaifa; counts frames,
 * readings, dropped bytes and errors by code for the diagnostics a live reader publishes.
 * `push` never throws: every problem is an `error` event.
 */
export function createHanReader(options: CreateHanReaderOptions = {}): HanReaderLike {
  return new HanReader(options);
}

class HanReader implements HanReaderLike {
  private readonly deframer: HanDeframer;
  private learntVendor: HanVendor | undefined;
  private frames = 0;
  private readings = 0;
  private bytesDropped = 0;
  private readonly errors: Record<string, number> = {};
  private lastReadingAt: string | undefined;

  constructor(private readonly options: CreateHanReaderOptions) {
    this.deframer = new HanDeframer({
      ...(options.bare !== undefined ? { bare: options.bare } : {}),
      ...(options.maxApduSize !== undefined ? { maxApduSize: options.maxApduSize } : {}),
    });
  }

  push(chunk: Uint8Array, receivedAt: Date = this.now()): HanEvent[] {
    return this.handle(this.deframer.push(chunk), receivedAt);
  }

  flush(): HanEvent[] {
    return this.handle(this.deframer.flush(), this.now());
  }

  get stats(): HanReaderStats {
    return {
      frames: this.frames,
      readings: this.readings,
      bytesDropped: this.bytesDropped,
      errors: { ...this.errors },
      ...(this.lastReadingAt !== undefined ? { lastReadingAt: this.lastReadingAt } : {}),
    };
  }

  private now(): Date {
    return this.options.now ? this.options.now() : new Date();
  }

  private handle(events: ReturnType<HanDeframer['push']>, receivedAt: Date): HanEvent[] {
    const out: HanEvent[] = [];
    for (const e of events) {
      if (e.type === 'error') {
        this.count(e.error);
        this.bytesDropped += e.droppedBytes;
        out.push({ type: 'error', error: e.error, droppedBytes: e.droppedBytes });
        continue;
      }
      this.frames++;
      try {
        const reading = decodeHanApdu(e.apdu, this.decodeOptions(receivedAt));
        // A List 2/3 names its vendor; remember it for the id-less Kaifa List 1 that follows.
        if (reading.vendor !== 'generic' && reading.list !== undefined && reading.list > 1) this.learntVendor = reading.vendor;
        this.readings++;
        this.lastReadingAt = receivedAt.toISOString();
        out.push({ type: 'reading', reading, framing: e.framing, raw: e.raw });
      } catch (err) {
        const error = isHanError(err) ? err : new HanError('INVALID_VALUE', `decoder failed: ${String(err)}`, { cause: err });
        this.count(error);
        out.push({ type: 'error', error, droppedBytes: 0, raw: e.raw });
      }
    }
    return out;
  }

  private decodeOptions(receivedAt: Date): HanDecodeOptions {
    const o = this.options;
    const vendor = o.vendor ?? this.learntVendor;
    return {
      receivedAt,
      ...(o.encryptionKey ? { encryptionKey: o.encryptionKey } : {}),
      ...(o.authenticationKey ? { authenticationKey: o.authenticationKey } : {}),
      ...(vendor ? { vendor } : {}),
      ...(o.energyMultiplier !== undefined ? { energyMultiplier: o.energyMultiplier } : {}),
    };
  }

  private count(error: HanError): void {
    this.errors[error.code] = (this.errors[error.code] ?? 0) + 1;
  }
}
