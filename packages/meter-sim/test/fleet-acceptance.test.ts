import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isMeteringPointId } from '@openams/core';
import type { OsloDate } from '@openams/core';
import {
  ByteReader,
  WrapperDeframer,
  bytesToHex,
  cosemDateTimeToDate,
  dataAsDateTime,
  decodeApdu,
  decodeCosemDateTime,
  decodeData,
  decodeHdlcFrame,
  translate,
  unprotectApdu,
} from '@openams/dlms';
import type { Apdu, DlmsData } from '@openams/dlms';
import { HdlcTransport, InMemoryInvocationCounterStore, connectTcp, isSessionError } from '@openams/dlms-session';
// Tests may import the HAN decoder (sim-common.md): the fleet's HAN frames must decode with it.
import { createHanReader } from '@openams/han';
import { ManualClock } from '../src/clock/index.ts';
import { DEFAULT_FAULTS, NO_FAULTS } from '../src/faults/index.ts';
import type { FaultConfig } from '../src/faults/index.ts';
import { generateMeterIdentity } from '../src/fleet-identity/index.ts';
import { Fleet, FleetPusher, HDLC_MAX_METERS, listenHdlc, listenWrapper, manifestJson, meterHdlcAddress, meterLoopbackAddress, writeManifest } from '../src/fleet/index.ts';
import type { FleetListener, ManifestEntry } from '../src/fleet/index.ts';
import { hanFrames } from '../src/han-output/index.ts';
import type { MeterVendor } from '../src/identity/index.ts';
import { clearLoadCaches } from '../src/load/index.ts';
import { A_PLUS, CLOCK, HES_TITLE, PT15M, dial, headEnd, range, withManagement } from './fixtures/fleet/head-end.ts';

// Issue 4 "Acceptance" for the fleet, in one file so the test run pays one process start for
// all of it: TCP sessions with a 10,000-meter fleet, interop with the codec and the HAN decoder,
// the manifest, pushes, memory. One test per fault mode is in fleet-faults.test.ts.
const NOW = new Date('2026-11-25T12:00:00Z');

// ---------------------------------------------------------------------------------------------
// A head-end over real TCP on 127.0.0.1 against meter #k of a 10,000-meter fleet
// ---------------------------------------------------------------------------------------------

const K = 7777;
let fleet: Fleet;
let wrapper: FleetListener;
let hdlc: FleetListener;

before(async () => {
  fleet = await Fleet.create({ seed: 'fleet-tcp-test', meters: 10_000, clock: new ManualClock(NOW), faults: NO_FAULTS });
  wrapper = await listenWrapper(fleet, { port: 0 });
  hdlc = await listenHdlc(fleet, { port: 0 });
});

after(async () => {
  await wrapper.close();
  await hdlc.close();
  fleet.close();
});

test('HLS5-GMAC to meter #7777 of 10,000 over TCP (gateway header): clock, one Oslo day of PT15M, release', async () => {
  const id = fleet.identity(K);
  const link = await dial(wrapper.port, { clientSap: 1, gateway: id.systemTitle });
  const client = headEnd(link.transport, { client: 'management', meterTitle: id.systemTitle, keys: id.keys });
  const info = await client.associate();
  assert.equal(info.mechanism, 'high-gmac');
  assert.equal(info.ciphered, true);

  const clock = await client.get(CLOCK);
  assert.ok(clock.ok);
  const time = dataAsDateTime(clock.value);
  assert.ok(time);
  assert.equal(cosemDateTimeToDate(time).toISOString(), NOW.toISOString());
  assert.equal(time.deviation, -60);

  // Oslo day 2026-11-24 (CET): the 96 quarter-hours end at 00:15 … 24:00 local.
  const dayStart = Date.parse('2026-11-23T23:00:00Z');
  const profile = await client.get(PT15M, range(dayStart + 900_000, dayStart + 86_400_000));
  assert.ok(profile.ok && profile.value.type === 'array');
  assert.equal(profile.value.value.length, 96);
  let previous = -1;
  profile.value.value.forEach((row, i) => {
    assert.ok(row.type === 'structure');
    const [stamp, status, aPlus] = row.value;
    assert.ok(stamp?.type === 'octet-string');
    assert.equal(cosemDateTimeToDate(decodeCosemDateTime(stamp.value)).getTime(), dayStart + (i + 1) * 900_000);
    assert.deepEqual(status, { type: 'unsigned', value: 0 });
    assert.ok(aPlus?.type === 'double-long-unsigned' && aPlus.value >= previous);
    previous = aPlus.value;
  });
  assert.deepEqual(await client.release(), { answered: true, reason: 'normal' });
  await client.close();
  assert.ok(fleet.stats.managementSessions >= 1);
});

