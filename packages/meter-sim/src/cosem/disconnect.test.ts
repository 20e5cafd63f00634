import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTROL_STATE, attributeDescriptor, methodDescriptor } from '@openams/dlms';
import type { ControlMode } from '@openams/dlms';
import { InMemoryInvocationCounterStore } from '@openams/dlms-session';
import type { ServerRequestContext } from '@openams/dlms-session';
import { testMeter } from '../../test/fixtures/cosem/fake-meter.ts';
import { openSession } from '../../test/fixtures/cosem/session.ts';
import { EVENT_CODES, createCosemHandler, eventsOf } from './index.ts';

const START = new Date('2026-05-04T08:00:00Z');
const DISCONNECT = methodDescriptor(70, '0-0:96.3.10.255', 1);
const RECONNECT = methodDescriptor(70, '0-0:96.3.10.255', 2);
const OUTPUT_STATE = attributeDescriptor(70, '0-0:96.3.10.255', 2);
const CONTROL_STATE_ATTR = attributeDescriptor(70, '0-0:96.3.10.255', 3);
const MANAGEMENT: ServerRequestContext = { clientSap: 1, mechanism: 'high-gmac', access: 'read-write', ciphered: true };
const ZERO = { type: 'integer', value: 0 } as const;

test('remote disconnect and reconnect over a session: mode 1 arms the breaker, the customer closes it', async () => {
  const { meter, clock } = testMeter({ start: START, controlMode: 1 });
  const s = openSession(meter, { client: 'management', keys: meter.identity.keys, counter: new InMemoryInvocationCounterStore(1) });
  await s.client.associate();
  assert.deepEqual(await s.client.action(DISCONNECT, ZERO), { ok: true });
  assert.deepEqual(await s.client.get(OUTPUT_STATE), { ok: true, value: { type: 'boolean', value: false } });
  const frozen = meter.registers();
  clock.advance(3_600_000);
  assert.deepEqual(meter.registers(), frozen, 'no energy is registered while disconnected');
  assert.deepEqual(await s.client.action(RECONNECT, ZERO), { ok: true });
  assert.deepEqual(await s.client.get(CONTROL_STATE_ATTR), { ok: true, value: { type: 'enum', value: CONTROL_STATE.readyForReconnection } });
  assert.deepEqual(await s.client.get(OUTPUT_STATE), { ok: true, value: { type: 'boolean', value: false } });
  assert.equal(meter.pressButton(), 'changed');
  assert.deepEqual(await s.client.get(OUTPUT_STATE), { ok: true, value: { type: 'boolean', value: true } });
  await s.client.release();
  await s.done();
  assert.deepEqual(
    eventsOf(meter.state, 'disconnect').map((e) => e.code),
    [EVENT_CODES.remoteDisconnection, EVENT_CODES.remoteConnection, EVENT_CODES.manualConnection],
  );
});

// Blue Book "Disconnect control": remote_reconnect goes straight to connected in modes 2 and 4 only.
const MODES: readonly { mode: ControlMode; direct: boolean; manualDisconnect: boolean; localReconnect: boolean }[] = [
  { mode: 1, direct: false, manualDisconnect: true, localReconnect: false },
  { mode: 2, direct: true, manualDisconnect: true, localReconnect: false },
  { mode: 3, direct: false, manualDisconnect: false, localReconnect: false },
  { mode: 4, direct: true, manualDisconnect: false, localReconnect: false },
  { mode: 5, direct: false, manualDisconnect: true, localReconnect: true },
  { mode: 6, direct: false, manualDisconnect: false, localReconnect: true },
];

for (const { mode, direct, manualDisconnect, localReconnect } of MODES) {
  test(`control mode ${mode}: the state machine of the Blue Book`, () => {
    const { meter } = testMeter({ start: START, controlMode: mode });
    const handler = createCosemHandler(meter);
    assert.deepEqual(handler.action(DISCONNECT, ZERO, MANAGEMENT), { result: 'success' });
    assert.equal(meter.controlState, CONTROL_STATE.disconnected);
    // Already disconnected: nothing happens, nothing is logged.
    assert.deepEqual(handler.action(DISCONNECT, ZERO, MANAGEMENT), { result: 'success' });
    assert.equal(eventsOf(meter.state, 'disconnect').length, 1);
    // The customer's button does nothing while disconnected remotely.
    assert.equal(meter.pressButton(), mode === 3 || mode === 4 || mode === 6 ? 'not-allowed' : 'unchanged');
    assert.deepEqual(handler.action(RECONNECT, ZERO, MANAGEMENT), { result: 'success' });
    assert.equal(meter.controlState, direct ? CONTROL_STATE.connected : CONTROL_STATE.readyForReconnection);
    if (!direct) {
      assert.equal(meter.pressButton(), 'changed');
      assert.equal(meter.controlState, CONTROL_STATE.connected);
    }
    // Manual disconnect (f) by the customer, then a local one (g) by a meter function.
    assert.equal(meter.pressButton(), manualDisconnect ? 'changed' : 'not-allowed');
    if (manualDisconnect) {
      assert.equal(meter.controlState, CONTROL_STATE.readyForReconnection);
      assert.equal(meter.pressButton(), 'changed');
    }
    assert.equal(meter.localDisconnect(), 'changed');
    assert.equal(meter.controlState, CONTROL_STATE.readyForReconnection);
    assert.equal(meter.localDisconnect(true), localReconnect ? 'changed' : 'not-allowed');
  });
}

