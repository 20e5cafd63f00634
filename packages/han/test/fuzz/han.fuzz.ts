import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFuzz } from '../../../../scripts/fuzz/run-fuzz.ts';
import { hanFuzzTargets, hanSeedCorpus, isTypedHanError } from './targets.ts';

/**
 * The full-strength HAN fuzz run (`npm run fuzz`): FUZZ_RUNS inputs (1,000,000 there) of random
 * bytes and mutations of every published frame and APDU through the deframer, the reader and the
 * decoders. FUZZ_SEED picks another sequence; a failure prints seed, input number and hex.
 */
const runs = Number(process.env.FUZZ_RUNS ?? 1_000_000);
const seed = Number(process.env.FUZZ_SEED ?? 0x4a11);

test(`HAN decoders survive ${runs} fuzzed inputs (seed ${seed})`, { timeout: 60 * 60 * 1000 }, () => {
  const report = runFuzz(hanFuzzTargets(), hanSeedCorpus(), { runs, seed, isTypedError: isTypedHanError, maxMsPerInput: 500 });
  console.log(JSON.stringify(report));
  assert.ok(report.heapGrowthMb < 256, `heap grew by ${report.heapGrowthMb.toFixed(1)} MB`);
});
