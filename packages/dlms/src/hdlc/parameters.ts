import { ByteReader, ByteWriter } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';

/**
 * HDLC link parameters carried in SNRM and UA information fields (IEC 62056-46 6.4.4.4.3.2,
 * Green Book 8.4.5.3.2): format identifier 0x81, group identifier 0x80, group length, then
 * parameters 0x05 max information field length transmit, 0x06 … receive (1 to 4 bytes), 0x07
 * window size transmit, 0x08 … receive (1 to 4 bytes, usually 4). Absent parameters take the
 * defaults: 128 bytes and a window of 1.
 *
 * `widths` records how many bytes each value used on the wire so a decoded field re-encodes byte
 * for byte (the Green Book example writes 128 as `02 00 80`); without it values use the fewest
 * bytes for lengths and 4 bytes for windows.
 */
export interface HdlcParameters {
  readonly maxInfoTransmit?: number;
  readonly maxInfoReceive?: number;
  readonly windowTransmit?: number;
  readonly windowReceive?: number;
  readonly widths?: Partial<Record<HdlcParameterName, number>>;
}

export type HdlcParameterName = 'maxInfoTransmit' | 'maxInfoReceive' | 'windowTransmit' | 'windowReceive';

const IDS: Record<HdlcParameterName, number> = { maxInfoTransmit: 0x05, maxInfoReceive: 0x06, windowTransmit: 0x07, windowReceive: 0x08 };
const NAMES: ReadonlyMap<number, HdlcParameterName> = new Map(Object.entries(IDS).map(([k, v]) => [v, k as HdlcParameterName]));

export const HDLC_DEFAULT_PARAMETERS = Object.freeze({ maxInfoTransmit: 128, maxInfoReceive: 128, windowTransmit: 1, windowReceive: 1 });

export function decodeHdlcParameters(info: Uint8Array, baseOffset = 0): HdlcParameters {
  const r = new ByteReader(info, baseOffset);
  if (r.u8('the format identifier') !== 0x81) throw new DlmsError('FRAME_INVALID', 'HDLC parameters must start with format identifier 0x81', { offset: baseOffset });
  if (r.u8('the group identifier') !== 0x80) throw new DlmsError('FRAME_INVALID', 'HDLC parameters need group identifier 0x80', { offset: baseOffset + 1 });
  const group = r.sub(r.boundedLength('the parameter group length'), 'the parameter group');
  r.expectEnd('the HDLC parameter group');
  const values: { -readonly [K in HdlcParameterName]?: number } = {};
  const widths: Partial<Record<HdlcParameterName, number>> = {};
  while (!group.atEnd) {
    const idAt = group.offset;
    const id = group.u8('a parameter identifier');
    const len = group.u8('a parameter length');
    if (len < 1 || len > 4) throw new DlmsError('INVALID_LENGTH', `HDLC parameter 0x${id.toString(16)} has length ${len}; 1 to 4 bytes are allowed`, { offset: idAt + 1 });
    let v = 0;
    for (let i = 0; i < len; i++) v = v * 256 + group.u8('a parameter value');
    const name = NAMES.get(id);
    if (!name) throw new DlmsError('UNSUPPORTED_TAG', `unknown HDLC parameter identifier 0x${id.toString(16)}`, { offset: idAt });
    if (values[name] !== undefined) throw new DlmsError('INVALID_VALUE', `HDLC parameter ${name} appears twice`, { offset: idAt });
    values[name] = v;
    widths[name] = len;
  }
  return { ...values, widths };
}

export function encodeHdlcParameters(p: HdlcParameters): Uint8Array {
  const w = new ByteWriter(32);
  w.u8(0x81).u8(0x80).fork();
  for (const name of ['maxInfoTransmit', 'maxInfoReceive', 'windowTransmit', 'windowReceive'] as const) {
    const v = p[name];
    if (v === undefined) continue;
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new DlmsError('INVALID_VALUE', `HDLC parameter ${name}=${v} is out of range`);
    const minimal = v > 0xffffff ? 4 : v > 0xffff ? 3 : v > 0xff ? 2 : 1;
    const width = p.widths?.[name] ?? (name.startsWith('window') ? 4 : minimal);
    if (width < minimal || width > 4) throw new DlmsError('INVALID_VALUE', `HDLC parameter ${name}=${v} does not fit in ${width} byte(s)`);
    w.u8(IDS[name]).u8(width);
    for (let i = width - 1; i >= 0; i--) w.u8(Math.floor(v / 256 ** i) % 256);
  }
  return w.join().finish();
}

/** Resolved values (defaults filled in) from decoded parameters. */
export function effectiveHdlcParameters(p: HdlcParameters): Required<Omit<HdlcParameters, 'widths'>> {
  return {
    maxInfoTransmit: p.maxInfoTransmit ?? HDLC_DEFAULT_PARAMETERS.maxInfoTransmit,
    maxInfoReceive: p.maxInfoReceive ?? HDLC_DEFAULT_PARAMETERS.maxInfoReceive,
    windowTransmit: p.windowTransmit ?? HDLC_DEFAULT_PARAMETERS.windowTransmit,
    windowReceive: p.windowReceive ?? HDLC_DEFAULT_PARAMETERS.windowReceive,
  };
}

/**
 * The server's answer to a client's SNRM proposal (IEC 62056-46 6.4.4.4.3.2): each value is the
 * smaller of what the client proposed and what the server supports. The client's transmit values
 * pair with the server's receive values and vice versa. A proposed 0 is refused.
 */
export function negotiateHdlcParameters(proposedByClient: HdlcParameters, supportedByServer: HdlcParameters): Required<Omit<HdlcParameters, 'widths'>> {
  const c = effectiveHdlcParameters(proposedByClient);
  const s = effectiveHdlcParameters(supportedByServer);
  for (const [k, v] of Object.entries(c)) if (v === 0) throw new DlmsError('INVALID_VALUE', `HDLC parameter ${k} of 0 cannot be negotiated`);
  // Answer from the server's point of view: its transmit length is what the client can receive.
  return {
    maxInfoTransmit: Math.min(c.maxInfoReceive, s.maxInfoTransmit),
    maxInfoReceive: Math.min(c.maxInfoTransmit, s.maxInfoReceive),
    windowTransmit: Math.min(c.windowReceive, s.windowTransmit),
    windowReceive: Math.min(c.windowTransmit, s.windowReceive),
  };
}
