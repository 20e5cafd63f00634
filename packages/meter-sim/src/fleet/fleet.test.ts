import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CONTROL_STATE, decodeApdu, encodeApdu, wrapKeyForTransfer, methodDescriptor } from '@openams/dlms';
import type { DlmsData } from '@openams/dlms';
import { InMemoryInvocationCounterStore, WrapperTransport, connectTcp, isSessionError } from '@openams/dlms-session';
import { ManualClock } from '../clock/index.ts';
import { EVENT_CODES, eventsOf } from '../cosem/index.ts';
import { ForwardingTransport, NO_FAULTS } from '../faults/index.ts';
import { generateMeterIdentity } from '../fleet-identity/index.ts';
import { A_PLUS, CLOCK, headEnd, memoryLink, withManagement } from '../../test/fixtures/fleet/head-end.ts';
import {
  Fleet,
  FleetError,
  GATEWAY_REQUEST_TAG,
  decodeGatewayPdu,
  encodeGatewayPdu,
  indexOfLoopbackAddress,
  listenWrapper,
  meterHdlcAddress,
  meterLoopbackAddress,
  routeFirstApdu,
} from './index.ts';

const NOW = new Date('2026-11-25T12:00:00Z');

async function smallFleet(meters = 50): Promise<{ fleet: Fleet; clock: ManualClock }> {
  const clock = new ManualClock(NOW);
  return { fleet: await Fleet.create({ seed: 'fleet-unit', meters, clock, faults: NO_FAULTS, idleMs: 0 }), clock };
}

test('gateway PDUs round-trip, and truncated ones are refused with GATEWAY_PDU', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 127 }), fc.uint8Array({ minLength: 1, maxLength: 64 }), (networkId, address, apdu) => {
      const bytes = encodeGatewayPdu({ tag: GATEWAY_REQUEST_TAG, networkId, physicalDeviceAddress: address, apdu });
      const back = decodeGatewayPdu(bytes);
      assert.deepEqual([back.tag, back.networkId, [...back.physicalDeviceAddress], [...back.apdu]], [GATEWAY_REQUEST_TAG, networkId, [...address], [...apdu]]);
      for (let cut = 0; cut < 3 + address.length; cut++) assert.throws(() => decodeGatewayPdu(bytes.subarray(0, cut)), (e) => e instanceof FleetError && e.code === 'GATEWAY_PDU');
    }),
  );
});

test('the directory finds every meter by system title and by serial, and nothing else', async () => {
  const { fleet } = await smallFleet(3000);
  for (let i = 0; i < 3000; i += 7) {
    const id = generateMeterIdentity('fleet-unit', i);
    assert.equal(fleet.directory.indexOfSystemTitle(id.systemTitle), i);
    assert.equal(fleet.directory.indexOfSerial(id.serial), i);
  }
  assert.equal(fleet.directory.indexOfSystemTitle(generateMeterIdentity('fleet-unit', 3000).systemTitle), undefined);
  assert.equal(fleet.directory.indexOfSerial('1234567890123456'), undefined);
  assert.ok(fleet.directory.bytes <= 3000 * 8 + 8192 * 4);
  fleet.close();
});

test('loopback addresses and HDLC addresses map to meter indexes and back', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 9_999_999 }), (i) => {
      assert.equal(indexOfLoopbackAddress(meterLoopbackAddress(i)), i);
      assert.equal(indexOfLoopbackAddress(`::ffff:${meterLoopbackAddress(i)}`), i);
    }),
  );
  assert.equal(indexOfLoopbackAddress('127.0.0.1'), undefined);
  assert.equal(indexOfLoopbackAddress('10.0.0.1'), undefined);
  assert.deepEqual(meterHdlcAddress(0), { logical: 1, physical: 0x10 });
  assert.deepEqual(meterHdlcAddress(16_365), { logical: 1, physical: 0x3ffd });
  assert.throws(() => meterHdlcAddress(16_366), FleetError);
});

