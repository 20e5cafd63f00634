import { DlmsError } from '../errors/index.ts';

/**
 * The HDLC control field (IEC 62056-46 6.4.3, Table 3): information frames carry send and receive
 * sequence numbers N(S)/N(R) modulo 8; supervisory frames RR/RNR carry N(R); unnumbered frames
 * set up and tear down the link. `pf` is the poll (command) / final (response) bit.
 */
export type HdlcControl =
  | { readonly type: 'i'; readonly sendSequence: number; readonly receiveSequence: number; readonly pf: boolean }
  | { readonly type: 'rr'; readonly receiveSequence: number; readonly pf: boolean }
  | { readonly type: 'rnr'; readonly receiveSequence: number; readonly pf: boolean }
  | { readonly type: 'snrm'; readonly pf: boolean }
  | { readonly type: 'disc'; readonly pf: boolean }
  | { readonly type: 'ua'; readonly pf: boolean }
  | { readonly type: 'dm'; readonly pf: boolean }
  | { readonly type: 'frmr'; readonly pf: boolean }
  | { readonly type: 'ui'; readonly pf: boolean };

export type HdlcControlType = HdlcControl['type'];

/** Unnumbered frame codes with the P/F bit (0x10) cleared. */
const UNNUMBERED = { snrm: 0x83, disc: 0x43, ua: 0x63, dm: 0x0f, frmr: 0x87, ui: 0x03 } as const;

export function decodeHdlcControl(byte: number, offset?: number): HdlcControl {
  const pf = (byte & 0x10) !== 0;
  if ((byte & 0x01) === 0) {
    return { type: 'i', sendSequence: (byte >> 1) & 7, receiveSequence: (byte >> 5) & 7, pf };
  }
  if ((byte & 0x03) === 0x01) {
    const receiveSequence = (byte >> 5) & 7;
    switch (byte & 0x0f) {
      case 0x01:
        return { type: 'rr', receiveSequence, pf };
      case 0x05:
        return { type: 'rnr', receiveSequence, pf };
      default:
        throw new DlmsError('FRAME_INVALID', `HDLC supervisory control 0x${hex(byte)} is not RR or RNR (REJ/SREJ are not used by DLMS)`, offsetOf(offset));
    }
  }
  const code = byte & ~0x10 & 0xff;
  for (const [type, value] of Object.entries(UNNUMBERED)) {
    if (value === code) return { type: type as keyof typeof UNNUMBERED, pf };
  }
  throw new DlmsError('FRAME_INVALID', `unknown HDLC unnumbered control 0x${hex(byte)}`, offsetOf(offset));
}

export function encodeHdlcControl(c: HdlcControl): number {
  const pf = c.pf ? 0x10 : 0;
  switch (c.type) {
    case 'i':
      return ((seq(c.receiveSequence) << 5) | pf | (seq(c.sendSequence) << 1)) & 0xff;
    case 'rr':
      return ((seq(c.receiveSequence) << 5) | pf | 0x01) & 0xff;
    case 'rnr':
      return ((seq(c.receiveSequence) << 5) | pf | 0x05) & 0xff;
    default:
      return UNNUMBERED[c.type] | pf;
  }
}

function seq(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 7) throw new DlmsError('INVALID_VALUE', `HDLC sequence number ${n} is outside 0..7`);
  return n;
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0').toUpperCase();
}

function offsetOf(offset: number | undefined): { offset?: number } {
  return offset === undefined ? {} : { offset };
}
