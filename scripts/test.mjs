#!/usr/bin/env node
// Runs every `*.test.ts` under packages/, apps/ and bench/ with Node's own test runner (tsx for
// TypeScript). `--fuzz` runs the `*.fuzz.ts` targets instead, with FUZZ_RUNS raised to the full
// count. Any further arguments are passed to `node --test` (e.g. a file filter).
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const fuzz = args.includes('--fuzz');
const filters = args.filter((a) => !a.startsWith('--'));
const suffix = fuzz ? '.fuzz.ts' : '.test.ts';

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith(suffix)) out.push(p);
  }
  return out;
}

const files = ['packages', 'apps', 'bench']
  .flatMap((d) => {
    try {
      return walk(join(root, d), []);
    } catch {
      return [];
    }
  })
  .map((p) => relative(root, p))
  .filter((p) => filters.length === 0 || filters.some((f) => p.includes(f)))
  .sort();

if (files.length === 0) {
  console.error(`no ${suffix} files matched`);
  process.exit(1);
}

const env = { ...process.env };
if (fuzz) env.FUZZ_RUNS ??= '1000000';
const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  cwd: root,
  env,
  stdio: 'inherit',
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
