import {
  ByteReader,
  DlmsError,
  GENERAL_CIPHERING,
  GENERAL_DED_CIPHERING,
  GENERAL_GLO_CIPHERING,
  HdlcReassembler,
  crc16x25,
  decodeData,
  decodeHdlcFrame,
  stripLlc,
} from '@openams/dlms';
import type { DecodeLimits, DlmsErrorCode, HdlcFrame } from '@openams/dlms';
import { HanError } from '../errors/index.ts';
import type { HanErrorCode } from '../errors/index.ts';
import type { HanDeframerEvent, HanFraming } from './types.ts';

/**
 * When the deframer looks for bare DLMS APDUs (no HDLC or M-Bus around them):
 * - `'auto'` (default): only until the stream has shown HDLC or M-Bus framing (a header whose HCS
 *   verifies, or an M-Bus frame with its stop byte in place). A framed stream then never has its
 *   payload bytes mistaken for bare APDUs, and a bare APDU is accepted only once the bytes after
 *   it show the start of the next APDU or frame, or at `flush()`.
 * - `'only'`: the source sends bare APDUs only (a reader that strips HDLC, one push per MQTT
 *   message): 7E and 68 are not frame starts, and the end of a chunk also ends an APDU, so call
 *   `push()` once per message.
 * - `'off'`: never; HDLC and M-Bus only.
 *
 * Why `'auto'` by default: some readers and meter setups do send bare APDUs (amsreader's "raw"
 * payloads, Iskra AM550 ports, Tibber-Pulse-style dumps), but a bare APDU has no check sum, so a
 * corrupted or half-seen HDLC payload parses as one. Once a stream has shown framing its meter
 * frames everything, and looking further could only yield false APDUs, which are worse than a
 * missed one. Before that, a bare APDU is accepted only if its header is plausible (reserved
 * invoke-id bits clear, a valid COSEM date-time, a non-empty array or structure; or an 8-byte
 * system title and a security byte HAN pushes use), its body decodes completely within limits,
 * and the bytes after it open a frame or APDU.
 */
export type HanBareMode = 'auto' | 'off' | 'only';

/** Options of a `HanDeframer`; every field has a default (`HAN_DEFRAMER_DEFAULTS`). */
export interface HanDeframerOptions {
  /** Bare-APDU detection; see `HanBareMode`. Default `'auto'`. */
  readonly bare?: HanBareMode;
  /**
   * Largest APDU accepted, in bytes: after joining HDLC or M-Bus segments, and for a bare APDU.
   * A larger one is dropped with `LIMIT_EXCEEDED`. Default 4096: the longest HAN push seen is the
   * Swedish Aidon list (566 bytes in a 581-byte frame, amsreader #146/#156), the Danish Kamstrup
   * list 477.
   */
  readonly maxApduSize?: number;
}

/** The defaults of `HanDeframerOptions`. */
export const HAN_DEFRAMER_DEFAULTS: Readonly<Required<HanDeframerOptions>> = Object.freeze({
  bare: 'auto',
  maxApduSize: 4096,
});

const HDLC_FLAG = 0x7e;
/** flag, format (2), destination, source, control, FCS (2), flag: the shortest frame type 3. */
const HDLC_MIN_TOTAL = 9;
const MBUS_START = 0x68;
const MBUS_STOP = 0x16;
/** EN 13757-2: C, A and CI are counted in L; DLMS adds STSAP and DTSAP (EN 13757-1 transport). */
const MBUS_MIN_L = 5;
/** CI values 00–1F are "reserved for DLMS-based applications" (EN 13757-1 / -3 CI table). */
const MBUS_CI_DLMS_MAX = 0x1f;
/**
 * CI bit 4 marks the last segment; the low nibble numbers the segments from 0: `00` then `11` for a
 * two-segment APDU (fneur/smart-meter-tirol EXAMPLE.md; Gurux's wired M-Bus reader ends a message
 * when the high and low nibble agree, which is the same for two segments).
 */
const MBUS_CI_FINAL = 0x10;
/** Bytes `followerAt` may look at: a data-notification's date-time marker is its sixth byte. */
const FOLLOWER_BYTES = 6;
const DATA_NOTIFICATION = 0x0f;
const EVENT_NOTIFICATION_REQUEST = 0xc2;
const GENERAL_BLOCK_TRANSFER = 0xe0;
const LLC_DSAP = 0xe6;
/** Segments one HDLC APDU may have; HAN pushes use at most two or three (amsreader #1072). */
const MAX_SEGMENTS = 32;
/**
 * Limits for walking a bare APDU's A-XDR body. HAN lists nest three or four levels and hold at
 * most ~100 values (the Danish Kamstrup list: 65 elements), so these are generous yet keep noise
 * from being walked as a deep or huge structure.
 */
const BARE_DATA_LIMITS: Partial<DecodeLimits> = { maxDepth: 8, maxElements: 1024, maxTotalElements: 8192 };

/** APDU tags a push may start with when a frame carries no LLC header (Green Book 9.5). */
const PUSH_TAGS: ReadonlySet<number> = new Set([
  DATA_NOTIFICATION,
  EVENT_NOTIFICATION_REQUEST,
  GENERAL_GLO_CIPHERING,
  GENERAL_DED_CIPHERING,
  GENERAL_CIPHERING,
  GENERAL_BLOCK_TRANSFER,
]);