test('the meter refuses a wrong key, a replayed invocation counter and a public-client write over TCP', async () => {
  const id = fleet.identity(K + 1);
  const other = fleet.identity(K + 2);

  const wrong = await dial(wrapper.port, { clientSap: 1, gateway: id.systemTitle });
  const impostor = headEnd(wrong.transport, { client: 'management', meterTitle: id.systemTitle, keys: other.keys });
  await assert.rejects(impostor.associate(), (e) => isSessionError(e, 'AUTHENTICATION_FAILED'));
  await impostor.close();

  const counter = new InMemoryInvocationCounterStore(500);
  const first = await dial(wrapper.port, { clientSap: 1, gateway: id.systemTitle });
  const honest = headEnd(first.transport, { client: 'management', meterTitle: id.systemTitle, keys: id.keys, counter });
  await honest.associate();
  assert.ok((await honest.get(A_PLUS)).ok);
  await honest.release();
  await honest.close();
  // The meter evicted and made again between the two sessions: the counters come back from its core.
  assert.ok(fleet.evictIdle(0) >= 1);
  const again = await dial(wrapper.port, { clientSap: 1, gateway: id.systemTitle });
  const replay = headEnd(again.transport, { client: 'management', meterTitle: id.systemTitle, keys: id.keys, counter: new InMemoryInvocationCounterStore(500) });
  await assert.rejects(replay.associate(), (e) => isSessionError(e, 'AUTHENTICATION_FAILED'));
  await replay.close();

  const pub = await dial(wrapper.port, { clientSap: 16, gateway: id.systemTitle });
  const reader = headEnd(pub.transport, { client: 'public' });
  await reader.associate();
  const clock = await reader.get(CLOCK);
  assert.ok(clock.ok);
  assert.deepEqual(await reader.set(CLOCK, clock.value), { ok: false, reason: 'read-write-denied' });
  assert.deepEqual(await reader.get(A_PLUS), { ok: false, reason: 'object-undefined' });
  await reader.close();
  assert.ok(fleet.stats.authenticationFailures >= 1);
  assert.ok(fleet.stats.replays >= 1);
});

test('a meter is also reached by its serial in the gateway header, and an unknown one is refused with called-AP-title-not-recognized', async () => {
  const id = fleet.identity(12);
  const bySerial = await dial(wrapper.port, { clientSap: 16, gateway: new TextEncoder().encode(id.serial) });
  const reader = headEnd(bySerial.transport, { client: 'public' });
  await reader.associate();
  const ldn = await reader.get({ classId: 1, instanceId: '0-0:42.0.0.255' as typeof CLOCK.instanceId, attributeId: 2 });
  assert.ok(ldn.ok && ldn.value.type === 'octet-string');
  assert.match(new TextDecoder().decode(ldn.value.value), new RegExp(id.serial.slice(-8)));
  await reader.close();

  const nobody = await dial(wrapper.port, { clientSap: 16, gateway: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) });
  const lost = headEnd(nobody.transport, { client: 'public' });
  await assert.rejects(lost.associate(), (e) => isSessionError(e, 'REFUSED') && /called-AP-title-not-recognized/.test(e.message));
  await lost.close();
});

test('each meter has its own loopback address on one port (fleet listening on 0.0.0.0)', async () => {
  const any = await listenWrapper(fleet, { host: '0.0.0.0', port: 0 });
  try {
    const id = fleet.identity(K);
    const link = await dial(any.port, { host: meterLoopbackAddress(K), clientSap: 1 });
    const client = headEnd(link.transport, { client: 'management', meterTitle: id.systemTitle, keys: id.keys, counter: new InMemoryInvocationCounterStore(10_000) });
    await client.associate();
    assert.ok((await client.get(CLOCK)).ok);
    await client.close();
  } finally {
    await any.close();
  }
});

