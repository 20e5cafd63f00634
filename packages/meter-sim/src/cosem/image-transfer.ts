import { IMAGE_TRANSFER_STATUS, parseObis } from '@openams/dlms';
import type { DataAccessResult, DlmsData } from '@openams/dlms';
import { meterNow } from './clock.ts';
import { actionResult, array, bool, enumeration, octets, refused, structure, u32, value } from './data.ts';
import type { CosemObjectDef } from './data.ts';
import { EVENT_CODES, appendEvent } from './events.ts';
import { verifyFirmwareImage } from './firmware-image.ts';
import type { CosemMeter } from './model.ts';
import { flagId } from './registers.ts';
import { METER_FLAGS, NO_IMAGE_TRANSFER } from './state.ts';
import type { ImageTransferState } from './state.ts';

/** Image transfer (IDIS 0-0:44.0.0.255). */
export const IMAGE_TRANSFER_OBIS = parseObis('0-0:44.0.0.255');
/** image_block_size: 256 bytes, so a ciphered image_block_transfer fits the meter's 1024-byte PDU. */
export const IMAGE_BLOCK_SIZE = 256;
/** The largest image the meter accepts (its flash for a second image). */
export const MAX_IMAGE_SIZE = 1 << 20;

function blockCount(image: ImageTransferState): number {
  return Math.ceil(image.size / IMAGE_BLOCK_SIZE);
}

function hasBlock(received: Uint8Array, n: number): boolean {
  return (((received[n >> 3] as number) >> (7 - (n & 7))) & 1) === 1;
}

