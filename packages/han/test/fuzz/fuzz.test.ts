import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFuzz } from '../../../../scripts/fuzz/run-fuzz.ts';
import { hanFuzzTargets, hanSeedCorpus, isTypedHanError } from './targets.ts';

/** The default test run's share of the HAN fuzzing: the targets of `han.fuzz.ts`, fewer inputs. */
test('HAN decoders survive 20,000 fuzzed inputs', () => {
  const corpus = hanSeedCorpus();
  assert.ok(corpus.length >= 60, `only ${corpus.length} seeds`);
  const report = runFuzz(hanFuzzTargets(), corpus, { runs: 20_000, seed: 7, isTypedError: isTypedHanError, maxMsPerInput: 500 });
  assert.ok(report.perTarget.decodeHanApdu!.ok > 0, 'no mutated input decoded: the seeds do not reach the decoders');
  assert.ok(report.perTarget['createHanReader']!.ok > 0);
});
