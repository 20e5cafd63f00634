import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Duplex } from 'node:stream';
import { bytesToHex, decodeApdu, encodeDataBytes, hexToBytes } from '@openams/dlms';
import {
  DlmsClient,
  DlmsServer,
  HdlcTransport,
  InMemoryInvocationCounterStore,
  WrapperTransport,
  connectTcp,
  inMemoryTransportPair,
  listenTcp,
} from '../src/index.ts';
import type { ClientAccessRule, DlmsClientOptions, DlmsServerOptions, DlmsTransport, HdlcTransportOptions } from '../src/index.ts';
import { CLIENT_TITLE, CLOCK, CLOCK_VALUE, ENERGY, METER_KEYS, METER_TITLE, PROFILE, TestMeter, profileBuffer, tap } from './helpers.ts';
import { GREEN_BOOK_HLS5 } from './fixtures/green-book-hls.ts';

const MANAGEMENT: ClientAccessRule = { clientSap: 1, mechanism: 'high-gmac', access: 'read-write' };
const PUBLIC: ClientAccessRule = { clientSap: 16, mechanism: 'lowest', access: 'read-only' };
/** About 20 kB once encoded: 960 entries of a date-time and a value. */
const BIG = profileBuffer(960);
const BIG_BYTES = encodeDataBytes(BIG).length;

function server(overrides: Partial<DlmsServerOptions> = {}): DlmsServer {
  return new DlmsServer({
    systemTitle: METER_TITLE,
    keys: METER_KEYS,
    invocationCounter: new InMemoryInvocationCounterStore(1),
    clients: [MANAGEMENT, PUBLIC],
    handler: new TestMeter([
      [CLOCK, CLOCK_VALUE],
      [ENERGY, { type: 'double-long-unsigned', value: 5 }],
      [PROFILE, BIG],
    ]),
    ...overrides,
  });
}

function management(transport: DlmsTransport, extra: Partial<DlmsClientOptions> = {}): DlmsClient {
  return new DlmsClient({
    transport,
    authentication: { mechanism: 'high-gmac' },
    security: { systemTitle: CLIENT_TITLE, serverSystemTitle: METER_TITLE, keys: METER_KEYS, invocationCounter: new InMemoryInvocationCounterStore(1) },
    requestTimeoutMs: 2000,
    ...extra,
  });
}

/** The same session on every path: HLS5 with ciphering, a clock read, a write, a long read, release. */
async function fullSession(client: DlmsClient): Promise<void> {
  await client.associate();
  assert.deepEqual(await client.get(CLOCK), { ok: true, value: CLOCK_VALUE });
  assert.deepEqual(await client.set(ENERGY, { type: 'double-long-unsigned', value: 6 }), { ok: true });
  assert.deepEqual(await client.get(PROFILE), { ok: true, value: BIG });
  assert.deepEqual(await client.release(), { answered: true, reason: 'normal' });
}

test(`HLS5 session over an in-memory pair, with a ${BIG_BYTES}-byte answer`, async () => {
  const { client, server: st } = inMemoryTransportPair({ clientSap: 1 });
  const serving = server().serve(st);
  const dlms = management(client);
  await fullSession(dlms);
  await dlms.close();
  await serving;
});

test('HLS5 session over real TCP on 127.0.0.1 with the wrapper', async () => {
  const meter = server();
  const listener = await listenTcp(0, (socket) => void meter.serve(new WrapperTransport(socket, { role: 'server', serverSap: 1 })));
  try {
    const socket = await connectTcp('127.0.0.1', listener.port);
    const dlms = management(new WrapperTransport(socket, { role: 'client', clientSap: 1, serverSap: 1 }));
    await fullSession(dlms);
    await dlms.close();
  } finally {
    await listener.close();
  }
});

const HDLC_128: Partial<HdlcTransportOptions> = { parameters: { maxInfoTransmit: 128, maxInfoReceive: 128, windowTransmit: 1, windowReceive: 1 } };

test('HLS5 session over HDLC over TCP on 127.0.0.1, 128-byte frames, window 1', async () => {
  const meter = server();
  const address = { logical: 1, physical: 0x11 };
  const listener = await listenTcp(0, (socket: Duplex) => void meter.serve(HdlcTransport.accept(socket, { serverAddress: address, ...HDLC_128 })));
  try {
    const socket = await connectTcp('127.0.0.1', listener.port);
    const link = await HdlcTransport.connect(socket, { clientAddress: 1, serverAddress: address, ...HDLC_128 });
    assert.deepEqual(link.parameters, { maxInfoTransmit: 128, maxInfoReceive: 128, windowTransmit: 1, windowReceive: 1 });
    const dlms = management(link);
    await fullSession(dlms);
    await dlms.close();
  } finally {
    await listener.close();
  }
});

