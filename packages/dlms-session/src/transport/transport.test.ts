import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Duplex } from 'node:stream';
import { bytesToHex, decodeHdlcFrame, encodeWrapperFrame, hexToBytes, stripLlc } from '@openams/dlms';
import { HdlcTransport, SessionError, WrapperTransport, connectTcp, inMemoryTransportPair, isSessionError, listenTcp } from '../index.ts';
import type { DlmsTransport, HdlcTransportOptions } from '../index.ts';
import { duplexPair } from '../../test/helpers.ts';
import { CAPTURED_EXCHANGES } from '../../test/fixtures/captured-hdlc.ts';

interface Pair {
  readonly client: DlmsTransport;
  readonly server: DlmsTransport;
  cleanup(): Promise<void>;
}

const SERVER = { logical: 1, physical: 17 } as const;
const hdlc = (extra: Partial<HdlcTransportOptions> = {}): HdlcTransportOptions => ({ clientAddress: 1, serverAddress: SERVER, frameTimeoutMs: 200, ...extra });

async function tcpPair(make: (client: Duplex, server: Duplex) => Promise<{ client: DlmsTransport; server: DlmsTransport }>): Promise<Pair> {
  let accepted!: (s: Duplex) => void;
  const serverSocket = new Promise<Duplex>((resolve) => (accepted = resolve));
  const listener = await listenTcp(0, (s) => accepted(s));
  const socket = await connectTcp('127.0.0.1', listener.port);
  const pair = await make(socket, await serverSocket);
  return {
    ...pair,
    cleanup: async () => {
      await pair.client.close();
      await pair.server.close();
      await listener.close();
    },
  };
}

const wrapperOn = (c: Duplex, s: Duplex) =>
  Promise.resolve({
    client: new WrapperTransport(c, { role: 'client', clientSap: 1, serverSap: 1 }),
    server: new WrapperTransport(s, { role: 'server', serverSap: 1 }),
  });

const hdlcOn = (options: Partial<HdlcTransportOptions>) => async (c: Duplex, s: Duplex) => {
  const server = HdlcTransport.accept(s, hdlc(options));
  const client = await HdlcTransport.connect(c, hdlc(options));
  return { client, server };
};

/** One shared suite, run against every transport (style.md 10). */
const FACTORIES: Record<string, () => Promise<Pair>> = {
  'in-memory': () => {
    const p = inMemoryTransportPair();
    return Promise.resolve({ ...p, cleanup: async () => void (await p.client.close()) });
  },
  'wrapper over a stream pair': async () => {
    const [c, s] = duplexPair();
    const p = await wrapperOn(c, s);
    return { ...p, cleanup: async () => void (await Promise.all([p.client.close(), p.server.close()])) };
  },
  'wrapper over TCP 127.0.0.1': () => tcpPair(wrapperOn),
  'HDLC, 128-byte frames, window 1': async () => {
    const [c, s] = duplexPair();
    const p = await hdlcOn({ parameters: { maxInfoTransmit: 128, maxInfoReceive: 128, windowTransmit: 1, windowReceive: 1 } })(c, s);
    return { ...p, cleanup: async () => void (await Promise.all([p.client.close(), p.server.close()])) };
  },
  'HDLC, 200-byte frames, window 3': async () => {
    const [c, s] = duplexPair();
    const p = await hdlcOn({ parameters: { maxInfoTransmit: 200, maxInfoReceive: 200, windowTransmit: 3, windowReceive: 3 } })(c, s);
    return { ...p, cleanup: async () => void (await Promise.all([p.client.close(), p.server.close()])) };
  },
  'HDLC over TCP 127.0.0.1': () => tcpPair(hdlcOn({})),
};

function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
  // Flags and escapes inside the payload: DLMS HDLC does no byte stuffing, so these must pass untouched.
  if (n > 4) out.set([0x7e, 0x7d, 0x7e, 0x00], 1);
  return out;
}

