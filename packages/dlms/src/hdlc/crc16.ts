/**
 * CRC-16/X.25 as HDLC uses it for HCS and FCS (IEC 62056-46 / ISO/IEC 13239 4.2.5.2): reflected
 * polynomial 0x8408, initial value 0xFFFF, final XOR 0xFFFF, sent least significant byte first.
 */
const TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x8408 : c >>> 1;
    t[i] = c;
  }
  return t;
})();

/** CRC-16/X.25 of `bytes[start, end)`. Check value: "123456789" → 0x906E. */
export function crc16x25(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ (TABLE[(crc ^ (bytes[i] as number)) & 0xff] as number);
  return (crc ^ 0xffff) & 0xffff;
}
