import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildAare,
  conformanceFromNames,
  decodeApdu,
  encodeApdu,
  hexToBytes,
  hlsGmacResponse,
  methodDescriptor,
} from '@openams/dlms';
import type { Aarq, ActionRequestNormal, InvocationCounterGuard } from '@openams/dlms';
import { DlmsClient, DlmsServer, InMemoryInvocationCounterStore, inMemoryTransportPair, isSessionError } from '../index.ts';
import type { ClientAccessRule, ClientSecurity, DlmsClientOptions, DlmsTransport, InvocationCounterAlarm, ServerEvent } from '../index.ts';
import { CLIENT_TITLE, CLOCK, CLOCK_VALUE, ENERGY, METER_KEYS, METER_TITLE, OTHER_KEYS, TestMeter, tap } from '../../test/helpers.ts';
import type { TapHooks } from '../../test/helpers.ts';

const MANAGEMENT: ClientAccessRule = { clientSap: 1, mechanism: 'high-gmac', access: 'read-write' };
const HLS_PLAIN: ClientAccessRule = { clientSap: 3, mechanism: 'high-gmac', ciphered: false, access: 'read-write' };
const PUBLIC: ClientAccessRule = { clientSap: 16, mechanism: 'lowest', access: 'read-only' };

function security(overrides: Partial<ClientSecurity> = {}): ClientSecurity {
  return { systemTitle: CLIENT_TITLE, serverSystemTitle: METER_TITLE, keys: METER_KEYS, invocationCounter: new InMemoryInvocationCounterStore(1), ...overrides };
}

/** The real server on one side of an in-memory pair, the client on the other (optionally tapped). */
function session(
  rule: ClientAccessRule,
  client: Omit<DlmsClientOptions, 'transport'>,
  server: { keys?: typeof METER_KEYS; systemTitle?: Uint8Array; tapServer?: TapHooks; tapClient?: TapHooks } = {},
) {
  const pair = inMemoryTransportPair({ clientSap: rule.clientSap });
  const events: ServerEvent[] = [];
  const serverTransport = server.tapServer ? tap(pair.server, server.tapServer) : pair.server;
  const serving = new DlmsServer({
    systemTitle: server.systemTitle ?? METER_TITLE,
    keys: server.keys ?? METER_KEYS,
    invocationCounter: new InMemoryInvocationCounterStore(500),
    clients: [rule],
    handler: new TestMeter(),
    onEvent: (e) => events.push(e),
  }).serve(serverTransport);
  const transport = server.tapClient ? tap(pair.client, server.tapClient) : pair.client;
  const dlms = new DlmsClient({ transport, requestTimeoutMs: 500, ...client });
  return {
    client: dlms,
    transport: pair.client,
    rawServer: pair.server,
    events,
    async done() {
      await dlms.close();
      await serving;
    },
  };
}

test('HLS5 with ciphering: associate, read, write, invoke, read with list, release', async () => {
  const s = session(MANAGEMENT, { authentication: { mechanism: 'high-gmac' }, security: security() });
  try {
    const info = await s.client.associate();
    assert.equal(info.ciphered, true);
    assert.equal(info.context, 'logical-name-with-ciphering');
    assert.deepEqual(info.serverSystemTitle, METER_TITLE);
    assert.deepEqual(await s.client.get(CLOCK), { ok: true, value: CLOCK_VALUE });
    assert.deepEqual(await s.client.set(ENERGY, { type: 'double-long-unsigned', value: 7 }), { ok: true });
    assert.deepEqual(await s.client.get(ENERGY), { ok: true, value: { type: 'double-long-unsigned', value: 7 } });
    assert.deepEqual(await s.client.action(methodDescriptor(70, '0-0:96.3.10.255', 1), { type: 'integer', value: 0 }), { ok: true });
    const missing = { ...CLOCK, attributeId: 9 };
    assert.deepEqual(await s.client.getWithList([{ descriptor: CLOCK }, { descriptor: missing }]), [
      { ok: true, value: CLOCK_VALUE },
      { ok: false, reason: 'object-undefined' },
    ]);
    assert.deepEqual(await s.client.release(), { answered: true, reason: 'normal' });
    assert.equal(s.client.state, 'idle');
    assert.deepEqual(
      s.events.map((e) => e.type),
      ['associated', 'released'],
    );
  } finally {
    await s.done();
  }
});

