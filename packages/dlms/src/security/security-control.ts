import { DlmsError } from '../errors/index.ts';

/**
 * The security control byte SC (Green Book 9.2.7.2.4.1, "Security header"): bits 0–3 security
 * suite id, bit 4 authentication (A), bit 5 encryption (E), bit 6 key set (0 unicast, 1
 * broadcast), bit 7 compression.
 */
export interface SecurityControl {
  /** Security suite id: 0 (AES-GCM-128), 1 (ECDH-ECDSA-AES-GCM-128-SHA-256), 2 (…-256-SHA-384). */
  readonly suite: 0 | 1 | 2;
  readonly authenticated: boolean;
  readonly encrypted: boolean;
  /** Key set bit: the broadcast key (GBEK) instead of the unicast one. */
  readonly broadcastKey: boolean;
}

/**
 * Decode SC. The compression bit is refused (COMPRESSION_UNSUPPORTED): the Green Book reserves it
 * for a compression algorithm that no security suite defines. Suite ids above 2 are refused
 * (SECURITY_POLICY).
 */
export function decodeSecurityControl(byte: number, offset?: number): SecurityControl {
  const where = (): { offset?: number } => (offset === undefined ? {} : { offset });
  if (!Number.isInteger(byte) || byte < 0 || byte > 0xff) throw new DlmsError('INVALID_VALUE', `security control ${byte} is not a byte`, where());
  if (byte & 0x80) throw new DlmsError('COMPRESSION_UNSUPPORTED', `security control 0x${hex(byte)} asks for compression, which no security suite supports`, where());
  const suite = byte & 0x0f;
  if (suite > 2) throw new DlmsError('SECURITY_POLICY', `security suite ${suite} does not exist (0, 1 and 2 are defined)`, where());
  return { suite: suite as 0 | 1 | 2, authenticated: (byte & 0x10) !== 0, encrypted: (byte & 0x20) !== 0, broadcastKey: (byte & 0x40) !== 0 };
}

/** Encode SC; the exact inverse of `decodeSecurityControl`. */
export function encodeSecurityControl(sc: SecurityControl): number {
  return sc.suite | (sc.authenticated ? 0x10 : 0) | (sc.encrypted ? 0x20 : 0) | (sc.broadcastKey ? 0x40 : 0);
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0').toUpperCase();
}
