import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attributeDescriptor, cosemDateTimeToDate, dataAsDateTime, methodDescriptor, wrapKeyForTransfer } from '@openams/dlms';
import type { DlmsData } from '@openams/dlms';
import { DlmsClient, InMemoryInvocationCounterStore, inMemoryTransportPair, isSessionError } from '@openams/dlms-session';
import type { AssociationKeys } from '@openams/dlms-session';
import { EVENT_CODES, eventsOf } from '../cosem/index.ts';
import { HEAD_END_TITLE, openSession } from '../../test/fixtures/cosem/session.ts';
import { serveMeter } from './index.ts';
import { testIdentity, testMeter } from '../../test/fixtures/cosem/fake-meter.ts';

const CLOCK = attributeDescriptor(8, '0-0:1.0.0.255', 2);
const INVOCATION_COUNTER = attributeDescriptor(1, '0-0:43.1.0.255', 2);
const A_PLUS = attributeDescriptor(3, '1-0:1.8.0.255', 2);
const KEY_TRANSFER = methodDescriptor(64, '0-0:43.0.0.255', 2);
const START = new Date('2026-11-25T14:00:00Z');

test('the management client associates with HLS5-GMAC under the meter its own keys and reads a register', async () => {
  const { meter } = testMeter({ start: START });
  const s = openSession(meter, { client: 'management', keys: meter.identity.keys, counter: new InMemoryInvocationCounterStore(1) });
  const info = await s.client.associate();
  assert.equal(info.mechanism, 'high-gmac');
  assert.equal(info.ciphered, true);
  const energy = await s.client.get(A_PLUS);
  assert.deepEqual(energy, { ok: true, value: { type: 'double-long-unsigned', value: meter.registers()[0] } });
  assert.deepEqual(await s.client.release(), { answered: true, reason: 'normal' });
  await s.done();
});

test('keys of another meter are refused and the attempt is logged as a fraud event', async () => {
  const { meter } = testMeter({ start: START });
  const s = openSession(meter, { client: 'management', keys: testIdentity(1).keys, counter: new InMemoryInvocationCounterStore(1) });
  await assert.rejects(s.client.associate(), (e) => isSessionError(e, 'AUTHENTICATION_FAILED'));
  await s.done();
  assert.deepEqual(
    eventsOf(meter.state, 'fraud').map((e) => e.code),
    [EVENT_CODES.failedLoginAttempt],
  );
  assert.ok(s.events.some((e) => e.type === 'authentication-failure'));
});

test('a replayed invocation counter is refused in the next association', async () => {
  const { meter } = testMeter({ start: START });
  const counter = new InMemoryInvocationCounterStore(100);
  const first = openSession(meter, { client: 'management', keys: meter.identity.keys, counter });
  await first.client.associate();
  await first.client.release();
  await first.done();
  const replay = openSession(meter, { client: 'management', keys: meter.identity.keys, counter: new InMemoryInvocationCounterStore(100) });
  await assert.rejects(replay.client.associate(), (e) => isSessionError(e, 'AUTHENTICATION_FAILED'));
  await replay.done();
  assert.ok(replay.events.some((e) => e.type === 'replay'));
});

test('the public client reads the clock and the invocation counter, but a SET is read-write-denied', async () => {
  const { meter } = testMeter({ start: START });
  // A management session first, so the counter has moved.
  const counter = new InMemoryInvocationCounterStore(41);
  const m = openSession(meter, { client: 'management', keys: meter.identity.keys, counter });
  await m.client.associate();
  await m.client.get(A_PLUS);
  await m.client.release();
  await m.done();

  const s = openSession(meter, { client: 'public' });
  await s.client.associate();
  const clock = await s.client.get(CLOCK);
  assert.ok(clock.ok);
  const time = dataAsDateTime(clock.value);
  assert.ok(time);
  assert.equal(cosemDateTimeToDate(time).toISOString(), START.toISOString());
  assert.equal(time.deviation, -60);
  const ic = await s.client.get(INVOCATION_COUNTER);
  // The head-end used 41 (AARQ), 42 (HLS pass 3), 43 (GET), 44 (RLRQ): the next must be above 44.
  assert.deepEqual(ic, { ok: true, value: { type: 'double-long-unsigned', value: counter.upcoming - 1 } });
  assert.deepEqual(await s.client.set(CLOCK, clock.value), { ok: false, reason: 'read-write-denied' });
  // Objects outside the public object list do not exist for it.
  assert.deepEqual(await s.client.get(A_PLUS), { ok: false, reason: 'object-undefined' });
  assert.deepEqual(await s.client.action(methodDescriptor(70, '0-0:96.3.10.255', 1), { type: 'integer', value: 0 }), { ok: false, reason: 'read-write-denied' });
  const list = await s.client.get(attributeDescriptor(15, '0-0:40.0.0.255', 2));
  assert.ok(list.ok && list.value.type === 'array');
  const names = list.value.value.map((entry) => (entry.type === 'structure' && entry.value[2]?.type === 'octet-string' ? [...entry.value[2].value].join('.') : ''));
  assert.deepEqual(names.sort(), ['0.0.1.0.0.255', '0.0.40.0.0.255', '0.0.42.0.0.255', '0.0.43.1.0.255']);
  await s.done();
});