for (const [name, make] of Object.entries(FACTORIES)) {
  test(`${name}: request/response APDUs arrive whole and in order, up to 20 kB`, async () => {
    const p = await make();
    try {
      for (const size of [1, 17, 300, 20_000]) {
        const request = bytes(size, size);
        await p.client.send(request);
        assert.equal(bytesToHex(await p.server.receive({ timeoutMs: 2000 })), bytesToHex(request));
        const response = bytes(size + 5, size + 1);
        await p.server.send(response);
        assert.equal(bytesToHex(await p.client.receive({ timeoutMs: 2000 })), bytesToHex(response));
      }
    } finally {
      await p.cleanup();
    }
  });

  test(`${name}: receive times out with TIMEOUT and the link stays usable`, async () => {
    const p = await make();
    try {
      await assert.rejects(p.client.receive({ timeoutMs: 20 }), (e) => isSessionError(e, 'TIMEOUT'));
      await p.client.send(Uint8Array.of(0xc0, 1));
      assert.deepEqual([...(await p.server.receive({ timeoutMs: 2000 }))], [0xc0, 1]);
    } finally {
      await p.cleanup();
    }
  });

  test(`${name}: closing one side closes the other; nothing hangs`, async () => {
    const p = await make();
    try {
      const pending = assert.rejects(p.server.receive(), (e) => e instanceof SessionError && e.code === 'CLOSED');
      await p.client.close();
      await pending;
      assert.equal((await p.server.whenClosed).code, 'CLOSED');
      assert.equal(p.server.closed, true);
      await assert.rejects(p.client.send(Uint8Array.of(1)), (e) => isSessionError(e, 'CLOSED'));
      const seen: Uint8Array[] = [];
      for await (const apdu of p.server) seen.push(apdu);
      assert.equal(seen.length, 0);
    } finally {
      await p.cleanup();
    }
  });
}

// ---------------------------------------------------------------------------------------------
// HDLC link layer
// ---------------------------------------------------------------------------------------------

test('HDLC server: answers a real meter session’s client frames with the meter’s frames, byte for byte', async () => {
  const [c, s] = duplexPair();
  const server = HdlcTransport.accept(s, { serverAddress: { logical: 1 }, parameters: { maxInfoTransmit: 128, maxInfoReceive: 128 } });
  const received: Uint8Array[] = [];
  c.on('data', (chunk: Buffer) => received.push(Uint8Array.from(chunk)));
  try {
    for (const exchange of CAPTURED_EXCHANGES) {
      const before = received.length;
      c.write(hexToBytes(exchange.client));
      if (exchange.name.startsWith('SNRM')) {
        await until(() => received.length > before);
      } else {
        // The application layer answers with the APDU the meter sent.
        const request = await server.receive({ timeoutMs: 1000 });
        assert.equal(bytesToHex(request), bytesToHex(stripLlc(decodeHdlcFrame(hexToBytes(exchange.client)).information).apdu), exchange.name);
        await server.send(stripLlc(decodeHdlcFrame(hexToBytes(exchange.meter)).information).apdu);
        await until(() => received.length > before);
      }
      assert.equal(bytesToHex(received[before] as Uint8Array), exchange.meter, exchange.name);
    }
  } finally {
    c.destroy();
    await server.close();
  }
});

test('HDLC client: sends a real meter session’s client frames, byte for byte, and reads the meter’s answers', async () => {
  const [c, s] = duplexPair();
  const frames: string[] = [];
  let next = 0;
  s.on('data', (chunk: Buffer) => {
    frames.push(bytesToHex(Uint8Array.from(chunk)));
    const exchange = CAPTURED_EXCHANGES[next++];
    if (exchange) s.write(hexToBytes(exchange.meter));
  });
  const client = await HdlcTransport.connect(c, {
    clientAddress: 1,
    serverAddress: { logical: 1 },
    // The capture writes 128 in two bytes: `widths` reproduces that encoding.
    parameters: { maxInfoTransmit: 128, maxInfoReceive: 128, windowTransmit: 1, windowReceive: 1, widths: { maxInfoTransmit: 2, maxInfoReceive: 2 } },
  });
  try {
    assert.deepEqual(client.parameters, { maxInfoTransmit: 128, maxInfoReceive: 128, windowTransmit: 1, windowReceive: 1 });
    for (const exchange of CAPTURED_EXCHANGES.slice(1)) {
      await client.send(stripLlc(decodeHdlcFrame(hexToBytes(exchange.client)).information).apdu);
      const answer = await client.receive({ timeoutMs: 1000 });
      assert.equal(bytesToHex(answer), bytesToHex(stripLlc(decodeHdlcFrame(hexToBytes(exchange.meter)).information).apdu), exchange.name);
    }
    assert.deepEqual(
      frames,
      CAPTURED_EXCHANGES.map((e) => e.client),
    );
  } finally {
    s.destroy();
    await client.close();
  }
});

