import { DlmsError } from '../errors/index.ts';

/**
 * Parse hex as people paste it: spaces, tabs, newlines, `:` and `-` separators and a leading
 * `0x` are ignored. Throws `INVALID_HEX` on odd length or a non-hex character.
 */
export function hexToBytes(hex: string): Uint8Array {
  const clean = hex.trim().replace(/^0x/i, '').replace(/[\s:-]/g, '');
  if (clean.length % 2 !== 0) {
    throw new DlmsError('INVALID_HEX', `hex input has an odd number of digits (${clean.length})`);
  }
  const bad = clean.search(/[^0-9a-fA-F]/);
  if (bad >= 0) {
    throw new DlmsError('INVALID_HEX', `'${clean[bad]}' is not a hex digit`, { offset: bad >> 1 });
  }
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

/** Upper-case hex without separators, e.g. `7EA0` (the form the Green Book and Gurux print). */
export function bytesToHex(bytes: Uint8Array, separator = ''): string {
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
  if (!separator) return hex;
  return hex.replace(/(..)(?!$)/g, `$1${separator}`);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