test('a wrong server system title in the AARE is refused by the client (SECURITY), before any HLS pass', async () => {
  const s = session(MANAGEMENT, { authentication: { mechanism: 'high-gmac' }, security: security({ serverSystemTitle: hexToBytes('4B464D1020304051') }) });
  try {
    await assert.rejects(s.client.associate(), (e) => isSessionError(e, 'SECURITY') && /4B464D1020304050.*4B464D1020304051/.test(e.message));
    assert.equal(s.client.state, 'idle');
    await assert.rejects(s.client.get(CLOCK), (e) => isSessionError(e, 'STATE'));
  } finally {
    await s.done();
  }
});

test('wrong EK/AK with ciphering: the meter cannot decipher the AARQ → AUTHENTICATION_FAILED on both sides', async () => {
  const s = session(MANAGEMENT, { authentication: { mechanism: 'high-gmac' }, security: security({ keys: OTHER_KEYS }) });
  try {
    await assert.rejects(s.client.associate(), (e) => {
      assert.ok(isSessionError(e, 'AUTHENTICATION_FAILED'));
      assert.equal(e.refusal?.type, 'aare');
      assert.deepEqual(e.refusal.type === 'aare' && e.refusal.serviceError?.error, { type: 'application-reference', value: 'deciphering-error' });
      assert.match(e.message, /EK\/AK/);
      return true;
    });
    assert.ok(s.events.some((e) => e.type === 'authentication-failure' && e.stage === 'initiate-request'));
  } finally {
    await s.done();
  }
});

test('wrong EK/AK with HLS5 but no ciphering: pass 3 fails on the meter, AUTHENTICATION_FAILED on the client', async () => {
  const s = session(HLS_PLAIN, { authentication: { mechanism: 'high-gmac' }, security: security({ keys: OTHER_KEYS, ciphered: false }) });
  try {
    await assert.rejects(s.client.associate(), (e) => isSessionError(e, 'AUTHENTICATION_FAILED') && e.refusal?.type === 'hls-pass-3');
    assert.ok(s.events.some((e) => e.type === 'authentication-failure' && e.stage === 'hls-pass-3'));
    assert.ok(!s.events.some((e) => e.type === 'associated'));
  } finally {
    await s.done();
  }
});

/** A meter without the keys that accepts any f(StoC): only pass 4 can unmask it. */
async function impostor(transport: DlmsTransport, ciphered: boolean): Promise<void> {
  const aarq = decodeApdu(await transport.receive()) as Aarq;
  const ctos = aarq.callingAuthenticationValue?.type === 'charstring' ? aarq.callingAuthenticationValue.value : new Uint8Array(8);
  const initiateResponse = {
    type: 'initiate-response' as const,
    negotiatedDlmsVersionNumber: 6,
    negotiatedConformance: conformanceFromNames(['get', 'action']),
    serverMaxReceivePduSize: 1024,
    vaaName: 7,
  };
  if (ciphered) {
    // It cannot produce a glo-initiate-response that verifies: it sends one under its own keys.
    const { protectApdu, encodeInitiateResponse } = await import('@openams/dlms');
    const userInformation = protectApdu(encodeInitiateResponse(initiateResponse), {
      kind: 'glo',
      securityControl: { suite: 0, authenticated: true, encrypted: true, broadcastKey: false },
      systemTitle: METER_TITLE,
      invocationCounter: 1,
      ...OTHER_KEYS,
    });
    await transport.send(
      encodeApdu(buildAare({ context: 'logical-name-with-ciphering', respondingApTitle: METER_TITLE, mechanism: 'high-gmac', authenticationValue: hexToBytes('0102030405060708'), userInformation })),
    );
    return;
  }
  await transport.send(
    encodeApdu(buildAare({ context: 'logical-name', respondingApTitle: METER_TITLE, mechanism: 'high-gmac', authenticationValue: hexToBytes('0102030405060708'), initiateResponse })),
  );
  const action = decodeApdu(await transport.receive()) as ActionRequestNormal;
  const fCtoS = hlsGmacResponse({ systemTitle: METER_TITLE, invocationCounter: 9, challenge: ctos, ...OTHER_KEYS });
  await transport.send(
    encodeApdu({
      type: 'action-response-normal',
      invokeIdAndPriority: action.invokeIdAndPriority,
      response: { result: 'success', returnParameters: { type: 'data', value: { type: 'octet-string', value: fCtoS } } },
    }),
  );
}

