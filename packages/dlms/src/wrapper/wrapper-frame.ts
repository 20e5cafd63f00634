import { ByteReader, ByteWriter } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';

/**
 * The IEC 62056-47 TCP/UDP wrapper (Green Book 7.3.3.2): an 8-byte header — version (0x0001),
 * source wPort, destination wPort, length of the APDU — then the APDU. wPorts are the DLMS
 * SAPs: 0x01 management logical device, 0x10 public client, 0x01–0x7F clients, server logical
 * devices numbered from 0x01.
 */
export interface WrapperFrame {
  readonly version: number;
  readonly source: number;
  readonly destination: number;
  readonly apdu: Uint8Array;
}

export const WRAPPER_VERSION = 0x0001;
export const WRAPPER_HEADER_LENGTH = 8;
/** Well-known wPorts (Green Book 7.3.3.2, Table "Reserved wrapper port numbers"). */
export const WPORT = { noStation: 0x00, managementLogicalDevice: 0x01, publicClient: 0x10, allStation: 0x7f } as const;

export function encodeWrapperFrame(frame: { source: number; destination: number; apdu: Uint8Array; version?: number }): Uint8Array {
  if (frame.apdu.length > 0xffff) throw new DlmsError('INVALID_LENGTH', `APDU of ${frame.apdu.length} bytes does not fit a wrapper frame (max 65535)`);
  return new ByteWriter(frame.apdu.length + 8)
    .u16(frame.version ?? WRAPPER_VERSION)
    .u16(frame.source)
    .u16(frame.destination)
    .u16(frame.apdu.length)
    .bytes(frame.apdu)
    .finish();
}

/** Decode exactly one wrapper frame. Version ≠ 1 is FRAME_INVALID; a length mismatch TRUNCATED or TRAILING_BYTES. */
export function decodeWrapperFrame(bytes: Uint8Array, baseOffset = 0): WrapperFrame {
  const r = new ByteReader(bytes, baseOffset);
  const version = r.u16('the wrapper version');
  if (version !== WRAPPER_VERSION) throw new DlmsError('FRAME_INVALID', `wrapper version ${version} is not 1`, { offset: baseOffset });
  const source = r.u16('the source wPort');
  const destination = r.u16('the destination wPort');
  const length = r.u16('the wrapper length');
  const apdu = r.bytes(length, 'the wrapped APDU');
  r.expectEnd('the wrapper frame');
  return { version, source, destination, apdu };
}
