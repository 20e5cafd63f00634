import type { Socket } from 'node:net';
import { HdlcDeframer, buildAare, decodeApdu, encodeApdu } from '@openams/dlms';
import type { HdlcAddress } from '@openams/dlms';
import { HdlcTransport, SessionError, WrapperTransport, listenTcp } from '@openams/dlms-session';
import type { DlmsTransport, ReceiveOptions } from '@openams/dlms-session';
import { ForwardingTransport } from '../faults/index.ts';
import { FleetError } from './errors.ts';
import type { Fleet } from './fleet.ts';
import { GATEWAY_REQUEST_TAG, GATEWAY_RESPONSE_TAG, decodeGatewayPdu, encodeGatewayPdu } from './gateway.ts';

/** Where a fleet front listens. */
export interface FleetListenOptions {
  /** Default `127.0.0.1`; `0.0.0.0` for head-ends on other hosts (and per-meter loopback addresses). */
  readonly host?: string;
  /** 0 picks a free port (`FleetListener.port` tells which). */
  readonly port: number;
  /** Close a connection whose first frame has not arrived within this long. Default 30,000 ms. */
  readonly firstFrameTimeoutMs?: number;
}

/** A listening fleet front. */
export interface FleetListener {
  readonly host: string;
  readonly port: number;
  /** Stop listening and close every connection. */
  close(): Promise<void>;
}

/**
 * The lowest HDLC lower (physical device) address a meter gets: IEC 62056-46 6.4.2.2 reserves
 * 0x00 (NO_STATION) and 0x01–0x0F, and 0x3FFE (CALLING) and 0x3FFF (broadcast) at the top of the
 * 14-bit range, so meter `index` is at `0x10 + index` and one HDLC front reaches 16,366 meters.
 */
export const HDLC_FIRST_PHYSICAL_ADDRESS = 0x10;
/** How many meters one HDLC front can address (0x10 … 0x3FFD). */
export const HDLC_MAX_METERS = 0x3ffe - HDLC_FIRST_PHYSICAL_ADDRESS;

/** The HDLC server address of meter `index` behind an HDLC front: logical device 1 (management), physical `0x10 + index`. */
export function meterHdlcAddress(index: number): { readonly logical: 1; readonly physical: number } {
  if (!Number.isInteger(index) || index < 0 || index >= HDLC_MAX_METERS) throw new FleetError('INVALID_OPTION', `meter ${index} has no HDLC address (0..${HDLC_MAX_METERS - 1})`);
  return { logical: 1, physical: HDLC_FIRST_PHYSICAL_ADDRESS + index };
}

/** The first loopback address meters get (127.16.0.0 onwards, clear of 127.0.0.1 and the 127.0.x.y hosts use). */
const LOOPBACK_FIRST_OCTET = 16;

/**
 * Meter `index`'s own loopback address: 127.16.0.0 + index. Real 4G meters each have an IP
 * address of their own in the grid company's APN, and the head-end dials it on port 4059; on
 * Linux every 127.0.0.0/8 address reaches a listener on 0.0.0.0, so a fleet listening there
 * gives each meter its own address on one port. (macOS configures only 127.0.0.1: add aliases
 * or use the gateway header.)
 */
export function meterLoopbackAddress(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= (255 - LOOPBACK_FIRST_OCTET) << 16) throw new FleetError('INVALID_OPTION', `meter ${index} has no loopback address`);
  return `127.${LOOPBACK_FIRST_OCTET + (index >>> 16)}.${(index >>> 8) & 0xff}.${index & 0xff}`;
}

/** The meter index a local address names (`meterLoopbackAddress`'s inverse), or undefined. */
export function indexOfLoopbackAddress(address: string | undefined): number | undefined {
  const m = /^(?:::ffff:)?127\.(\d+)\.(\d+)\.(\d+)$/.exec(address ?? '');
  if (m === null) return undefined;
  const [a, b, c] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (a < LOOPBACK_FIRST_OCTET || a > 255 || b > 255 || c > 255) return undefined;
  return ((a - LOOPBACK_FIRST_OCTET) << 16) | (b << 8) | c;
}

/** How the first APDU of a connection picked its meter. */
export type RouteVia = 'gateway' | 'called-ap-title' | 'loopback-address' | 'single-meter';

/** The meter a connection is for, and the first APDU with any gateway header taken off. */
export type Route =
  | { readonly type: 'meter'; readonly index: number; readonly via: RouteVia; readonly apdu: Uint8Array; readonly gateway: { readonly networkId: number; readonly address: Uint8Array } | undefined }
  | { readonly type: 'unrouted'; readonly reason: string; readonly gateway: { readonly networkId: number; readonly address: Uint8Array } | undefined };

const ASCII = new TextDecoder('latin1');