/** What one look at a candidate start found. Positions are indices into the working buffer. */
type Probe =
  /** More bytes are needed; `until` is the index the candidate needs to reach, when known. */
  | { readonly kind: 'need'; readonly until?: number; readonly evidence?: true; readonly bareUntil?: number }
  /** Not a frame here; `evidence` says a check sum or structure proved the stream is framed. */
  | Invalid
  | { readonly kind: 'hdlc'; readonly end: number; readonly frame: HdlcFrame }
  | { readonly kind: 'mbus'; readonly end: number; readonly ci: number; readonly data: Uint8Array }
  | { readonly kind: 'bare'; readonly end: number; readonly apduStart: number };

/**
 * Why a candidate is not a frame. The `HanError` is made only if this becomes the first reason of
 * a drop: building an Error for every false start in noise would dominate the scan.
 */
interface Invalid {
  readonly kind: 'invalid';
  readonly code: HanErrorCode;
  /** Stream offset of the candidate. */
  readonly at: number;
  readonly reason: string;
  readonly cause?: unknown;
  /** A DlmsError cause to build only if this is reported (errors and closures cost in noise). */
  readonly dlmsCause?: DlmsErrorCode;
  readonly evidence?: true;
}

/** Outcome of walking a bare APDU. */
type Walk = { readonly kind: 'end'; readonly at: number } | { readonly kind: 'need' } | Invalid;

/** A segmented APDU waiting for its last segment. */
interface Held {
  readonly framing: 'hdlc' | 'mbus';
  readonly raws: Uint8Array[];
  rawBytes: number;
  /** M-Bus only: the data parts and the next segment number expected. */
  readonly parts: Uint8Array[];
  partBytes: number;
  nextSeq: number;
}

/** A later candidate the cut-frame search saw incomplete: `at` and `until` are stream offsets. */
interface LaterCandidate {
  readonly at: number;
  until: number;
}

const NEED: Probe = { kind: 'need' };

/**
 * Finds HAN pushes in a live byte stream fed in arbitrary chunks (a 2400-baud M-Bus adapter, a
 * raw capture file, a TCP bridge) and emits each APDU once, in stream order, with the bytes it
 * came in. Three carriers share one stream (research note §2.1):
 *
 * 1. **HDLC frame format type 3** (`7E A…`), framed by its 11-bit length field, never by the next
 *    flag: HAN payloads carry raw 7E and 7D (no byte stuffing, IEC 62056-46 6.4.1). Header (HCS)
 *    and frame (FCS) are checked by `decodeHdlcFrame`; segments (S bit) are joined by
 *    `HdlcReassembler`; the LLC header `E6 E7 00` is removed.
 * 2. **M-Bus long frames** (`68 L L 68 C A CI STSAP DTSAP … CS 16`, EN 13757-2) carrying DLMS:
 *    checksum and stop byte checked, transport header removed, segments (CI `00`, `11`, …) joined.
 * 3. **Bare APDUs** (`0F` data-notification, `DB` general-glo-ciphering, optionally after `E6 E7
 *    00`), delimited by walking their A-XDR; see `HanBareMode` for when.
 *
 * Anything else is dropped and reported: consecutive dropped bytes within one `push` become one
 * `error` event carrying the first reason and the byte count (so how drops split into events
 * depends on the chunking; which bytes are dropped does not). A candidate that fails its check
 * costs only its first byte, so the scan resumes inside it and a good frame right after garbage,
 * a bit error or a cut frame is still found; while a long candidate is incomplete, a complete
 * valid frame starting inside it proves it was cut and it is dropped at once (`TRUNCATED`).
 * Segments are joined only across an unbroken run of good frames: any dropped byte between them
 * drops the held segments too, because a lost segment cannot be told from noise on a UI frame
 * (it has no sequence number). `push` never throws.
 *
 * Memory is bounded: the buffer never holds more than one incomplete candidate (at most the
 * largest HDLC frame, 2049 bytes, or `maxApduSize` for a bare APDU) plus the chunk being pushed;
 * held segments are bounded by `maxApduSize`. Garbage is skipped with one pass over it, and a
 * pending candidate's cut-frame search remembers where it stopped, so no byte is rescanned on
 * every push.
 *
 * Byte accounting: every pushed byte ends up in exactly one event's `raw` or `droppedBytes`, or is
 * still `buffered`; the one exception is a flag shared by two back-to-back HDLC frames, which is in
 * both frames' `raw`.
 *
 * It does not wrap `HdlcDeframer` from `@openams/dlms`: that one treats every byte outside an HDLC
 * frame as garbage, so M-Bus frames and bare APDUs sharing the stream would be thrown away. It
 * uses the same frame codec (`decodeHdlcFrame`, `crc16x25`), `HdlcReassembler` and `stripLlc`, and
 * the same recovery rules (resume at the next flag, a complete frame inside an incomplete one
 * proves the first was cut).
 */
export class HanDeframer {
  private readonly mode: HanBareMode;
  private readonly maxApduSize: number;
  private readonly reassembler: HdlcReassembler;
  private readonly bareLimits: Partial<DecodeLimits>;

  /** Working buffer; while a push is processed without held bytes it is the caller's chunk. */
  private data: Uint8Array = new Uint8Array(0);
  private owned = false;
  private start = 0;
  private end = 0;
  /** Stream offset of `data[0]`. */
  private base = 0;

  /** Stream offset up to which bytes are already accounted for (emitted or dropped). */
  private countedUpTo = 0;
  private dropCount = 0;
  private dropError: HanError | undefined;
  /** Bytes were dropped since the last good frame (or the stream just started). */
  private lostSinceFrame = true;
  /** HDLC or M-Bus framing has been verified on this stream; ends `'auto'` bare detection. */
  private framingSeen = false;
  private held: Held | undefined;

