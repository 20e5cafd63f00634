import type { Duplex } from 'node:stream';
import {
  DlmsError,
  HdlcDeframer,
  HdlcReassembler,
  addLlc,
  decodeHdlcParameters,
  effectiveHdlcParameters,
  encodeHdlcFrame,
  encodeHdlcParameters,
  negotiateHdlcParameters,
  segmentInformation,
  serverAddress,
  stripLlc,
} from '@openams/dlms';
import type { DecodeLimits, HdlcAddress, HdlcControl, HdlcFrame, HdlcParameters, LlcDirection } from '@openams/dlms';
import { SessionError } from '../errors/index.ts';
import { endStream, watchStream, writeTo } from './stream.ts';
import { TransportBase } from './transport.ts';
import type { LinkAddresses } from './transport.ts';

/** The server's HDLC address: upper = logical device (1 management), lower = physical device. */
export interface HdlcServerAddress {
  readonly logical: number;
  /** Absent for a 1-byte address (logical device only). */
  readonly physical?: number;
  /** Default: the smallest of 1, 2 or 4 bytes that holds both parts (IEC 62056-46 6.4.2). */
  readonly size?: 1 | 2 | 4;
}

/** The link parameters in force, from this side's point of view (IEC 62056-46 6.4.4.4.3.2). */
export interface HdlcLinkParameters {
  /** Longest information field this side sends in one frame. */
  readonly maxInfoTransmit: number;
  /** Longest information field this side expects to receive. */
  readonly maxInfoReceive: number;
  /** I-frames this side sends before it must pass the poll/final bit. */
  readonly windowTransmit: number;
  readonly windowReceive: number;
}

/** Options of `HdlcTransport.connect` (client) and `HdlcTransport.accept` (server). */
export interface HdlcTransportOptions {
  /** The client's 1-byte HDLC address, which is its SAP (1 management, 16 public). Required for the client; on the server it fixes the one client accepted. */
  readonly clientAddress?: number;
  readonly serverAddress: HdlcServerAddress;
  /**
   * Client: what SNRM proposes; server: the most it supports (the UA answers the smaller of
   * each pair). Default 1024-byte information fields and a window of 1. `widths` reproduces a
   * particular encoding of the SNRM values.
   */
  readonly parameters?: HdlcParameters;
  /** How long the client waits for a frame with the final bit before it retransmits. Default 3000 ms. */
  readonly frameTimeoutMs?: number;
  /** Retransmissions of one frame before the link is given up with `TIMEOUT`. Default 3. */
  readonly maxRetries?: number;
  /** Client: delay between RR polls while the server has acknowledged a request but not answered yet. Default 100 ms. */
  readonly pollIntervalMs?: number;
  /** Client: RR polls for one response before polling stops (the caller's request timeout then decides). Default 100. */
  readonly maxPolls?: number;
  /** Server: close the link after this long without a frame from the client; 0 never. Default 120000 ms. */
  readonly inactivityTimeoutMs?: number;
  /** Server: which client addresses may open the link with SNRM (default: any). */
  readonly acceptClient?: (clientAddress: number) => boolean;
  /** Caps on a reassembled APDU (`maxApduSize`, `maxBlocks` segments). */
  readonly limits?: Partial<DecodeLimits>;
  /** Told about frames that were dropped (bad FCS, foreign address, out of sequence): they do not close the link. */
  readonly onDiagnostic?: (problem: SessionError) => void;
}

type Role = 'client' | 'server';
type LinkState = 'disconnected' | 'connecting' | 'connected' | 'disconnecting' | 'closed';

/** One APDU being sent: its segments, the first not yet acknowledged (`base`, numbered `baseNs`) and the next to send. */
interface Outgoing {
  readonly segments: readonly Uint8Array[];
  base: number;
  baseNs: number;
  next: number;
}

