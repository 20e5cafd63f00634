import { DlmsError } from '../errors/index.ts';
import { nodeCryptoProvider } from './crypto-provider.ts';
import type { DlmsCryptoProvider } from './crypto-provider.ts';

/**
 * Security setup (IC 64) method 2 `key_transfer`: a new key travels wrapped with the master key
 * (KEK) using AES key wrap, RFC 3394 (Blue Book 4.4.7, Green Book 9.2.3.3.8). Also the
 * `wrapped-key` key-info of general-ciphering.
 */
export function wrapKeyForTransfer(masterKey: Uint8Array, newKey: Uint8Array, provider: DlmsCryptoProvider = nodeCryptoProvider): Uint8Array {
  if (newKey.length !== 16 && newKey.length !== 32) throw new DlmsError('KEY_INVALID', `key to transfer must be 16 or 32 bytes, got ${newKey.length}`);
  return provider.aesKeyWrap(masterKey, newKey);
}

/** The inverse of `wrapKeyForTransfer`; AUTH_TAG_INVALID when the master key is wrong or the data corrupted. */
export function unwrapTransferredKey(masterKey: Uint8Array, wrapped: Uint8Array, provider: DlmsCryptoProvider = nodeCryptoProvider): Uint8Array {
  if (wrapped.length !== 24 && wrapped.length !== 40) throw new DlmsError('INVALID_LENGTH', `wrapped key must be 24 or 40 bytes, got ${wrapped.length}`);
  return provider.aesKeyUnwrap(masterKey, wrapped);
}
