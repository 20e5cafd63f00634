import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHanReader } from '@openams/han';
import type { HanReaderOptions, HanStateMessage, HaSensorConfig } from '@openams/han/io';
import { CliError } from '../cli-error.ts';
import type { CliIo } from '../cli-io.ts';
import type { HanCommandDeps } from './han.ts';
import { createHanCommand, runHanRead } from './han.ts';
// Shared I/O fixtures of @openams/han: real frames, a reader double, socat and mosquitto helpers.
import { FakeReader, KAIFA_READINGS } from '../../../han/test/fixtures/io/fake-reader.ts';
import { KAIFA_MA304H3E_LIST1, KAIFA_MA304H3E_LIST2, KAIFA_MA304H3E_LIST3, KAMSTRUP_LIST2, METER_IDS, fixtureBytes } from '../../../han/test/fixtures/io/frames.ts';
import { collect, mosquittoMissing, socatMissing, startBroker, startPtyPair, waitFor } from '../../../han/test/fixtures/io/services.ts';

const L1 = fixtureBytes(KAIFA_MA304H3E_LIST1);
const L2 = fixtureBytes(KAIFA_MA304H3E_LIST2);
const L3 = fixtureBytes(KAIFA_MA304H3E_LIST3);
const BAD_FCS = fixtureBytes(KAIFA_MA304H3E_LIST1.replace(/F2B57E$/, 'F2B67E'));

/** A reader double over the Kaifa fixtures; records the options it was made with. */
function fakeDeps(): HanCommandDeps & { made: HanReaderOptions[] } {
  const made: HanReaderOptions[] = [];
  return {
    made,
    createReader(options) {
      made.push(options);
      return new FakeReader([
        { bytes: L1, reading: KAIFA_READINGS.list1 },
        { bytes: L2, reading: KAIFA_READINGS.list2 },
        { bytes: L3, reading: KAIFA_READINGS.list3 },
        { bytes: BAD_FCS, error: 'CHECKSUM_MISMATCH' },
      ]);
    },
  };
}

interface Output {
  out: string;
  err: string;
  io: CliIo;
}

function output(): Output {
  const o: Output = {
    out: '',
    err: '',
    io: {
      stdout: { write: (s: string) => (o.out += s) },
      stderr: { write: (s: string) => (o.err += s) },
    },
  };
  return o;
}