/**
 * Which meter of `fleet` the first APDU of a wrapper connection is for. In order:
 *
 * 1. a DLMS gateway header (`gateway-request`, Green Book gateway protocol) whose physical
 *    device address is the meter's 8-byte system title or its 16-digit serial in ASCII: how a
 *    head-end reaches the meters behind a concentrator or gateway over one address;
 * 2. an AARQ whose called-AP-title is the meter's system title (ACSE names the responder there);
 * 3. the local address the head-end dialled, when it is the meter's own loopback address
 *    (`meterLoopbackAddress`: one IP per meter, as 4G meters have);
 * 4. the only meter of a one-meter fleet.
 *
 * The wrapper's destination wPort cannot carry it: it is 16 bits (a fleet has up to 10 million
 * meters) and names the logical device (1, management) on every meter.
 */
export function routeFirstApdu(fleet: Fleet, apdu: Uint8Array, localAddress: string | undefined): Route {
  let gateway: { networkId: number; address: Uint8Array } | undefined;
  if (apdu[0] === GATEWAY_REQUEST_TAG) {
    let pdu;
    try {
      pdu = decodeGatewayPdu(apdu);
    } catch (e) {
      return { type: 'unrouted', reason: e instanceof Error ? e.message : String(e), gateway: undefined };
    }
    gateway = { networkId: pdu.networkId, address: pdu.physicalDeviceAddress };
    const a = pdu.physicalDeviceAddress;
    const index = a.length === 8 ? fleet.directory.indexOfSystemTitle(a) : a.length === 16 ? fleet.directory.indexOfSerial(ASCII.decode(a)) : undefined;
    if (index === undefined) return { type: 'unrouted', reason: 'no meter has that physical device address', gateway };
    return { type: 'meter', index, via: 'gateway', apdu: pdu.apdu, gateway };
  }
  if (apdu[0] === 0x60) {
    try {
      const aarq = decodeApdu(apdu);
      if (aarq.type === 'aarq' && aarq.calledApTitle !== undefined) {
        const index = fleet.directory.indexOfSystemTitle(aarq.calledApTitle);
        if (index === undefined) return { type: 'unrouted', reason: 'no meter has that called-AP-title', gateway };
        return { type: 'meter', index, via: 'called-ap-title', apdu, gateway };
      }
    } catch {
      // A malformed AARQ: the meter it reaches answers it as malformed.
    }
  }
  const byAddress = indexOfLoopbackAddress(localAddress);
  if (byAddress !== undefined && byAddress < fleet.size) return { type: 'meter', index: byAddress, via: 'loopback-address', apdu, gateway };
  if (fleet.size === 1) return { type: 'meter', index: 0, via: 'single-meter', apdu, gateway };
  return { type: 'unrouted', reason: 'the connection names no meter (gateway header, called-AP-title or a meter loopback address)', gateway };
}

/**
 * The meter side of a routed wrapper connection: hands out the first APDU (already read to
 * route it) before the rest, takes the gateway header off requests that carry one (refusing a
 * request for another meter on the same connection) and puts a gateway-response header on the
 * answers to them, so a head-end that wraps every APDU and one that wraps only the AARQ (as
 * Gurux does) both get what they expect.
 */
class RoutedTransport extends ForwardingTransport {
  private first: Uint8Array | undefined;
  private wrap: boolean;

  constructor(
    inner: DlmsTransport,
    first: Uint8Array,
    private readonly gateway: { readonly networkId: number; readonly address: Uint8Array } | undefined,
  ) {
    super(inner);
    this.first = first;
    this.wrap = gateway !== undefined;
  }

  override async receive(options?: ReceiveOptions): Promise<Uint8Array> {
    const first = this.first;
    if (first !== undefined) {
      this.first = undefined;
      return first;
    }
    const apdu = await this.inner.receive(options);
    if (apdu[0] !== GATEWAY_REQUEST_TAG) {
      this.wrap = false;
      return apdu;
    }
    let pdu;
    try {
      pdu = decodeGatewayPdu(apdu);
    } catch {
      await this.inner.close();
      throw new SessionError('CLOSED', 'a malformed gateway-request closed the connection');
    }
    const g = this.gateway;
    if (g === undefined || pdu.physicalDeviceAddress.length !== g.address.length || pdu.physicalDeviceAddress.some((b, i) => b !== g.address[i])) {
      // One connection, one meter: a gateway keeps the route it opened.
      await this.inner.close();
      throw new SessionError('CLOSED', 'a gateway-request for another meter closed the connection');
    }
    this.wrap = true;
    return pdu.apdu;
  }

  override send(apdu: Uint8Array): Promise<void> {
    const g = this.gateway;
    if (!this.wrap || g === undefined) return this.inner.send(apdu);
    return this.inner.send(encodeGatewayPdu({ tag: GATEWAY_RESPONSE_TAG, networkId: g.networkId, physicalDeviceAddress: g.address, apdu }));
  }
}

function countBytes(fleet: Fleet, socket: Socket): void {
  fleet.stats.connections++;
  socket.once('close', () => {
    fleet.stats.bytesIn += socket.bytesRead;
    fleet.stats.bytesOut += socket.bytesWritten;
  });
}

