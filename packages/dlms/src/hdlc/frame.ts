import { ByteReader, ByteWriter } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';
import { decodeHdlcAddress, encodeHdlcAddress } from './address.ts';
import type { HdlcAddress } from './address.ts';
import { decodeHdlcControl, encodeHdlcControl } from './control.ts';
import type { HdlcControl } from './control.ts';
import { crc16x25 } from './crc16.ts';

export const HDLC_FLAG = 0x7e;
/** The 11-bit frame length field's maximum (IEC 62056-46 6.4.1). */
export const HDLC_MAX_FRAME_LENGTH = 0x7ff;

/**
 * One HDLC frame of frame format type 3 (IEC 62056-46 6.4 / Green Book 8.4.1):
 * flag | format (type 0xA, segmentation bit, 11-bit length) | destination | source | control |
 * HCS (only with an information field) | information | FCS | flag.
 *
 * DLMS HDLC does no byte stuffing: the length field delimits the frame, so 0x7E and 0x7D may
 * appear unescaped in the information field (IEC 62056-46 6.4.1, "transparency" is not used).
 */
export interface HdlcFrame {
  /** Segmentation bit S: more segments of this APDU follow. */
  readonly segmented: boolean;
  readonly destination: HdlcAddress;
  readonly source: HdlcAddress;
  readonly control: HdlcControl;
  /** The information field (LLC header included in the first frame of an APDU), possibly empty. */
  readonly information: Uint8Array;
}

/** Encode one frame with both flags. */
export function encodeHdlcFrame(frame: HdlcFrame): Uint8Array {
  const w = new ByteWriter(frame.information.length + 16);
  w.u8(HDLC_FLAG).u16(0); // format placeholder, patched below once the length is known
  encodeHdlcAddress(w, frame.destination);
  encodeHdlcAddress(w, frame.source);
  w.u8(encodeHdlcControl(frame.control));
  const headerEnd = w.byteLength;
  const hasInfo = frame.information.length > 0;
  if (hasInfo) w.u16(0).bytes(frame.information);
  w.u16(0).u8(HDLC_FLAG);
  const out = w.finish();
  const length = out.length - 2;
  if (length > HDLC_MAX_FRAME_LENGTH) {
    throw new DlmsError('INVALID_LENGTH', `HDLC frame of ${length} bytes exceeds the 11-bit length field (2047); segment the information`);
  }
  const format = 0xa000 | (frame.segmented ? 0x0800 : 0) | length;
  out[1] = format >> 8;
  out[2] = format & 0xff;
  if (hasInfo) putCrc(out, headerEnd, crc16x25(out, 1, headerEnd));
  putCrc(out, out.length - 3, crc16x25(out, 1, out.length - 3));
  return out;
}

function putCrc(out: Uint8Array, at: number, crc: number): void {
  out[at] = crc & 0xff; // least significant byte first (ISO/IEC 13239 4.2.5.2)
  out[at + 1] = crc >> 8;
}

function readCrc(b: Uint8Array, at: number): number {
  return (b[at] as number) | ((b[at + 1] as number) << 8);
}

/**
 * Decode exactly one frame, flags included. Errors: FRAME_INVALID (flags, format type, address,
 * control), HCS_MISMATCH, FCS_MISMATCH, TRUNCATED, TRAILING_BYTES, each with the byte offset.
 */
export function decodeHdlcFrame(bytes: Uint8Array, baseOffset = 0): HdlcFrame {
  const r = new ByteReader(bytes, baseOffset);
  if (r.u8('the opening flag') !== HDLC_FLAG) throw new DlmsError('FRAME_INVALID', 'HDLC frame does not start with the 0x7E flag', { offset: baseOffset });
  const format = r.u16('the HDLC format field');
  if (format >> 12 !== 0xa) {
    throw new DlmsError('FRAME_INVALID', `HDLC frame format type ${(format >> 12).toString(16).toUpperCase()} is not type 3 (0xA)`, { offset: baseOffset + 1 });
  }
  const length = format & 0x7ff;
  if (length + 2 > bytes.length) {
    throw new DlmsError('TRUNCATED', `HDLC length field says ${length} bytes but only ${Math.max(0, bytes.length - 2)} follow`, { offset: baseOffset + 1 });
  }
  const destination = decodeHdlcAddress(r);
  const source = decodeHdlcAddress(r);
  const controlAt = r.offset;
  const control = decodeHdlcControl(r.u8('the HDLC control field'), controlAt);
  const headerEnd = r.position;
  // Frame bytes run from index 1 to index `length` (inclusive); the FCS is the last two of them.
  const fcsAt = length - 1;
  if (fcsAt < headerEnd) throw new DlmsError('INVALID_LENGTH', `HDLC length ${length} is shorter than the frame header`, { offset: baseOffset + 1 });
  let information: Uint8Array = new Uint8Array(0);
  if (fcsAt > headerEnd) {
    if (fcsAt < headerEnd + 2) throw new DlmsError('INVALID_LENGTH', `HDLC length ${length} leaves no room for the HCS`, { offset: baseOffset + 1 });
    if (readCrc(bytes, headerEnd) !== crc16x25(bytes, 1, headerEnd)) {
      throw new DlmsError('HCS_MISMATCH', 'HDLC header check sequence is wrong', { offset: baseOffset + headerEnd });
    }
    information = bytes.subarray(headerEnd + 2, fcsAt);
  }
  if (readCrc(bytes, fcsAt) !== crc16x25(bytes, 1, fcsAt)) {
    throw new DlmsError('FCS_MISMATCH', 'HDLC frame check sequence is wrong', { offset: baseOffset + fcsAt });
  }
  if (bytes[length + 1] !== HDLC_FLAG) throw new DlmsError('FRAME_INVALID', 'HDLC frame does not end with the 0x7E flag', { offset: baseOffset + length + 1 });
  if (bytes.length > length + 2) {
    throw new DlmsError('TRAILING_BYTES', `${bytes.length - length - 2} byte(s) after the closing flag`, { offset: baseOffset + length + 2 });
  }
  return { segmented: (format & 0x0800) !== 0, destination, source, control, information };
}
