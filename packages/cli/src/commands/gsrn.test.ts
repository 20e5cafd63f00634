import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliError } from '../cli-error.ts';
import { gsrnCommand } from './gsrn.ts';

/** Runs `openams gsrn …` in process and captures what it prints. */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await gsrnCommand.run(argv, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } });
  return { code, out, err };
}

test('check: a valid id prints "valid" and exits 0', async () => {
  assert.deepEqual(await run('check', '707057500000000018'), { code: 0, out: 'valid\n', err: '' });
});

test('check: each reason is named, exit 1', async () => {
  const wrong = await run('check', '707057500000000019');
  assert.equal(wrong.code, 1);
  assert.equal(wrong.out, '');
  assert.match(wrong.err, /INVALID_GSRN \(check-digit\): .*last digit is 9, it should be 8/);
  assert.match((await run('check', '571313000000002000')).err, /\(prefix\): .*Norwegian prefix 707057500/);
  assert.match((await run('check', '7070575000000000')).err, /\(length\): .*18 digits, got 16/);
  assert.match((await run('check', '70705750000000001O')).err, /\(non-digit\): .*"O" at position 18/);
});

test('generate prints valid ids from a sequence number', async () => {
  const r = await run('generate', '1', '--count', '3');
  assert.equal(r.code, 0);
  const ids = r.out.trimEnd().split('\n');
  assert.deepEqual(ids.slice(0, 1), ['707057500000000018']);
  assert.equal(ids.length, 3);
  for (const id of ids) assert.equal((await run('check', id)).code, 0);
  assert.equal((await run('generate', '99999999', '--count', '2')).code, 1);
});

test('usage mistakes throw for main() to print the usage', async () => {
  await assert.rejects(async () => run('check'), CliError);
  await assert.rejects(async () => run('check', '1', '2'), CliError);
  await assert.rejects(async () => run('generate', 'x'), CliError);
  await assert.rejects(async () => run('nope'), CliError);
  assert.equal((await run()).code, 2);
});