  /**
   * A bare candidate waiting for bytes is walked again only once the buffer reaches `until`
   * (stream offset): its A-XDR walk restarts from the tag, so walking it on every byte of a
   * byte-by-byte feed would be quadratic.
   */
  private bareWait: { at: number; until: number } | undefined;
  private startTable: Uint8Array = new Uint8Array(256);
  private scanOwner = -1;
  private scanNext = 0;
  private scanPending: LaterCandidate[] = [];

  /** Throws `HanError('INVALID_VALUE')` for an unknown `bare` mode or an unusable `maxApduSize`. */
  constructor(options: HanDeframerOptions = {}) {
    const bare = options.bare ?? HAN_DEFRAMER_DEFAULTS.bare;
    const maxApduSize = options.maxApduSize ?? HAN_DEFRAMER_DEFAULTS.maxApduSize;
    if (bare !== 'auto' && bare !== 'off' && bare !== 'only') {
      throw new HanError('INVALID_VALUE', `bare must be 'auto', 'off' or 'only', not ${String(bare)}`);
    }
    if (!Number.isInteger(maxApduSize) || maxApduSize < 64 || maxApduSize > 1 << 20) {
      throw new HanError('INVALID_VALUE', `maxApduSize must be an integer from 64 to 1048576, not ${maxApduSize}`);
    }
    this.mode = bare;
    this.maxApduSize = maxApduSize;
    this.bareLimits = { ...BARE_DATA_LIMITS, maxApduSize };
    // The LLC header travels inside the joined information field.
    this.reassembler = new HdlcReassembler({ maxApduSize: maxApduSize + 3, maxBlocks: MAX_SEGMENTS });
    this.buildStartTable();
  }

  /** Feed the next bytes; returns what they completed, in stream order. Never throws. */
  push(chunk: Uint8Array): HanDeframerEvent[] {
    const events: HanDeframerEvent[] = [];
    try {
      if (chunk.length === 0) return events;
      this.append(chunk);
      this.process(events, false);
      this.keepTail();
      // Report this push's drops now: on a line with the wrong parity nothing but garbage ever
      // arrives, and the reader must show it (amsreader #339, #1131).
      this.flushDrop(events);
    } catch (e) {
      this.recover(events, e);
    }
    return events;
  }

  /**
   * End of stream: a bare APDU at the end is accepted, a partial frame or unfinished segmented
   * APDU is reported as dropped (`TRUNCATED`). The deframer can then be fed again.
   */
  flush(): HanDeframerEvent[] {
    const events: HanDeframerEvent[] = [];
    try {
      this.process(events, true);
      this.keepTail();
      if (this.held) this.abandon('stream ended before the last segment of a segmented APDU');
      this.flushDrop(events);
      this.lostSinceFrame = true;
    } catch (e) {
      this.recover(events, e);
    }
    return events;
  }

  /** Stream bytes held waiting for the rest of a frame or APDU (segments already joined excluded). */
  get buffered(): number {
    return this.end - this.start;
  }

  // ---- buffer ----

  private append(chunk: Uint8Array): void {
    const held = this.end - this.start;
    if (held === 0) {
      // Nothing held: work on the caller's bytes directly; `keepTail` copies what must stay.
      this.base += this.end;
      this.data = chunk;
      this.owned = false;
      this.start = 0;
      this.end = chunk.length;
      return;
    }
    if (this.owned && this.data.length - this.end >= chunk.length) {
      this.data.set(chunk, this.end);
      this.end += chunk.length;
      return;
    }
    const need = held + chunk.length;
    const next = this.owned && this.data.length >= need ? this.data : new Uint8Array(Math.max(need, 2 * held, 256));
    if (next === this.data) this.data.copyWithin(0, this.start, this.end);
    else next.set(this.data.subarray(this.start, this.end));
    next.set(chunk, held);
    this.base += this.start;
    this.data = next;
    this.owned = true;
    this.start = 0;
    this.end = need;
  }

  /** After a push: keep only the unfinished tail, in a buffer of our own. */
  private keepTail(): void {
    if (this.owned) return;
    const tail = this.data.subarray(this.start, this.end);
    this.base += this.start;
    this.data = Uint8Array.from(tail);
    this.owned = true;
    this.start = 0;
    this.end = tail.length;
  }

  /** A bug must not take the reader down: report everything held as dropped and start over. */
  private recover(events: HanDeframerEvent[], e: unknown): void {
    const dropped = this.end - this.start + (this.held?.rawBytes ?? 0) + this.dropCount;
    events.push({
      type: 'error',
      error: new HanError('FRAME_INVALID', 'internal deframer error; state reset', { cause: e }),
      droppedBytes: dropped,
    });
    this.base += this.end;
    this.countedUpTo = this.base;
    this.data = new Uint8Array(0);
    this.owned = true;
    this.start = 0;
    this.end = 0;
    this.dropCount = 0;
    this.dropError = undefined;
    this.held = undefined;
    this.reassembler.reset();
    this.lostSinceFrame = true;
    this.scanOwner = -1;
  }

  // ---- the scan ----

  private get bareActive(): boolean {
    return this.mode === 'only' || (this.mode === 'auto' && !this.framingSeen);
  }

