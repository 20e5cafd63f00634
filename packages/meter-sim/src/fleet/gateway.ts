import { SessionError } from '@openams/dlms-session';
import type { DlmsTransport, ReceiveOptions } from '@openams/dlms-session';
import { ForwardingTransport } from '../faults/index.ts';
import { FleetError } from './errors.ts';

/** APDU tags of the DLMS/COSEM gateway protocol (Green Book, "DLMS/COSEM gateway"; [230] and [231]). */
export const GATEWAY_REQUEST_TAG = 0xe6;
export const GATEWAY_RESPONSE_TAG = 0xe7;

/**
 * A gateway PDU: `gateway-request [230] / gateway-response [231] ::= SEQUENCE { id Unsigned8,
 * physical-device-address OCTET STRING, pdu }`, the APDU for the meter behind the gateway
 * following as the rest of the bytes. This is how a head-end reaches one of the meters behind a
 * data concentrator or gateway over a single association point: the network id picks the LAN,
 * the physical device address the meter. Gurux's `GXDLMSGateway` (NetworkId,
 * PhysicalDeviceAddress) sends it in front of the AARQ; its translator reads the address with an
 * A-XDR length and the PDU as the remaining bytes.
 */
export interface GatewayPdu {
  readonly tag: typeof GATEWAY_REQUEST_TAG | typeof GATEWAY_RESPONSE_TAG;
  readonly networkId: number;
  readonly physicalDeviceAddress: Uint8Array;
  readonly apdu: Uint8Array;
}

/** Encode a gateway PDU. The physical device address is at most 127 bytes (one length byte). */
export function encodeGatewayPdu(pdu: GatewayPdu): Uint8Array {
  const a = pdu.physicalDeviceAddress;
  if (!Number.isInteger(pdu.networkId) || pdu.networkId < 0 || pdu.networkId > 255) throw new FleetError('GATEWAY_PDU', `a gateway network id is 0..255, got ${pdu.networkId}`);
  if (a.length > 127) throw new FleetError('GATEWAY_PDU', `a physical device address of ${a.length} bytes is longer than this codec writes (127)`);
  const out = new Uint8Array(3 + a.length + pdu.apdu.length);
  out[0] = pdu.tag;
  out[1] = pdu.networkId;
  out[2] = a.length;
  out.set(a, 3);
  out.set(pdu.apdu, 3 + a.length);
  return out;
}

/** Decode a gateway PDU (either tag); throws `FleetError` GATEWAY_PDU when `bytes` is not one. */
export function decodeGatewayPdu(bytes: Uint8Array): GatewayPdu {
  const tag = bytes[0];
  if (tag !== GATEWAY_REQUEST_TAG && tag !== GATEWAY_RESPONSE_TAG) throw new FleetError('GATEWAY_PDU', 'not a gateway PDU (tag E6 or E7)');
  if (bytes.length < 3) throw new FleetError('GATEWAY_PDU', 'a gateway PDU is truncated before its address');
  let at = 2;
  let length = bytes[at++] as number;
  if (length & 0x80) {
    // A-XDR long form: 0x8N and N length bytes.
    const n = length & 0x7f;
    if (n === 0 || n > 2 || at + n > bytes.length) throw new FleetError('GATEWAY_PDU', 'a gateway PDU has a malformed address length');
    length = 0;
    for (let i = 0; i < n; i++) length = (length << 8) | (bytes[at++] as number);
  }
  if (at + length > bytes.length) throw new FleetError('GATEWAY_PDU', 'a gateway PDU is truncated inside its physical device address');
  return { tag, networkId: bytes[1] as number, physicalDeviceAddress: bytes.slice(at, at + length), apdu: bytes.subarray(at + length) };
}

/**
 * The head-end's side of the gateway protocol on any transport: every APDU it sends goes out as
 * a gateway-request for `physicalDeviceAddress` (the fleet takes the meter's 8-byte system title
 * or its 16-digit serial in ASCII), and a gateway-response is unwrapped to the APDU inside. Give
 * it to a `DlmsClient` as its transport to reach one meter of a fleet over one TCP port.
 */
export class GatewayClientTransport extends ForwardingTransport {
  constructor(
    inner: DlmsTransport,
    private readonly physicalDeviceAddress: Uint8Array,
    private readonly networkId = 0,
  ) {
    super(inner);
  }

  override send(apdu: Uint8Array): Promise<void> {
    return this.inner.send(encodeGatewayPdu({ tag: GATEWAY_REQUEST_TAG, networkId: this.networkId, physicalDeviceAddress: this.physicalDeviceAddress, apdu }));
  }

  override async receive(options?: ReceiveOptions): Promise<Uint8Array> {
    const apdu = await this.inner.receive(options);
    if (apdu[0] !== GATEWAY_RESPONSE_TAG) return apdu;
    try {
      return decodeGatewayPdu(apdu).apdu;
    } catch (e) {
      throw new SessionError('PROTOCOL', e instanceof Error ? e.message : String(e));
    }
  }
}
