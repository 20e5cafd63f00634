import type { Duplex } from 'node:stream';
import { WrapperDeframer, encodeWrapperFrame } from '@openams/dlms';
import { SessionError } from '../errors/index.ts';
import { endStream, watchStream, writeTo } from './stream.ts';
import { TransportBase } from './transport.ts';
import type { LinkAddresses } from './transport.ts';

/** Options of `WrapperTransport`. */
export interface WrapperTransportOptions {
  /** The client dials and sends from `clientSap`; the server answers from `serverSap`. */
  readonly role: 'client' | 'server';
  /** The client wPort. Required for the client; on the server, fixes the one client SAP accepted (else learned from the first frame). */
  readonly clientSap?: number;
  /** The server wPort (logical device); default 1, the management logical device. */
  readonly serverSap?: number;
  /** Server side: which client wPorts may open this link (default: any). */
  readonly acceptClient?: (clientSap: number) => boolean;
  /** Largest APDU accepted in one wrapper frame (at most 65535, the length field). */
  readonly maxApduSize?: number;
  /** Told about frames that were dropped (garbage, wrong wPorts): they do not close the link. */
  readonly onDiagnostic?: (problem: SessionError) => void;
}

/**
 * APDUs over the IEC 62056-47 TCP/UDP wrapper (Green Book 7.3.3) on any Node `Duplex`, usually a
 * `net.Socket`. Each APDU travels in one wrapper frame; wPorts are checked both ways: a frame
 * whose destination is not this side's wPort, or whose source is not the peer's, is dropped and
 * reported through `onDiagnostic` (a wrong wPort is a misrouted or foreign frame, not this link's).
 */
export class WrapperTransport extends TransportBase {
  readonly kind = 'wrapper';
  private readonly deframer: WrapperDeframer;
  private readonly role: 'client' | 'server';
  private clientSap: number | undefined;
  private readonly serverSap: number;

  constructor(
    private readonly stream: Duplex,
    private readonly options: WrapperTransportOptions,
  ) {
    super();
    this.role = options.role;
    this.serverSap = options.serverSap ?? 1;
    this.clientSap = options.clientSap;
    if (this.role === 'client' && this.clientSap === undefined) throw new SessionError('STATE', 'a wrapper client needs its clientSap (wPort)');
    checkWport(this.serverSap, 'serverSap');
    if (this.clientSap !== undefined) checkWport(this.clientSap, 'clientSap');
    this.deframer = new WrapperDeframer({ maxApduSize: Math.min(options.maxApduSize ?? 0xffff, 0xffff) });
    watchStream(
      stream,
      (chunk) => this.onData(chunk),
      (reason) => {
        this.shutdown(reason);
        if (!stream.destroyed) stream.destroy();
      },
    );
  }

  get addresses(): LinkAddresses {
    return { clientSap: this.clientSap, serverSap: this.serverSap };
  }

  async send(apdu: Uint8Array): Promise<void> {
    if (this.closed) throw this.closedError();
    const clientSap = this.clientSap;
    if (clientSap === undefined) throw new SessionError('STATE', 'the server cannot send before the client has sent its first frame (its wPort is unknown)');
    if (apdu.length > 0xffff) throw new SessionError('LIMIT', `an APDU of ${apdu.length} bytes does not fit a wrapper frame (65535 at most)`);
    const frame =
      this.role === 'client'
        ? encodeWrapperFrame({ source: clientSap, destination: this.serverSap, apdu })
        : encodeWrapperFrame({ source: this.serverSap, destination: clientSap, apdu });
    try {
      await writeTo(this.stream, frame);
    } catch (e) {
      this.shutdown(e instanceof SessionError ? e : new SessionError('CLOSED', 'writing failed', { cause: e }));
      throw this.closedError();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.shutdown(new SessionError('CLOSED', `the ${this.role} closed the wrapper link`));
    await endStream(this.stream);
  }

  private onData(chunk: Uint8Array): void {
    for (const event of this.deframer.push(chunk)) {
      if (event.type === 'error') {
        this.diagnose(new SessionError('PROTOCOL', `dropped ${event.droppedBytes} byte(s) that are not wrapper frames`, { cause: event.error }));
        continue;
      }
      const { source, destination, apdu } = event.frame;
      if (this.role === 'client') {
        if (source !== this.serverSap || destination !== this.clientSap) {
          this.diagnose(wrongPorts(source, destination, this.serverSap, this.clientSap));
          continue;
        }
      } else {
        if (destination !== this.serverSap) {
          this.diagnose(new SessionError('PROTOCOL', `dropped a wrapper frame for wPort ${destination}: this is logical device ${this.serverSap}`));
          continue;
        }
        if (this.clientSap === undefined) {
          if (this.options.acceptClient && !this.options.acceptClient(source)) {
            this.diagnose(new SessionError('PROTOCOL', `dropped a wrapper frame from client wPort ${source}, which may not use this link`));
            continue;
          }
          this.clientSap = source;
        } else if (source !== this.clientSap) {
          this.diagnose(new SessionError('PROTOCOL', `dropped a wrapper frame from client wPort ${source}: this link belongs to client ${this.clientSap}`));
          continue;
        }
      }
      if (apdu.length === 0) {
        this.diagnose(new SessionError('PROTOCOL', 'dropped an empty wrapper frame'));
        continue;
      }
      this.deliver(apdu);
    }
  }

  private diagnose(problem: SessionError): void {
    this.options.onDiagnostic?.(problem);
  }
}

function wrongPorts(source: number, destination: number, expectedSource: number, expectedDestination: number | undefined): SessionError {
  return new SessionError(
    'PROTOCOL',
    `dropped a wrapper frame ${source} → ${destination}; this link expects ${expectedSource} → ${String(expectedDestination)}`,
  );
}

function checkWport(v: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new SessionError('STATE', `${what} ${v} is not a 16-bit wPort`);
}