test('HDLC over TCP: the server lower address picks the meter (0x10 + index)', async () => {
  const id = fleet.identity(42);
  const socket = await connectTcp('127.0.0.1', hdlc.port, { timeoutMs: 2000 });
  const transport = await HdlcTransport.connect(socket, { clientAddress: 1, serverAddress: meterHdlcAddress(42), frameTimeoutMs: 1000 });
  const client = headEnd(transport, { client: 'management', meterTitle: id.systemTitle, keys: id.keys });
  await client.associate();
  const dayStart = Date.parse('2026-11-23T23:00:00Z');
  const profile = await client.get(PT15M, range(dayStart + 900_000, dayStart + 86_400_000));
  assert.ok(profile.ok && profile.value.type === 'array');
  assert.equal(profile.value.value.length, 96);
  await client.release();
  await client.close();
});

// ---------------------------------------------------------------------------------------------
// Interop: the meter's bytes decode with @openams/dlms, its HAN frames with @openams/han
// ---------------------------------------------------------------------------------------------

/** Cut a TCP byte stream into IEC 62056-47 wrapper frames (8-byte header, length in bytes 6–7). */
function wrapperFrames(chunks: readonly Buffer[]): Uint8Array[] {
  const all = Buffer.concat(chunks);
  const frames: Uint8Array[] = [];
  for (let at = 0; at < all.length; ) {
    const length = all.readUInt16BE(at + 6);
    frames.push(new Uint8Array(all.subarray(at, at + 8 + length)));
    at += 8 + length;
  }
  return frames;
}

test('interop: every byte the meter sends over TCP decodes and deciphers with @openams/dlms, and says what the client read', async () => {
  const fleet = await Fleet.create({ seed: 'interop', meters: 500, clock: new ManualClock(NOW), faults: NO_FAULTS });
  const listener = await listenWrapper(fleet, { host: '0.0.0.0', port: 0 });
  try {
    const k = 321;
    const id = fleet.identity(k);
    const link = await dial(listener.port, { host: meterLoopbackAddress(k), clientSap: 1 });
    const client = headEnd(link.transport, { client: 'management', meterTitle: id.systemTitle, keys: id.keys });
    await client.associate();
    const clock = await client.get(CLOCK);
    const dayStart = Date.parse('2026-11-23T23:00:00Z');
    const profile = await client.get(PT15M, range(dayStart + 900_000, dayStart + 86_400_000));
    await client.release();
    await client.close();
    assert.ok(clock.ok && profile.ok);

    const answers = wrapperFrames(link.received).map((f) => translate(f, { keys: { ...id.keys, systemTitle: id.systemTitle } }));
    const requests = wrapperFrames(link.sent).map((f) => translate(f, { keys: { ...id.keys, systemTitle: HES_TITLE } }));
    const types = (ts: typeof answers) => ts.map((t) => t.apdu?.type);
    assert.deepEqual(types(requests), ['aarq', 'action-request-normal', 'get-request-normal', 'get-request-normal', 'rlrq']);
    assert.deepEqual(types(answers), ['aare', 'action-response-normal', 'get-response-normal', 'get-response-normal', 'rlre']);
    // The meter's own counters, strictly rising, and every ciphered answer authenticated under its keys.
    const counters = answers.flatMap((t) => t.layers.flatMap((l) => (l.layer === 'ciphered' && l.deciphered ? [l.invocationCounter ?? -1] : [])));
    assert.equal(counters.length, 3);
    for (let i = 1; i < counters.length; i++) assert.ok((counters[i] as number) > (counters[i - 1] as number));
    const aare = answers[0]?.apdu as Apdu & { type: 'aare' };
    assert.deepEqual(aare.respondingApTitle, id.systemTitle);
    assert.equal(aare.result, 'accepted');
    // What the codec reads out of the meter's bytes is what the client got.
    const result = (t: (typeof answers)[number]): DlmsData => {
      const apdu = t.apdu;
      assert.ok(apdu?.type === 'get-response-normal' && apdu.result.type === 'data');
      return apdu.result.value;
    };
    assert.deepEqual(result(answers[2] as (typeof answers)[number]), clock.value);
    assert.deepEqual(result(answers[3] as (typeof answers)[number]), profile.value);
    // And the plaintext re-decodes on its own as A-XDR data.
    const plain = answers[3]?.plaintext;
    assert.ok(plain);
    assert.deepEqual(decodeData(new ByteReader(plain.subarray(4))), profile.value);
  } finally {
    await listener.close();
    fleet.close();
  }
});