function wrappedKeys(master: Uint8Array, keys: { encryptionKey: Uint8Array; authenticationKey: Uint8Array }): DlmsData {
  const item = (id: number, key: Uint8Array): DlmsData => ({
    type: 'structure',
    value: [
      { type: 'enum', value: id },
      { type: 'octet-string', value: wrapKeyForTransfer(master, key) },
    ],
  });
  return { type: 'array', value: [item(0, keys.encryptionKey), item(2, keys.authenticationKey)] };
}

test('key transfer: the new keys work from the next association and the old ones stop working', async () => {
  const { meter } = testMeter({ start: START });
  const oldKeys = meter.identity.keys;
  const newKeys = { encryptionKey: Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i), authenticationKey: Uint8Array.from({ length: 16 }, (_, i) => 0xb0 + i) };
  const counter = new InMemoryInvocationCounterStore(1);

  const change = openSession(meter, { client: 'management', keys: oldKeys, counter });
  await change.client.associate();
  assert.deepEqual(await change.client.action(KEY_TRANSFER, wrappedKeys(oldKeys.masterKey, newKeys)), { ok: true });
  // Still the old keys until this association ends: this GET is answered under them.
  assert.ok((await change.client.get(A_PLUS)).ok);
  await change.client.release();
  await change.done();
  assert.deepEqual(meter.keys().encryptionKey, newKeys.encryptionKey);

  const stale = openSession(meter, { client: 'management', keys: oldKeys, counter });
  await assert.rejects(stale.client.associate(), (e) => isSessionError(e, 'AUTHENTICATION_FAILED'));
  await stale.done();

  // A head-end resets its counter after a key change (OSGP: 250); the new keys start a new sequence.
  const fresh = openSession(meter, { client: 'management', keys: newKeys, counter: new InMemoryInvocationCounterStore(250) });
  await fresh.client.associate();
  assert.ok((await fresh.client.get(A_PLUS)).ok);
  await fresh.client.release();
  await fresh.done();
});

test('key transfer wrapped with the wrong master key is refused and nothing changes', async () => {
  const { meter } = testMeter({ start: START });
  const s = openSession(meter, { client: 'management', keys: meter.identity.keys, counter: new InMemoryInvocationCounterStore(1) });
  await s.client.associate();
  const params = wrappedKeys(testIdentity(9).keys.masterKey, { encryptionKey: new Uint8Array(16).fill(1), authenticationKey: new Uint8Array(16).fill(2) });
  assert.deepEqual(await s.client.action(KEY_TRANSFER, params), { ok: false, reason: 'other-reason' });
  await s.client.release();
  await s.done();
  assert.equal(meter.keys(), meter.identity.keys);
});

test('key transfer: on the same connection too, the next association needs the new keys', async () => {
  const { meter } = testMeter({ start: START });
  const oldKeys = meter.identity.keys;
  const newKeys = { encryptionKey: new Uint8Array(16).fill(0xa1), authenticationKey: new Uint8Array(16).fill(0xb2) };
  const { client: link, server } = inMemoryTransportPair({ clientSap: 1 });
  const serving = serveMeter(meter, server);
  const counter = new InMemoryInvocationCounterStore(1);
  const headEnd = (keys: AssociationKeys) =>
    new DlmsClient({
      transport: link,
      requestTimeoutMs: 5000,
      authentication: { mechanism: 'high-gmac' },
      security: { systemTitle: HEAD_END_TITLE, serverSystemTitle: meter.identity.systemTitle, keys, invocationCounter: counter },
    });
  const first = headEnd(oldKeys);
  await first.associate();
  assert.deepEqual(await first.action(KEY_TRANSFER, wrappedKeys(oldKeys.masterKey, newKeys)), { ok: true });
  await first.release();
  await assert.rejects(headEnd(oldKeys).associate(), (e) => isSessionError(e, 'AUTHENTICATION_FAILED'));
  const second = headEnd(newKeys);
  await second.associate();
  assert.ok((await second.get(A_PLUS)).ok);
  await second.close();
  await serving;
});