test('control mode 0: always connected, remote methods are refused', () => {
  const { meter } = testMeter({ start: START, controlMode: 0 });
  const handler = createCosemHandler(meter);
  assert.deepEqual(handler.action(DISCONNECT, ZERO, MANAGEMENT), { result: 'read-write-denied' });
  assert.equal(meter.controlState, CONTROL_STATE.connected);
  assert.equal(meter.pressButton(), 'not-allowed');
});

test('the limiter trips the breaker after min_over_threshold_duration and logs it', () => {
  const { meter, clock, source } = testMeter({ start: START, controlMode: 5 });
  const handler = createCosemHandler(meter);
  const set = (attribute: number, value: number) =>
    handler.set(attributeDescriptor(71, '0-0:17.0.0.255', attribute), { type: 'double-long-unsigned', value }, undefined, MANAGEMENT);
  assert.equal(set(4, 5000), 'success'); // threshold_normal 5 kW
  assert.equal(set(6, 60), 'success'); // min over 60 s
  assert.equal(set(7, 120), 'success'); // min under 120 s
  source.power = () => 7200;
  meter.tick();
  clock.advance(30_000);
  meter.tick();
  assert.equal(meter.controlState, CONTROL_STATE.connected, 'not before 60 s over the threshold');
  clock.advance(30_000);
  meter.tick();
  assert.equal(meter.controlState, CONTROL_STATE.readyForReconnection);
  assert.deepEqual(handler.get(attributeDescriptor(70, '0-0:96.3.10.255', 2), undefined, MANAGEMENT), { type: 'data', value: { type: 'boolean', value: false } });
  // Without supply the meter measures 0 W; mode 5 reconnects locally after min_under_threshold_duration.
  clock.advance(60_000);
  meter.tick();
  clock.advance(120_000);
  meter.tick();
  assert.equal(meter.controlState, CONTROL_STATE.connected);
  assert.deepEqual(
    eventsOf(meter.state, 'disconnect').map((e) => e.code),
    [EVENT_CODES.limiterThresholdChanged, EVENT_CODES.limiterThresholdExceeded, EVENT_CODES.localDisconnection, EVENT_CODES.limiterThresholdOk, EVENT_CODES.localReconnection],
  );
});

test('an emergency profile for our group switches threshold_active to the emergency threshold', () => {
  const { meter } = testMeter({ start: START });
  meter.configureLimiter({ thresholdNormal: 10_000, thresholdEmergency: 2_000 });
  const handler = createCosemHandler(meter);
  const attr = (id: number) => attributeDescriptor(71, '0-0:17.0.0.255', id);
  const from = handler.get(attributeDescriptor(8, '0-0:1.0.0.255', 2), undefined, MANAGEMENT);
  assert.ok(from.type === 'data');
  const profile = { type: 'structure', value: [{ type: 'long-unsigned', value: 7 }, from.value, { type: 'double-long-unsigned', value: 3600 }] } as const;
  assert.equal(handler.set(attr(8), profile, undefined, MANAGEMENT), 'success');
  assert.deepEqual(handler.get(attr(3), undefined, MANAGEMENT), { type: 'data', value: { type: 'double-long-unsigned', value: 10_000 } });
  assert.equal(handler.set(attr(9), { type: 'array', value: [{ type: 'long-unsigned', value: 7 }] }, undefined, MANAGEMENT), 'success');
  assert.deepEqual(handler.get(attr(3), undefined, MANAGEMENT), { type: 'data', value: { type: 'double-long-unsigned', value: 2_000 } });
  assert.deepEqual(handler.get(attr(10), undefined, MANAGEMENT), { type: 'data', value: { type: 'boolean', value: true } });
});