  private buildStartTable(): void {
    const t = new Uint8Array(256);
    if (this.mode !== 'only') {
      t[HDLC_FLAG] = 1;
      t[MBUS_START] = 1;
    }
    if (this.bareActive) {
      t[DATA_NOTIFICATION] = 1;
      t[GENERAL_GLO_CIPHERING] = 1;
      t[LLC_DSAP] = 1;
    }
    this.startTable = t;
  }

  private setFramingSeen(): void {
    if (this.framingSeen) return;
    this.framingSeen = true;
    if (this.mode === 'auto') this.buildStartTable();
  }

  private process(events: HanDeframerEvent[], final: boolean): void {
    const d = this.data;
    const end = this.end;
    let pos = this.start;
    while (pos < end) {
      const b = d[pos] as number;
      if (this.startTable[b] !== 1) {
        let next = pos + 1;
        while (next < end && this.startTable[d[next] as number] !== 1) next++;
        this.drop(pos, next, fail('FRAME_INVALID', this.base + pos, 'bytes outside any frame'));
        pos = next;
        continue;
      }
      const wait = this.bareWait;
      const p = !final && wait?.at === this.base + pos && this.base + end < wait.until ? NEED : this.probe(pos, end, final);
      if (p.kind !== 'bare' && 'evidence' in p) this.setFramingSeen();
      switch (p.kind) {
        case 'hdlc':
          this.setFramingSeen();
          this.onHdlcFrame(p.frame, pos, p.end, events);
          // The closing flag may also open the next frame (IEC 62056-46 6.4.1); it is accounted
          // for already, so if it does not, it is passed over without a drop.
          pos = p.end - 1;
          continue;
        case 'mbus':
          this.setFramingSeen();
          this.onMbusFrame(p.ci, p.data, pos, p.end, events);
          pos = p.end;
          continue;
        case 'bare':
          this.onBare(pos, p.apduStart, p.end, events);
          pos = p.end;
          continue;
        case 'invalid':
          // A candidate costs only its first byte: resynchronise inside it.
          this.drop(pos, pos + 1, p);
          pos += 1;
          continue;
        case 'need': {
          if (p.bareUntil !== undefined) this.bareWait = { at: this.base + pos, until: this.base + p.bareUntil };
          if (final) {
            this.drop(pos, pos + 1, fail('TRUNCATED', this.base + pos, 'stream ended inside a frame'));
            pos += 1;
            continue;
          }
          const later = this.laterFrame(pos, end);
          if (later < 0) {
            this.start = pos;
            return;
          }
          this.drop(pos, later, fail('TRUNCATED', this.base + pos, `frame cut short: a complete frame starts at byte ${this.base + later}`));
          pos = later;
          continue;
        }
      }
    }
    this.start = pos;
  }

  private probe(pos: number, end: number, final: boolean): Probe {
    const b = this.data[pos];
    if (b === HDLC_FLAG && this.mode !== 'only') return this.probeHdlc(pos, end);
    if (b === MBUS_START && this.mode !== 'only') return this.probeMbus(pos, end);
    return this.probeBare(pos, end, final);
  }

  // ---- HDLC ----

  private probeHdlc(pos: number, end: number): Probe {
    const d = this.data;
    if (end - pos < 3) return NEED;
    const hi = d[pos + 1] as number;
    if (hi >> 4 !== 0xa) return hdlcFail(this.base + pos, '0x7E not followed by a frame format type 3 field');
    // The 11-bit length counts everything but the two flags (IEC 62056-46 6.4.1): at most 2049 bytes.
    const total = (((hi & 0x07) << 8) | (d[pos + 2] as number)) + 2;
    if (total < HDLC_MIN_TOTAL) return hdlcFail(this.base + pos, 'HDLC length too short for a frame');
    // Check the header's own CRC as soon as it is in, so a false start in noise or payload costs
    // one byte now instead of waiting for up to 2049 bytes. The addresses end at the byte with
    // the extension bit set (IEC 62056-46 6.4.2); `decodeHdlcFrame` checks them fully later.
    let i = pos + 3;
    for (let address = 0; address < 2; address++) {
      const from = i;
      for (;;) {
        if (i >= end) return NEED;
        if (i >= pos + total - 3) return hdlcFail(this.base + pos, 'HDLC header longer than the frame');
        const b = d[i++] as number;
        if (b & 1) break;
        if (i - from === 4) return hdlcFail(this.base + pos, 'HDLC address longer than 4 bytes');
      }
      if (i - from === 3) return hdlcFail(this.base + pos, 'HDLC address of 3 bytes');
    }
    if (i >= pos + total - 3) return hdlcFail(this.base + pos, 'HDLC header longer than the frame');
    const hcsAt = i + 1; // after the control field
    const fcsAt = pos + total - 3;
    let evidence = false;
    if (fcsAt > hcsAt) {
      if (fcsAt < hcsAt + 2) return hdlcFail(this.base + pos, 'HDLC length leaves no room for the HCS');
      if (end < hcsAt + 2) return NEED;
      const hcs = (d[hcsAt] as number) | ((d[hcsAt + 1] as number) << 8);
      if (hcs !== crc16x25(d, pos + 1, hcsAt)) {
        // The DlmsError `decodeHdlcFrame` would throw, made only if this becomes a drop's reason.
        const offset = this.base + hcsAt;
        return { kind: 'invalid', code: 'CHECKSUM_MISMATCH', at: offset, reason: 'HDLC header check sequence wrong', dlmsCause: 'HCS_MISMATCH' };
      }
      evidence = true;
    }
    if (end < pos + total) return evidence ? { kind: 'need', until: pos + total, evidence: true } : { kind: 'need', until: pos + total };
    try {
      const frame = decodeHdlcFrame(d.subarray(pos, pos + total), this.base + pos);
      return { kind: 'hdlc', end: pos + total, frame };
    } catch (e) {
      const checksum = e instanceof DlmsError && (e.code === 'FCS_MISMATCH' || e.code === 'HCS_MISMATCH');
      const f = fail(checksum ? 'CHECKSUM_MISMATCH' : 'FRAME_INVALID', this.base + pos, checksum ? 'HDLC frame check sequence wrong' : 'bad HDLC frame', e);
      return evidence ? { ...f, evidence: true } : f;
    }
  }

