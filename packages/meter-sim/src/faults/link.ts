import { SessionError } from '@openams/dlms-session';
import type { DlmsTransport, LinkAddresses, ReceiveOptions } from '@openams/dlms-session';

/**
 * A `DlmsTransport` that passes everything to another one; subclasses change what they need
 * (the fault links below, the fleet's gateway and routing transports). Its async iterator ends on
 * `CLOSED` like the transports of `@openams/dlms-session`, so `DlmsServer.serve` runs on it as is.
 */
export class ForwardingTransport implements DlmsTransport {
  constructor(protected readonly inner: DlmsTransport) {}

  get kind(): DlmsTransport['kind'] {
    return this.inner.kind;
  }

  get addresses(): LinkAddresses {
    return this.inner.addresses;
  }

  get closed(): boolean {
    return this.inner.closed;
  }

  get whenClosed(): Promise<SessionError> {
    return this.inner.whenClosed;
  }

  send(apdu: Uint8Array): Promise<void> {
    return this.inner.send(apdu);
  }

  receive(options?: ReceiveOptions): Promise<Uint8Array> {
    return this.inner.receive(options);
  }

  close(): Promise<void> {
    return this.inner.close();
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

/** Wait `ms` of real time: links are slow in real time, whatever the simulated clock does. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A slow link (PLC, radio mesh, a 4G module at the edge of coverage): every answer leaves after
 * the round-trip latency plus its transmission time at `bitsPerSecond` (APDU bytes only; the
 * framing overhead is small next to them). Answers keep their order.
 */
export class SlowLink extends ForwardingTransport {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    inner: DlmsTransport,
    private readonly latencyMs: number,
    private readonly bitsPerSecond: number,
  ) {
    super(inner);
  }

  override send(apdu: Uint8Array): Promise<void> {
    const delay = this.latencyMs + (apdu.length * 8 * 1000) / this.bitsPerSecond;
    const sent = this.queue.then(async () => {
      await sleep(delay);
      await this.inner.send(apdu);
    });
    this.queue = sent.catch(() => undefined);
    return sent;
  }
}

/**
 * A link the head-end side drops mid-session (its front end, a firewall, a NAT timeout): after
 * `answers` answers have been sent the connection is closed without a release, so the head-end
 * sees its next request fail with `CLOSED`.
 */
export class DroppingLink extends ForwardingTransport {
  private sent = 0;

  constructor(
    inner: DlmsTransport,
    private readonly answers: number,
    private readonly onDrop?: () => void,
  ) {
    super(inner);
  }

  override async send(apdu: Uint8Array): Promise<void> {
    await this.inner.send(apdu);
    if (++this.sent === this.answers) {
      this.onDrop?.();
      await this.inner.close();
    }
  }

  override async receive(options?: ReceiveOptions): Promise<Uint8Array> {
    if (this.answers <= 0 && this.sent === 0) {
      this.sent = 1;
      this.onDrop?.();
      await this.inner.close();
    }
    return this.inner.receive(options);
  }
}
