import { DlmsError } from '../errors/index.ts';

/**
 * The LLC header in front of an APDU in the first HDLC information field (Green Book 8.3 /
 * IEC 62056-46 Annex: destination LSAP 0xE6, source LSAP 0xE6 for a command or 0xE7 for a
 * response, control 0x00). Segmented follow-on frames do not repeat it, so it is handled apart
 * from frame decoding.
 */
export type LlcDirection = 'command' | 'response';

/** The APDU without its LLC header, and which header it had; `llc` absent if there was none. */
export function stripLlc(info: Uint8Array): { apdu: Uint8Array; llc?: LlcDirection } {
  if (info.length >= 3 && info[0] === 0xe6 && info[2] === 0x00) {
    if (info[1] === 0xe6) return { apdu: info.subarray(3), llc: 'command' };
    if (info[1] === 0xe7) return { apdu: info.subarray(3), llc: 'response' };
  }
  return { apdu: info };
}

export function addLlc(apdu: Uint8Array, direction: LlcDirection): Uint8Array {
  const out = new Uint8Array(apdu.length + 3);
  out[0] = 0xe6;
  out[1] = direction === 'command' ? 0xe6 : 0xe7;
  out[2] = 0x00;
  out.set(apdu, 3);
  return out;
}

/** Like `stripLlc` but refuses input without the header. */
export function requireLlc(info: Uint8Array, offset = 0): { apdu: Uint8Array; llc: LlcDirection } {
  const r = stripLlc(info);
  if (!r.llc) throw new DlmsError('FRAME_INVALID', 'information field does not start with an LLC header (E6 E6 00 or E6 E7 00)', { offset });
  return { apdu: r.apdu, llc: r.llc };
}