  private onHdlcFrame(frame: HdlcFrame, from: number, to: number, events: HanDeframerEvent[]): void {
    const type = frame.control.type;
    if (type !== 'i' && type !== 'ui') {
      this.drop(from, to, fail('FRAME_INVALID', this.base + from, `HDLC ${type.toUpperCase()} frame carries no push`));
      return;
    }
    if (frame.information.length === 0) {
      this.drop(from, to, fail('FRAME_INVALID', this.base + from, 'HDLC frame has no information field'));
      return;
    }
    const hasLlc = stripLlc(frame.information).llc !== undefined;
    const continuing = this.held?.framing === 'hdlc' && !hasLlc;
    if (!continuing) {
      // A new APDU: whatever was held lost its last segment (only first segments carry the LLC).
      if (this.held) this.abandon('segmented APDU lost its last segment');
      // Frames without LLC are tolerated (some readers and meters omit it), but only when nothing
      // was lost just before: otherwise this may be the tail of an APDU whose first segment was
      // dropped, and emitting it would hand half a list to the decoder.
      if (!hasLlc && (this.lostSinceFrame || !PUSH_TAGS.has(frame.information[0] as number))) {
        this.drop(from, to, fail('TRUNCATED', this.base + from, 'HDLC frame without LLC header after lost bytes: the continuation of a lost first segment'));
        return;
      }
    }
    this.acceptFrame(to, events);
    const raw = this.data.slice(from, to);
    const held = (this.held ??= newHeld('hdlc'));
    held.raws.push(raw);
    held.rawBytes += raw.length;
    let result;
    try {
      // Copy: the reassembler keeps the information field, and our buffer is reused.
      result = this.reassembler.push({ ...frame, information: frame.information.slice() });
    } catch (e) {
      const limit = e instanceof DlmsError && e.code === 'LIMIT_EXCEEDED';
      this.dropHeld(limit ? 'LIMIT_EXCEEDED' : 'TRUNCATED', `segmented HDLC APDU dropped at byte ${this.base + from}: ${e instanceof Error ? e.message : String(e)}`, e);
      return;
    }
    if (result.type === 'need-more') return;
    this.held = undefined;
    this.emit(events, stripLlc(result.information).apdu, 'hdlc', held);
  }

  // ---- M-Bus ----

  private probeMbus(pos: number, end: number): Probe {
    const d = this.data;
    if (end - pos < 4) return NEED;
    const l = d[pos + 1] as number;
    if (d[pos + 2] !== l || d[pos + 3] !== MBUS_START) return fail('FRAME_INVALID', this.base + pos, '0x68 does not open an M-Bus long frame (68 L L 68)');
    // Sagemcom T210-D sends 257-byte first segments with L = 01: the length overflows the L byte
    // and only its low byte is sent (amshan tests/test_wiredmb.py, amsreader #155). L below 3 is
    // impossible for a long frame, so it can only mean L + 256.
    const len = l < 3 ? l + 256 : l;
    if (len < MBUS_MIN_L) return fail('FRAME_INVALID', this.base + pos, 'M-Bus frame too short to carry DLMS');
    const total = len + 6;
    if (end < pos + total) return { kind: 'need', until: pos + total };
    if (d[pos + total - 1] !== MBUS_STOP) return fail('FRAME_INVALID', this.base + pos, 'M-Bus frame has no stop byte (0x16) where its L field puts it');
    let sum = 0;
    for (let i = pos + 4; i < pos + 4 + len; i++) sum += d[i] as number;
    if ((sum & 0xff) !== d[pos + 4 + len]) {
      return { ...fail('CHECKSUM_MISMATCH', this.base + pos, 'M-Bus checksum wrong'), evidence: true };
    }
    const ci = d[pos + 6] as number;
    if (ci > MBUS_CI_DLMS_MAX) {
      return { ...fail('FRAME_INVALID', this.base + pos, `M-Bus CI 0x${hex2(ci)} is not a DLMS segment (00–1F)`), evidence: true };
    }
    return { kind: 'mbus', end: pos + total, ci, data: d.subarray(pos + 9, pos + 4 + len) };
  }

