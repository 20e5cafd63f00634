import {
  createCipheriv,
  createDecipheriv,
  createECDH,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  timingSafeEqual,
  verify,
} from 'node:crypto';
import type { CipherGCMTypes, KeyObject } from 'node:crypto';
import { DlmsError } from '../errors/index.ts';

/**
 * Every cryptographic primitive the security module uses goes through this interface, so a test
 * can pin random values, an HSM or cloud KMS can hold the keys, and a browser build can plug in
 * WebCrypto. Implementations never log key material and report failures only as `DlmsError`.
 *
 * Key encodings are the ones DLMS carries on the wire (Green Book 9.2.3.4.4): a P-256 private key
 * is the 32-byte scalar, a public key is X‖Y (64 bytes; 65 bytes 04‖X‖Y is accepted too), and an
 * ECDSA signature is r‖s (64 bytes).
 */
export interface DlmsCryptoProvider {
  /** AES-GCM (NIST SP 800-38D); `tagLength` in bytes (DLMS suites use 12). */
  aesGcmEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array, tagLength: number): { ciphertext: Uint8Array; tag: Uint8Array };
  /** Throws `DlmsError('AUTH_TAG_INVALID')` when the tag does not verify; nothing is returned before it does. */
  aesGcmDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, aad: Uint8Array, tag: Uint8Array): Uint8Array;
  /** The AES-GCM keystream alone (encryption-only security, no tag). Symmetric: also decrypts. */
  aesGcmCtrOnly(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array;
  /** RFC 3394 AES key wrap with the default IV A6A6A6A6A6A6A6A6. */
  aesKeyWrap(kek: Uint8Array, key: Uint8Array): Uint8Array;
  /** RFC 3394 unwrap; throws `AUTH_TAG_INVALID` when the integrity check fails. */
  aesKeyUnwrap(kek: Uint8Array, wrapped: Uint8Array): Uint8Array;
  randomBytes(n: number): Uint8Array;
  sha256(data: Uint8Array): Uint8Array;
  /** Constant-time comparison; false for different lengths (the length is not secret). */
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean;
  /** A fresh P-256 key pair (ephemeral keys of the key agreement schemes). */
  p256GenerateKeyPair(): { privateKey: Uint8Array; publicKey: Uint8Array };
  /** The public key X‖Y belonging to a private key. */
  p256PublicKey(privateKey: Uint8Array): Uint8Array;
  /** ECDH on P-256 (ECC CDH primitive): the shared secret Z, the 32-byte x-coordinate. */
  ecdhP256(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array;
  /** ECDSA P-256 with SHA-256 (FIPS 186-4); signature r‖s. */
  ecdsaP256Sign(privateKey: Uint8Array, data: Uint8Array): Uint8Array;
  /** False when the signature does not verify; throws `KEY_INVALID` for a malformed public key. */
  ecdsaP256Verify(publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean;
}

function aesBits(key: Uint8Array): 128 | 192 | 256 {
  const bits = key.length * 8;
  if (bits !== 128 && bits !== 192 && bits !== 256) throw new DlmsError('KEY_INVALID', `AES key must be 16, 24 or 32 bytes, got ${key.length}`);
  return bits;
}

const GCM_ALGORITHMS: Record<128 | 192 | 256, CipherGCMTypes> = { 128: 'aes-128-gcm', 192: 'aes-192-gcm', 256: 'aes-256-gcm' };

function gcmAlgorithm(key: Uint8Array): CipherGCMTypes {
  return GCM_ALGORITHMS[aesBits(key)];
}

function checkIv(iv: Uint8Array): void {
  // DLMS always uses the 96-bit IV of SP 800-38D 8.2.1 (system title ‖ invocation counter).
  if (iv.length !== 12) throw new DlmsError('KEY_INVALID', `AES-GCM IV must be 12 bytes, got ${iv.length}`);
}

function checkTagLength(n: number): void {
  // SP 800-38D 5.2.1.2 allows 12..16 bytes for general use; DLMS uses 12.
  if (!Number.isInteger(n) || n < 12 || n > 16) throw new DlmsError('KEY_INVALID', `AES-GCM tag length ${n} is outside 12..16 bytes`);
}

/** A plain Uint8Array copy: Buffers from node:crypto may share a pooled ArrayBuffer. */
function own(b: Uint8Array): Uint8Array {
  return Uint8Array.from(b);
}

/**
 * A plain Uint8Array over the same memory, without copying: for the output of a cipher's
 * update() and getAuthTag(), which node allocates on its own (never from the shared Buffer pool).
 */
function view(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}


const WRAP_IV = Buffer.from('A6A6A6A6A6A6A6A6', 'hex');

function uncompressedPoint(raw: Uint8Array): Buffer {
  const point = raw.length === 64 ? Buffer.concat([Buffer.of(4), raw]) : Buffer.from(raw);
  if (point.length !== 65 || point[0] !== 4) throw new DlmsError('KEY_INVALID', `P-256 public key must be 64 bytes X‖Y or 65 bytes 04‖X‖Y, got ${raw.length}`);
  return point;
}

function publicKeyObject(raw: Uint8Array): KeyObject {
  const point = uncompressedPoint(raw);
  try {
    return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') }, format: 'jwk' });
  } catch (cause) {
    throw new DlmsError('KEY_INVALID', 'P-256 public key is not a point on the curve', { cause });
  }
}

function ecdhFor(privateKey: Uint8Array): ReturnType<typeof createECDH> {
  if (privateKey.length !== 32) throw new DlmsError('KEY_INVALID', `P-256 private key must be 32 bytes, got ${privateKey.length}`);
  const ecdh = createECDH('prime256v1');
  try {
    ecdh.setPrivateKey(privateKey);
  } catch (cause) {
    throw new DlmsError('KEY_INVALID', 'P-256 private key is not in 1..n-1', { cause });
  }
  return ecdh;
}

function privateKeyObject(raw: Uint8Array): KeyObject {
  const pub = ecdhFor(raw).getPublicKey();
  try {
    return createPrivateKey({
      key: { kty: 'EC', crv: 'P-256', d: Buffer.from(raw).toString('base64url'), x: pub.subarray(1, 33).toString('base64url'), y: pub.subarray(33).toString('base64url') },
      format: 'jwk',
    });
  } catch (cause) {
    throw new DlmsError('KEY_INVALID', 'P-256 private key was refused', { cause });
  }
}

/** The default provider, on `node:crypto`. */
export const nodeCryptoProvider: DlmsCryptoProvider = {
  aesGcmEncrypt(key, iv, plaintext, aad, tagLength) {
    checkIv(iv);
    checkTagLength(tagLength);
    const c = createCipheriv(gcmAlgorithm(key), key, iv, { authTagLength: tagLength });
    c.setAAD(aad);
    const ciphertext = c.update(plaintext);
    c.final(); // GCM adds no bytes at the end
    return { ciphertext: view(ciphertext), tag: view(c.getAuthTag()) };
  },
  aesGcmDecrypt(key, iv, ciphertext, aad, tag) {
    checkIv(iv);
    checkTagLength(tag.length);
    const d = createDecipheriv(gcmAlgorithm(key), key, iv, { authTagLength: tag.length });
    d.setAAD(aad);
    d.setAuthTag(tag);
    // GCM's final() only checks the tag and returns no bytes, so update()'s output is the plaintext.
    const plaintext = d.update(ciphertext);
    try {
      d.final();
      return view(plaintext);
    } catch {
      throw new DlmsError('AUTH_TAG_INVALID', 'authentication tag did not verify: wrong key, wrong system title or invocation counter, or tampered data');
    }
  },
  aesGcmCtrOnly(key, iv, data) {
    checkIv(iv);
    // GCM encryption is CTR mode from counter block inc32(J0) = IV ‖ 00000002 (SP 800-38D 7.1).
    const counter = Buffer.concat([Buffer.from(iv), Buffer.of(0, 0, 0, 2)]);
    const c = createCipheriv(`aes-${aesBits(key)}-ctr`, key, counter);
    return own(Buffer.concat([c.update(data), c.final()]));
  },
  aesKeyWrap(kek, key) {
    const alg = `id-aes${aesBits(kek)}-wrap`;
    if (key.length < 16 || key.length % 8 !== 0) throw new DlmsError('KEY_INVALID', `RFC 3394 wraps a multiple of 8 bytes, at least 16; got ${key.length}`);
    const c = createCipheriv(alg, kek, WRAP_IV);
    return own(Buffer.concat([c.update(key), c.final()]));
  },
  aesKeyUnwrap(kek, wrapped) {
    const alg = `id-aes${aesBits(kek)}-wrap`;
    if (wrapped.length < 24 || wrapped.length % 8 !== 0) throw new DlmsError('INVALID_LENGTH', `RFC 3394 wrapped data is a multiple of 8 bytes, at least 24; got ${wrapped.length}`);
    try {
      const d = createDecipheriv(alg, kek, WRAP_IV);
      return own(Buffer.concat([d.update(wrapped), d.final()]));
    } catch {
      throw new DlmsError('AUTH_TAG_INVALID', 'wrapped key failed the RFC 3394 integrity check: wrong key-encryption key or corrupted data');
    }
  },
  randomBytes(n) {
    return own(randomBytes(n));
  },
  sha256(data) {
    return own(createHash('sha256').update(data).digest());
  },
  timingSafeEqual(a, b) {
    return a.length === b.length && timingSafeEqual(a, b);
  },
  p256GenerateKeyPair() {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const d = privateKey.export({ format: 'jwk' }).d;
    const jwk = publicKey.export({ format: 'jwk' });
    if (d === undefined || jwk.x === undefined || jwk.y === undefined) throw new DlmsError('KEY_INVALID', 'node:crypto returned an incomplete P-256 key');
    return { privateKey: own(Buffer.from(d, 'base64url')), publicKey: own(Buffer.concat([Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')])) };
  },
  p256PublicKey(privateKey) {
    return own(ecdhFor(privateKey).getPublicKey().subarray(1));
  },
  ecdhP256(privateKey, publicKey) {
    const ecdh = ecdhFor(privateKey);
    const point = uncompressedPoint(publicKey);
    try {
      return own(ecdh.computeSecret(point));
    } catch (cause) {
      throw new DlmsError('KEY_INVALID', 'P-256 public key is not a point on the curve', { cause });
    }
  },
  ecdsaP256Sign(privateKey, data) {
    return own(sign('sha256', data, { key: privateKeyObject(privateKey), dsaEncoding: 'ieee-p1363' }));
  },
  ecdsaP256Verify(publicKey, data, signature) {
    const key = publicKeyObject(publicKey);
    if (signature.length !== 64) return false;
    return verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
  },
};