test('HDLC: a 20 kB APDU in 128-byte segments with window 1 — every segment acknowledged by RR', async () => {
  const [c, s] = duplexPair();
  const controls: string[] = [];
  c.on('data', (chunk: Buffer) => controls.push(decodeHdlcFrame(Uint8Array.from(chunk)).control.type));
  const params = { maxInfoTransmit: 128, maxInfoReceive: 128, windowTransmit: 1, windowReceive: 1 };
  const server = HdlcTransport.accept(s, hdlc({ parameters: params }));
  const client = await HdlcTransport.connect(c, hdlc({ parameters: params }));
  try {
    const big = bytes(20_000, 3);
    await server.send(Uint8Array.of(0)); // held until polled: nothing is sent yet
    await client.send(Uint8Array.of(0xc0));
    assert.deepEqual([...(await server.receive({ timeoutMs: 1000 }))], [0xc0]);
    assert.deepEqual([...(await client.receive({ timeoutMs: 1000 }))], [0]);
    await client.send(big);
    assert.equal(bytesToHex(await server.receive({ timeoutMs: 5000 })), bytesToHex(big));
    const segments = Math.ceil((big.length + 3) / 128);
    // Server → client frames: UA, one I-frame, then one RR per segment but the last.
    assert.equal(controls.filter((t) => t === 'rr').length, segments - 1);
  } finally {
    await client.close();
    await server.close();
  }
});

test('HDLC: lost frames in both directions are recovered by retransmission and go-back-N', async () => {
  // Drop the 3rd, 7th and 12th frame the client writes and the 4th and 9th the server writes.
  const [c, s] = duplexPair({ drop: (dir, i) => (dir === 'a→b' ? [3, 7, 12].includes(i) : [4, 9].includes(i)) });
  const params = { maxInfoTransmit: 64, maxInfoReceive: 64, windowTransmit: 3, windowReceive: 3 };
  const problems: SessionError[] = [];
  const server = HdlcTransport.accept(s, hdlc({ parameters: params, onDiagnostic: (p) => problems.push(p) }));
  const client = await HdlcTransport.connect(c, hdlc({ parameters: params, frameTimeoutMs: 30, maxRetries: 5 }));
  try {
    for (let round = 0; round < 3; round++) {
      const request = bytes(700 + round, round);
      await client.send(request);
      assert.equal(bytesToHex(await server.receive({ timeoutMs: 3000 })), bytesToHex(request));
      const response = bytes(500 + round, round + 9);
      await server.send(response);
      assert.equal(bytesToHex(await client.receive({ timeoutMs: 3000 })), bytesToHex(response));
    }
    assert.ok(problems.some((p) => p.message.includes('N(S)')), 'the server saw frames out of sequence');
  } finally {
    await client.close();
    await server.close();
  }
});

test('HDLC: an answer that takes longer than the frame timeout is fetched by RR polling', async () => {
  const [c, s] = duplexPair();
  const server = HdlcTransport.accept(s, hdlc());
  const client = await HdlcTransport.connect(c, hdlc({ frameTimeoutMs: 30, pollIntervalMs: 10 }));
  try {
    await client.send(Uint8Array.of(0xc0, 1));
    await server.receive({ timeoutMs: 1000 });
    await new Promise((r) => setTimeout(r, 150)); // five frame timeouts
    await server.send(Uint8Array.of(0xc4, 1));
    assert.deepEqual([...(await client.receive({ timeoutMs: 1000 }))], [0xc4, 1]);
  } finally {
    await client.close();
    await server.close();
  }
});

test('HDLC: SNRM to a server that does not accept the client is refused with DM → REFUSED', async () => {
  const [c, s] = duplexPair();
  const server = HdlcTransport.accept(s, { serverAddress: SERVER, acceptClient: (a) => a === 16 });
  await assert.rejects(HdlcTransport.connect(c, hdlc()), (e) => isSessionError(e, 'REFUSED') && e.refusal?.type === 'hdlc');
  await server.close();
});

