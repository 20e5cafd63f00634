import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

/**
 * Every bench runs end to end and ends with its JSON line (quick mode: one short round, so this
 * checks shape, never speed — timings are only compared by `npm run bench`).
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const names = readdirSync(new URL('.', import.meta.url))
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length));

for (const name of names) {
  test(`npm run bench -- ${name} ends with its JSON line`, async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/run.ts', name], {
      cwd: root,
      env: { ...process.env, BENCH_QUICK: '1' },
    });
    const last = stdout.trim().split('\n').at(-1) ?? '';
    const json = JSON.parse(last) as { bench: string; ratio: number };
    assert.equal(json.bench, name);
    assert.ok(Number.isFinite(json.ratio) && json.ratio > 0, last);
  });
}