const DEFAULT_PARAMETERS = { maxInfoTransmit: 1024, maxInfoReceive: 1024, windowTransmit: 1, windowReceive: 1 } as const;
/** The 11-bit frame length leaves 2035 bytes of information with 4-byte addresses; DLMS stacks use at most 2030. */
const MAX_INFO = 2030;
/** N(S) and N(R) count modulo 8, so at most 7 frames can be outstanding (IEC 62056-46 6.4.3). */
const MAX_WINDOW = 7;
const EMPTY = new Uint8Array(0);

/**
 * APDUs over HDLC (IEC 62056-46, Green Book 8.4) on any Node `Duplex`: a serial port, or TCP to
 * a concentrator. The link layer is a state machine for both roles of normal response mode:
 *
 * - **client (primary station)**: SNRM with the proposed parameters → UA with the server's
 *   answer (or DM: refused). An APDU, behind the LLC header E6 E6 00, is cut into information
 *   fields of the negotiated length and sent as I-frames numbered N(S), carrying N(R) as the
 *   acknowledgement; the last frame of each window carries the poll bit. The client holds the
 *   "turn" until it sends a poll and gets it back with a frame carrying the final bit. A
 *   segmented answer is fetched window by window with RR; an answer that is not ready yet (RR
 *   with final bit) is polled for with RR. No frame with the final bit within `frameTimeoutMs`:
 *   the last frame is sent again, up to `maxRetries` times, then the link fails with `TIMEOUT`.
 *   `close()` sends DISC and waits briefly for UA or DM.
 * - **server (secondary station)**: answers SNRM with UA (parameters negotiated with
 *   `negotiateHdlcParameters`), DISC with UA (then the link closes), anything before SNRM with
 *   DM. It transmits only when polled: a complete request keeps the turn until the application
 *   answers; a poll with nothing to send gets RR. A poll whose N(R) does not acknowledge the
 *   frames it sent makes it go back and send them again, which is how lost frames in either
 *   direction are recovered (go-back-N).
 *
 * Frames for other addresses, with a bad HCS/FCS or out of sequence are dropped and reported to
 * `onDiagnostic`. Received information fields longer than negotiated are accepted (some meters
 * send them); sent ones never are.
 */
export class HdlcTransport extends TransportBase {
  readonly kind = 'hdlc';
  private state: LinkState = 'disconnected';
  private readonly deframer = new HdlcDeframer();
  private readonly reassembler: HdlcReassembler;
  private vs = 0;
  private vr = 0;
  private link: HdlcLinkParameters = DEFAULT_PARAMETERS;
  private readonly sendQueue: Uint8Array[][] = [];
  private out: Outgoing | undefined;
  /** Whether this side may transmit now: it holds the poll (client) or was polled (server). */
  private ourTurn: boolean;
  private clientAddress: number | undefined;
  private readonly server: HdlcServerAddress;
  private readonly serverHdlc: HdlcAddress;
  // Client timers and retransmission.
  private frameTimer: ReturnType<typeof setTimeout> | undefined;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private inactivityTimer: ReturnType<typeof setTimeout> | undefined;
  private lastPoll: Uint8Array | undefined;
  private retries = 0;
  private awaitingResponse = false;
  private polls = 0;
  private connectWaiter: { resolve: () => void; reject: (e: SessionError) => void } | undefined;
  private discWaiter: (() => void) | undefined;
  private readonly frameTimeoutMs: number;
  private readonly maxRetries: number;

  private constructor(
    private readonly stream: Duplex,
    private readonly role: Role,
    private readonly options: HdlcTransportOptions,
  ) {
    super();
    this.ourTurn = role === 'client';
    this.clientAddress = options.clientAddress;
    this.server = options.serverAddress;
    this.serverHdlc = toHdlcAddress(options.serverAddress);
    this.frameTimeoutMs = options.frameTimeoutMs ?? 3000;
    this.maxRetries = options.maxRetries ?? 3;
    this.reassembler = new HdlcReassembler(options.limits);
    if (this.clientAddress !== undefined && (!Number.isInteger(this.clientAddress) || this.clientAddress < 0 || this.clientAddress > 0x7f)) {
      throw new SessionError('STATE', `HDLC client address ${this.clientAddress} does not fit one byte (0..127)`);
    }
    watchStream(
      stream,
      (chunk) => this.onData(chunk),
      (reason) => this.fail(reason),
    );
    if (role === 'server') this.touch();
  }

