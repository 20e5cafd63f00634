import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadSeedCorpus, runFuzz } from '../../../../scripts/fuzz/run-fuzz.ts';
import { dlmsFuzzTargets } from './targets.ts';
import { DlmsError, isDlmsError } from '../../src/index.ts';

/** The default test run's share of the fuzzing: the same targets as `dlms.fuzz.ts`, fewer inputs. */
const corpus = await loadSeedCorpus(fileURLToPath(new URL('../fixtures', import.meta.url)));

test('the seed corpus holds the fixtures of every module', () => {
  assert.ok(corpus.length >= 30, `only ${corpus.length} seeds`);
});

test('dlms decoders survive 30,000 fuzzed inputs', () => {
  const report = runFuzz(dlmsFuzzTargets(), corpus, { runs: 30_000, seed: 1, isTypedError: isDlmsError });
  for (const [name, s] of Object.entries(report.perTarget)) assert.ok(s.ok + s.typedError > 0, name);
  // Mutated seeds must reach past the first checks: some inputs decode, some fail deep inside.
  assert.ok(report.perTarget.decodeApdu!.ok > 0, 'no mutated input decoded as an APDU');
  assert.ok(report.perTarget.unprotectApdu!.ok > 0, 'no mutated input deciphered');
});

test('the harness itself catches an untyped exception and a hang', () => {
  assert.throws(() => runFuzz([{ name: 'bad', run: () => JSON.parse('{') as unknown }], corpus, { runs: 10, isTypedError: isDlmsError }), /untyped SyntaxError/);
  assert.throws(
    () =>
      runFuzz(
        [
          {
            name: 'slow',
            run: () => {
              const end = Date.now() + 30;
              while (Date.now() < end);
            },
          },
        ],
        corpus,
        { runs: 2, maxMsPerInput: 10, isTypedError: isDlmsError },
      ),
    /took/,
  );
  assert.doesNotThrow(() => runFuzz([{ name: 'typed', run: () => { throw new DlmsError('TRUNCATED', 'x'); } }], corpus, { runs: 10, isTypedError: isDlmsError }));
});
