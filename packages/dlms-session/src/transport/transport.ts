import { SessionError } from '../errors/index.ts';

/**
 * The SAPs of one link (Green Book 7.3.3.2 wrapper wPorts, 8.4.2 HDLC addresses): the client SAP
 * (1 management client, 16 public client, …) and the server logical device (1 management). On
 * the server side the client SAP is learned from the first frame the client sends.
 */
export interface LinkAddresses {
  readonly clientSap: number | undefined;
  readonly serverSap: number;
}

/** Options of `DlmsTransport.receive`. */
export interface ReceiveOptions {
  /** Give up with `TIMEOUT` after this many milliseconds; without it, wait until the link closes. */
  readonly timeoutMs?: number;
}

/**
 * One point-to-point link carrying whole APDUs, whatever the framing underneath (TCP wrapper,
 * HDLC, in memory). Received APDUs arrive in order through `receive()` or async iteration; every
 * failure is a `SessionError` (`CLOSED` once the link is gone, `TIMEOUT` from `receive`).
 * APDUs already received when the link closes are still delivered before `CLOSED`.
 */
export interface DlmsTransport extends AsyncIterable<Uint8Array> {
  /** Which framing this is, for logs. */
  readonly kind: 'in-memory' | 'wrapper' | 'hdlc';
  readonly addresses: LinkAddresses;
  readonly closed: boolean;
  /** Send one APDU. Rejects with `CLOSED` when the link is gone, `LIMIT` when the framing cannot carry it. */
  send(apdu: Uint8Array): Promise<void>;
  /** The next received APDU. */
  receive(options?: ReceiveOptions): Promise<Uint8Array>;
  /**
   * Close the link (HDLC: DISC first). Pending and later `receive` calls reject with the close
   * reason: `CLOSED`, or `TIMEOUT` when an HDLC peer stopped answering. Never rejects.
   */
  close(): Promise<void>;
  /** Settles, never rejecting, with the reason once the link is closed from either side. */
  readonly whenClosed: Promise<SessionError>;
}

interface Waiter {
  readonly resolve: (apdu: Uint8Array) => void;
  readonly reject: (e: SessionError) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** How many received APDUs may wait unread before the link is failed: a peer cannot flood memory. */
export const MAX_QUEUED_APDUS = 256;

/**
 * The receive side every transport shares: a FIFO of received APDUs and of waiting readers, and
 * the close reason. Subclasses call `deliver` for each APDU and `shutdown` once.
 */
export abstract class TransportBase implements DlmsTransport {
  abstract readonly kind: DlmsTransport['kind'];
  abstract readonly addresses: LinkAddresses;
  private readonly inbox: Uint8Array[] = [];
  private readonly waiters: Waiter[] = [];
  private failure: SessionError | undefined;
  private settleClosed!: (e: SessionError) => void;
  readonly whenClosed: Promise<SessionError> = new Promise((resolve) => {
    this.settleClosed = resolve;
  });

  abstract send(apdu: Uint8Array): Promise<void>;
  abstract close(): Promise<void>;

  get closed(): boolean {
    return this.failure !== undefined;
  }

  /** Hand a received APDU to the next reader, or queue it. */
  protected deliver(apdu: Uint8Array): void {
    if (this.failure) return;
    const waiter = this.waiters.shift();
    if (waiter) {
      if (waiter.timer !== undefined) clearTimeout(waiter.timer);
      waiter.resolve(apdu);
      return;
    }
    if (this.inbox.length >= MAX_QUEUED_APDUS) {
      this.shutdown(new SessionError('LIMIT', `${MAX_QUEUED_APDUS} received APDUs are waiting unread: the peer sends faster than this side reads`));
      return;
    }
    this.inbox.push(apdu);
  }

  /** Mark the link closed with `reason`; waiting readers reject, queued APDUs stay readable. Idempotent. */
  protected shutdown(reason: SessionError): void {
    if (this.failure) return;
    this.failure = reason;
    for (const w of this.waiters.splice(0)) {
      if (w.timer !== undefined) clearTimeout(w.timer);
      w.reject(reason);
    }
    this.settleClosed(reason);
  }

  /** The error to throw from `send` once closed. */
  protected closedError(): SessionError {
    return new SessionError('CLOSED', `the ${this.kind} link is closed`, { cause: this.failure });
  }

  receive(options: ReceiveOptions = {}): Promise<Uint8Array> {
    const queued = this.inbox.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<Uint8Array>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, timer: undefined };
      const { timeoutMs } = options;
      if (timeoutMs !== undefined) {
        waiter.timer = setTimeout(() => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(new SessionError('TIMEOUT', `no APDU received within ${timeoutMs} ms`));
        }, Math.max(0, timeoutMs));
      }
      this.waiters.push(waiter);
    });
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      let apdu: Uint8Array;
      try {
        apdu = await this.receive();
      } catch (e) {
        if (e instanceof SessionError && e.code === 'CLOSED') return;
        throw e;
      }
      yield apdu;
    }
  }
}