test('an impostor meter that accepts any f(StoC) is unmasked in pass 4 (or by its glo-initiate-response)', async () => {
  for (const ciphered of [false, true]) {
    const { client, server } = inMemoryTransportPair({ clientSap: 1 });
    const fake = impostor(server, ciphered);
    const dlms = new DlmsClient({ transport: client, authentication: { mechanism: 'high-gmac' }, security: security({ ciphered }), requestTimeoutMs: 500 });
    await assert.rejects(dlms.associate(), (e) => isSessionError(e, 'AUTHENTICATION_FAILED') && (ciphered ? /glo-initiate-response/ : /pass 4/).test(e.message));
    await fake;
    await dlms.close();
  }
});

test('a replayed response is refused (REPLAY) and ends the session', async () => {
  let first: Uint8Array | undefined;
  let count = 0;
  const s = session(
    MANAGEMENT,
    { authentication: { mechanism: 'high-gmac' }, security: security() },
    {
      tapServer: {
        onSend: (apdu) => {
          count++;
          if (count === 3) first = apdu; // the first GET response (after AARE and pass 4)
          if (count === 4 && first) return first;
        },
      },
    },
  );
  try {
    await s.client.associate();
    assert.equal((await s.client.get(CLOCK)).ok, true);
    await assert.rejects(s.client.get(CLOCK), (e) => isSessionError(e, 'REPLAY'));
    assert.equal(s.client.state, 'closed');
    await s.transport.whenClosed;
  } finally {
    await s.done();
  }
});

test('a tampered or unprotected response on a ciphered association is a SECURITY failure', async () => {
  for (const attack of ['flip', 'plain'] as const) {
    let count = 0;
    const s = session(
      MANAGEMENT,
      { authentication: { mechanism: 'high-gmac' }, security: security() },
      {
        tapServer: {
          onSend: (apdu) => {
            if (++count !== 3) return;
            if (attack === 'plain') return encodeApdu({ type: 'get-response-normal', invokeIdAndPriority: { invokeId: 2, confirmed: true, highPriority: true }, result: { type: 'data', value: CLOCK_VALUE } });
            const copy = Uint8Array.from(apdu);
            copy[copy.length - 1] = (copy[copy.length - 1] as number) ^ 0x80;
            return copy;
          },
        },
      },
    );
    try {
      await s.client.associate();
      await assert.rejects(s.client.get(CLOCK), (e) => isSessionError(e, 'SECURITY'), attack);
    } finally {
      await s.done();
    }
  }
});

test('a meter that stops answering gives TIMEOUT and never hangs; RLRQ without an answer is tolerated', async () => {
  const { client, server } = inMemoryTransportPair({ clientSap: 16 });
  const dlms = new DlmsClient({ transport: client, requestTimeoutMs: 60 });
  const started = Date.now();
  await assert.rejects(dlms.associate(), (e) => isSessionError(e, 'TIMEOUT'));
  assert.ok(Date.now() - started < 400);
  assert.equal(dlms.state, 'idle');
  await server.close();

  // Answers the AARQ, then goes silent: GET times out, RLRQ is never answered (dlms-cosem#80).
  let answered = 0;
  const s = session(PUBLIC, { releaseTimeoutMs: 50, requestTimeoutMs: 80 }, { tapServer: { onSend: () => (answered++ === 0 ? undefined : null) } });
  try {
    await s.client.associate();
    await assert.rejects(s.client.get(CLOCK), (e) => isSessionError(e, 'TIMEOUT'));
    assert.equal(s.client.state, 'associated');
    const before = Date.now();
    assert.deepEqual(await s.client.release(), { answered: false });
    assert.ok(Date.now() - before < 300);
  } finally {
    await s.done();
  }
});

