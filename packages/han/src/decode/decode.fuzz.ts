import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hexToBytes } from '@openams/dlms';
import { runFuzz } from '../../../../scripts/fuzz/run-fuzz.ts';
import { ALL_FRAMES, RECEIVED_AT, apduOf } from '../../test/fixtures/frames/index.ts';
import { isHanError } from '../errors/index.ts';
import { decodeHanApdu } from './index.ts';

/**
 * `npm run fuzz`: FUZZ_RUNS inputs (1,000,000 there) of random bytes and mutations of every
 * published frame's APDU, through `decodeHanApdu` without keys, with an energy multiplier, with the Danish EK + AK, and
 * with an encryption key only. Anything but a reading or a HanError fails, and so does a slow input.
 */
const runs = Number(process.env.FUZZ_RUNS ?? 20_000);
const seed = Number(process.env.FUZZ_SEED ?? 0x4a11);

test(`decodeHanApdu survives ${runs} fuzzed inputs (seed ${seed})`, { timeout: 60 * 60 * 1000 }, () => {
  const corpus = ALL_FRAMES.map(apduOf);
  const ek = hexToBytes('5AD84121D9D20B364B7A11F3C1B5827F');
  const ak = hexToBytes('AFB3F93E3E7204EDB3C27F96DBD51AE0');
  const report = runFuzz(
    [
      // Four targets: runFuzz picks the input kind by i % 3, so a multiple of 3 would pin one target to random bytes.
      { name: 'plain', run: (input) => decodeHanApdu(input, { receivedAt: RECEIVED_AT }) },
      { name: 'plain, energy ×0.1', run: (input) => decodeHanApdu(input, { receivedAt: RECEIVED_AT, energyMultiplier: 0.1 }) },
      { name: 'ek+ak', run: (input) => decodeHanApdu(input, { receivedAt: RECEIVED_AT, encryptionKey: ek, authenticationKey: ak }) },
      { name: 'ek, kaifa hint', run: (input) => decodeHanApdu(input, { receivedAt: RECEIVED_AT, encryptionKey: hexToBytes('101112131415161718191A1B1C1D1E1F'), vendor: 'kaifa' }) },
    ],
    corpus,
    { runs, seed, isTypedError: isHanError },
  );
  console.log(JSON.stringify(report));
  assert.ok(report.heapGrowthMb < 256, `heap grew by ${report.heapGrowthMb.toFixed(1)} MB`);
});