test('interop: the same meter’s HAN List 3 frames decode with @openams/han and agree with its DLMS registers', async () => {
  const hour = new Date('2026-11-25T16:00:00Z');
  const clock = new ManualClock(hour);
  const fleet = await Fleet.create({ seed: 'interop-han', meters: 60, clock, faults: NO_FAULTS, idleMs: 0 });
  const seen = new Set<MeterVendor>();
  for (let i = 0; i < fleet.size && seen.size < 3; i++) {
    const id = fleet.identity(i);
    if (seen.has(id.vendor)) continue;
    seen.add(id.vendor);
    clock.set(hour);
    const dlms = await withManagement(fleet, i, async (c) => {
      const r = await c.get(A_PLUS);
      assert.ok(r.ok && r.value.type === 'double-long-unsigned');
      return r.value.value;
    });
    // List 3 goes out seconds after the hour and carries the registers of the full hour.
    const at = new Date(hour.getTime() + (id.vendor === 'kamstrup' ? 5_000 : 10_000));
    const frame = hanFrames(fleet.identity(i), at, 3);
    decodeHdlcFrame(frame); // a well-formed HDLC frame for the codec too
    const reader = createHanReader({ now: () => at });
    const [event] = reader.push(frame, at);
    assert.ok(event?.type === 'reading', id.vendor);
    const key = id.vendor === 'kamstrup' ? '1.1.1.8.0.255' : '1.0.1.8.0.255';
    const step = id.vendor === 'kaifa' ? 1 : 10;
    assert.equal(event.reading.meterId ?? id.serial, id.serial);
    assert.equal(event.reading.obis[key as keyof typeof event.reading.obis]?.value, Math.floor(dlms / step) * step, `${id.vendor} A+`);
  }
  assert.equal(seen.size, 3);
  fleet.close();
});

// ---------------------------------------------------------------------------------------------
// The manifest: the key file a head-end imports (same seed, same file; unique keys)
// ---------------------------------------------------------------------------------------------

const OPTIONS = { seed: 'manifest-test', meters: 10_000, address: '127.0.0.1:4059' } as const;

