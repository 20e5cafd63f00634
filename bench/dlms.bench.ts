/**
 * `npm run bench -- dlms`: decode + decipher against bare AES-128-GCM on the same bytes.
 *
 * Cases (issue 2 acceptance):
 * - a 1 KiB glo-get-response (security control 0x30) carrying a load-profile buffer, as a head-end
 *   reads it: `unprotectApdu` then `decodeApdu` of the plaintext down to every value;
 * - a 200-byte general-glo-ciphering data-notification, as an encrypted HAN or push meter sends it.
 * The baseline is node:crypto's AES-128-GCM decipher of the same ciphertext with the same IV, AAD
 * and tag, i.e. the least any decoder must do. The ratio is candidate rate / baseline rate; the
 * target is ≥ 0.5 for the 1 KiB case. The last line is JSON.
 */
import { createDecipheriv } from 'node:crypto';
import { ByteWriter, decodeApdu, encodeData, hexToBytes, protectApdu, unprotectApdu } from '../packages/dlms/src/index.ts';
import type { DlmsData } from '../packages/dlms/src/index.ts';
import { compareRates } from './measure.ts';

const EK = hexToBytes('000102030405060708090A0B0C0D0E0F');
const AK = hexToBytes('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF');
const ST = hexToBytes('4D4D4D0000BC614E');

/** A PT60M load-profile buffer: rows of {clock, status, A+ , A-} as Norwegian meters capture them. */
function profileBuffer(rows: number): DlmsData {
  const value: DlmsData[] = [];
  for (let i = 0; i < rows; i++) {
    const clock = hexToBytes('07EA0B190300000000FFC400');
    clock[5] = i % 24;
    value.push({
      type: 'structure',
      value: [
        { type: 'octet-string', value: clock },
        { type: 'unsigned', value: 0 },
        { type: 'double-long-unsigned', value: 12_345_678 + i * 1_234 },
        { type: 'double-long-unsigned', value: i * 17 },
      ],
    });
  }
  return { type: 'array', value };
}

function plainApdu(head: number[], data: DlmsData): Uint8Array {
  const w = new ByteWriter(2048);
  for (const b of head) w.u8(b);
  encodeData(w, data);
  return w.finish();
}

/** The HAN list 3 shape of a three-phase meter: 18 registers with OBIS codes, ~200 bytes ciphered. */
function hanList(): DlmsData {
  const obis = (s: string): DlmsData => ({ type: 'octet-string', value: hexToBytes(s) });
  const u32 = (v: number): DlmsData => ({ type: 'double-long-unsigned', value: v });
  const u16 = (v: number): DlmsData => ({ type: 'long-unsigned', value: v });
  return {
    type: 'structure',
    value: [
      { type: 'visible-string', value: 'AIDON_V0001' },
      obis('0000600100FF'), { type: 'visible-string', value: '7359992890941742' },
      obis('0100010700FF'), u32(1_853),
      obis('0100020700FF'), u32(0),
      obis('01001F0700FF'), u16(512),
      obis('0100330700FF'), u16(305),
      obis('0100470700FF'), u16(127),
      obis('0100200700FF'), u16(2303),
      obis('0100340700FF'), u16(2311),
      obis('0100480700FF'), u16(2298),
      obis('0100010800FF'), u32(12_345_678),
    ],
  };
}

function baselineFor(ciphered: Uint8Array, contentOffset: number): () => unknown {
  // Content = SC ‖ IC ‖ C ‖ T; nonce = system title ‖ IC; AAD = SC ‖ AK.
  const content = ciphered.subarray(contentOffset);
  const iv = Buffer.concat([ST, content.subarray(1, 5)]);
  const aad = Buffer.concat([Buffer.of(content[0] as number), AK]);
  const body = content.subarray(5, content.length - 12);
  const tag = content.subarray(content.length - 12);
  return () => {
    const d = createDecipheriv('aes-128-gcm', EK, iv, { authTagLength: 12 });
    d.setAAD(aad);
    d.setAuthTag(tag);
    const out = d.update(body);
    d.final();
    return out;
  };
}

function contentOffsetOf(apdu: Uint8Array): number {
  // Skip the tag (and for general-glo the system title), then the length of the content.
  let o = 1;
  if (apdu[0] === 0xdb) o += 1 + (apdu[1] as number);
  const first = apdu[o] as number;
  return o + (first < 0x80 ? 1 : 1 + (first & 0x7f));
}

export function run(): void {
  const getPlain = plainApdu([0xc4, 0x01, 0xc1, 0x00], profileBuffer(36));
  const getCiphered = protectApdu(getPlain, {
    kind: 'glo', securityControl: { suite: 0, authenticated: true, encrypted: true, broadcastKey: false },
    systemTitle: ST, invocationCounter: 0x01234567, encryptionKey: EK, authenticationKey: AK,
  });
  const notifyPlain = plainApdu([0x0f, 0x40, 0x00, 0x00, 0x00, 0x00], hanList());
  const notifyCiphered = protectApdu(notifyPlain, {
    kind: 'general-glo', securityControl: { suite: 0, authenticated: true, encrypted: true, broadcastKey: false },
    systemTitle: ST, invocationCounter: 42, encryptionKey: EK, authenticationKey: AK,
  });
  const keys = { encryptionKey: EK, authenticationKey: AK, systemTitle: ST };
  const decodeGet = () => decodeApdu(unprotectApdu(getCiphered, keys).plaintext);
  const decodeNotify = () => decodeApdu(unprotectApdu(notifyCiphered, keys).plaintext);
  // Sanity: both decode to what was encoded.
  if (decodeGet().type !== 'get-response-normal' || decodeNotify().type !== 'data-notification') throw new Error('bench inputs do not decode');

  const get = compareRates(decodeGet, baselineFor(getCiphered, contentOffsetOf(getCiphered)));
  const notify = compareRates(decodeNotify, baselineFor(notifyCiphered, contentOffsetOf(notifyCiphered)));
  const line = (name: string, bytes: number, r: typeof get) =>
    `${name.padEnd(34)} ${String(bytes).padStart(5)} B  ${r.candidate.rate.toFixed(0).padStart(8)}/s  bare AES-GCM ${r.baseline.rate.toFixed(0).padStart(8)}/s  ratio ${r.ratio.toFixed(2)}`;
  console.log(line('glo-get-response, profile buffer', getCiphered.length, get));
  console.log(line('general-glo data-notification', notifyCiphered.length, notify));
  console.log(
    JSON.stringify({
      bench: 'dlms',
      bytes: getCiphered.length,
      rate: Math.round(get.candidate.rate),
      baseline: Math.round(get.baseline.rate),
      ratio: Number(get.ratio.toFixed(3)),
      notificationBytes: notifyCiphered.length,
      notificationRate: Math.round(notify.candidate.rate),
      notificationBaseline: Math.round(notify.baseline.rate),
      notificationRatio: Number(notify.ratio.toFixed(3)),
    }),
  );
}