async function serveWrapperConnection(fleet: Fleet, socket: Socket, firstFrameTimeoutMs: number): Promise<void> {
  countBytes(fleet, socket);
  const transport = new WrapperTransport(socket, { role: 'server', serverSap: 1 });
  let first: Uint8Array;
  try {
    first = await transport.receive({ timeoutMs: firstFrameTimeoutMs });
  } catch {
    await transport.close();
    return;
  }
  const route = routeFirstApdu(fleet, first, socket.localAddress);
  if (route.type === 'unrouted') {
    fleet.stats.unrouted++;
    if (first[0] === 0x60 || route.gateway !== undefined) {
      // Green Book 9.3.2: the responder the AARQ names does not exist here.
      const aare = encodeApdu(buildAare({ result: 'rejected-permanent', diagnostic: { source: 'acse-service-user', diagnostic: 'called-AP-title-not-recognized' } }));
      const g = route.gateway;
      await transport
        .send(g === undefined ? aare : encodeGatewayPdu({ tag: GATEWAY_RESPONSE_TAG, networkId: g.networkId, physicalDeviceAddress: g.address, apdu: aare }))
        .catch(() => undefined);
    }
    await transport.close();
    return;
  }
  const link = new RoutedTransport(transport, route.apdu, route.gateway);
  await fleet.serve(route.index, link);
  await link.close();
}

/**
 * The fleet as meters the head-end dials over TCP with the IEC 62056-47 wrapper, all on one
 * port (`--listen 0.0.0.0:4059`): each connection is routed to one meter by its first APDU
 * (`routeFirstApdu`) and served by it as its logical device 1 until the connection closes.
 */
export async function listenWrapper(fleet: Fleet, options: FleetListenOptions): Promise<FleetListener> {
  const timeout = options.firstFrameTimeoutMs ?? 30_000;
  const listener = await listenTcp(options.port, (socket) => void serveWrapperConnection(fleet, socket, timeout), { host: options.host ?? '127.0.0.1' });
  return listener;
}

/** Read from `socket` until the first complete HDLC frame; resolve with its destination, the bytes read left unread. */
function firstHdlcDestination(socket: Socket, timeoutMs: number): Promise<HdlcAddress | undefined> {
  return new Promise((resolve) => {
    const deframer = new HdlcDeframer();
    const chunks: Buffer[] = [];
    const done = (destination: HdlcAddress | undefined) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.pause();
      // Leave every byte for the HDLC link layer, which will read the same frame again.
      if (chunks.length > 0) socket.unshift(Buffer.concat(chunks));
      resolve(destination);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      for (const event of deframer.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))) {
        if (event.type === 'frame') {
          done(event.frame.destination);
          return;
        }
      }
    };
    const onClose = () => done(undefined);
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.on('data', onData);
    socket.once('close', onClose);
  });
}

async function serveHdlcConnection(fleet: Fleet, socket: Socket, firstFrameTimeoutMs: number): Promise<void> {
  countBytes(fleet, socket);
  const destination = await firstHdlcDestination(socket, firstFrameTimeoutMs);
  const index = destination?.lower === undefined ? undefined : destination.lower - HDLC_FIRST_PHYSICAL_ADDRESS;
  if (destination === undefined || index === undefined || destination.upper !== 1 || index < 0 || index >= Math.min(fleet.size, HDLC_MAX_METERS)) {
    // No station has that address on this line: nobody answers (IEC 62056-46 6.4.4.4.2).
    if (destination !== undefined) fleet.stats.unrouted++;
    socket.destroy();
    return;
  }
  const admission = fleet.admit(index);
  if (admission.type === 'down') {
    socket.resume(); // read and drop what the head-end sends while it waits for a UA
    await fleet.holdUnreachable(new Promise((resolve) => socket.once('close', resolve)), () => void socket.destroy());
    return;
  }
  const transport = HdlcTransport.accept(socket, { serverAddress: { logical: 1, physical: destination.lower as number, size: destination.size } });
  socket.resume();
  await fleet.serveAdmitted(index, admission.session, transport);
  await transport.close();
}

/**
 * The fleet as a concentrator-style HDLC line over TCP (IEC 62056-46 frames on the socket, as a
 * serial line behind a terminal server or a concentrator's transparent port): the server lower
 * (physical) HDLC address of the first frame picks the meter (`meterHdlcAddress`: 0x10 +
 * index), the upper address must be logical device 1. One meter per connection, like one
 * station in normal response mode; meters beyond `HDLC_MAX_METERS` are reached by wrapper only.
 */
export async function listenHdlc(fleet: Fleet, options: FleetListenOptions): Promise<FleetListener> {
  const timeout = options.firstFrameTimeoutMs ?? 30_000;
  return listenTcp(options.port, (socket) => void serveHdlcConnection(fleet, socket, timeout), { host: options.host ?? '127.0.0.1' });
}
