import type { ByteReader, ByteWriter } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';

/**
 * An HDLC address (IEC 62056-46 6.4.2 / Green Book 8.4.2.2). Each byte carries 7 address bits; its
 * LSB is the extension bit (1 = last byte). A client address is one byte. A server address is the
 * upper HDLC address (logical device) and, in the 2- and 4-byte forms, the lower HDLC address
 * (physical device): 2 bytes = 7 + 7 bits, 4 bytes = 14 + 14 bits. The size is kept so a frame
 * re-encodes byte for byte (Kaifa answers with a 1-byte client and 2-byte server address).
 */
export interface HdlcAddress {
  readonly upper: number;
  /** Absent for 1-byte addresses. */
  readonly lower?: number;
  readonly size: 1 | 2 | 4;
}

export function decodeHdlcAddress(r: ByteReader): HdlcAddress {
  const start = r.offset;
  const bytes: number[] = [];
  for (;;) {
    const b = r.u8('an HDLC address');
    bytes.push(b >> 1);
    if (b & 1) break;
    if (bytes.length === 4) throw new DlmsError('FRAME_INVALID', 'HDLC address longer than 4 bytes (no extension bit set)', { offset: start });
  }
  switch (bytes.length) {
    case 1:
      return { upper: bytes[0] as number, size: 1 };
    case 2:
      return { upper: bytes[0] as number, lower: bytes[1] as number, size: 2 };
    case 4:
      return { upper: ((bytes[0] as number) << 7) | (bytes[1] as number), lower: ((bytes[2] as number) << 7) | (bytes[3] as number), size: 4 };
    default:
      throw new DlmsError('FRAME_INVALID', `HDLC address of ${bytes.length} bytes; only 1, 2 or 4 are allowed`, { offset: start });
  }
}

export function encodeHdlcAddress(w: ByteWriter, a: HdlcAddress): void {
  const lower = a.lower ?? 0;
  const max = a.size === 4 ? 0x3fff : 0x7f;
  if (!Number.isInteger(a.upper) || a.upper < 0 || a.upper > max || lower < 0 || lower > max || !Number.isInteger(lower)) {
    throw new DlmsError('INVALID_VALUE', `HDLC address ${a.upper}/${lower} does not fit in ${a.size} byte(s)`);
  }
  if (a.size === 1) {
    w.u8(((a.upper << 1) | 1) & 0xff);
  } else if (a.size === 2) {
    w.u8((a.upper << 1) & 0xfe).u8(((lower << 1) | 1) & 0xff);
  } else {
    w.u8(((a.upper >> 7) << 1) & 0xfe)
      .u8(((a.upper & 0x7f) << 1) & 0xfe)
      .u8(((lower >> 7) << 1) & 0xfe)
      .u8((((lower & 0x7f) << 1) | 1) & 0xff);
  }
}

/** Smallest encoding for a server address: 1 byte with no lower address, else 2 or 4. */
export function serverAddress(upper: number, lower?: number): HdlcAddress {
  if (lower === undefined) return { upper, size: upper <= 0x7f ? 1 : 4, ...(upper > 0x7f ? { lower: 0 } : {}) };
  return upper <= 0x7f && lower <= 0x7f ? { upper, lower, size: 2 } : { upper, lower, size: 4 };
}