test('invoke ids cycle 1…15, 0, 1; an answer with another invoke id is skipped', async () => {
  const seen: number[] = [];
  let stale = true;
  const s = session(
    PUBLIC,
    {},
    {
      tapClient: {
        onSend: (apdu) => {
          const a = decodeApdu(apdu);
          if ('invokeIdAndPriority' in a) seen.push(a.invokeIdAndPriority.invokeId);
        },
      },
      tapServer: {
        onSend: (apdu) => {
          const a = decodeApdu(apdu);
          if (stale && a.type === 'get-response-normal') {
            stale = false;
            // A late answer to some earlier request arrives first; the real one follows.
            void s.rawServer.send(
              encodeApdu({ ...a, invokeIdAndPriority: { ...a.invokeIdAndPriority, invokeId: (a.invokeIdAndPriority.invokeId + 5) & 15 }, result: { type: 'data-access-result', value: 'other-reason' } }),
            );
          }
        },
      },
    },
  );
  try {
    await s.client.associate();
    for (let i = 0; i < 18; i++) assert.deepEqual(await s.client.get(CLOCK), { ok: true, value: CLOCK_VALUE });
    assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2]);
  } finally {
    await s.done();
  }
});

test('refusals are values: public client SET and ACTION are read-write-denied; an unknown object is object-undefined', async () => {
  const s = session(PUBLIC, {});
  try {
    await s.client.associate();
    assert.deepEqual(await s.client.set(ENERGY, { type: 'double-long-unsigned', value: 0 }), { ok: false, reason: 'read-write-denied' });
    assert.deepEqual(await s.client.action(methodDescriptor(70, '0-0:96.3.10.255', 1)), { ok: false, reason: 'read-write-denied' });
    assert.deepEqual(await s.client.get({ ...ENERGY, attributeId: 5 }), { ok: false, reason: 'object-undefined' });
  } finally {
    await s.done();
  }
});

test('outgoing counters: every APDU takes a fresh one; the alarm fires near 2^32; a store that repeats one is refused', async () => {
  const alarms: InvocationCounterAlarm[] = [];
  const counters: number[] = [];
  const s = session(
    MANAGEMENT,
    {
      authentication: { mechanism: 'high-gmac' },
      security: security({ invocationCounter: new InMemoryInvocationCounterStore(0xfffffff0), onInvocationCounterAlarm: (a) => alarms.push(a) }),
    },
    { tapClient: { onSend: (apdu) => void counters.push(apdu[0] === 0x60 ? -1 : new DataView(apdu.buffer, apdu.byteOffset).getUint32(3)) } },
  );
  try {
    await s.client.associate();
    await s.client.get(CLOCK);
    assert.deepEqual(alarms, [{ counter: 0xfffffff0, remaining: 15 }]);
    // AARQ (IC 0xFFFFFFF0 inside), pass-3 ACTION (f(StoC) took …F1, the APDU …F2), GET …F3.
    assert.deepEqual(counters, [-1, 0xfffffff2, 0xfffffff3]);
  } finally {
    await s.done();
  }

  const repeating = { next: () => Promise.resolve(5) };
  const t = session(MANAGEMENT, { authentication: { mechanism: 'high-gmac' }, security: security({ invocationCounter: repeating }) });
  try {
    await assert.rejects(t.client.associate(), (e) => isSessionError(e, 'SECURITY') && /reuse a GCM nonce/.test(e.message));
  } finally {
    await t.done();
  }
});

test('counters of the meter are remembered across sessions through a shared guard', async () => {
  const { InvocationCounterGuard: Guard } = await import('@openams/dlms');
  const guard: InvocationCounterGuard = new Guard();
  const s = session(MANAGEMENT, { authentication: { mechanism: 'high-gmac' }, security: security({ incomingCounters: guard }) });
  try {
    await s.client.associate();
    await s.client.get(CLOCK);
    assert.ok((guard.lastAccepted(METER_TITLE) ?? 0) >= 500);
  } finally {
    await s.done();
  }
});

test('misuse is a STATE error: GET before associate(), HLS without security', () => {
  const { client } = inMemoryTransportPair();
  assert.throws(() => new DlmsClient({ transport: client, authentication: { mechanism: 'high-gmac' } }), (e) => isSessionError(e, 'STATE'));
  return assert.rejects(new DlmsClient({ transport: client }).get(CLOCK), (e) => isSessionError(e, 'STATE'));
});
