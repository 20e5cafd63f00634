import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { main } from './main.ts';
import { TOUR_SAMPLE } from './commands/start.ts';

/** Runs `openams …` in process and captures what it prints. */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } });
  return { code, out, err };
}

const KEYS = ['--ek', TOUR_SAMPLE.ek, '--ak', TOUR_SAMPLE.ak, '--system-title', TOUR_SAMPLE.systemTitle];

test('--help lists every command and exits 0; no command exits 2', async () => {
  const help = await run('--help');
  assert.equal(help.code, 0);
  assert.match(help.out, /dlms translate/);
  assert.match(help.out, /start/);
  assert.equal((await run()).code, 2);
  const unknown = await run('frobnicate');
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /unknown command 'frobnicate'/);
});

test('dlms translate --json deciphers the tour sample: layers, plaintextHex, apdu', async () => {
  const r = await run('dlms', 'translate', '--json', '--hex', TOUR_SAMPLE.hex, ...KEYS);
  assert.equal(r.code, 0, r.err);
  const json = JSON.parse(r.out) as { layers: string[]; plaintextHex: string; apdu: { type: string } };
  assert.deepEqual(json.layers, ['ciphered', 'apdu']);
  assert.equal(json.plaintextHex, 'C0010000080000010000FF0200');
  assert.equal(json.apdu.type, 'get-request-normal');
});

test('dlms encrypt reproduces the ciphered sample and translate without keys shows only the envelope', async () => {
  const r = await run('dlms', 'encrypt', '--hex', 'C0010000080000010000FF0200', ...KEYS, '--ic', '0x01234567');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out.trim(), TOUR_SAMPLE.hex);
  const bare = await run('dlms', 'translate', '--json', '--hex', TOUR_SAMPLE.hex);
  assert.equal(bare.code, 0, bare.err);
  const json = JSON.parse(bare.out) as { layers: string[]; plaintextHex?: string };
  assert.deepEqual(json.layers, ['ciphered']);
  assert.equal(json.plaintextHex, undefined);
});

test('dlms translate: wrong key is refused with AUTH_TAG_INVALID and exit 1', async () => {
  const r = await run('dlms', 'translate', '--hex', TOUR_SAMPLE.hex, '--ek', '00'.repeat(16), '--ak', TOUR_SAMPLE.ak, '--system-title', TOUR_SAMPLE.systemTitle);
  assert.equal(r.code, 1);
  assert.match(r.err, /AUTH_TAG_INVALID/);
});

test('dlms translate: bad hex and truncated frames give the error code and exit 1', async () => {
  const bad = await run('dlms', 'translate', '--hex', 'C0 01 C1 0');
  assert.equal(bad.code, 1);
  assert.match(bad.err, /INVALID_HEX/);
  const cut = await run('dlms', 'translate', '--hex', 'C001C1000800');
  assert.equal(cut.code, 1);
  assert.match(cut.err, /TRUNCATED/);
  const missing = await run('dlms', 'translate');
  assert.equal(missing.code, 2);
  const unknownFlag = await run('dlms', 'translate', '--hex', '00', '--bogus');
  assert.equal(unknownFlag.code, 2);
});

test('dlms translate reads an HDLC frame with LLC and names the layers', async () => {
  // An LLS AARQ in an HDLC I-frame from a real meter session (the same frame as
  // packages/dlms/test/fixtures/hdlc/captured-session.ts, 'i-frame aarq lls').
  const frame = '7EA0440303106594E6E6006036A1090607608574050801018A0207808B0760857405080201AC0A80087852775062457846BE10040E01000000065F1F0400007E1F0100AFDF7E';
  const r = await run('dlms', 'translate', '--json', '--hex', frame);
  assert.equal(r.code, 0, r.err);
  const json = JSON.parse(r.out) as { layers: string[]; hdlc: { llc: string }; apdu: { type: string; mechanismName: string } };
  assert.deepEqual(json.layers, ['hdlc', 'apdu']);
  assert.equal(json.hdlc.llc, 'command');
  assert.equal(json.apdu.type, 'aarq');
  assert.equal(json.apdu.mechanismName, 'low');
  const tree = await run('dlms', 'translate', '--hex', frame);
  assert.equal(tree.code, 0, tree.err);
  assert.match(tree.out, /^hdlc: 1 frame\(s\), LLC command/m);
  assert.match(tree.out, /^apdu: aarq/m);
  const corrupted = await run('dlms', 'translate', '--hex', frame.replace('AFDF7E', 'AFDE7E'));
  assert.equal(corrupted.code, 1);
  assert.match(corrupted.err, /FCS_MISMATCH/);
});

test('dlms obis prints name and unit; junk exits 1', async () => {
  const r = await run('dlms', 'obis', '1-0:1.8.0.255');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /1-0:1\.8\.0\.255/);
  assert.match(r.out, /Wh/);
  const bad = await run('dlms', 'obis', '1-0:1.8.0.256');
  assert.equal(bad.code, 1);
  assert.match(bad.err, /INVALID_OBIS/);
});

test('dlms hls-gmac computes f(challenge) as SC ‖ IC ‖ GMAC tag', async () => {
  const r = await run('dlms', 'hls-gmac', ...KEYS, '--ic', '1', '--challenge', '503677524A323146');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out.trim(), /^1000000001[0-9A-F]{24}$/);
});

test('start prints the help and the tour, deciphering the sample', async () => {
  const r = await run('start');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /Tour/);
  assert.match(r.out, /get-request-normal/);
});

test('the installed bin runs: npx openams --help', async () => {
  const bin = fileURLToPath(new URL('../bin/openams.js', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, [bin, '--help']);
  assert.match(stdout, /Usage: openams <command>/);
});