  /** Open the link as the client: SNRM → UA. Rejects with `REFUSED` (DM), `TIMEOUT` or `PROTOCOL`. */
  static async connect(stream: Duplex, options: HdlcTransportOptions): Promise<HdlcTransport> {
    if (options.clientAddress === undefined) throw new SessionError('STATE', 'an HDLC client needs its clientAddress');
    const t = new HdlcTransport(stream, 'client', options);
    await t.open();
    return t;
  }

  /** Serve the link as the server on `stream`: the client opens it with SNRM. */
  static accept(stream: Duplex, options: HdlcTransportOptions): HdlcTransport {
    return new HdlcTransport(stream, 'server', options);
  }

  get addresses(): LinkAddresses {
    return { clientSap: this.clientAddress, serverSap: this.server.logical };
  }

  /** The negotiated parameters once the link is up. */
  get parameters(): HdlcLinkParameters | undefined {
    return this.state === 'connected' ? this.link : undefined;
  }

  send(apdu: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(this.closedError());
    if (this.state !== 'connected') return Promise.reject(new SessionError('STATE', `the HDLC link is ${this.state}: no APDU can be sent`));
    const info = addLlc(apdu, this.role === 'client' ? 'command' : 'response');
    this.sendQueue.push(segmentInformation(info, this.link.maxInfoTransmit));
    if (this.role === 'client') {
      this.cancelPoll();
      this.pump();
    } else if (this.ourTurn && this.out === undefined) {
      this.startNext();
      this.sendWindow();
    }
    return Promise.resolve();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.role === 'client' && this.state === 'connected') {
      // IEC 62056-46 6.4.4.4.3.3: DISC ends normal response mode; the server answers UA (or DM).
      this.state = 'disconnecting';
      this.stopTimers();
      await new Promise<void>((resolve) => {
        this.discWaiter = resolve;
        this.frameTimer = setTimeout(resolve, this.frameTimeoutMs);
        this.transmit({ type: 'disc', pf: true });
      });
      this.discWaiter = undefined;
    }
    this.state = 'closed';
    this.stopTimers();
    this.connectWaiter?.reject(new SessionError('CLOSED', 'the HDLC link was closed while connecting'));
    this.connectWaiter = undefined;
    this.shutdown(new SessionError('CLOSED', `the ${this.role} closed the HDLC link`));
    await endStream(this.stream);
  }

  // ------------------------------------------------------------------------------------------
  // Frames in
  // ------------------------------------------------------------------------------------------

  private onData(chunk: Uint8Array): void {
    for (const event of this.deframer.push(chunk)) {
      if (this.state === 'closed') return;
      if (event.type === 'error') {
        this.diagnose(new SessionError('PROTOCOL', `dropped ${event.droppedBytes} byte(s) that are not a valid HDLC frame`, { cause: event.error }));
        continue;
      }
      try {
        if (this.role === 'client') this.clientFrame(event.frame);
        else this.serverFrame(event.frame);
      } catch (e) {
        this.fail(toSessionError(e, 'the HDLC link failed'));
      }
    }
  }

  private clientFrame(frame: HdlcFrame): void {
    if (frame.destination.upper !== this.clientAddress || !this.isServer(frame.source)) {
      this.diagnose(new SessionError('PROTOCOL', `dropped an HDLC frame ${describe(frame.source)} → ${describe(frame.destination)} that is not for this link`));
      return;
    }
    const c = frame.control;
    if (this.state === 'connecting') {
      if (c.type === 'ua') this.connected(frame.information);
      else if (c.type === 'dm') this.refused('dm');
      else this.diagnose(new SessionError('PROTOCOL', `dropped an HDLC ${c.type} frame while waiting for UA`));
      return;
    }
    if (this.state === 'disconnecting') {
      if (c.type === 'ua' || c.type === 'dm') this.discWaiter?.();
      return;
    }
    if (this.state !== 'connected') return;
    if (c.pf && !this.ourTurn) {
      // The final bit hands the turn back (IEC 62056-46 6.4.4.4.3.4): stop the retransmission timer.
      this.ourTurn = true;
      this.clearFrameTimer();
      this.retries = 0;
    }
    switch (c.type) {
      case 'i': {
        this.ack(c.receiveSequence);
        const complete = this.acceptInformation(frame, c.sendSequence, 'response');
        if (!c.pf) return;
        if (this.reassembler.pending || complete === 'out-of-sequence') this.sendPoll(); // fetch the next window, or ask for a resend from N(R)
        else this.pump();
        return;
      }
      case 'rr':
      case 'rnr':
        this.ack(c.receiveSequence);
        if (!c.pf) return;
        if (this.out !== undefined && this.out.base < this.out.segments.length) this.resendFromBase();
        else if (this.awaitingResponse) this.schedulePoll();
        else this.pump();
        return;
      case 'dm':
      case 'frmr':
        this.fail(
          new SessionError('REFUSED', `the server answered ${c.type.toUpperCase()}: it no longer holds this HDLC link`, { refusal: { type: 'hdlc', frame: c.type } }),
        );
        return;
      case 'disc':
        this.fail(new SessionError('CLOSED', 'the server disconnected the HDLC link'));
        return;
      default:
        this.diagnose(new SessionError('PROTOCOL', `dropped an unexpected HDLC ${c.type} frame`));
    }
  }

  private serverFrame(frame: HdlcFrame): void {
    if (!this.isServer(frame.destination)) {
      this.diagnose(new SessionError('PROTOCOL', `dropped an HDLC frame for ${describe(frame.destination)}: this is ${describe(this.serverHdlc)}`));
      return;
    }
    this.touch();
    const c = frame.control;
    const source = frame.source.upper;
    if (c.type === 'snrm') {
      this.snrm(source, frame.information);
      return;
    }
    if (this.state !== 'connected' || source !== this.clientAddress) {
      // IEC 62056-46 6.4.4.4.2: a station in disconnected mode answers a poll with DM.
      if (c.pf) this.transmitTo(source, { type: 'dm', pf: true });
      return;
    }
    switch (c.type) {
      case 'disc':
        this.transmit({ type: 'ua', pf: true });
        this.state = 'disconnected';
        this.fail(new SessionError('CLOSED', 'the client disconnected the HDLC link (DISC)'), false);
        void endStream(this.stream);
        return;
      case 'i': {
        this.ack(c.receiveSequence);
        const result = this.acceptInformation(frame, c.sendSequence, 'command');
        if (c.pf) this.polled(result === 'complete');
        return;
      }
      case 'rr':
      case 'rnr':
        this.ack(c.receiveSequence);
        if (c.pf) this.polled(false);
        return;
      default:
        this.diagnose(new SessionError('PROTOCOL', `dropped an unexpected HDLC ${c.type} frame from the client`));
    }
  }

  /** Take an I-frame's information if it is the next in sequence; deliver the APDU once complete. */
  private acceptInformation(frame: HdlcFrame, ns: number, expected: LlcDirection): 'complete' | 'partial' | 'out-of-sequence' {
    if (ns !== this.vr) {
      this.diagnose(new SessionError('PROTOCOL', `dropped an HDLC I-frame N(S)=${ns} where N(S)=${this.vr} was expected (lost or repeated frame)`));
      return 'out-of-sequence';
    }
    this.vr = (this.vr + 1) & 7;
    const result = this.reassembler.push(frame);
    if (result.type === 'need-more') return 'partial';
    const { apdu, llc } = stripLlc(result.information);
    if (llc !== undefined && llc !== expected) {
      this.diagnose(new SessionError('PROTOCOL', `dropped an APDU with the LLC header of a ${llc}, where a ${expected} was expected`));
      return 'complete';
    }
    if (apdu.length === 0) {
      this.diagnose(new SessionError('PROTOCOL', 'dropped an empty APDU'));
      return 'complete';
    }
    if (this.role === 'client') {
      this.awaitingResponse = false;
      this.polls = 0;
    }
    this.deliver(apdu);
    return 'complete';
  }

  /** N(R) acknowledges every frame before it: drop them from the outgoing APDU. */
  private ack(nr: number): void {
    const o = this.out;
    if (o === undefined) return;
    const n = (nr - o.baseNs) & 7;
    if (n > o.next - o.base) {
      this.diagnose(new SessionError('PROTOCOL', `ignored N(R)=${nr}: it acknowledges frames that were never sent`));
      return;
    }
    o.base += n;
    o.baseNs = nr;
    if (o.base >= o.segments.length) this.out = undefined;
  }

  // ------------------------------------------------------------------------------------------
  // Frames out
  // ------------------------------------------------------------------------------------------

  private open(): Promise<void> {
    const proposed = { ...DEFAULT_PARAMETERS, ...this.options.parameters };
    this.state = 'connecting';
    return new Promise<void>((resolve, reject) => {
      this.connectWaiter = { resolve, reject };
      const snrm = this.transmit({ type: 'snrm', pf: true }, encodeHdlcParameters(proposed));
      this.passTurn(snrm);
    });
  }

  private connected(info: Uint8Array): void {
    const proposed = effectiveHdlcParameters({ ...DEFAULT_PARAMETERS, ...this.options.parameters });
    let answer;
    try {
      answer = effectiveHdlcParameters(info.length > 0 ? decodeHdlcParameters(info) : {});
    } catch (e) {
      this.fail(toSessionError(e, 'the UA carries malformed HDLC parameters'));
      return;
    }
    // The UA speaks from the server's side: its receive values bound what this side transmits.
    this.link = {
      maxInfoTransmit: Math.min(answer.maxInfoReceive, proposed.maxInfoTransmit, MAX_INFO),
      maxInfoReceive: Math.min(answer.maxInfoTransmit, proposed.maxInfoReceive),
      windowTransmit: Math.min(answer.windowReceive, proposed.windowTransmit, MAX_WINDOW),
      windowReceive: Math.min(answer.windowTransmit, proposed.windowReceive, MAX_WINDOW),
    };
    if (Object.values(this.link).some((v) => v < 1)) {
      this.fail(new SessionError('PROTOCOL', `the UA negotiates unusable HDLC parameters ${JSON.stringify(this.link)}`));
      return;
    }
    this.clearFrameTimer();
    this.retries = 0;
    this.state = 'connected';
    this.ourTurn = true;
    this.connectWaiter?.resolve();
    this.connectWaiter = undefined;
  }

  private refused(frame: 'dm' | 'frmr'): void {
    this.fail(
      new SessionError('REFUSED', `the server refused the HDLC connection (${frame.toUpperCase()}): busy with another client, or a wrong address`, {
        refusal: { type: 'hdlc', frame },
      }),
    );
  }

  private snrm(source: number, info: Uint8Array): void {
    if (this.options.clientAddress !== undefined && source !== this.options.clientAddress) {
      this.transmitTo(source, { type: 'dm', pf: true });
      return;
    }
    if (this.options.acceptClient && !this.options.acceptClient(source)) {
      this.transmitTo(source, { type: 'dm', pf: true });
      return;
    }
    let negotiated;
    try {
      negotiated = negotiateHdlcParameters(info.length > 0 ? decodeHdlcParameters(info) : {}, { ...DEFAULT_PARAMETERS, ...this.options.parameters });
    } catch (e) {
      this.diagnose(toSessionError(e, 'refused an SNRM with malformed parameters'));
      this.transmitTo(source, { type: 'dm', pf: true });
      return;
    }
    this.link = {
      maxInfoTransmit: Math.min(negotiated.maxInfoTransmit, MAX_INFO),
      maxInfoReceive: negotiated.maxInfoReceive,
      windowTransmit: Math.min(negotiated.windowTransmit, MAX_WINDOW),
      windowReceive: Math.min(negotiated.windowReceive, MAX_WINDOW),
    };
    // IEC 62056-46 6.4.4.4.3.2: SNRM (re)sets both sequence variables and any transfer in progress.
    this.vs = 0;
    this.vr = 0;
    this.out = undefined;
    this.sendQueue.length = 0;
    this.reassembler.reset();
    this.clientAddress = source;
    this.state = 'connected';
    this.ourTurn = false;
    this.transmit({ type: 'ua', pf: true }, encodeHdlcParameters(negotiated));
  }

  /** Server: the client passed the poll bit. Send what is due, hold the turn for an answer, or say RR. */
  private polled(completedApdu: boolean): void {
    this.ourTurn = true;
    if (this.out !== undefined && this.out.base < this.out.segments.length) {
      this.resendFromBase();
      return;
    }
    if (this.out === undefined && this.sendQueue.length > 0) {
      this.startNext();
      this.sendWindow();
      return;
    }
    // A complete request: keep the turn so the answer can go out as soon as the application has it.
    if (completedApdu) return;
    this.ourTurn = false;
    this.transmit({ type: 'rr', receiveSequence: this.vr, pf: true });
  }

  /** Client: send what is queued when holding the turn. */
  private pump(): void {
    if (!this.ourTurn || this.state !== 'connected') return;
    if (this.out === undefined && this.sendQueue.length > 0) this.startNext();
    if (this.out !== undefined && this.out.next < this.out.segments.length) this.sendWindow();
  }

  private startNext(): void {
    const segments = this.sendQueue.shift();
    if (segments !== undefined) this.out = { segments, base: 0, baseNs: this.vs, next: 0 };
  }

  /** Go back N: send again from the first unacknowledged segment (or on from there). */
  private resendFromBase(): void {
    const o = this.out;
    if (o === undefined) return;
    o.next = o.base;
    this.vs = o.baseNs;
    this.sendWindow();
  }

  /** Send up to one window of I-frames; the last carries the poll/final bit and hands over the turn. */
  private sendWindow(): void {
    const o = this.out;
    if (o === undefined || !this.ourTurn) return;
    let count = 0;
    while (o.next < o.segments.length && count < this.link.windowTransmit) {
      const i = o.next;
      const segment = o.segments[i];
      if (segment === undefined) break;
      const last = i === o.segments.length - 1;
      const endOfWindow = last || count === this.link.windowTransmit - 1;
      const ns = (o.baseNs + i - o.base) & 7;
      const frame = this.transmit({ type: 'i', sendSequence: ns, receiveSequence: this.vr, pf: endOfWindow }, segment, !last);
      o.next++;
      count++;
      this.vs = (ns + 1) & 7;
      if (last && this.role === 'client') {
        this.awaitingResponse = true;
        this.polls = 0;
      }
      if (endOfWindow) this.passTurn(frame);
    }
  }

  /** Client: RR with the poll bit, to fetch the next segments or ask whether the answer is ready. */
  private sendPoll(): void {
    if (!this.ourTurn) return;
    this.passTurn(this.transmit({ type: 'rr', receiveSequence: this.vr, pf: true }));
  }

  private schedulePoll(): void {
    if (this.pollTimer !== undefined) return;
    if (this.polls >= (this.options.maxPolls ?? 100)) {
      // The application's own timeout decides now; the link stays up for the next request.
      this.awaitingResponse = false;
      this.pump();
      return;
    }
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      if (this.state !== 'connected' || !this.ourTurn || !this.awaitingResponse) return;
      this.polls++;
      this.sendPoll();
    }, this.options.pollIntervalMs ?? 100);
  }

  private cancelPoll(): void {
    if (this.pollTimer !== undefined) clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
  }

  /** Having sent a frame with the poll/final bit: the peer's turn. The client times the answer. */
  private passTurn(frame: Uint8Array): void {
    this.ourTurn = false;
    if (this.role !== 'client') return;
    this.lastPoll = frame;
    this.startFrameTimer();
  }

  private startFrameTimer(): void {
    this.clearFrameTimer();
    this.frameTimer = setTimeout(() => this.frameTimeout(), this.frameTimeoutMs);
  }

  private frameTimeout(): void {
    this.frameTimer = undefined;
    const frame = this.lastPoll;
    if (this.retries >= this.maxRetries || frame === undefined) {
      const what = this.state === 'connecting' ? 'UA to our SNRM' : 'a frame with the final bit';
      this.fail(new SessionError('TIMEOUT', `no HDLC answer (${what}) after ${this.retries} retransmission(s), ${this.frameTimeoutMs} ms each`));
      return;
    }
    this.retries++;
    this.write(frame);
    this.startFrameTimer();
  }

  private transmit(control: HdlcControl, information: Uint8Array = EMPTY, segmented = false): Uint8Array {
    return this.transmitTo(this.clientAddress, control, information, segmented);
  }

  private transmitTo(client: number | undefined, control: HdlcControl, information: Uint8Array = EMPTY, segmented = false): Uint8Array {
    const clientHdlc: HdlcAddress = { upper: client ?? 0, size: 1 };
    const frame = encodeHdlcFrame({
      segmented,
      destination: this.role === 'client' ? this.serverHdlc : clientHdlc,
      source: this.role === 'client' ? clientHdlc : this.serverHdlc,
      control,
      information,
    });
    this.write(frame);
    return frame;
  }

  private write(frame: Uint8Array): void {
    writeTo(this.stream, frame).catch((e: unknown) => this.fail(toSessionError(e, 'writing an HDLC frame failed')));
  }

  // ------------------------------------------------------------------------------------------
  // Housekeeping
  // ------------------------------------------------------------------------------------------

  private isServer(a: HdlcAddress): boolean {
    // Compared by value, not size: some meters answer a 4-byte address with a 2-byte one (dlms-cosem#68).
    return a.upper === this.server.logical && (this.server.physical === undefined || a.lower === undefined || a.lower === this.server.physical);
  }

  /** Server: restart the inactivity timer; unref'd so an idle server never keeps the process alive. */
  private touch(): void {
    const ms = this.options.inactivityTimeoutMs ?? 120_000;
    if (ms <= 0) return;
    if (this.inactivityTimer !== undefined) clearTimeout(this.inactivityTimer);
    this.inactivityTimer = setTimeout(() => {
      this.fail(new SessionError('TIMEOUT', `no HDLC frame from the client for ${ms} ms`));
    }, ms);
    this.inactivityTimer.unref();
  }

  private clearFrameTimer(): void {
    if (this.frameTimer !== undefined) clearTimeout(this.frameTimer);
    this.frameTimer = undefined;
  }

  private stopTimers(): void {
    this.clearFrameTimer();
    this.cancelPoll();
    if (this.inactivityTimer !== undefined) clearTimeout(this.inactivityTimer);
    this.inactivityTimer = undefined;
  }

  /** The link is gone: stop everything, tell readers and a pending connect, drop the stream. */
  private fail(reason: SessionError, destroy = true): void {
    if (this.state === 'closed' && this.closed) return;
    this.state = 'closed';
    this.stopTimers();
    this.connectWaiter?.reject(reason);
    this.connectWaiter = undefined;
    this.discWaiter?.();
    this.shutdown(reason);
    if (destroy && !this.stream.destroyed) this.stream.destroy();
  }

  private diagnose(problem: SessionError): void {
    this.options.onDiagnostic?.(problem);
  }
}

function toHdlcAddress(a: HdlcServerAddress): HdlcAddress {
  if (a.size === undefined) return serverAddress(a.logical, a.physical);
  if (a.size === 1) return { upper: a.logical, size: 1 };
  return { upper: a.logical, lower: a.physical ?? 0, size: a.size };
}

function describe(a: HdlcAddress): string {
  return a.lower === undefined ? `${a.upper}` : `${a.upper}/${a.lower}`;
}

function toSessionError(e: unknown, context: string): SessionError {
  if (e instanceof SessionError) return e;
  if (e instanceof DlmsError) return new SessionError(e.code === 'LIMIT_EXCEEDED' ? 'LIMIT' : 'PROTOCOL', `${context}: ${e.message}`, { cause: e });
  return new SessionError('PROTOCOL', `${context}: ${String(e)}`, { cause: e });
}
