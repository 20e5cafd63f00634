import { DlmsError } from '../errors/index.ts';
import { HDLC_FLAG, decodeHdlcFrame } from './frame.ts';
import type { HdlcFrame } from './frame.ts';

/** What the deframer found in the bytes pushed so far. */
export type HdlcDeframerEvent =
  | { readonly type: 'frame'; readonly frame: HdlcFrame; readonly raw: Uint8Array }
  /** Bytes were discarded: `error` says why (the first problem seen), `droppedBytes` how many. */
  | { readonly type: 'error'; readonly error: DlmsError; readonly droppedBytes: number };

/**
 * Finds HDLC frames in a byte stream fed in arbitrary chunks (a serial port, a TCP socket).
 *
 * States, per candidate frame: flag → format (type 3 and the 11-bit length) → the whole frame
 * (header, HCS, information, FCS, closing flag) → checked by `decodeHdlcFrame`. A bad candidate
 * costs only its opening flag: scanning resumes at the next 0x7E, so a good frame right after
 * garbage, a bad CRC or a cut frame is still found. While a long frame is incomplete, a complete
 * valid frame starting at a later flag means the first was cut short: it is dropped at once
 * rather than holding the good frame back. Back-to-back frames may share one flag; runs of idle
 * flags are skipped silently. Memory is bounded: at most one maximum frame (2049 bytes) is held.
 * `push` never throws.
 */
export class HdlcDeframer {
  private buf: Uint8Array = new Uint8Array(0);
  private dropped = 0;
  private firstError: DlmsError | undefined;
  /** Absolute stream offset of `buf[0]`, so errors point into the whole stream. */
  private streamOffset = 0;

  push(chunk: Uint8Array): HdlcDeframerEvent[] {
    const events: HdlcDeframerEvent[] = [];
    const buf = this.buf.length === 0 ? chunk : concat(this.buf, chunk);
    let pos = 0;
    let closingFlagAt = -1;
    while (pos < buf.length) {
      if (buf[pos] !== HDLC_FLAG) {
        const next = buf.indexOf(HDLC_FLAG, pos);
        const end = next < 0 ? buf.length : next;
        this.drop(end - pos, new DlmsError('FRAME_INVALID', 'bytes outside any HDLC frame', { offset: this.streamOffset + pos }));
        pos = end;
        continue;
      }
      if (pos + 1 >= buf.length) break;
      const hi = buf[pos + 1] as number;
      if (hi === HDLC_FLAG) {
        pos += 1; // idle or shared flags
        continue;
      }
      if (hi >> 4 !== 0xa) {
        if (pos === closingFlagAt) {
          pos += 1; // the previous frame's closing flag, not garbage
          continue;
        }
        this.drop(1, new DlmsError('FRAME_INVALID', 'flag not followed by a frame format type 3 field', { offset: this.streamOffset + pos + 1 }));
        pos += 1;
        continue;
      }
      if (pos + 2 >= buf.length) break;
      const total = ((((hi & 0x07) << 8) | (buf[pos + 2] as number)) >>> 0) + 2;
      if (total < 9) {
        this.drop(1, new DlmsError('INVALID_LENGTH', `HDLC length ${total - 2} is too short for a frame`, { offset: this.streamOffset + pos + 1 }));
        pos += 1;
        continue;
      }
      if (buf.length - pos < total) {
        const later = this.findCompleteFrameAfter(buf, pos);
        if (later < 0) break;
        this.drop(later - pos, new DlmsError('TRUNCATED', 'HDLC frame cut short: a new frame started before it ended', { offset: this.streamOffset + pos }));
        pos = later;
        continue;
      }
      const raw = buf.subarray(pos, pos + total);
      try {
        const frame = decodeHdlcFrame(raw, this.streamOffset + pos);
        this.flushError(events);
        events.push({ type: 'frame', frame, raw: Uint8Array.from(raw) });
        pos += total - 1; // the closing flag may open the next frame
        closingFlagAt = pos;
      } catch (e) {
        this.drop(1, e instanceof DlmsError ? e : new DlmsError('FRAME_INVALID', String(e)));
        pos += 1;
      }
    }
    this.flushError(events);
    // Keep only the unfinished tail; a lone closing flag carries no information.
    const tail = buf.subarray(pos);
    this.streamOffset += pos;
    this.buf = tail.length === 1 && tail[0] === HDLC_FLAG ? new Uint8Array([HDLC_FLAG]) : Uint8Array.from(tail);
    return events;
  }

  /** End of stream: whatever partial frame is held is reported as dropped. */
  flush(): HdlcDeframerEvent[] {
    const events: HdlcDeframerEvent[] = [];
    const held = this.buf.filter((b) => b !== HDLC_FLAG).length;
    if (held > 0) this.drop(this.buf.length, new DlmsError('TRUNCATED', 'stream ended inside an HDLC frame', { offset: this.streamOffset }));
    this.flushError(events);
    this.streamOffset += this.buf.length;
    this.buf = new Uint8Array(0);
    return events;
  }

  /** Bytes held waiting for the rest of a frame. */
  get buffered(): number {
    return this.buf.length;
  }

  private drop(n: number, error: DlmsError): void {
    this.dropped += n;
    this.firstError ??= error;
  }

  private flushError(events: HdlcDeframerEvent[]): void {
    if (this.dropped > 0 && this.firstError) events.push({ type: 'error', error: this.firstError, droppedBytes: this.dropped });
    this.dropped = 0;
    this.firstError = undefined;
  }

  private findCompleteFrameAfter(buf: Uint8Array, pos: number): number {
    for (let j = buf.indexOf(HDLC_FLAG, pos + 1); j >= 0; j = buf.indexOf(HDLC_FLAG, j + 1)) {
      const hi = buf[j + 1];
      const lo = buf[j + 2];
      if (hi === undefined || lo === undefined || hi >> 4 !== 0xa) continue;
      const total = (((hi & 0x07) << 8) | lo) + 2;
      if (j + total > buf.length) continue;
      try {
        decodeHdlcFrame(buf.subarray(j, j + total));
        return j;
      } catch {
        // not a frame; keep looking
      }
    }
    return -1;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