function firstMissing(image: ImageTransferState): number {
  const count = blockCount(image);
  if (image.received === undefined) return count;
  for (let n = 0; n < count; n++) if (!hasBlock(image.received, n)) return n;
  return count;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function initiate(m: CosemMeter, parameters: DlmsData | undefined): ReturnType<typeof actionResult> {
  if ((m.state.flags & METER_FLAGS.imageTransferEnabled) === 0) return actionResult('read-write-denied');
  if (parameters?.type !== 'structure' || parameters.value.length !== 2) return actionResult('type-unmatched');
  const [identifier, size] = parameters.value;
  if (identifier?.type !== 'octet-string' || size?.type !== 'double-long-unsigned') return actionResult('type-unmatched');
  if (size.value === 0 || size.value > MAX_IMAGE_SIZE) return actionResult('other-reason');
  const current = m.state.image;
  // Blue Book: initiating the same image again resumes the transfer (the head-end then continues
  // from image_first_not_transferred_block_number, OSGP's resume).
  if (current?.data !== undefined && current.size === size.value && sameBytes(current.identifier, identifier.value) && current.status === IMAGE_TRANSFER_STATUS.transferInitiated) {
    return actionResult('success');
  }
  m.state.image = {
    identifier: identifier.value.slice(),
    size: size.value,
    data: new Uint8Array(size.value),
    received: new Uint8Array(Math.ceil(Math.ceil(size.value / IMAGE_BLOCK_SIZE) / 8)),
    status: IMAGE_TRANSFER_STATUS.transferInitiated,
    verified: undefined,
  };
  return actionResult('success');
}

function blockTransfer(m: CosemMeter, parameters: DlmsData | undefined): ReturnType<typeof actionResult> {
  const image = m.state.image;
  if (image?.data === undefined || image.received === undefined) return actionResult('read-write-denied');
  if (parameters?.type !== 'structure' || parameters.value.length !== 2) return actionResult('type-unmatched');
  const [number, block] = parameters.value;
  if (number?.type !== 'double-long-unsigned' || block?.type !== 'octet-string') return actionResult('type-unmatched');
  const n = number.value;
  const count = blockCount(image);
  const expected = n === count - 1 ? image.size - n * IMAGE_BLOCK_SIZE : IMAGE_BLOCK_SIZE;
  if (n >= count || block.value.length !== expected) return actionResult('other-reason');
  image.data.set(block.value, n * IMAGE_BLOCK_SIZE);
  image.received[n >> 3] = (image.received[n >> 3] as number) | (0x80 >> (n & 7));
  // A block after a verification resets it: the image changed.
  image.status = IMAGE_TRANSFER_STATUS.transferInitiated;
  image.verified = undefined;
  return actionResult('success');
}

function verify(m: CosemMeter): ReturnType<typeof actionResult> {
  const image = m.state.image;
  if (image?.data === undefined) return actionResult('read-write-denied');
  if (firstMissing(image) < blockCount(image)) {
    image.status = IMAGE_TRANSFER_STATUS.verificationFailed;
    return actionResult('other-reason');
  }
  const check = verifyFirmwareImage(image.data, { vendorFlag: flagId(m), meterType: m.identity.meterType, publicKey: m.env.firmwareKeys[m.identity.vendor] });
  if (!check.ok) {
    image.status = IMAGE_TRANSFER_STATUS.verificationFailed;
    image.verified = undefined;
    return actionResult('other-reason');
  }
  image.status = IMAGE_TRANSFER_STATUS.verificationSuccessful;
  image.verified = { firmwareVersion: check.image.firmwareVersion, signature: check.image.signature.slice() };
  appendEvent(m.state, 'standard', EVENT_CODES.firmwareReadyForActivation, meterNow(m));
  return actionResult('success');
}

function activate(m: CosemMeter): ReturnType<typeof actionResult> {
  const image = m.state.image;
  if (image === undefined || image.status !== IMAGE_TRANSFER_STATUS.verificationSuccessful || image.verified === undefined) return actionResult('other-reason');
  if ((m.state.flags & METER_FLAGS.failActivation) !== 0) {
    image.status = IMAGE_TRANSFER_STATUS.activationFailed;
    return actionResult('other-reason');
  }
  m.state.firmwareVersion = image.verified.firmwareVersion;
  image.status = IMAGE_TRANSFER_STATUS.activationSuccessful;
  image.data = undefined;
  image.received = undefined;
  appendEvent(m.state, 'standard', EVENT_CODES.firmwareActivated, meterNow(m));
  return actionResult('success');
}

/**
 * Image transfer (Blue Book "Image transfer (class_id = 18, version = 0)"): initiate (1) with
 * {identifier, size}, block transfer (2) with {block number from 0, block}, verify (3) and
 * activate (4), both with integer 0. Verification checks the vendor signature of
 * `firmware-image.ts` and that the image is for this vendor and meter type; a failure leaves
 * status 4 (verification failed) and activation then fails. The fault flag `failActivation`
 * makes a verified image fail to activate (status 7) with the old firmware kept.
 */
export const imageTransferObject: CosemObjectDef = {
  classId: 18,
  version: 0,
  obis: IMAGE_TRANSFER_OBIS,
  attributes: ['read', 'read', 'read', 'read', 'read-write', 'read', 'read'],
  methods: 4,
  get(m, attributeId) {
    const image = m.state.image;
    switch (attributeId) {
      case 2:
        return value(u32(IMAGE_BLOCK_SIZE));
      case 3: {
        if (image?.received === undefined) return value({ type: 'bit-string', bitLength: 0, value: new Uint8Array(0) });
        return value({ type: 'bit-string', bitLength: blockCount(image), value: image.received.slice() });
      }
      case 4:
        return value(u32(image === undefined ? 0 : firstMissing(image)));
      case 5:
        return value(bool((m.state.flags & METER_FLAGS.imageTransferEnabled) !== 0));
      case 6:
        return value(enumeration(image?.status ?? NO_IMAGE_TRANSFER));
      case 7:
        return value(array(image?.verified === undefined ? [] : [structure(u32(image.size), octets(image.identifier), octets(image.verified.signature))]));
      default:
        return refused('object-undefined');
    }
  },
  set(m, attributeId, data): DataAccessResult {
    if (attributeId !== 5) return 'read-write-denied';
    if (data.type !== 'boolean') return 'type-unmatched';
    m.state.flags = data.value ? m.state.flags | METER_FLAGS.imageTransferEnabled : m.state.flags & ~METER_FLAGS.imageTransferEnabled;
    return 'success';
  },
  action(m, methodId, parameters) {
    switch (methodId) {
      case 1:
        return initiate(m, parameters);
      case 2:
        return blockTransfer(m, parameters);
      case 3:
        return verify(m);
      default:
        return activate(m);
    }
  },
};