  private onMbusFrame(ci: number, data: Uint8Array, from: number, to: number, events: HanDeframerEvent[]): void {
    const seq = ci & 0x0f;
    const final = (ci & MBUS_CI_FINAL) !== 0;
    if (seq === 0) {
      if (this.held) this.abandon('segmented APDU lost its last segment');
    } else if (this.held?.framing !== 'mbus' || this.held.nextSeq !== seq) {
      // A later segment without the one before it (gh539-2: the first segment was not captured).
      this.drop(from, to, fail('TRUNCATED', this.base + from, `M-Bus segment ${seq} arrived without segment ${seq - 1}`));
      return;
    }
    this.acceptFrame(to, events);
    const held = (this.held ??= newHeld('mbus'));
    const raw = this.data.slice(from, to);
    held.raws.push(raw);
    held.rawBytes += raw.length;
    held.parts.push(data.slice());
    held.partBytes += data.length;
    held.nextSeq = (seq + 1) & 0x0f;
    if (held.partBytes > this.maxApduSize || held.parts.length > MAX_SEGMENTS) {
      this.dropHeld('LIMIT_EXCEEDED', `segmented M-Bus APDU exceeds ${this.maxApduSize} bytes or ${MAX_SEGMENTS} segments`);
      return;
    }
    if (!final) return;
    this.held = undefined;
    this.emit(events, joinParts(held.parts, held.partBytes), 'mbus', held);
  }

  // ---- bare APDUs ----

  private probeBare(pos: number, end: number, final: boolean): Probe {
    const d = this.data;
    let at = pos;
    if (d[pos] === LLC_DSAP) {
      // E6 E7 00 (or E6 E6 00) in front of the APDU: a reader that removed only the HDLC frame.
      if (end - pos < 4) return final ? fail('TRUNCATED', this.base + pos, 'stream ended inside an LLC header') : NEED;
      const ssap = d[pos + 1];
      if ((ssap !== 0xe7 && ssap !== 0xe6) || d[pos + 2] !== 0 || (d[pos + 3] !== DATA_NOTIFICATION && d[pos + 3] !== GENERAL_GLO_CIPHERING)) {
        return fail('FRAME_INVALID', this.base + pos, '0xE6 does not start an LLC header and a push APDU');
      }
      at = pos + 3;
    }
    const walk = this.walkBare(at, end);
    if (walk.kind === 'invalid') return walk;
    if (walk.kind === 'need') {
      if (end - at >= this.maxApduSize) return fail('LIMIT_EXCEEDED', this.base + at, `bare APDU would exceed ${this.maxApduSize} bytes`);
      if (final) return fail('TRUNCATED', this.base + at, 'stream ended inside a bare APDU');
      // Walk again once the buffer has grown by a quarter (amortised linear); in 'only' mode
      // on every push, since the end of a push may end the APDU.
      return this.mode === 'only' ? NEED : { kind: 'need', bareUntil: end + Math.max(1, (end - at) >> 2) };
    }
    if (walk.at - at > this.maxApduSize) return fail('LIMIT_EXCEEDED', this.base + at, `bare APDU exceeds ${this.maxApduSize} bytes`);
    // A bare APDU has no check sum: accept it only when what follows looks like the next start,
    // so random bytes that happen to parse are not taken for a push.
    if (walk.at === end) {
      if (final || this.mode === 'only') return { kind: 'bare', end: walk.at, apduStart: at };
      return { kind: 'need', bareUntil: walk.at + FOLLOWER_BYTES };
    }
    const next = this.followerAt(walk.at, end, final);
    if (next === 'need') return this.mode === 'only' ? NEED : { kind: 'need', bareUntil: walk.at + FOLLOWER_BYTES };
    if (next === 'no') return fail('FRAME_INVALID', this.base + pos, 'bytes parse as an APDU but are followed by no frame or APDU start');
    return { kind: 'bare', end: walk.at, apduStart: at };
  }

  /** Where the APDU starting at `at` ends, by its A-XDR structure (Green Book 9.5). */
  private walkBare(at: number, end: number): Walk {
    const d = this.data;
    if (d[at] === GENERAL_GLO_CIPHERING) {
      // general-glo-ciphering: tag | system-title (length 8 + 8 bytes) | ciphered content (length + SC + IC + …).
      if (end - at < 2) return { kind: 'need' };
      if (d[at + 1] !== 8) return walkInvalid(this.base + at, 'general-glo-ciphering without an 8-byte system title');
      if (end - at < 11) return { kind: 'need' };
      const r = new ByteReader(d.subarray(at + 10, end), this.base + at + 10);
      let len: number;
      try {
        len = r.length('the ciphered content length');
      } catch (e) {
        return e instanceof DlmsError && e.code === 'TRUNCATED' ? { kind: 'need' } : walkInvalid(this.base + at, 'bad ciphered content length', e);
      }
      if (len < 5) return walkInvalid(this.base + at, 'ciphered content too short for its security header');
      if (len > this.maxApduSize) return fail('LIMIT_EXCEEDED', this.base + at, `ciphered content of ${len} bytes exceeds ${this.maxApduSize}`);
      const content = at + 10 + r.position;
      if (content >= end) return { kind: 'need' };
      const sc = d[content] as number;
      if (!plausibleSecurityControl(sc)) return walkInvalid(this.base + at, 'security control byte no HAN push uses');
      if ((sc & 0x10) !== 0 && len < 5 + 12) return walkInvalid(this.base + at, 'authenticated content too short for its tag');
      if (end < content + len) return { kind: 'need' };
      return { kind: 'end', at: content + len };
    }
    // data-notification: tag | long-invoke-id-and-priority (4) | date-time | one Data value.
    if (end - at < 6) return { kind: 'need' };
    // Long-Invoke-Id-And-Priority bits 24–27 are reserved (Green Book 9.5): meters send 0.
    if (((d[at + 1] as number) & 0x0f) !== 0) return walkInvalid(this.base + at, 'reserved bits set in the long-invoke-id');
    let p = at + 5;
    const dt = d[p];
    if (dt === 0x00) {
      p += 1; // date-time absent (Aidon)
    } else if (dt === 0x0c) {
      if (end < p + 13) return { kind: 'need' };
      if (!plausibleDateTime(d, p + 1)) return walkInvalid(this.base + at, 'implausible date-time');
      p += 13; // OCTET STRING (12): Kamstrup, Green Book form
    } else if (dt === 0x09) {
      if (end < p + 2) return { kind: 'need' };
      if (d[p + 1] !== 0x0c) return walkInvalid(this.base + at, 'date-time is not 12 bytes');
      if (end < p + 14) return { kind: 'need' };
      if (!plausibleDateTime(d, p + 2)) return walkInvalid(this.base + at, 'implausible date-time');
      p += 14; // Data octet-string (09 0C …): the Kaifa and old Kamstrup quirk (research note §2.2)
    } else {
      return walkInvalid(this.base + at, 'no date-time field (00, 0C or 09 0C)');
    }
    if (end < p + 2) return { kind: 'need' };
    // Every HAN list is a structure or an array with at least one element.
    const body = d[p];
    if ((body !== 0x01 && body !== 0x02) || d[p + 1] === 0) return walkInvalid(this.base + at, 'notification body is not a non-empty array or structure');
    const r = new ByteReader(d.subarray(p, end), this.base + p);
    try {
      decodeData(r, this.bareLimits);
    } catch (e) {
      return e instanceof DlmsError && e.code === 'TRUNCATED' ? { kind: 'need' } : walkInvalid(this.base + at, 'notification body does not decode', e);
    }
    return { kind: 'end', at: p + r.position };
  }

