import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliError } from '../cli-error.ts';
import { calendarCommand } from './calendar.ts';

/** Runs `openams calendar …` in process and captures what it prints. */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await calendarCommand.run(argv, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } });
  return { code, out, err };
}

test('add-business-days prints the date: over Easter, from a Saturday, backwards', async () => {
  assert.deepEqual(await run('add-business-days', '--from', '2026-04-01', '--days', '3'), { code: 0, out: '2026-04-09\n', err: '' });
  assert.equal((await run('add-business-days', '--from', '2026-03-07', '--days', '3')).out, '2026-03-11\n');
  assert.equal((await run('add-business-days', '--from', '2026-03-07', '--days', '0')).out, '2026-03-09\n');
  assert.equal((await run('add-business-days', '--from', '2026-04-07', '--days', '-1')).out, '2026-04-01\n');
  assert.equal((await run('add-business-days', '--from', '2026-04-07', '--days=-1')).out, '2026-04-01\n');
});

test('intervals prints the count for the Oslo day; --list shows each interval', async () => {
  assert.deepEqual(await run('intervals', '--date', '2026-03-29', '--resolution', 'PT15M'), { code: 0, out: '92\n', err: '' });
  assert.equal((await run('intervals', '--date', '2026-10-25', '--resolution', 'PT15M')).out, '100\n');
  assert.equal((await run('intervals', '--date', '2026-10-25', '--resolution', 'PT60M')).out, '25\n');
  assert.equal((await run('intervals', '--date', '2026-11-25', '--resolution', 'PT60M')).out, '24\n');
  const list = (await run('intervals', '--date', '2026-10-25', '--resolution', 'PT60M', '--list')).out.trimEnd().split('\n');
  assert.equal(list.length, 25);
  assert.equal(list[0], '  1  2026-10-24T22:00:00Z  2026-10-24T23:00:00Z  2026-10-25T00:00:00+02:00');
  assert.match(list[2] ?? '', /T02:00:00\+02:00$/);
  assert.match(list[3] ?? '', /T02:00:00\+01:00$/);
});

test('holidays lists the year with weekdays', async () => {
  const r = await run('holidays', '--year', '2026');
  assert.equal(r.code, 0);
  assert.match(r.out, /^2026-04-03 {2}Fri {2}Langfredag \(Good Friday\)$/m);
  assert.equal(r.out.trimEnd().split('\n').length, 12);
});

test('a date that does not exist is refused with exit 1 and the error code', async () => {
  const r = await run('add-business-days', '--from', '2026-02-30', '--days', '3');
  assert.equal(r.code, 1);
  assert.match(r.err, /INVALID_DATE/);
  assert.equal((await run('holidays', '--year', '1500')).code, 1);
});

test('usage mistakes throw for main() to print the usage (exit 2)', async () => {
  await assert.rejects(async () => run('add-business-days', '--from', '2026-03-02'), CliError);
  await assert.rejects(async () => run('add-business-days', '--from', '2026-03-02', '--days', 'three'), CliError);
  await assert.rejects(async () => run('intervals', '--date', '2026-03-02', '--resolution', 'PT30M'), CliError);
  await assert.rejects(async () => run('frobnicate'), CliError);
  await assert.rejects(async () => run('intervals', '--bogus'), (e: unknown) => e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'));
  assert.equal((await run()).code, 2);
  assert.equal((await run('--help')).code, 0);
});