test('a 20 kB GET through get-response-with-datablock blocks (client PDU 512), ciphered', async () => {
  const { client, server: st } = inMemoryTransportPair({ clientSap: 1 });
  const serving = server().serve(st);
  const kinds: string[] = [];
  const sizes: number[] = [];
  const dlms = management(
    tap(client, {
      onReceive: (apdu) => sizes.push(apdu.length),
      onSend: (apdu) => void kinds.push(apdu[0] === 0xc8 ? 'glo-get-request' : String(apdu[0])),
    }),
    { maxReceivePduSize: 512 },
  );
  await dlms.associate();
  assert.deepEqual(await dlms.get(PROFILE), { ok: true, value: BIG });
  const blocks = Math.ceil(BIG_BYTES / (512 - 33));
  assert.equal(kinds.filter((k) => k === 'glo-get-request').length, blocks, 'one get-request plus a get-request-next per further block');
  assert.ok(Math.max(...sizes) <= 512, 'no APDU above the client PDU size');
  await dlms.close();
  await serving;
});

test('a 20 kB GET through datablocks, each one segmented by HDLC with window 1 (over a stream pair)', async () => {
  const { duplexPair } = await import('./helpers.ts');
  const [c, s] = duplexPair();
  const address = { logical: 1, physical: 17 };
  const serving = server().serve(HdlcTransport.accept(s, { serverAddress: address, ...HDLC_128 }));
  const dlms = management(await HdlcTransport.connect(c, { clientAddress: 1, serverAddress: address, ...HDLC_128 }), { maxReceivePduSize: 1024 });
  await dlms.associate();
  assert.deepEqual(await dlms.get(PROFILE), { ok: true, value: BIG });
  await dlms.close();
  await serving;
});

test('a 20 kB GET through general-block-transfer when both sides negotiate it', async () => {
  const { client, server: st } = inMemoryTransportPair({ clientSap: 1 });
  const serving = server().serve(st);
  let gbt = 0;
  const dlms = management(
    tap(client, { onReceive: (apdu) => void (apdu[0] === 0xe0 && gbt++) }),
    { maxReceivePduSize: 1024, generalBlockTransfer: true },
  );
  const info = await dlms.associate();
  assert.ok(info.conformance.bits.has('general-block-transfer'));
  assert.deepEqual(await dlms.get(PROFILE), { ok: true, value: BIG });
  // glo-get-response: tag, 3 length bytes, SC, IC, [C4 01 iip 00 + value], 12-byte tag; in blocks of 1024 − 9.
  const ciphered = 1 + 3 + 5 + (4 + BIG_BYTES) + 12;
  assert.equal(gbt, Math.ceil(ciphered / (1024 - 9)));
  await dlms.close();
  await serving;
});

test('the public client reads the clock without security; its SET is read-write-denied', async () => {
  const { client, server: st } = inMemoryTransportPair({ clientSap: 16 });
  const serving = server().serve(st);
  const dlms = new DlmsClient({ transport: client, requestTimeoutMs: 500 });
  const info = await dlms.associate();
  assert.equal(info.ciphered, false);
  assert.deepEqual(await dlms.get(CLOCK), { ok: true, value: CLOCK_VALUE });
  assert.deepEqual(await dlms.set(CLOCK, CLOCK_VALUE), { ok: false, reason: 'read-write-denied' });
  assert.deepEqual(await dlms.release(), { answered: true, reason: 'normal' });
  await dlms.close();
  await serving;
});

test('the Green Book HLS5 example: pass 3 carries its f(StoC) and pass 4 its f(CtoS), byte for byte', async () => {
  const gb = GREEN_BOOK_HLS5;
  const keys = { encryptionKey: hexToBytes(gb.encryptionKey), authenticationKey: hexToBytes(gb.authenticationKey) };
  const { client, server: st } = inMemoryTransportPair({ clientSap: 1 });
  const serving = new DlmsServer({
    systemTitle: hexToBytes(gb.server.systemTitle),
    keys,
    // The Green Book example associates without ciphering: f(CtoS) takes the server's first counter.
    invocationCounter: new InMemoryInvocationCounterStore(gb.server.invocationCounter),
    clients: [{ clientSap: 1, mechanism: 'high-gmac', ciphered: false, access: 'read-write' }],
    handler: new TestMeter(),
    challenge: () => hexToBytes(gb.server.challenge),
  }).serve(st);
  const sent: Uint8Array[] = [];
  const received: Uint8Array[] = [];
  const dlms = new DlmsClient({
    transport: tap(client, { onSend: (a) => void sent.push(a), onReceive: (a) => void received.push(a) }),
    authentication: { mechanism: 'high-gmac', challenge: () => hexToBytes(gb.client.challenge) },
    security: {
      systemTitle: hexToBytes(gb.client.systemTitle),
      serverSystemTitle: hexToBytes(gb.server.systemTitle),
      keys,
      invocationCounter: new InMemoryInvocationCounterStore(gb.client.invocationCounter),
      ciphered: false,
    },
    requestTimeoutMs: 1000,
  });
  await dlms.associate();
  const pass3 = decodeApdu(sent[1] as Uint8Array);
  assert.equal(pass3.type, 'action-request-normal');
  assert.equal(pass3.type === 'action-request-normal' && pass3.parameters?.type === 'octet-string' && bytesToHex(pass3.parameters.value), gb.fStoC);
  const pass4 = decodeApdu(received[1] as Uint8Array);
  const returned = pass4.type === 'action-response-normal' ? pass4.response.returnParameters : undefined;
  assert.equal(returned?.type === 'data' && returned.value.type === 'octet-string' && bytesToHex(returned.value.value), gb.fCtoS);
  await dlms.close();
  await serving;
});