  /** Whether the bytes at `i` can open the next frame or APDU; `'need'` if too few are in yet. */
  private followerAt(i: number, end: number, final: boolean): 'yes' | 'no' | 'need' {
    const d = this.data;
    // Each start is checked on the bytes that are in; -1 marks a byte not in yet.
    const b1 = i + 1 < end ? (d[i + 1] as number) : -1;
    const b2 = i + 2 < end ? (d[i + 2] as number) : -1;
    const b3 = i + 3 < end ? (d[i + 3] as number) : -1;
    const b5 = i + 5 < end ? (d[i + 5] as number) : -1;
    let ok: boolean;
    let needed: number; // how many bytes the check looks at
    switch (d[i]) {
      case HDLC_FLAG:
        if (this.mode === 'only') return 'no';
        ok = b1 < 0 || b1 >> 4 === 0xa;
        needed = 2;
        break;
      case MBUS_START:
        if (this.mode === 'only') return 'no';
        ok = (b2 < 0 || b1 === b2) && (b3 < 0 || b3 === MBUS_START);
        needed = 4;
        break;
      case DATA_NOTIFICATION:
        ok = (b1 < 0 || (b1 & 0x0f) === 0) && (b5 < 0 || b5 === 0x00 || b5 === 0x0c || b5 === 0x09);
        needed = 6;
        break;
      case GENERAL_GLO_CIPHERING:
        ok = b1 < 0 || b1 === 8;
        needed = 2;
        break;
      case LLC_DSAP:
        ok = (b1 < 0 || b1 === 0xe7 || b1 === 0xe6) && (b2 < 0 || b2 === 0) && (b3 < 0 || b3 === DATA_NOTIFICATION || b3 === GENERAL_GLO_CIPHERING);
        needed = 4;
        break;
      default:
        return 'no';
    }
    if (!ok) return 'no';
    return end - i < needed && !final ? 'need' : 'yes';
  }

  private onBare(from: number, apduStart: number, to: number, events: HanDeframerEvent[]): void {
    if (this.held) this.abandon('segmented APDU interrupted by a bare APDU');
    this.acceptFrame(to, events);
    events.push({ type: 'apdu', apdu: this.data.slice(apduStart, to), framing: 'raw', raw: this.data.slice(from, to) });
  }

  // ---- cut frames ----

  /**
   * While the candidate at `pos` waits for bytes: the earliest later position holding a complete,
   * check-summed HDLC or M-Bus frame, or -1. Positions already examined for this candidate are
   * not examined again; candidates that were incomplete are re-checked only once their bytes are in.
   */
  private laterFrame(pos: number, end: number): number {
    if (this.mode === 'only') return -1;
    const d = this.data;
    const owner = this.base + pos;
    if (this.scanOwner !== owner) {
      this.scanOwner = owner;
      this.scanNext = owner + 1;
      this.scanPending = [];
    }
    const endAbs = this.base + end;
    for (let k = 0; k < this.scanPending.length; k++) {
      const c = this.scanPending[k] as LaterCandidate;
      if (c.until > endAbs) continue;
      const p = this.probe(c.at - this.base, end, false);
      if (p.kind === 'hdlc' || p.kind === 'mbus') return c.at - this.base;
      if (p.kind === 'need') c.until = p.until !== undefined ? this.base + p.until : endAbs + 1;
      else this.scanPending.splice(k--, 1);
    }
    for (let i = this.scanNext - this.base; i < end; i++) {
      const b = d[i];
      if (b !== HDLC_FLAG && b !== MBUS_START) continue;
      const p = b === HDLC_FLAG ? this.probeHdlc(i, end) : this.probeMbus(i, end);
      if (p.kind === 'hdlc' || p.kind === 'mbus') {
        this.scanNext = this.base + i;
        return i;
      }
      if (p.kind === 'need') this.scanPending.push({ at: this.base + i, until: p.until !== undefined ? this.base + p.until : endAbs + 1 });
    }
    this.scanNext = endAbs;
    return -1;
  }

