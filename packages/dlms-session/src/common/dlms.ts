import { DlmsError, methodDescriptor } from '@openams/dlms';
import type { CosemMethodDescriptor, SecurityControl } from '@openams/dlms';
import { SessionError } from '../errors/index.ts';
import type { SessionErrorCode } from '../errors/index.ts';

/** The keys of one association: global unicast encryption key (EK) and authentication key (AK). */
export interface AssociationKeys {
  readonly encryptionKey: Uint8Array;
  readonly authenticationKey: Uint8Array;
}

/** Authentication mechanisms this package implements (Green Book 9.2.7.3–9.2.7.4). */
export type SessionMechanism = 'lowest' | 'low' | 'high-gmac';

/**
 * Security suite 0, authenticated and encrypted: SC 0x30 (Green Book 9.2.7.2.4.1). Every APDU of
 * a ciphered association is protected this way in both directions.
 */
export const SC_AUTHENTICATED_ENCRYPTED: SecurityControl = Object.freeze({ suite: 0, authenticated: true, encrypted: true, broadcastKey: false });

/** The current Association LN object 0-0:40.0.0.255 (class 15), method 1 reply_to_HLS_authentication (Blue Book 4.4.4). */
export const REPLY_TO_HLS_AUTHENTICATION: CosemMethodDescriptor = methodDescriptor(15, '0-0:40.0.0.255', 1);

/** Whether a method descriptor is reply_to_HLS_authentication of the current association. */
export function isReplyToHls(d: CosemMethodDescriptor): boolean {
  return d.classId === 15 && d.instanceId === REPLY_TO_HLS_AUTHENTICATION.instanceId && d.methodId === 1;
}

/** Bytes an A-XDR/BER length takes for `n`. */
export function lengthSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5;
}

/** The size of a service-specific glo- APDU protecting `plain` bytes: tag, length, SC, IC, text, 12-byte tag. */
export function protectedSize(plain: number): number {
  const content = 5 + plain + 12;
  return 1 + lengthSize(content) + content;
}

/** A codec error as a session error: malformed peer input is PROTOCOL, a decode limit is LIMIT. */
export function fromDlmsError(e: unknown, context: string, code?: SessionErrorCode): SessionError {
  if (e instanceof SessionError) return e;
  if (e instanceof DlmsError) {
    const mapped: SessionErrorCode =
      code ??
      (e.code === 'LIMIT_EXCEEDED'
        ? 'LIMIT'
        : e.code === 'AUTH_TAG_INVALID' || e.code === 'SECURITY_POLICY' || e.code === 'COMPRESSION_UNSUPPORTED' || e.code === 'KEY_INVALID'
          ? 'SECURITY'
          : e.code === 'INVOCATION_COUNTER_REPLAY'
            ? 'REPLAY'
            : 'PROTOCOL');
    return new SessionError(mapped, `${context}: ${e.message}`, { cause: e });
  }
  return new SessionError(code ?? 'PROTOCOL', `${context}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

/** Hex for messages. */
export function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0').toUpperCase();
  return s;
}
