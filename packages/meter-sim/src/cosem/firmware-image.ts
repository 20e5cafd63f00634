import { nodeCryptoProvider } from '@openams/dlms';
import type { DlmsCryptoProvider } from '@openams/dlms';
import { CosemModelError } from './errors.ts';

/**
 * The firmware image format of the simulated vendors. The Blue Book leaves the image content to
 * the manufacturer (Image transfer: "the image is a binary object … its structure is
 * manufacturer specific"); this one carries what §4-6 d needs a meter to check — who made it,
 * for which meter type, which version — and a vendor signature over all of it:
 *
 * | offset | size | field |
 * |---|---|---|
 * | 0 | 4 | magic `OAFW` |
 * | 4 | 1 | format version, 1 |
 * | 5 | 3 | vendor FLAG id, ASCII (the first 3 bytes of the meter's system title) |
 * | 8 | 1 | n, length of the meter type |
 * | 9 | n | meter type, ASCII (`MeterIdentity.meterType`) |
 * | 9+n | 1 | v, length of the firmware version |
 * | 10+n | v | firmware version, ASCII (becomes 1-0:0.2.0.255 after activation) |
 * | 10+n+v | 4 | L, payload length, big-endian |
 * | 14+n+v | L | payload (opaque) |
 * | 14+n+v+L | 64 | ECDSA P-256 / SHA-256 signature r‖s over every byte before it |
 *
 * The meter holds the vendor's public key (`MeterEnvironment.firmwareKeys`) and image_verify
 * refuses an image whose signature does not verify under it, or that names another vendor or
 * meter type.
 */
export interface FirmwareImageHeader {
  readonly vendorFlag: string;
  readonly meterType: string;
  readonly firmwareVersion: string;
}

/** A parsed image: header, payload and the signature with the bytes it covers. */
export interface FirmwareImage extends FirmwareImageHeader {
  readonly payload: Uint8Array;
  readonly signedBytes: Uint8Array;
  readonly signature: Uint8Array;
}

const MAGIC = [0x4f, 0x41, 0x46, 0x57]; // "OAFW"
const FORMAT_VERSION = 1;
const SIGNATURE_LENGTH = 64;

function asciiBytes(text: string, what: string, max: number): Uint8Array {
  if (!/^[\x20-\x7e]*$/.test(text) || text.length > max) throw new CosemModelError('INVALID_IMAGE', `${what} must be at most ${max} printable ASCII characters`);
  return new TextEncoder().encode(text);
}

/** Build and sign an image (the vendor's side; tests and the demo fleet use it). `privateKey` is the 32-byte P-256 scalar. */
export function buildFirmwareImage(header: FirmwareImageHeader, payload: Uint8Array, privateKey: Uint8Array, provider: DlmsCryptoProvider = nodeCryptoProvider): Uint8Array {
  const flag = asciiBytes(header.vendorFlag, 'the vendor FLAG id', 3);
  if (flag.length !== 3) throw new CosemModelError('INVALID_IMAGE', 'the vendor FLAG id is 3 characters');
  const type = asciiBytes(header.meterType, 'the meter type', 255);
  const version = asciiBytes(header.firmwareVersion, 'the firmware version', 255);
  const signed = new Uint8Array(14 + type.length + version.length + payload.length);
  const view = new DataView(signed.buffer);
  signed.set(MAGIC, 0);
  signed[4] = FORMAT_VERSION;
  signed.set(flag, 5);
  signed[8] = type.length;
  signed.set(type, 9);
  signed[9 + type.length] = version.length;
  signed.set(version, 10 + type.length);
  view.setUint32(10 + type.length + version.length, payload.length);
  signed.set(payload, 14 + type.length + version.length);
  const signature = provider.ecdsaP256Sign(privateKey, signed);
  const image = new Uint8Array(signed.length + SIGNATURE_LENGTH);
  image.set(signed, 0);
  image.set(signature, signed.length);
  return image;
}

/** Parse an image; `INVALID_IMAGE` when it does not follow the format. Does not check the signature. */
export function parseFirmwareImage(image: Uint8Array): FirmwareImage {
  const bad = (why: string) => new CosemModelError('INVALID_IMAGE', `not a firmware image: ${why}`);
  if (image.length < 14 + SIGNATURE_LENGTH) throw bad('too short');
  if (MAGIC.some((b, i) => image[i] !== b) || image[4] !== FORMAT_VERSION) throw bad('wrong magic or format version');
  const decoder = new TextDecoder();
  const typeLength = image[8] as number;
  const versionAt = 9 + typeLength;
  if (versionAt >= image.length) throw bad('truncated header');
  const versionLength = image[versionAt] as number;
  const lengthAt = versionAt + 1 + versionLength;
  if (lengthAt + 4 > image.length) throw bad('truncated header');
  const payloadLength = new DataView(image.buffer, image.byteOffset, image.byteLength).getUint32(lengthAt);
  const end = lengthAt + 4 + payloadLength;
  if (end + SIGNATURE_LENGTH !== image.length) throw bad('the payload length does not match the image size');
  return {
    vendorFlag: decoder.decode(image.subarray(5, 8)),
    meterType: decoder.decode(image.subarray(9, versionAt)),
    firmwareVersion: decoder.decode(image.subarray(versionAt + 1, lengthAt)),
    payload: image.subarray(lengthAt + 4, end),
    signedBytes: image.subarray(0, end),
    signature: image.subarray(end),
  };
}

/** Why an image fails verification, or undefined when it verifies for this meter. */
export type ImageRejection = 'malformed' | 'no-vendor-key' | 'bad-signature' | 'wrong-vendor' | 'wrong-meter-type';

/** Verify an image as the meter does in image_verify: format, vendor signature, vendor and meter type. */
export function verifyFirmwareImage(
  image: Uint8Array,
  expect: { readonly vendorFlag: string; readonly meterType: string; readonly publicKey: Uint8Array | undefined },
  provider: DlmsCryptoProvider = nodeCryptoProvider,
): { readonly ok: true; readonly image: FirmwareImage } | { readonly ok: false; readonly reason: ImageRejection } {
  let parsed: FirmwareImage;
  try {
    parsed = parseFirmwareImage(image);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (expect.publicKey === undefined) return { ok: false, reason: 'no-vendor-key' };
  let good: boolean;
  try {
    good = provider.ecdsaP256Verify(expect.publicKey, parsed.signedBytes, parsed.signature);
  } catch {
    good = false;
  }
  if (!good) return { ok: false, reason: 'bad-signature' };
  if (parsed.vendorFlag !== expect.vendorFlag) return { ok: false, reason: 'wrong-vendor' };
  if (parsed.meterType !== expect.meterType) return { ok: false, reason: 'wrong-meter-type' };
  return { ok: true, image: parsed };
}