/** Runs `openams han …` in process, mapping usage errors to exit 2 as `main()` does. */
async function run(deps: HanCommandDeps, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const o = output();
  let code: number;
  try {
    code = await createHanCommand(deps).run(argv, o.io);
  } catch (e) {
    const usage = e instanceof CliError || (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'));
    if (!usage) throw e;
    o.err += (e as Error).message;
    code = 2;
  }
  return { code, out: o.out, err: o.err };
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();
const KEY_EK = '000102030405060708090A0B0C0D0E0F';
const KEY_AK = 'D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF';

test('han decode --json: one object per frame per line, keys as dotted OBIS; options reach the reader', async () => {
  const deps = fakeDeps();
  const r = await run(deps, 'decode', '--json', '--vendor', 'kaifa', '--ek', KEY_EK, '--ak', KEY_AK, '--hex', hex(L2) + ' ' + hex(L1));
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, 2);
  assert.deepEqual(lines[0], {
    vendor: 'kaifa',
    list: 2,
    meterId: METER_IDS.kaifaList1And2,
    meterType: 'MA304H3E',
    timestamp: '2022-11-07T09:44:40+01:00',
    obis: {
      '1.1.0.2.129.255': { value: 'KFM_001', unit: '' },
      '0.0.96.1.0.255': { value: '6970631404129954', unit: '' },
      '0.0.96.1.7.255': { value: 'MA304H3E', unit: '' },
      '1.0.1.7.0.255': { value: 546, unit: 'W' },
      '1.0.2.7.0.255': { value: 0, unit: 'W' },
      '1.0.3.7.0.255': { value: 0, unit: 'var' },
      '1.0.4.7.0.255': { value: 81, unit: 'var' },
      '1.0.31.7.0.255': { value: 0.781, unit: 'A' },
      '1.0.51.7.0.255': { value: 1.829, unit: 'A' },
      '1.0.71.7.0.255': { value: 2.062, unit: 'A' },
      '1.0.32.7.0.255': { value: 232, unit: 'V' },
      '1.0.52.7.0.255': { value: 0, unit: 'V' },
      '1.0.72.7.0.255': { value: 234.8, unit: 'V' },
    },
  });
  assert.deepEqual(lines[1], { vendor: 'kaifa', list: 1, meterId: null, meterType: null, timestamp: '2022-11-07T09:44:38+01:00', obis: { '1.0.1.7.0.255': { value: 549, unit: 'W' } } });
  assert.equal(deps.made.length, 1);
  assert.equal(deps.made[0]?.vendor, 'kaifa');
  assert.equal(hex(deps.made[0]?.encryptionKey ?? new Uint8Array()), KEY_EK);
  assert.equal(hex(deps.made[0]?.authenticationKey ?? new Uint8Array()), KEY_AK);
  assert.ok(!r.out.includes(KEY_EK) && !r.err.includes(KEY_EK));
});

test('han decode: a readable line per frame; errors per frame on stderr with their code; exit 1 if nothing decoded', async () => {
  const ok = await run(fakeDeps(), 'decode', '--hex', hex(L3) + hex(BAD_FCS) + '0011' + hex(L2.subarray(0, 30)));
  assert.equal(ok.code, 0, ok.err);
  assert.equal(
    ok.out,
    '2020-02-03T16:00:10+01:00 kaifa L3 6970631405808469 MA304H3E  P+ 119 W  P- 0 W  Q+ 0 var  Q- 289 var  I 0.68/0.81/1.02 A  U 228.7/0.0/229.8 V  A+ 10494.991 kWh  A- 0.000 kWh  R+ 79.233 kvarh  R- 2059.951 kvarh\n',
  );
  assert.match(ok.err, /^frame 2: CHECKSUM_MISMATCH: .*\(41 bytes dropped\)$/m);
  assert.match(ok.err, /^frame 3: TRUNCATED: .*\(32 bytes dropped\)$/m);
  const none = await run(fakeDeps(), 'decode', '--hex', hex(BAD_FCS));
  assert.equal(none.code, 1);
  assert.match(none.err, /CHECKSUM_MISMATCH/);
  assert.match(none.err, /no frame decoded/);
  const empty = await run(fakeDeps(), 'decode', '--hex', '00');
  assert.equal(empty.code, 1);
});

test('han decode: usage errors exit 2, bad hex exits 1 with its code, keys are never echoed', async () => {
  assert.equal((await run(fakeDeps(), 'decode')).code, 2);
  assert.equal((await run(fakeDeps(), 'decode', '--hex', '00', '--file', 'x')).code, 2);
  assert.equal((await run(fakeDeps(), 'decode', '--hex', '00', '--bogus')).code, 2);
  assert.equal((await run(fakeDeps(), 'decode', '--hex', '00', '--vendor', 'landisgyr')).code, 2);
  assert.equal((await run(fakeDeps(), 'frobnicate')).code, 2);
  const secret = 'C0FFEE' + 'ab'.repeat(12);
  const badKey = await run(fakeDeps(), 'decode', '--hex', hex(L1), '--ek', secret);
  assert.equal(badKey.code, 2);
  assert.match(badKey.err, /--ek must be 16 bytes of hex/);
  assert.ok(!badKey.err.includes(secret) && !badKey.err.includes('C0FFEE'));
  assert.equal((await run(fakeDeps(), 'decode', '--hex', hex(L1), '--ak', KEY_AK)).code, 2, '--ak without --ek');
  const bad = await run(fakeDeps(), 'decode', '--hex', '7EA0Z');
  assert.equal(bad.code, 1);
  assert.match(bad.err, /CAPTURE_INVALID/);
  const help = await run(fakeDeps(), 'decode', '--help');
  assert.equal(help.code, 0);
  assert.match(help.out, /timestamped/);
});

test('han decode --file: raw binary, hex text and timestamped captures', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'openams-han-cli-'));
  try {
    const rawPath = join(dir, 'han.bin');
    writeFileSync(rawPath, Buffer.concat([Buffer.from([0xff, 0x00]), L1, L2]));
    const raw = await run(fakeDeps(), 'decode', '--json', '--file', rawPath);
    assert.equal(raw.code, 0, raw.err);
    assert.deepEqual(
      raw.out.trim().split('\n').map((l) => (JSON.parse(l) as { list: number }).list),
      [1, 2],
    );
    const hexPath = join(dir, 'han.hex');
    writeFileSync(hexPath, `# Kaifa List 3 (hass-AMS KAIFA_HOURLY)\n${hex(L3).replace(/(.{32})/g, '$1 ')}\n`);
    const hx = await run(fakeDeps(), 'decode', '--json', '--file', hexPath);
    assert.equal(hx.code, 0, hx.err);
    assert.equal((JSON.parse(hx.out) as { list: number }).list, 3);
    const tsPath = join(dir, 'han.log');
    writeFileSync(tsPath, `2026-11-25T14:00:10.120+01:00 ${hex(L2.subarray(0, 40))}\n2026-11-25T14:00:10.290+01:00 ${hex(L2.subarray(40))}\n`);
    const deps = fakeDeps();
    let reader: FakeReader | undefined;
    const ts = await run({ createReader: (o) => (reader = deps.createReader(o) as FakeReader) }, 'decode', '--file', tsPath);
    assert.equal(ts.code, 0, ts.err);
    assert.deepEqual(
      reader?.pushes.map((p) => p.receivedAt?.toISOString()),
      ['2026-11-25T13:00:10.120Z', '2026-11-25T13:00:10.290Z'],
    );
    const badTs = join(dir, 'bad.log');
    writeFileSync(badTs, '2026-11-25T14:00:10 7EA0\n');
    const b = await run(fakeDeps(), 'decode', '--file', badTs);
    assert.equal(b.code, 1);
    assert.match(b.err, /CAPTURE_INVALID: capture line 1: .* not an ISO 8601 instant with an offset/);
    assert.equal((await run(fakeDeps(), 'decode', '--file', join(dir, 'missing.bin'))).code, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('han decode with the real reader: published Kaifa and Kamstrup frames end to end', async () => {
  const r = await run({ createReader: createHanReader }, 'decode', '--json', '--hex', hex(L2) + KAMSTRUP_LIST2 + hex(L3));
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as { vendor: string; list: number; meterId: string; obis: Record<string, { value: number | string; unit: string }> });
  assert.deepEqual(
    lines.map((l) => [l.vendor, l.list, l.meterId]),
    [
      ['kaifa', 2, METER_IDS.kaifaList1And2],
      ['kamstrup', 2, METER_IDS.kamstrup],
      ['kaifa', 3, METER_IDS.kaifaList3],
    ],
  );
  const kaifa3 = lines[2]?.obis ?? {};
  assert.deepEqual(kaifa3['1.0.1.8.0.255'], { value: 10494991, unit: 'Wh' });
  assert.deepEqual(kaifa3['1.0.32.7.0.255'], { value: 228.7, unit: 'V' });
  const kam = Object.entries(lines[1]?.obis ?? {}).find(([k]) => /^1\.[01]\.31\.7\.0\.255$/.test(k));
  assert.deepEqual(kam?.[1], { value: 5.64, unit: 'A' });
});

test('han conformance with the real reader: a timestamped capture of published Kaifa frames', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'openams-han-conf-real-'));
  try {
    const ts = join(dir, 'kaifa.log');
    writeFileSync(ts, `2022-11-07T09:44:38.300+01:00 ${hex(L1)}\n2022-11-07T09:44:40.400+01:00 ${hex(L2)}\n`);
    const r = await run({ createReader: createHanReader }, 'conformance', '--file', ts, '--vendor', 'kaifa', '--json');
    const report = JSON.parse(r.out) as { readings: number; topology: { phases: string }; results: { rule: string; status: string }[] };
    assert.equal(report.readings, 2);
    assert.equal(report.topology.phases, '3P3W');
    const status = Object.fromEntries(report.results.map((x) => [x.rule, x.status]));
    for (const rule of ['capture.vendor', 'list1.content', 'list2.content', 'clock.sane', 'values.voltage', 'meter-id.gs1', 'meter-id.stable']) assert.equal(status[rule], 'pass', rule);
    assert.equal(r.code, Object.values(status).includes('fail') ? 1 : 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const noSocat = socatMissing();

function writer(path: string): (bytes: Uint8Array) => void {
  return (bytes) => {
    const fd = openSync(path, 'w');
    try {
      writeSync(fd, bytes);
    } finally {
      closeSync(fd);
    }
  };
}

test('han read over a socat pty: a live line per frame, MQTT with discovery when a broker is there, clean stop', { skip: noSocat }, async () => {
  const pty = await startPtyPair();
  const broker = mosquittoMissing() ? undefined : await startBroker();
  const sub = broker ? await collect(broker.url, ['test-han/#', 'test-ha/#']) : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'openams-han-rec-'));
  const o = output();
  const ac = new AbortController();
  try {
    const args = ['--serial', pty.readerSide, '--vendor', 'kaifa', '--ek', KEY_EK, '--record', join(dir, 'rec.log')];
    if (broker) args.push('--mqtt', broker.url.replace('mqtt://', 'mqtt://u:pw-secret@'), '--topic', 'test-han', '--discovery-prefix', 'test-ha');
    const done = runHanRead(args, o.io, { signal: ac.signal }, fakeDeps());
    await waitFor(() => o.err.includes('reading '), 5000, 'port open');
    const write = writer(pty.meterSide);
    write(L2);
    write(L1);
    write(BAD_FCS);
    await waitFor(() => o.out.split('\n').length >= 3, 5000, 'two live lines');
    const [first, second] = o.out.split('\n');
    // Meter time, list, P, I and U per phase, then the hour so far (power integrated by receive time).
    assert.match(first ?? '', /^09:44:40 L2 {2}P\+ 546 W {2}P- 0 W {2}Q\+ 0 var {2}Q- 81 var {2}I 0\.78\/1\.83\/2\.06 A {2}U 232\.0\/0\.0\/234\.8 V {2}hour \d+\.\d{3} kWh \u2192 \d+\.\d{3} kWh$/);
    assert.match(second ?? '', /^09:44:38 L1 {2}P\+ 549 W {2}hour \d+\.\d{3} kWh/);
    await waitFor(() => o.err.includes('CHECKSUM_MISMATCH'), 5000, 'error line');
    if (sub) {
      await waitFor(() => sub.last<HanStateMessage>(`test-han/${METER_IDS.kaifaList1And2}/state`)?.list === 1, 5000, 'MQTT state');
      await waitFor(() => sub.messages.some((m) => m.topic === `test-ha/sensor/openams_han_${METER_IDS.kaifaList1And2}_voltage_l1/config`), 5000, 'discovery');
      const cfg = JSON.parse(sub.messages.find((m) => m.topic.endsWith('_power_import/config'))?.payload ?? '{}') as HaSensorConfig;
      assert.equal(cfg.device.manufacturer, 'Kaifa');
      assert.equal(cfg.device.model, 'MA304H3E');
      assert.equal(cfg.state_topic, `test-han/${METER_IDS.kaifaList1And2}/state`);
    }
    ac.abort();
    assert.equal(await done, 0);
    assert.match(o.err, /openams han read: .*2400 8E1, vendor kaifa, encryption key set \(hidden\)/);
    assert.match(o.err, /stopped: 3 frames, 2 readings, 0 bytes dropped, errors: CHECKSUM_MISMATCH 1/);
    assert.ok(!o.err.includes(KEY_EK) && !o.out.includes(KEY_EK), 'key never printed');
    assert.ok(!o.err.includes('pw-secret'), 'MQTT password never printed');
    if (broker) assert.match(o.err, /MQTT connected to mqtt:\/\/u:\*\*\*@127\.0\.0\.1/);
    // The recording is a timestamped capture that decodes to the same frames.
    const rec = readFileSync(join(dir, 'rec.log'), 'utf8');
    assert.match(rec, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z 7EA0/);
    const again = await run(fakeDeps(), 'decode', '--json', '--file', join(dir, 'rec.log'));
    assert.equal(again.out.trim().split('\n').length, 2);
    if (sub) await waitFor(() => sub.last<{ state: string }>('test-han/status')?.state === 'offline', 5000, 'offline on stop');
  } finally {
    ac.abort();
    await sub?.close();
    await broker?.stop();
    await pty.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('han read: Ctrl-C (SIGINT) stops the process cleanly with exit 0', { skip: noSocat }, async () => {
  const pty = await startPtyPair();
  const here = fileURLToPath(new URL('.', import.meta.url));
  // A child process runs the real command with the reader double (the real reader when it exists).
  const script = `
    import { createHanCommand } from ${JSON.stringify(join(here, 'han.ts'))};
    import { FakeReader, KAIFA_READINGS } from ${JSON.stringify(join(here, '../../../han/test/fixtures/io/fake-reader.ts'))};
    import { KAIFA_MA304H3E_LIST2, fixtureBytes } from ${JSON.stringify(join(here, '../../../han/test/fixtures/io/frames.ts'))};
    const cmd = createHanCommand({ createReader: () => new FakeReader([{ bytes: fixtureBytes(KAIFA_MA304H3E_LIST2), reading: KAIFA_READINGS.list2 }]) });
    process.exitCode = await cmd.run(process.argv.slice(1), { stdout: process.stdout, stderr: process.stderr });
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, 'read', '--serial', pty.readerSide], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await waitFor(() => err.includes('reading '), 15_000, `the child to open the port (stderr: ${err})`);
    writer(pty.meterSide)(L2);
    await waitFor(() => out.includes('L2'), 5000, 'a live line');
    child.kill('SIGINT');
    assert.equal(await exit, 0, err);
    assert.match(err, /stopped: 1 frames, 1 readings/);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await pty.stop();
  }
});

test('han conformance: PASS/FAIL per rule, SKIP for what a raw capture cannot tell, exit 1 on a failure', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'openams-han-conf-'));
  try {
    const ts = join(dir, 'kaifa.log');
    // Receive times a little after the meter clock, as a real reader sees them.
    writeFileSync(ts, `2022-11-07T09:44:38.300+01:00 ${hex(L1)}\n2022-11-07T09:44:40.400+01:00 ${hex(L2)}\n`);
    const ok = await run(fakeDeps(), 'conformance', '--file', ts, '--vendor', 'kaifa');
    assert.match(ok.out, /^HAN conformance of .*kaifa\.log: vendor kaifa, 3P3W \(from meter-type\), 2 readings .*timestamped capture$/m);
    assert.match(ok.out, /^PASS {2}meter-id\.gs1 /m);
    assert.match(ok.out, /^PASS {2}clock\.sane /m);
    assert.doesNotMatch(ok.out, /^SKIP/m);
    assert.match(ok.out, /^result: (PASS|FAIL) \(\d+ pass, \d+ fail, \d+ not applicable, 0 skipped\)$/m);
    assert.equal(ok.code, /^result: PASS/m.test(ok.out) ? 0 : 1);

    const raw = join(dir, 'kaifa.bin');
    writeFileSync(raw, Buffer.concat([L1, L2, BAD_FCS]));
    const r = await run(fakeDeps(), 'conformance', '--file', raw, '--vendor', 'kaifa', '--json');
    const report = JSON.parse(r.out) as { format: string; skipped: { rule: string }[]; decodeErrors: Record<string, number>; results: { rule: string }[] };
    assert.equal(report.format, 'raw');
    assert.deepEqual(
      report.skipped.map((s) => s.rule),
      ['clock.sane'],
      'Kaifa frames all carry a meter clock: only the receive-time rule is skipped',
    );
    assert.deepEqual(report.decodeErrors, { CHECKSUM_MISMATCH: 1 });
    assert.ok(report.results.some((x) => x.rule === 'list1.cadence'));

    const wrong = await run(fakeDeps(), 'conformance', '--file', ts, '--vendor', 'aidon');
    assert.equal(wrong.code, 1);
    assert.match(wrong.out, /^FAIL {2}capture\.vendor /m);
    assert.match(wrong.out, /^result: FAIL/m);

    assert.equal((await run(fakeDeps(), 'conformance', '--file', ts)).code, 2, '--vendor is required');
    assert.equal((await run(fakeDeps(), 'conformance', '--vendor', 'kaifa')).code, 2, '--file is required');
    assert.equal((await run(fakeDeps(), 'conformance', '--file', ts, '--vendor', 'kaifa', '--phases', '2P')).code, 2);
    const nothing = join(dir, 'noise.bin');
    writeFileSync(nothing, Buffer.from([0x7e, 0x00, 0x01]));
    const n = await run(fakeDeps(), 'conformance', '--file', nothing, '--vendor', 'kaifa');
    assert.equal(n.code, 1);
    assert.match(n.err, /no frame of .* decoded/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('han read --json --parity none: JSON lines with derived values; the line settings are echoed', { skip: noSocat }, async () => {
  const pty = await startPtyPair();
  const o = output();
  const ac = new AbortController();
  try {
    const done = runHanRead(['--serial', pty.readerSide, '--parity', 'none', '--json'], o.io, { signal: ac.signal }, fakeDeps());
    await waitFor(() => o.err.includes('reading '), 5000, 'port open');
    writer(pty.meterSide)(L3);
    await waitFor(() => o.out.includes('\n'), 5000, 'a JSON line');
    ac.abort();
    assert.equal(await done, 0);
    const line = JSON.parse(o.out.split('\n')[0] ?? '') as { list: number; meterId: string; hourly?: { hourStart: string } };
    assert.equal(line.list, 3);
    assert.equal(line.meterId, METER_IDS.kaifaList3);
    assert.ok(line.hourly?.hourStart, 'the hour so far rides along');
    assert.match(o.err, /openams han read: .*, 2400 8N1, vendor auto\n/);
    assert.equal((await run(fakeDeps(), 'read', '--serial', pty.readerSide, '--parity', 'mark')).code, 2);
    assert.equal((await run(fakeDeps(), 'read', '--serial', pty.readerSide, '--baud', 'fast')).code, 2);
    assert.equal((await run(fakeDeps(), 'read', '--serial', pty.readerSide, '--steps', '5,2')).code, 2);
    assert.equal((await run(fakeDeps(), 'read')).code, 2);
  } finally {
    ac.abort();
    await pty.stop();
  }
});
