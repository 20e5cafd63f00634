import { SessionError } from '../errors/index.ts';
import { TransportBase } from './transport.ts';
import type { DlmsTransport, LinkAddresses } from './transport.ts';

/** Options of `inMemoryTransportPair`. */
export interface InMemoryPairOptions {
  /** Default 1, the management client. */
  readonly clientSap?: number;
  /** Default 1, the management logical device. */
  readonly serverSap?: number;
}

/**
 * A connected pair of transports in one process, for tests and examples: what one side sends,
 * the other receives (copied, so neither side can alter the other's bytes), always
 * asynchronously and in order. Closing either side closes both, after the APDUs already sent.
 */
export function inMemoryTransportPair(options: InMemoryPairOptions = {}): { client: DlmsTransport; server: DlmsTransport } {
  const addresses: LinkAddresses = { clientSap: options.clientSap ?? 1, serverSap: options.serverSap ?? 1 };
  const client = new InMemoryTransport(addresses, 'client');
  const server = new InMemoryTransport(addresses, 'server');
  client.peer = server;
  server.peer = client;
  return { client, server };
}

class InMemoryTransport extends TransportBase {
  readonly kind = 'in-memory';
  peer: InMemoryTransport | undefined;

  constructor(
    readonly addresses: LinkAddresses,
    private readonly side: 'client' | 'server',
  ) {
    super();
  }

  send(apdu: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(this.closedError());
    const copy = apdu.slice();
    const peer = this.peer;
    // setImmediate, not a microtask: like a socket, the peer sees the bytes on a later turn.
    setImmediate(() => peer?.arrive(copy));
    return Promise.resolve();
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.shutdown(new SessionError('CLOSED', `the ${this.side} closed the in-memory link`));
    const peer = this.peer;
    // Behind any APDU still on its way, as a socket's FIN follows its data.
    setImmediate(() => peer?.hangUp(this.side));
    return Promise.resolve();
  }

  private arrive(apdu: Uint8Array): void {
    this.deliver(apdu);
  }

  private hangUp(by: 'client' | 'server'): void {
    this.shutdown(new SessionError('CLOSED', `the ${by} closed the in-memory link`));
  }
}