  // ---- accounting ----

  /** Record bytes [from, to) as dropped, unless already accounted for; drops break a segmented APDU. */
  private drop(from: number, to: number, why: Invalid): void {
    const fromAbs = Math.max(this.base + from, this.countedUpTo);
    const toAbs = this.base + to;
    if (toAbs <= fromAbs) return;
    if (this.held) this.abandon('segmented APDU interrupted by dropped bytes');
    this.dropCount += toAbs - fromAbs;
    if (!this.dropError) {
      const cause = why.dlmsCause !== undefined ? new DlmsError(why.dlmsCause, why.reason, { offset: why.at }) : why.cause;
      this.dropError = new HanError(why.code, `${why.reason} (at byte ${why.at})`, cause !== undefined ? { cause } : {});
    }
    this.countedUpTo = toAbs;
    this.lostSinceFrame = true;
  }

  /** Drop the held segments: their bytes were accepted as frames but will never be emitted. */
  private abandon(message: string): void {
    this.dropHeld('TRUNCATED', message);
  }

  private dropHeld(code: HanErrorCode, message: string, cause?: unknown): void {
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    this.reassembler.reset();
    this.dropCount += held.rawBytes;
    this.dropError ??= new HanError(code, message, cause !== undefined ? { cause } : {});
    this.lostSinceFrame = true;
  }

  /** A frame or APDU ending at `to` is taken: report the drops before it, first. */
  private acceptFrame(to: number, events: HanDeframerEvent[]): void {
    this.flushDrop(events);
    this.countedUpTo = Math.max(this.countedUpTo, this.base + to);
    this.lostSinceFrame = false;
  }

  /** Emit a joined APDU; `held` (already detached) holds the frames it came in. */
  private emit(events: HanDeframerEvent[], apdu: Uint8Array, framing: HanFraming, held: Held): void {
    if (apdu.length === 0) {
      this.dropCount += held.rawBytes;
      this.dropError ??= new HanError('FRAME_INVALID', `${framing === 'hdlc' ? 'HDLC' : 'M-Bus'} frame(s) carry no APDU`);
      return;
    }
    const raw = held.raws.length === 1 ? (held.raws[0] as Uint8Array) : joinParts(held.raws, held.rawBytes);
    events.push({ type: 'apdu', apdu: apdu.slice(), framing, raw });
  }

  private flushDrop(events: HanDeframerEvent[]): void {
    if (this.dropCount > 0) {
      events.push({ type: 'error', error: this.dropError ?? new HanError('FRAME_INVALID', 'bytes dropped'), droppedBytes: this.dropCount });
    }
    this.dropCount = 0;
    this.dropError = undefined;
  }
}

function newHeld(framing: 'hdlc' | 'mbus'): Held {
  return { framing, raws: [], rawBytes: 0, parts: [], partBytes: 0, nextSeq: 0 };
}

/**
 * A failure at stream offset `at`. Hot paths pass a constant `reason`, so a false start in noise
 * allocates one small object and no string.
 */
function fail(code: HanErrorCode, at: number, reason: string, cause?: unknown): Invalid {
  return cause !== undefined ? { kind: 'invalid', code, at, reason, cause } : { kind: 'invalid', code, at, reason };
}

/** An HDLC framing failure found before `decodeHdlcFrame`; its DlmsError cause is built on demand. */
function hdlcFail(at: number, reason: string): Invalid {
  return { kind: 'invalid', code: 'FRAME_INVALID', at, reason, dlmsCause: 'FRAME_INVALID' };
}

function walkInvalid(at: number, reason: string, cause?: unknown): Invalid {
  return fail('FRAME_INVALID', at, reason, cause);
}

function hex2(v: number): string {
  return v.toString(16).toUpperCase().padStart(2, '0');
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

/**
 * A COSEM date-time (Blue Book 4.1.6.1) a meter could send: each field in range or "not
 * specified". Weekday 0 is accepted: Aidon sends Sunday as 0 (research note §2.4).
 */
function plausibleDateTime(d: Uint8Array, i: number): boolean {
  const month = d[i + 2] as number;
  const day = d[i + 3] as number;
  const weekday = d[i + 4] as number;
  const hour = d[i + 5] as number;
  const minute = d[i + 6] as number;
  const second = d[i + 7] as number;
  const hundredths = d[i + 8] as number;
  const deviation = ((d[i + 9] as number) << 8) | (d[i + 10] as number);
  const signed = deviation >= 0x8000 ? deviation - 0x10000 : deviation;
  return (
    ((month >= 1 && month <= 12) || month >= 0xfd) &&
    ((day >= 1 && day <= 31) || day >= 0xfd) &&
    (weekday <= 7 || weekday === 0xff) &&
    (hour <= 23 || hour === 0xff) &&
    (minute <= 59 || minute === 0xff) &&
    (second <= 59 || second === 0xff) &&
    (hundredths <= 99 || hundredths === 0xff) &&
    (deviation === 0x8000 || (signed >= -720 && signed <= 720))
  );
}

/**
 * A security control byte (Green Book 9.2.7.2.2) a HAN push uses: suite 0–2, no compression,
 * encryption and/or authentication (0x20 TINETZ/Sagemcom, 0x21 Kaifa AT, 0x30 Danish Kamstrup).
 */
function plausibleSecurityControl(sc: number): boolean {
  return (sc & 0x80) === 0 && (sc & 0x30) !== 0 && (sc & 0x0f) <= 2;
}
