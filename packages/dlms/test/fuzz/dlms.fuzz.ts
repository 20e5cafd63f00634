import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadSeedCorpus, runFuzz } from '../../../../scripts/fuzz/run-fuzz.ts';
import { dlmsFuzzTargets } from './targets.ts';
import { isDlmsError } from '../../src/index.ts';

/**
 * The full-strength fuzz run (`npm run fuzz`): FUZZ_RUNS inputs (1,000,000 by default there), a
 * third random, the rest mutations of every fixture's bytes, spread over all decoders. FUZZ_SEED
 * picks another sequence; a failure prints the seed, input number and input hex to reproduce it.
 */
const runs = Number(process.env.FUZZ_RUNS ?? 1_000_000);
const seed = Number(process.env.FUZZ_SEED ?? 0x0a35);

test(`dlms decoders survive ${runs} fuzzed inputs (seed ${seed})`, { timeout: 60 * 60 * 1000 }, async () => {
  const corpus = await loadSeedCorpus(fileURLToPath(new URL('../fixtures', import.meta.url)));
  const report = runFuzz(dlmsFuzzTargets(), corpus, { runs, seed, isTypedError: isDlmsError });
  console.log(JSON.stringify(report));
  assert.ok(report.heapGrowthMb < 256, `heap grew by ${report.heapGrowthMb.toFixed(1)} MB`);
});
