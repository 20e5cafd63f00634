import { HanError } from '../errors/index.ts';

/**
 * The capture formats `openams han decode` and `openams han conformance` read.
 *
 * - `raw`: the bytes exactly as they came off the serial line, e.g. `cat /dev/ttyUSB0 > han.bin`
 *   after `stty`, a `ser2net`/`socat` log, or the binary dumps amsreader-firmware keeps. No
 *   receive times: rules about cadence can only use the meter clock.
 * - `hex`: hex digits with any whitespace and `#` comments, one frame or many (the form users
 *   paste into issues and amsreader's `.hex` fixtures use). No receive times either.
 * - `timestamped`: one chunk per line, `<ISO 8601 instant with offset> <hex>`, e.g.
 *   `2026-11-25T14:00:10.120+01:00 7EA0…7E`; `#` starts a comment. A chunk need not be a whole
 *   frame: write what each `read()` returned and the deframer joins them.
 */
export type HanCaptureFormat = 'raw' | 'hex' | 'timestamped';

/** A piece of a capture: bytes, and when they arrived if the format records it. */
export interface HanCaptureChunk {
  readonly bytes: Uint8Array;
  readonly receivedAt?: Date;
  /** 1-based line in a text capture, for error messages. */
  readonly line?: number;
}

/** A parsed capture. */
export interface HanCapture {
  readonly format: HanCaptureFormat;
  readonly chunks: readonly HanCaptureChunk[];
}

/** Upper bound on a capture (a day of List 1/2/3 at 2400 baud is ~26 MB; a week of pushes fits). */
export const MAX_CAPTURE_BYTES = 256 * 1024 * 1024;

// An instant with an explicit offset: a receive time without one is ambiguous around DST.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const HEX_BODY = /^[0-9a-fA-F\s]*$/;

function hexDigits(text: string, line: number): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  if (clean.length % 2 !== 0) throw new HanError('CAPTURE_INVALID', `capture line ${line}: odd number of hex digits (${clean.length})`);
  if (!/^[0-9a-fA-F]*$/.test(clean)) throw new HanError('CAPTURE_INVALID', `capture line ${line}: not hex`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function stripComment(line: string): string {
  const i = line.indexOf('#');
  return (i >= 0 ? line.slice(0, i) : line).trim();
}

/** Parses `<hex>` text (whitespace and `#` comments allowed) into bytes; `FRAME_INVALID` if it is not hex. */
export function parseHexText(text: string): Uint8Array {
  const body = text
    .split(/\r?\n/)
    .map(stripComment)
    .join('')
    .replace(/^0x/i, '');
  return hexDigits(body, 1);
}

function looksTimestamped(lines: readonly string[]): boolean {
  const first = lines.find((l) => l !== '');
  if (first === undefined) return false;
  const token = first.split(/\s+/, 1)[0] ?? '';
  return /^\d{4}-\d{2}-\d{2}T/.test(token);
}

/**
 * Reads a capture in any of the {@link HanCaptureFormat}s, telling them apart by content: text
 * whose first line starts with an ISO date is `timestamped`, text of only hex digits is `hex`,
 * anything else is `raw` (an HDLC frame always holds 0x7E, which is not a hex digit in ASCII).
 * Throws `FRAME_INVALID` for a malformed timestamped line and `LIMIT_EXCEEDED` for a capture
 * over {@link MAX_CAPTURE_BYTES}.
 */
export function parseCapture(data: Uint8Array): HanCapture {
  if (data.length > MAX_CAPTURE_BYTES) {
    throw new HanError('LIMIT_EXCEEDED', `capture is ${data.length} bytes; the limit is ${MAX_CAPTURE_BYTES}`);
  }
  // Only printable ASCII, tabs and line breaks can be a text capture.
  const isText = data.length > 0 && data.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f));
  if (!isText) return { format: 'raw', chunks: data.length > 0 ? [{ bytes: data }] : [] };
  const text = new TextDecoder('latin1').decode(data);
  const lines = text.split(/\r?\n/).map(stripComment);
  if (looksTimestamped(lines)) {
    const chunks: HanCaptureChunk[] = [];
    lines.forEach((l, i) => {
      if (l === '') return;
      const line = i + 1;
      const m = /^(\S+)\s+(.*)$/.exec(l);
      const stamp = m?.[1];
      const hex = m?.[2];
      if (stamp === undefined || hex === undefined) throw new HanError('CAPTURE_INVALID', `capture line ${line}: expected '<ISO time> <hex>'`);
      if (!ISO_INSTANT.test(stamp)) {
        throw new HanError('CAPTURE_INVALID', `capture line ${line}: '${stamp}' is not an ISO 8601 instant with an offset (e.g. 2026-11-25T14:00:10+01:00)`);
      }
      const receivedAt = new Date(stamp);
      if (Number.isNaN(receivedAt.getTime())) throw new HanError('CAPTURE_INVALID', `capture line ${line}: '${stamp}' is not a valid time`);
      chunks.push({ bytes: hexDigits(hex, line), receivedAt, line });
    });
    return { format: 'timestamped', chunks };
  }
  const body = lines.join('\n');
  if (HEX_BODY.test(body.replace(/^0x/i, ''))) {
    const bytes = parseHexText(body);
    return { format: 'hex', chunks: bytes.length > 0 ? [{ bytes }] : [] };
  }
  return { format: 'raw', chunks: [{ bytes: data }] };
}

/** Writes one line of the timestamped format (what `openams han read --record` would append). */
export function formatCaptureLine(receivedAt: Date, bytes: Uint8Array): string {
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0').toUpperCase();
  return `${receivedAt.toISOString()} ${hex}`;
}
