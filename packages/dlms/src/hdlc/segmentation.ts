import { DlmsError } from '../errors/index.ts';
import { resolveLimits } from '../limits/index.ts';
import type { DecodeLimits } from '../limits/index.ts';
import type { HdlcFrame } from './frame.ts';

export type HdlcReassemblyResult = { readonly type: 'need-more' } | { readonly type: 'complete'; readonly information: Uint8Array };

/**
 * Joins the information fields of segmented frames (segmentation bit S set on all but the last,
 * IEC 62056-46 6.4.4.4.3.2). For I-frames the send sequence numbers must follow each other
 * modulo 8 (BLOCK_SEQUENCE otherwise); UI frames (pushes) carry no sequence number. The joined
 * size is capped by `maxApduSize` and the number of segments by `maxBlocks`.
 */
export class HdlcReassembler {
  private parts: Uint8Array[] = [];
  private size = 0;
  private lastSend: number | undefined;
  private readonly limits: DecodeLimits;

  constructor(limits?: Partial<DecodeLimits>) {
    this.limits = resolveLimits(limits);
  }

  push(frame: HdlcFrame): HdlcReassemblyResult {
    if (frame.control.type === 'i') {
      const ns = frame.control.sendSequence;
      if (this.parts.length > 0 && this.lastSend !== undefined && ns !== ((this.lastSend + 1) & 7)) {
        this.reset();
        throw new DlmsError('BLOCK_SEQUENCE', `HDLC segment N(S)=${ns} does not follow N(S)=${this.lastSend ?? '?'}`);
      }
      this.lastSend = ns;
    }
    this.size += frame.information.length;
    this.parts.push(frame.information);
    if (this.size > this.limits.maxApduSize || this.parts.length > this.limits.maxBlocks) {
      this.reset();
      throw new DlmsError('LIMIT_EXCEEDED', `segmented HDLC APDU exceeds ${this.limits.maxApduSize} bytes or ${this.limits.maxBlocks} segments`);
    }
    if (frame.segmented) return { type: 'need-more' };
    const information = this.parts.length === 1 ? (this.parts[0] as Uint8Array) : joinParts(this.parts, this.size);
    this.reset();
    return { type: 'complete', information };
  }

  /** Whether segments are held waiting for the last one. */
  get pending(): boolean {
    return this.parts.length > 0;
  }

  reset(): void {
    this.parts = [];
    this.size = 0;
    this.lastSend = undefined;
  }
}

function joinParts(parts: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Split an information field into pieces of at most `maxInfoLength` bytes for sending. */
export function segmentInformation(info: Uint8Array, maxInfoLength: number): Uint8Array[] {
  if (!Number.isInteger(maxInfoLength) || maxInfoLength < 1) throw new DlmsError('INVALID_VALUE', `maximum information length ${maxInfoLength} must be a positive integer`);
  if (info.length === 0) return [info];
  const out: Uint8Array[] = [];
  for (let i = 0; i < info.length; i += maxInfoLength) out.push(info.subarray(i, i + maxInfoLength));
  return out;
}