test('HDLC: a silent peer gives TIMEOUT after the retransmissions, for SNRM and on an open link', async () => {
  const [c] = duplexPair();
  const started = Date.now();
  await assert.rejects(HdlcTransport.connect(c, hdlc({ frameTimeoutMs: 20, maxRetries: 2 })), (e) => isSessionError(e, 'TIMEOUT'));
  assert.ok(Date.now() - started < 500);

  // The server stops answering after the link is up: its frames are all lost from then on.
  let mute = false;
  const [c2, s2] = duplexPair({ drop: (dir) => dir === 'b→a' && mute });
  const server = HdlcTransport.accept(s2, hdlc());
  const client = await HdlcTransport.connect(c2, hdlc({ frameTimeoutMs: 20, maxRetries: 2 }));
  mute = true;
  await client.send(Uint8Array.of(0xc0));
  await assert.rejects(client.receive(), (e) => isSessionError(e, 'TIMEOUT'));
  assert.equal(client.closed, true);
  await server.close();
});

test('HDLC: frames for another server address are ignored and reported', async () => {
  const [c, s] = duplexPair();
  const problems: SessionError[] = [];
  const server = HdlcTransport.accept(s, hdlc({ serverAddress: { logical: 1, physical: 18 }, onDiagnostic: (p) => problems.push(p) }));
  await assert.rejects(HdlcTransport.connect(c, hdlc({ frameTimeoutMs: 20, maxRetries: 1 })), (e) => isSessionError(e, 'TIMEOUT'));
  assert.ok(problems.some((p) => p.message.includes('1/17')));
  await server.close();
});

test('HDLC: DISC from the client is answered with UA and closes the server side', async () => {
  const [c, s] = duplexPair();
  const server = HdlcTransport.accept(s, hdlc());
  const client = await HdlcTransport.connect(c, hdlc());
  await client.close();
  const reason = await server.whenClosed;
  assert.match(reason.message, /DISC/);
});

// ---------------------------------------------------------------------------------------------
// Wrapper
// ---------------------------------------------------------------------------------------------

test('wrapper: frames with foreign wPorts and garbage are dropped and reported; the link goes on', async () => {
  const [c, s] = duplexPair();
  const problems: SessionError[] = [];
  const server = new WrapperTransport(s, { role: 'server', serverSap: 1, onDiagnostic: (p) => problems.push(p) });
  try {
    c.write(Uint8Array.of(0x12, 0x34)); // not a wrapper header
    c.write(encodeWrapperFrame({ source: 1, destination: 2, apdu: Uint8Array.of(0xc0) })); // another logical device
    c.write(encodeWrapperFrame({ source: 16, destination: 1, apdu: Uint8Array.of(0xc0, 0x01) }));
    c.write(encodeWrapperFrame({ source: 1, destination: 1, apdu: Uint8Array.of(0xc0, 0x02) })); // a second client on this link
    assert.deepEqual([...(await server.receive({ timeoutMs: 1000 }))], [0xc0, 0x01]);
    assert.equal(server.addresses.clientSap, 16);
    await until(() => problems.length >= 3);
    assert.equal(problems.length, 3);
  } finally {
    c.destroy();
    await server.close();
  }
});

test('wrapper: the client drops answers from another wPort; the server refuses clients it does not accept', async () => {
  const [c, s] = duplexPair();
  const problems: SessionError[] = [];
  const client = new WrapperTransport(c, { role: 'client', clientSap: 1, serverSap: 1, onDiagnostic: (p) => problems.push(p) });
  s.write(encodeWrapperFrame({ source: 2, destination: 1, apdu: Uint8Array.of(0xc4) }));
  s.write(encodeWrapperFrame({ source: 1, destination: 1, apdu: Uint8Array.of(0xc4, 9) }));
  assert.deepEqual([...(await client.receive({ timeoutMs: 1000 }))], [0xc4, 9]);
  assert.equal(problems.length, 1);
  s.destroy();
  await client.close();

  const [c2, s2] = duplexPair();
  const server = new WrapperTransport(s2, { role: 'server', acceptClient: (sap) => sap === 1 });
  c2.write(encodeWrapperFrame({ source: 16, destination: 1, apdu: Uint8Array.of(0xc0) }));
  await assert.rejects(server.receive({ timeoutMs: 50 }), (e) => isSessionError(e, 'TIMEOUT'));
  c2.destroy();
  await server.close();
});

test('TCP: connecting to a closed port is REFUSED', async () => {
  const listener = await listenTcp(0, () => undefined);
  const port = listener.port;
  await listener.close();
  await assert.rejects(connectTcp('127.0.0.1', port), (e) => isSessionError(e, 'REFUSED'));
});

async function until(condition: () => boolean, timeoutMs = 1000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}