test('an evicted meter comes back with everything a real meter keeps: counters, breaker, events, clock, keys', async () => {
  const { fleet } = await smallFleet();
  const id = fleet.identity(9);
  const counter = new InMemoryInvocationCounterStore(100);
  const newKeys = { encryptionKey: new Uint8Array(16).fill(0x5a), authenticationKey: new Uint8Array(16).fill(0xa5) };
  const item = (keyId: number, key: Uint8Array): DlmsData => ({ type: 'structure', value: [{ type: 'enum', value: keyId }, { type: 'octet-string', value: wrapKeyForTransfer(id.keys.masterKey, key) }] });
  // A head-end changes the keys over DLMS; the meter is then evicted before the next session.
  const link = memoryLink(fleet, 9, 1);
  const client = headEnd(link.transport, { client: 'management', meterTitle: id.systemTitle, keys: id.keys, counter });
  await client.associate();
  assert.deepEqual(await client.action(methodDescriptor(64, '0-0:43.0.0.255', 2), { type: 'array', value: [item(0, newKeys.encryptionKey), item(2, newKeys.authenticationKey)] }), { ok: true });
  await client.release();
  await client.close();
  await link.served;
  const before = fleet.withMeter(9, (m) => {
    m.localDisconnect();
    m.logEvent('fraud', EVENT_CODES.meterCoverRemoved);
    m.setClockOffset(90_000);
    return { outgoing: m.state.security.outgoingCounter, control: m.controlState, events: eventsOf(m.state, 'fraud').length + eventsOf(m.state, 'disconnect').length };
  });
  assert.equal(fleet.liveCount, 1);
  assert.equal(fleet.evictIdle(0), 1);
  assert.equal(fleet.liveCount, 0);
  fleet.withMeter(9, (m) => {
    assert.equal(m.state.security.outgoingCounter, before.outgoing);
    assert.equal(m.controlState, before.control);
    assert.notEqual(m.controlState, CONTROL_STATE.connected);
    assert.equal(eventsOf(m.state, 'fraud').length + eventsOf(m.state, 'disconnect').length, before.events);
    assert.equal(m.meterTime().getTime(), NOW.getTime() + 90_000);
    assert.deepEqual(m.keys().encryptionKey, newKeys.encryptionKey);
  });
  // The old keys are refused, the new ones work, and a replayed counter is refused: the guard came back too.
  const stale = memoryLink(fleet, 9, 1);
  const old = headEnd(stale.transport, { client: 'management', meterTitle: id.systemTitle, keys: id.keys, counter });
  await assert.rejects(old.associate(), (e) => isSessionError(e, 'AUTHENTICATION_FAILED'));
  await old.close();
  await stale.served;
  fleet.evictIdle(0);
  const fresh = memoryLink(fleet, 9, 1);
  const renewed = headEnd(fresh.transport, { client: 'management', meterTitle: id.systemTitle, keys: newKeys, counter: new InMemoryInvocationCounterStore(250) });
  await renewed.associate();
  assert.ok((await renewed.get(A_PLUS)).ok);
  await renewed.close();
  await fresh.served;
  fleet.close();
});

test('meters are made on demand and idle ones evicted; maxLive bounds how many are made at once', async () => {
  const clock = new ManualClock(NOW);
  const fleet = await Fleet.create({ seed: 'fleet-unit', meters: 100, clock, faults: NO_FAULTS, idleMs: 0, maxLive: 10 });
  for (let i = 0; i < 30; i++) await withManagement(fleet, i, async (c) => assert.ok((await c.get(CLOCK)).ok));
  assert.ok(fleet.liveCount <= 10);
  assert.equal(fleet.stats.materialized, 30);
  assert.equal(fleet.stats.evicted, 20);
  assert.equal(fleet.stats.managementSessions, 30);
  fleet.close();
  assert.equal(fleet.liveCount, 0);
});

/** A head-end that names the meter in the AARQ's called-AP-title (ACSE's own way to name the responder). */
class CalledTitle extends ForwardingTransport {
  constructor(
    inner: ConstructorParameters<typeof ForwardingTransport>[0],
    private readonly title: Uint8Array,
  ) {
    super(inner);
  }

  override send(apdu: Uint8Array): Promise<void> {
    if (apdu[0] !== 0x60) return this.inner.send(apdu);
    const aarq = decodeApdu(apdu);
    assert.equal(aarq.type, 'aarq');
    return this.inner.send(encodeApdu({ ...aarq, calledApTitle: this.title }));
  }
}

test('a head-end can name the meter in the called-AP-title of an HLS5 AARQ over TCP', async () => {
  const { fleet } = await smallFleet();
  const listener = await listenWrapper(fleet, { port: 0 });
  try {
    const id = fleet.identity(33);
    const socket = await connectTcp('127.0.0.1', listener.port, { timeoutMs: 2000 });
    const transport = new CalledTitle(new WrapperTransport(socket, { role: 'client', clientSap: 1, serverSap: 1 }), id.systemTitle);
    const client = headEnd(transport, { client: 'management', meterTitle: id.systemTitle, keys: id.keys });
    await client.associate();
    assert.ok((await client.get(CLOCK)).ok);
    await client.close();
    const route = routeFirstApdu(fleet, encodeApdu({ type: 'aarq', applicationContextName: 'logical-name', calledApTitle: id.systemTitle }), undefined);
    assert.ok(route.type === 'meter' && route.index === 33 && route.via === 'called-ap-title');
  } finally {
    await listener.close();
    fleet.close();
  }
});
