import { hexToBytes } from '@openams/dlms';
import { HanDeframer, createHanReader, decodeHanApdu, isHanError } from '../../src/index.ts';
import type { FuzzTarget } from '../../../../scripts/fuzz/run-fuzz.ts';
import { ALL_FRAMES, apduOf } from '../fixtures/frames/index.ts';

const RECEIVED_AT = new Date('2026-03-01T12:00:00Z');
/** The published keys of the encrypted fixtures, so mutated encrypted seeds reach the decipher path. */
const encrypted = ALL_FRAMES.filter((f) => f.keys);
const KEYS = encrypted.map((f) => ({
  encryptionKey: hexToBytes(f.keys!.encryptionKey),
  ...(f.keys!.authenticationKey ? { authenticationKey: hexToBytes(f.keys!.authenticationKey) } : {}),
}));

/** Every published frame and its APDU: the seeds mutations start from. */
export function hanSeedCorpus(): Uint8Array[] {
  return ALL_FRAMES.flatMap((f) => [hexToBytes(f.frame), apduOf(f)]);
}

export const isTypedHanError = isHanError;

/**
 * The HAN decoders that take bytes from a line: the deframer and the whole reader (both fed the
 * run's inputs one after another, so they must keep working and stay bounded after any garbage),
 * and the APDU decoder without keys, with an energy multiplier, and with each published key set.
 */
export function hanFuzzTargets(): FuzzTarget[] {
  const deframer = new HanDeframer();
  const reader = createHanReader({ now: () => RECEIVED_AT });
  const keyed = KEYS.map((k) => createHanReader({ ...k, now: () => RECEIVED_AT }));
  let k = 0;
  return [
    {
      name: 'HanDeframer',
      run: (b) => {
        deframer.push(b);
        if (deframer.buffered > 16_384) throw new Error(`HanDeframer holds ${deframer.buffered} bytes`);
      },
    },
    { name: 'createHanReader', run: (b) => reader.push(b, RECEIVED_AT) },
    { name: 'createHanReader with keys', run: (b) => keyed[k++ % keyed.length]?.push(b, RECEIVED_AT) },
    { name: 'decodeHanApdu', run: (b) => decodeHanApdu(b, { receivedAt: RECEIVED_AT }) },
    { name: 'decodeHanApdu ×0.1', run: (b) => decodeHanApdu(b, { receivedAt: RECEIVED_AT, energyMultiplier: 0.1, vendor: 'kaifa' }) },
    { name: 'decodeHanApdu with keys', run: (b) => decodeHanApdu(b, { receivedAt: RECEIVED_AT, ...(KEYS[k++ % KEYS.length] ?? {}) }) },
    { name: 'flush', run: () => [deframer.flush(), reader.flush()] },
  ];
}
