import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { readmeExamples, runReadmeExample } from '../../../scripts/readme-examples.ts';

/** The README's examples are code that runs and prints what its comments say. */
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const examples = readmeExamples(`${packageDir}/README.md`);

test('the README has runnable examples', () => {
  assert.ok(examples.length >= 1);
});

for (const example of examples) {
  test(`README example ${example.index + 1} runs and prints what it promises`, async () => {
    const out = await runReadmeExample(packageDir, example);
    for (const text of example.expected) assert.ok(out.includes(text), `expected "${text}" in:\n${out}`);
  });
}
