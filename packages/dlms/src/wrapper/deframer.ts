import { DlmsError } from '../errors/index.ts';
import { WRAPPER_HEADER_LENGTH, WRAPPER_VERSION, decodeWrapperFrame } from './wrapper-frame.ts';
import type { WrapperFrame } from './wrapper-frame.ts';

export type WrapperDeframerEvent =
  | { readonly type: 'frame'; readonly frame: WrapperFrame }
  | { readonly type: 'error'; readonly error: DlmsError; readonly droppedBytes: number };

/**
 * Splits a TCP byte stream into wrapper frames. TCP keeps bytes in order, so the only way to
 * lose sync is a peer that is not speaking the wrapper; then bytes are dropped one at a time
 * until a plausible header (version 0x0001 and a length within `maxApduSize`) starts again.
 * `push` never throws.
 */
export class WrapperDeframer {
  private buf: Uint8Array = new Uint8Array(0);
  private readonly maxApduSize: number;

  constructor({ maxApduSize = 0xffff }: { maxApduSize?: number } = {}) {
    this.maxApduSize = maxApduSize;
  }

  push(chunk: Uint8Array): WrapperDeframerEvent[] {
    const events: WrapperDeframerEvent[] = [];
    const buf = this.buf.length ? concat(this.buf, chunk) : chunk;
    let pos = 0;
    let dropped = 0;
    const flushDrop = (): void => {
      if (dropped) events.push({ type: 'error', error: new DlmsError('FRAME_INVALID', 'bytes that do not start a wrapper frame (version 0x0001)'), droppedBytes: dropped });
      dropped = 0;
    };
    while (buf.length - pos >= 2) {
      const version = ((buf[pos] as number) << 8) | (buf[pos + 1] as number);
      if (version !== WRAPPER_VERSION) {
        pos++;
        dropped++;
        continue;
      }
      if (buf.length - pos < WRAPPER_HEADER_LENGTH) break;
      const length = ((buf[pos + 6] as number) << 8) | (buf[pos + 7] as number);
      if (length > this.maxApduSize) {
        pos++;
        dropped++;
        continue;
      }
      if (buf.length - pos < WRAPPER_HEADER_LENGTH + length) break;
      flushDrop();
      events.push({ type: 'frame', frame: decodeWrapperFrame(Uint8Array.from(buf.subarray(pos, pos + WRAPPER_HEADER_LENGTH + length))) });
      pos += WRAPPER_HEADER_LENGTH + length;
    }
    flushDrop();
    this.buf = Uint8Array.from(buf.subarray(pos));
    return events;
  }

  get buffered(): number {
    return this.buf.length;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
