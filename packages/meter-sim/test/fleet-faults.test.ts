import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IMAGE_TRANSFER_STATUS, InvocationCounterGuard, attributeDescriptor, cosemDateTimeToDate, dataAsDateTime, decodeCosemDateTime, methodDescriptor } from '@openams/dlms';
import type { DlmsData } from '@openams/dlms';
import { DlmsClient, InMemoryInvocationCounterStore, isSessionError } from '@openams/dlms-session';
import { ManualClock } from '../src/clock/index.ts';
import { AMR_PROFILE_STATUS, EVENT_CODES, IMAGE_BLOCK_SIZE, buildFirmwareImage } from '../src/cosem/index.ts';
import { NO_FAULTS } from '../src/faults/index.ts';
import type { FaultConfig, FaultEpisode } from '../src/faults/index.ts';
import { Fleet, fleetVendorKeys } from '../src/fleet/index.ts';
import { A_PLUS, CLOCK, HES_TITLE, PT15M, headEnd, memoryLink, range, withManagement } from './fixtures/fleet/head-end.ts';

// One test per fault mode (issue 4 "Faults"): what a head-end sees when it talks to the meter.
const NOW = new Date('2026-11-25T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 86_400_000;
const QUARTER = 900_000;
const SEED = 'faults-test';
const NONE = { signal: 0, meter: 0, concentrator: 0, headEnd: 0, other: 0 };
const POWER_FAILURE_LOG = attributeDescriptor(7, '0-0:99.97.0.255', 2);
const FRAUD_LOG = attributeDescriptor(7, '0-0:99.98.1.255', 2);

async function fleetWith(faults: Partial<FaultConfig>, meters = 8, clock = new ManualClock(NOW)): Promise<{ fleet: Fleet; clock: ManualClock }> {
  const fleet = await Fleet.create({ seed: SEED, meters, clock, faults: { ...NO_FAULTS, ...faults }, idleMs: 0 });
  return { fleet, clock };
}

/** What a public client gets from meter `index` now: 'answers', or the session error code. */
async function publicProbe(fleet: Fleet, index: number, timeoutMs = 2000): Promise<string> {
  const link = memoryLink(fleet, index, 16);
  const client = headEnd(link.transport, { client: 'public', timeoutMs });
  try {
    await client.associate();
    return (await client.get(CLOCK)).ok ? 'answers' : 'refuses';
  } catch (e) {
    return isSessionError(e) ? e.code : String(e);
  } finally {
    await client.close();
    await link.served;
  }
}

function stampOf(row: DlmsData): number {
  assert.ok(row.type === 'structure' && row.value[0]?.type === 'octet-string');
  return cosemDateTimeToDate(decodeCosemDateTime(row.value[0].value)).getTime();
}

async function readClock(fleet: Fleet, index: number): Promise<number> {
  return withManagement(fleet, index, async (client) => {
    const r = await client.get(CLOCK);
    assert.ok(r.ok);
    const t = dataAsDateTime(r.value);
    assert.ok(t);
    return cosemDateTimeToDate(t).getTime();
  });
}

/** The first episode of `kind` in `[from, to)` among meters 0…n−1 that is alone within a day either side (and the meter reachable now). */
function findEpisode(fleet: Fleet, kind: FaultEpisode['kind'], from: number, to: number, minMs = QUARTER): { index: number; episode: FaultEpisode } {
  for (let index = 0; index < fleet.size; index++) {
    if (fleet.plan.linkDown(index, NOW.getTime()) !== undefined) continue;
    for (const e of fleet.plan.episodes(index, kind, from, to)) {
      if (e.from < from || e.to > to || e.to - e.from < minMs) continue;
      if (fleet.plan.episodes(index, kind, e.from - DAY, e.to + DAY).length === 1) return { index, episode: e };
    }
  }
  assert.fail(`no ${kind} episode in the window`);
}

test('never-communicating meters: a closed link, or silence until the head-end times out', async () => {
  const closing = (await fleetWith({ neverCommunicatingShare: 1, unreachable: 'close' })).fleet;
  assert.equal(await publicProbe(closing, 3), 'CLOSED');
  const silent = (await fleetWith({ neverCommunicatingShare: 1, unreachable: 'silent', unreachableHoldMs: 10_000 })).fleet;
  assert.equal(await publicProbe(silent, 3, 100), 'TIMEOUT');
  assert.equal(closing.stats.faults['never-communicating'] + silent.stats.faults['never-communicating'], 2);
  // The default share is domain.md's ~12,800 of 3.24 M.
  const { DEFAULT_FAULTS } = await import('../src/faults/index.ts');
  assert.ok(Math.abs(DEFAULT_FAULTS.neverCommunicatingShare - 0.00395) < 0.00001);
});

test('signal loss: the meter is silent during the episode and answers again after it', async () => {
  const { fleet, clock } = await fleetWith({ missingValueShare: 0.05, causes: { ...NONE, signal: 1 }, unreachable: 'close' });
  const { index, episode } = findEpisode(fleet, 'signal-loss', NOW.getTime() - 30 * DAY, NOW.getTime(), HOUR);
  clock.set(new Date((episode.from + episode.to) / 2));
  assert.equal(fleet.linkDown(index), 'signal-loss');
  assert.equal(await publicProbe(fleet, index), 'CLOSED');
  clock.set(new Date(episode.to + 60_000));
  assert.equal(await publicProbe(fleet, index), 'answers');
  assert.equal(fleet.stats.faults['signal-loss'], 1);
});

test('concentrator outage: every meter behind it goes silent at once, the next concentrator does not', async () => {
  const { fleet, clock } = await fleetWith({ missingValueShare: 0.05, causes: { ...NONE, concentrator: 1 }, metersPerConcentrator: 4, unreachable: 'close' });
  const from = NOW.getTime() - 60 * DAY;
  const found = fleet.plan
    .episodes(0, 'concentrator-outage', from, NOW.getTime())
    .map((e) => (e.from + e.to) / 2)
    .find((t) => fleet.plan.linkDown(4, t) === undefined);
  assert.ok(found !== undefined, 'an outage of concentrator 0 while concentrator 1 is up');
  clock.set(new Date(found));
  for (const index of [0, 1, 2, 3]) assert.equal(await publicProbe(fleet, index), 'CLOSED', `meter ${index}`);
  assert.equal(await publicProbe(fleet, 4), 'answers');
  assert.equal(fleet.stats.faults['concentrator-outage'], 4);
});

test('head-end-side drop: the link closes mid-session and the next request fails', async () => {
  const { fleet } = await fleetWith({ missingValueShare: 1, causes: { ...NONE, headEnd: 1 }, headEndDropAfterAnswers: [2, 2] });
  const id = fleet.identity(2);
  const link = memoryLink(fleet, 2, 1);
  const client = headEnd(link.transport, { client: 'management', meterTitle: id.systemTitle, keys: id.keys });
  await client.associate(); // AARE and the HLS pass-4 answer arrive
  await assert.rejects(client.get(A_PLUS), (e) => isSessionError(e, 'CLOSED'));
  await client.close();
  await link.served;
  assert.equal(fleet.stats.faults['head-end-drop'], 1);
});

test('main fuse off: unreachable meanwhile; then power-down/up in the power failure log, no entries while off, power-down status after', async () => {
  const { fleet, clock } = await fleetWith({ missingValueShare: 0.2, causes: { ...NONE, other: 1 }, powerOffLengths: { hours: 1, days: 0 }, unreachable: 'close' }, 32);
  const { index, episode } = findEpisode(fleet, 'power-off', NOW.getTime() - 12 * DAY, NOW.getTime() - 2 * DAY, 2 * HOUR);
  clock.set(new Date((episode.from + episode.to) / 2));
  assert.equal(await publicProbe(fleet, index), 'CLOSED');
  clock.set(NOW);
  const { log, rows } = await withManagement(fleet, index, async (client) => {
    const l = await client.get(POWER_FAILURE_LOG, range(episode.from - HOUR, episode.to + HOUR));
    const r = await client.get(PT15M, range(episode.from - HOUR, episode.to + HOUR));
    assert.ok(l.ok && l.value.type === 'array' && r.ok && r.value.type === 'array');
    return { log: l.value.value, rows: r.value.value };
  });
  assert.deepEqual(
    log.map((e) => [stampOf(e), e.type === 'structure' ? e.value[1] : undefined]),
    [
      [episode.from, { type: 'unsigned', value: EVENT_CODES.powerDown }],
      [episode.to, { type: 'unsigned', value: EVENT_CODES.powerUp }],
    ],
  );
  const stamps = rows.map(stampOf);
  assert.ok(stamps.every((t) => t <= episode.from || t >= episode.to), 'no entry captured while the fuse was off');
  const firstAfter = rows[stamps.findIndex((t) => t >= episode.to)];
  assert.ok(firstAfter?.type === 'structure' && firstAfter.value[1]?.type === 'unsigned');
  assert.ok((firstAfter.value[1].value & AMR_PROFILE_STATUS.powerDown) !== 0);
  assert.equal(fleet.stats.faults['power-off'] >= 1, true);
});

test('clock drift: the meter clock is off by ppm × time since its last set', async () => {
  const { fleet } = await fleetWith({ clockDriftShare: 1, clockDriftPpm: [100, 100] });
  const traits = fleet.plan.traits(5);
  const since = fleet.startMs - 15 * DAY - traits.driftSinceDays * DAY;
  const expected = (traits.clockDriftPpm * (NOW.getTime() - since)) / 1e6;
  const error = (await readClock(fleet, 5)) - NOW.getTime();
  assert.ok(Math.abs(error - expected) < 20, `clock error ${error} ms, expected ${expected}`);
  assert.ok(Math.abs(error) > 100_000);
});

test('DST glitch: an hour off after the autumn change, right again after the spring one', async () => {
  const { fleet, clock } = await fleetWith({ dstGlitchShare: 1 });
  assert.equal((await readClock(fleet, 1)) - NOW.getTime(), HOUR);
  const spring = new Date('2027-04-01T10:00:00Z');
  clock.set(spring);
  assert.equal((await readClock(fleet, 1)) - spring.getTime(), 0);
  assert.equal(fleet.stats.faults['dst-glitch'], 2);
});

test('missing, duplicate and corrupt profile entries, the same on every read, against a fault-free twin', async () => {
  const faults = { missingValueShare: 0.2, causes: { ...NONE, meter: 1 }, duplicateEntryShare: 0.05, corruptEntryShare: 0.05 };
  const { fleet } = await fleetWith(faults);
  const { fleet: twin } = await fleetWith({});
  const day = range(Date.parse('2026-11-23T23:15:00Z'), Date.parse('2026-11-24T23:00:00Z'));
  const read = (f: Fleet) =>
    withManagement(f, 6, async (c) => {
      const r = await c.get(PT15M, day);
      assert.ok(r.ok && r.value.type === 'array');
      return r.value.value;
    });
  const clean = await read(twin);
  const faulty = await read(fleet);
  assert.deepEqual(await read(fleet), faulty);
  const expected: DlmsData[] = [];
  const seen = { missing: 0, duplicate: 0, corrupt: 0 };
  for (const row of clean) {
    const fault = fleet.plan.entryFault(6, stampOf(row));
    if (fault !== undefined) seen[fault]++;
    if (fault === 'missing') continue;
    if (fault === 'duplicate') expected.push(row, row);
    else if (fault === 'corrupt') {
      assert.ok(row.type === 'structure' && row.value[2]?.type === 'double-long-unsigned');
      const bad = fleet.plan.corruptValue(6, stampOf(row), row.value[2].value);
      assert.notEqual(bad, row.value[2].value);
      expected.push({ type: 'structure', value: [row.value[0] as DlmsData, row.value[1] as DlmsData, { type: 'double-long-unsigned', value: bad }, ...row.value.slice(3)] });
    } else expected.push(row);
  }
  assert.deepEqual(faulty, expected);
  assert.ok(seen.missing > 5 && seen.duplicate > 0 && seen.corrupt > 0, JSON.stringify(seen));
});

test('tamper events: terminal cover and magnetic field, each with its end, in the fraud detection log', async () => {
  const { fleet } = await fleetWith({ coverOpenPerMeterYear: 365.2425, magneticFieldPerMeterYear: 365.2425 / 4 });
  const logged = await withManagement(fleet, 0, async (c) => {
    const r = await c.get(FRAUD_LOG);
    assert.ok(r.ok && r.value.type === 'array');
    return r.value.value.map((e) => [stampOf(e), e.type === 'structure' && e.value[1]?.type === 'unsigned' ? e.value[1].value : -1]);
  });
  const planned = fleet.plan
    .events(0, fleet.startMs - 15 * DAY, NOW.getTime())
    .filter((e) => e.type === 'tamper')
    .map((e) => [e.at, e.type === 'tamper' ? e.code : -1]);
  // The meter keeps the newest 24 events of a log.
  assert.deepEqual(logged, planned.slice(-24));
  const codes = new Set(logged.map(([, c]) => c));
  for (const c of [EVENT_CODES.terminalCoverRemoved, EVENT_CODES.terminalCoverClosed, EVENT_CODES.strongDcFieldDetected, EVENT_CODES.noStrongDcFieldAnymore]) assert.ok(codes.has(c), `code ${c}`);
});

test('a cloned meter: two devices with one system title and keys answer alternately; the head-end sees its counter go back', async () => {
  const { fleet } = await fleetWith({ cloneIndexes: [1] });
  const id = fleet.identity(1);
  const guard = new InvocationCounterGuard(); // the head-end's record of the meter's counters, across sessions
  const counter = new InMemoryInvocationCounterStore(1);
  const session = () => {
    const link = memoryLink(fleet, 1, 1);
    const client = new DlmsClient({
      transport: link.transport,
      requestTimeoutMs: 2000,
      authentication: { mechanism: 'high-gmac' },
      security: { systemTitle: HES_TITLE, serverSystemTitle: id.systemTitle, keys: id.keys, invocationCounter: counter, incomingCounters: guard },
    });
    return { client, done: async () => (await client.close(), await link.served) };
  };
  const original = session();
  await original.client.associate(); // keys and system title are right: it authenticates
  for (let i = 0; i < 3; i++) assert.ok((await original.client.get(A_PLUS)).ok);
  await original.client.release();
  await original.done();
  const clone = session();
  // Same keys, same title, but its own (lower) invocation counter: the head-end's guard calls it a replay.
  await assert.rejects(clone.client.associate(), (e) => isSessionError(e, 'REPLAY'));
  await clone.done();
  // Two more sessions with fresh guards: the counters the meter answers with do not keep rising.
  const lastCounter = async () => {
    const fresh = new InvocationCounterGuard();
    const link = memoryLink(fleet, 1, 1);
    const c = new DlmsClient({
      transport: link.transport,
      requestTimeoutMs: 2000,
      authentication: { mechanism: 'high-gmac' },
      security: { systemTitle: HES_TITLE, serverSystemTitle: id.systemTitle, keys: id.keys, invocationCounter: counter, incomingCounters: fresh },
    });
    await c.associate();
    assert.ok((await c.get(A_PLUS)).ok);
    await c.release();
    await c.close();
    await link.served;
    return fresh.lastAccepted(id.systemTitle) ?? -1;
  };
  const fromOriginal = await lastCounter();
  const fromClone = await lastCounter();
  assert.ok(fromClone <= fromOriginal, `original answered up to ${fromOriginal}, the clone up to ${fromClone}`);
  assert.equal(fleet.stats.faults['clone-session'], 2);
});

test('firmware that fails to activate: a good image verifies, activation fails, the old version stays', async () => {
  const { fleet } = await fleetWith({ firmwareActivationFailureShare: 1 });
  const id = fleet.identity(3);
  const key = fleetVendorKeys(SEED)[id.vendor].privateKey;
  const flag = String.fromCharCode(...id.systemTitle.subarray(0, 3));
  const bytes = buildFirmwareImage({ vendorFlag: flag, meterType: id.meterType, firmwareVersion: 'NEXT-9.9' }, new Uint8Array(700).fill(7), key);
  const method = (n: number) => methodDescriptor(18, '0-0:44.0.0.255', n);
  const firmware = attributeDescriptor(1, '1-0:0.2.0.255', 2);
  const result = await withManagement(fleet, 3, async (c) => {
    assert.deepEqual(
      await c.action(method(1), { type: 'structure', value: [{ type: 'octet-string', value: new TextEncoder().encode('upgrade') }, { type: 'double-long-unsigned', value: bytes.length }] }),
      { ok: true },
    );
    for (let n = 0; n * IMAGE_BLOCK_SIZE < bytes.length; n++) {
      const block = bytes.subarray(n * IMAGE_BLOCK_SIZE, (n + 1) * IMAGE_BLOCK_SIZE);
      assert.deepEqual(await c.action(method(2), { type: 'structure', value: [{ type: 'double-long-unsigned', value: n }, { type: 'octet-string', value: block }] }), { ok: true });
    }
    const verify = await c.action(method(3), { type: 'integer', value: 0 });
    const activate = await c.action(method(4), { type: 'integer', value: 0 });
    return { verify: verify.ok, activate: activate.ok, status: await c.get(attributeDescriptor(18, '0-0:44.0.0.255', 6)), version: await c.get(firmware) };
  });
  assert.equal(result.verify, true);
  assert.equal(result.activate, false);
  assert.deepEqual(result.status, { ok: true, value: { type: 'enum', value: IMAGE_TRANSFER_STATUS.activationFailed } });
  assert.deepEqual(result.version, { ok: true, value: { type: 'octet-string', value: new TextEncoder().encode(id.firmwareVersion) } });
  assert.equal(fleet.stats.faults['firmware-activation-failure'], 1);
});

test('slow link: answers come after the link latency (a 50 ms head-end timeout fails, a patient one succeeds)', async () => {
  const { fleet } = await fleetWith({ slowLinkShare: 1, slowLinkLatencyMs: [150, 150], slowLinkBitsPerSecond: [1_000_000, 1_000_000] });
  assert.equal(await publicProbe(fleet, 0, 50), 'TIMEOUT');
  assert.equal(await publicProbe(fleet, 0, 2000), 'answers');
  assert.equal(fleet.stats.faults['slow-link'], 2);
});
