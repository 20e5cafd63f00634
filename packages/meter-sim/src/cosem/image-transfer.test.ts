import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IMAGE_TRANSFER_STATUS, attributeDescriptor, methodDescriptor } from '@openams/dlms';
import type { DlmsData } from '@openams/dlms';
import { InMemoryInvocationCounterStore } from '@openams/dlms-session';
import type { DlmsClient } from '@openams/dlms-session';
import { testMeter } from '../../test/fixtures/cosem/fake-meter.ts';
import { openSession } from '../../test/fixtures/cosem/session.ts';
import { ROGUE_SIGNING_KEY, VENDOR_SIGNING_KEY } from '../../test/fixtures/cosem/vendor-keys.ts';
import { EVENT_CODES, IMAGE_BLOCK_SIZE, buildFirmwareImage, eventsOf, parseFirmwareImage, verifyFirmwareImage } from './index.ts';
import type { VirtualMeter } from '../meter/index.ts';

const START = new Date('2026-06-10T09:00:00Z');
const method = (id: number) => methodDescriptor(18, '0-0:44.0.0.255', id);
const STATUS = attributeDescriptor(18, '0-0:44.0.0.255', 6);
const FIRMWARE = attributeDescriptor(1, '1-0:0.2.0.255', 2);
const ZERO: DlmsData = { type: 'integer', value: 0 };

function image(version: string, key: Uint8Array, header: Partial<{ vendorFlag: string; meterType: string }> = {}): Uint8Array {
  const payload = Uint8Array.from({ length: 1000 }, (_, i) => (i * 31) & 0xff);
  return buildFirmwareImage({ vendorFlag: 'AID', meterType: '6534', firmwareVersion: version, ...header }, payload, key);
}

/** What a head-end does (dlms-hes research §3.6): initiate, blocks, verify, activate. */
async function upgrade(client: DlmsClient, bytes: Uint8Array): Promise<{ verify: boolean; activate: boolean }> {
  const id = new TextEncoder().encode('AID-6534-upgrade');
  const initiate = await client.action(method(1), {
    type: 'structure',
    value: [
      { type: 'octet-string', value: id },
      { type: 'double-long-unsigned', value: bytes.length },
    ],
  });
  assert.deepEqual(initiate, { ok: true });
  for (let n = 0; n * IMAGE_BLOCK_SIZE < bytes.length; n++) {
    const block = bytes.subarray(n * IMAGE_BLOCK_SIZE, (n + 1) * IMAGE_BLOCK_SIZE);
    const r = await client.action(method(2), {
      type: 'structure',
      value: [
        { type: 'double-long-unsigned', value: n },
        { type: 'octet-string', value: block },
      ],
    });
    assert.deepEqual(r, { ok: true });
  }
  const first = await client.get(attributeDescriptor(18, '0-0:44.0.0.255', 4));
  assert.deepEqual(first, { ok: true, value: { type: 'double-long-unsigned', value: Math.ceil(bytes.length / IMAGE_BLOCK_SIZE) } });
  const verify = await client.action(method(3), ZERO);
  const activate = await client.action(method(4), ZERO);
  return { verify: verify.ok, activate: activate.ok };
}

async function withSession(meter: VirtualMeter, run: (client: DlmsClient) => Promise<void>): Promise<void> {
  const s = openSession(meter, { client: 'management', keys: meter.identity.keys, counter: new InMemoryInvocationCounterStore(1) });
  await s.client.associate();
  await run(s.client);
  await s.client.release();
  await s.done();
}

test('a good image is transferred, verified and activated: the firmware version changes and is logged', async () => {
  const { meter } = testMeter({ start: START });
  await withSession(meter, async (client) => {
    assert.deepEqual(await upgrade(client, image('AIDON_V0002', VENDOR_SIGNING_KEY.privateKey)), { verify: true, activate: true });
    assert.deepEqual(await client.get(STATUS), { ok: true, value: { type: 'enum', value: IMAGE_TRANSFER_STATUS.activationSuccessful } });
    assert.deepEqual(await client.get(FIRMWARE), { ok: true, value: { type: 'octet-string', value: new TextEncoder().encode('AIDON_V0002') } });
  });
  assert.equal(meter.firmwareVersion, 'AIDON_V0002');
  assert.deepEqual(
    eventsOf(meter.state, 'standard').map((e) => e.code),
    [EVENT_CODES.firmwareReadyForActivation, EVENT_CODES.firmwareActivated],
  );
});

test('an image whose vendor signature does not verify is refused: verification failed, activation fails', async () => {
  const { meter } = testMeter({ start: START });
  await withSession(meter, async (client) => {
    assert.deepEqual(await upgrade(client, image('AIDON_V6666', ROGUE_SIGNING_KEY.privateKey)), { verify: false, activate: false });
    assert.deepEqual(await client.get(STATUS), { ok: true, value: { type: 'enum', value: IMAGE_TRANSFER_STATUS.verificationFailed } });
    assert.deepEqual(await client.get(attributeDescriptor(18, '0-0:44.0.0.255', 7)), { ok: true, value: { type: 'array', value: [] } });
  });
  assert.equal(meter.firmwareVersion, 'AIDON_V0001');
});

test('a correctly signed image for another meter type is refused too', async () => {
  const { meter } = testMeter({ start: START });
  await withSession(meter, async (client) => {
    assert.deepEqual(await upgrade(client, image('X2', VENDOR_SIGNING_KEY.privateKey, { meterType: '6525' })), { verify: false, activate: false });
  });
  assert.equal(meter.firmwareVersion, 'AIDON_V0001');
});

test('the "fails to activate" fault: a verified image does not activate and the old firmware stays', async () => {
  const { meter } = testMeter({ start: START });
  meter.failFirmwareActivation();
  await withSession(meter, async (client) => {
    assert.deepEqual(await upgrade(client, image('AIDON_V0002', VENDOR_SIGNING_KEY.privateKey)), { verify: true, activate: false });
    assert.deepEqual(await client.get(STATUS), { ok: true, value: { type: 'enum', value: IMAGE_TRANSFER_STATUS.activationFailed } });
  });
  assert.equal(meter.firmwareVersion, 'AIDON_V0001');
});

test('the image format round-trips and any flipped byte breaks the signature', () => {
  const bytes = image('AIDON_V0003', VENDOR_SIGNING_KEY.privateKey);
  const parsed = parseFirmwareImage(bytes);
  assert.equal(parsed.firmwareVersion, 'AIDON_V0003');
  assert.equal(parsed.payload.length, 1000);
  const expect = { vendorFlag: 'AID', meterType: '6534', publicKey: VENDOR_SIGNING_KEY.publicKey };
  assert.equal(verifyFirmwareImage(bytes, expect).ok, true);
  for (const at of [0, 5, 20, bytes.length - 70, bytes.length - 1]) {
    const bad = bytes.slice();
    bad[at] = (bad[at] as number) ^ 0x01;
    assert.equal(verifyFirmwareImage(bad, expect).ok, false, `byte ${at}`);
  }
  assert.deepEqual(verifyFirmwareImage(bytes, { ...expect, publicKey: undefined }), { ok: false, reason: 'no-vendor-key' });
});