test('the manifest for a seed is byte-identical across runs, and every key in it is unique', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'openams-manifest-'));
  try {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    const bytes = await writeManifest(a, OPTIONS);
    await writeManifest(b, OPTIONS);
    const [ta, tb] = [await readFile(a), await readFile(b)];
    assert.equal(ta.length, bytes);
    assert.ok(ta.equals(tb));
    const parsed = JSON.parse(ta.toString('utf8')) as { meters: ManifestEntry[] };
    assert.deepEqual(Object.keys(parsed), ['meters']);
    assert.equal(parsed.meters.length, 10_000);
    const keys = new Set<string>();
    const titles = new Set<string>();
    for (const m of parsed.meters) {
      for (const k of [m.ek, m.ak, m.mk]) {
        assert.match(k ?? '', /^[0-9A-F]{32}$/);
        keys.add(k ?? '');
      }
      titles.add(m.systemTitle);
      assert.equal(m.address, '127.0.0.1:4059');
      assert.ok(isMeteringPointId(m.meteringPointId));
    }
    assert.equal(keys.size, 30_000, 'every EK, AK and MK differs from every other');
    assert.equal(titles.size, 10_000);
    // The entries are the fleet's meters: identity, keys and all.
    const m = parsed.meters[4321] as ManifestEntry;
    const id = generateMeterIdentity(OPTIONS.seed, 4321);
    assert.deepEqual(
      [m.index, m.serial, m.systemTitle, m.meteringPointId, m.vendor, m.ek, m.ak, m.mk],
      [4321, id.serial, bytesToHex(id.systemTitle), id.meteringPointId, id.vendor, bytesToHex(id.keys.encryptionKey), bytesToHex(id.keys.authenticationKey), bytesToHex(id.keys.masterKey)],
    );
    // Pinned: the same seed must give this file on any machine and any later version (head-ends keep the keys).
    assert.equal(createHash('sha256').update(manifestJson({ ...OPTIONS, meters: 100 })).digest('hex'), PINNED);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

const PINNED = 'db7f1dfdc04a5e89e25592c553f10c49b21f4e1adbc1502ef3050b07caeec9c2';

test('the manifest lists the HDLC address of the meters an HDLC front reaches, and master keys only on request', () => {
  const text = manifestJson({ seed: 'manifest-test', meters: 3, address: '10.0.0.5:4059', hdlcAddress: '10.0.0.5:4060', masterKeys: false });
  const { meters } = JSON.parse(text) as { meters: ManifestEntry[] };
  assert.deepEqual(meters[2]?.hdlc, { address: '10.0.0.5:4060', logical: 1, physical: 0x12 });
  assert.equal(meters[0]?.mk, undefined);
  assert.ok(HDLC_MAX_METERS === 16_366);
  assert.match(text, /^\{"meters":\[\n\{"index":0,"serial":"\d{16}","systemTitle":"[0-9A-F]{16}",/);
});

// ---------------------------------------------------------------------------------------------
// `--push-to`: meters dial the head-end and send ciphered data-notifications
// ---------------------------------------------------------------------------------------------

interface Received {
  readonly source: number;
  readonly destination: number;
  readonly apdu: Uint8Array;
}

/** A head-end push listener: one wrapper frame per connection. */
async function pushListener(): Promise<{ port: number; frames: Received[]; close: () => Promise<void> }> {
  const frames: Received[] = [];
  const server = createServer((socket) => {
    const deframer = new WrapperDeframer();
    socket.on('data', (chunk: Buffer) => {
      for (const e of deframer.push(new Uint8Array(chunk))) if (e.type === 'frame') frames.push(e.frame);
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, frames, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** What the head-end does with a push: find the meter by the system title in the envelope, decipher with its keys. */
function open(fleet: Fleet, apdu: Uint8Array): { index: number; counter: number; highPriority: boolean; body: readonly DlmsData[] } {
  assert.equal(apdu[0], 0xdb, 'general-glo-ciphering');
  const title = apdu.subarray(2, 2 + (apdu[1] as number));
  const index = fleet.directory.indexOfSystemTitle(title);
  assert.ok(index !== undefined, `unknown system title ${bytesToHex(title)}`);
  const keys = fleet.identity(index).keys;
  const opened = unprotectApdu(apdu, { encryptionKey: keys.encryptionKey, authenticationKey: keys.authenticationKey, policy: { requireAuthentication: true } });
  const plain = decodeApdu(opened.plaintext);
  assert.ok(plain.type === 'data-notification' && plain.body.type === 'structure');
  return { index, counter: opened.invocationCounter, highPriority: plain.longInvokeIdAndPriority.highPriority, body: plain.body.value };
}

async function setup(faults: Partial<FaultConfig> = {}, meters = 12): Promise<{ fleet: Fleet; clock: ManualClock; pusher: FleetPusher; hes: Awaited<ReturnType<typeof pushListener>> }> {
  const clock = new ManualClock(NOW);
  const fleet = await Fleet.create({ seed: 'push-test', meters, clock, faults: { ...NO_FAULTS, ...faults }, idleMs: 0 });
  const hes = await pushListener();
  const pusher = new FleetPusher(fleet, { host: '127.0.0.1', port: hes.port, tickMs: 60_000 });
  return { fleet, clock, pusher, hes };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(condition(), 'timed out');
}

test('a daily push: the meter dials the head-end with yesterday’s 96 quarter-hours, ciphered under its own keys', async () => {
  const { fleet, pusher, hes } = await setup();
  assert.equal(await pusher.pushNow(3, { type: 'daily', date: '2026-11-24' as OsloDate }), true);
  await until(() => hes.frames.length === 1);
  const frame = hes.frames[0]!;
  assert.deepEqual([frame.source, frame.destination], [1, 1]);
  const push = open(fleet, frame.apdu);
  assert.equal(push.index, 3);
  const [setupLn, ldn, clock, profileLn, rows] = push.body;
  assert.deepEqual(setupLn, { type: 'octet-string', value: Uint8Array.of(0, 0, 25, 9, 0, 255) });
  assert.ok(ldn?.type === 'octet-string' && clock?.type === 'octet-string');
  assert.equal(cosemDateTimeToDate(decodeCosemDateTime(clock.value)).toISOString(), NOW.toISOString());
  assert.deepEqual(profileLn, { type: 'octet-string', value: Uint8Array.of(1, 0, 99, 2, 0, 255) });
  assert.ok(rows?.type === 'array');
  assert.equal(rows.value.length, 96);
  assert.equal(fleet.stats.pushes, 1);
  await hes.close();
});

test('the schedule: every meter pushes once in the night window, a cloned meter twice with its own counters', async () => {
  const { fleet, clock, pusher, hes } = await setup({ cloneIndexes: [5] });
  pusher.start();
  clock.set(new Date('2026-11-26T06:00:00Z')); // 07:00 in Oslo: the 00:10–06:10 window has passed
  pusher.tick();
  await pusher.idle();
  await until(() => hes.frames.length === 13);
  await pusher.stop();
  const pushes = hes.frames.map((f) => open(fleet, f.apdu));
  const byMeter = new Map<number, number[]>();
  for (const p of pushes) byMeter.set(p.index, [...(byMeter.get(p.index) ?? []), p.counter]);
  assert.equal(byMeter.size, 12);
  // The original and the clone push with the same title and keys and counters of their own.
  assert.equal(byMeter.get(5)?.length, 2);
  assert.equal(fleet.stats.faults['clone-session'], 1);
  await hes.close();
});

test('alarms: a tamper event is pushed at high priority with the fraud log entries', async () => {
  const { fleet, clock, pusher, hes } = await setup({ coverOpenPerMeterYear: 365.2425 }, 2);
  pusher.start();
  clock.set(new Date('2026-11-26T12:00:00Z'));
  try {
    pusher.tick();
    await pusher.idle();
    await pusher.stop();
    await until(() => hes.frames.length === fleet.stats.pushes);
    const pushes = hes.frames.map((f) => open(fleet, f.apdu));
    const alarms = pushes.filter((p) => p.highPriority);
    assert.ok(alarms.length >= 2, `${alarms.length} alarms`);
    for (const a of alarms) {
      assert.deepEqual(a.body[3], { type: 'octet-string', value: Uint8Array.of(0, 0, 99, 98, 1, 255) });
      assert.ok(a.body[4]?.type === 'array' && a.body[4].value.length >= 1);
    }
  } finally {
    await pusher.stop();
    await hes.close();
  }
});

// ---------------------------------------------------------------------------------------------
// Memory: 100,000 meters in < 2 GiB, started in seconds
// ---------------------------------------------------------------------------------------------

// `npm run bench -- sim` (too slow for a unit test); this holds the idle fleet and the cores.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heap(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
}

test('100,000 idle meters take a few MB, and a meter put back to its core well under a kilobyte', async () => {
  const base = heap();
  const fleet = await Fleet.create({ seed: 'memory-test', meters: 100_000, clock: new ManualClock(new Date('2026-11-25T12:00:00Z')), faults: DEFAULT_FAULTS, idleMs: 0 });
  const idle = heap() - base;
  assert.ok(idle < 16 * 2 ** 20, `an idle fleet of 100,000 holds ${(idle / 2 ** 20).toFixed(1)} MiB`);
  assert.ok(fleet.fixedBytes < 8 * 2 ** 20);

  // Make 1,000 meters (faults applied: drift, DST, main fuse and tamper history…) and put them
  // back, after 250 others to warm up the code. The load model's caches are bounded and shared
  // (at most ~27 MB whatever the fleet size), so they are emptied before both measurements.
  for (let i = 1; i < 100_000; i += 400) fleet.withMeter(i, () => undefined);
  fleet.evictIdle(0);
  clearLoadCaches();
  const before = heap();
  for (let i = 0; i < 100_000; i += 100) fleet.withMeter(i, () => undefined);
  fleet.evictIdle(0);
  clearLoadCaches();
  const perCore = (heap() - before) / 1_000;
  assert.equal(fleet.liveCount, 0);
  // Steady state is ~20–70 bytes (bench); a first fleet in a process also pays for warming up.
  assert.ok(perCore < 1024, `${perCore.toFixed(0)} bytes per core`);
  const projected = idle + perCore * 100_000;
  assert.ok(projected < 128 * 2 ** 20, `100,000 meters after one use each: ${(projected / 2 ** 20).toFixed(1)} MiB`);
  fleet.close();
});
