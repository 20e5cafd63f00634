import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildAarq,
  conformanceFromNames,
  decodeApdu,
  encodeApdu,
  encodeInitiateRequest,
  getRequest,
  getRequestNext,
  hexToBytes,
  protectApdu,
  unprotectApdu,
} from '@openams/dlms';
import type { Aare, Apdu, InitiateRequest, KnownApplicationContextName, KnownMechanismName } from '@openams/dlms';
import { DlmsClient, DlmsServer, InMemoryInvocationCounterStore, inMemoryTransportPair } from '../index.ts';
import type { ClientAccessRule, ServerEvent } from '../index.ts';
import { CLIENT_TITLE, CLOCK, ENERGY, METER_KEYS, METER_TITLE, OTHER_KEYS, TestMeter, profileBuffer, tap, PROFILE } from '../../test/helpers.ts';

const RULES: ClientAccessRule[] = [
  { clientSap: 16, mechanism: 'lowest', access: 'read-only' },
  { clientSap: 1, mechanism: 'high-gmac', access: 'read-write' },
  { clientSap: 2, mechanism: 'low', password: new TextEncoder().encode('12345678'), access: 'read-write' },
];

const INITIATE: InitiateRequest = {
  type: 'initiate-request',
  proposedDlmsVersionNumber: 6,
  proposedConformance: conformanceFromNames(['get', 'set', 'action', 'selective-access', 'block-transfer-with-get-or-read']),
  clientMaxReceivePduSize: 1024,
};

function meter(clientSap: number, extra: { readonly maxReceivePduSize?: number } = {}) {
  const { client, server } = inMemoryTransportPair({ clientSap });
  const events: ServerEvent[] = [];
  const objects = new TestMeter([
    [CLOCK, { type: 'octet-string', value: hexToBytes('07EA031D07013B3AFFFFC400') }],
    [ENERGY, { type: 'double-long-unsigned', value: 42 }],
    [PROFILE, profileBuffer(200)],
  ]);
  const dlms = new DlmsServer({
    systemTitle: METER_TITLE,
    keys: METER_KEYS,
    invocationCounter: new InMemoryInvocationCounterStore(1000),
    clients: RULES,
    handler: objects,
    onEvent: (e) => events.push(e),
    ...extra,
  });
  const serving = dlms.serve(server);
  return {
    raw: client,
    events,
    objects,
    async exchange(apdu: Apdu | Uint8Array): Promise<Apdu> {
      await client.send(apdu instanceof Uint8Array ? apdu : encodeApdu(apdu));
      return decodeApdu(await client.receive({ timeoutMs: 1000 }));
    },
    async done() {
      await client.close();
      await serving;
    },
  };
}

function aarq(context: KnownApplicationContextName, mechanism: KnownMechanismName, options: { authenticationValue?: Uint8Array; userInformation?: Uint8Array; initiate?: InitiateRequest } = {}) {
  const common = {
    context,
    mechanism,
    callingApTitle: CLIENT_TITLE,
    ...(options.authenticationValue !== undefined ? { authenticationValue: options.authenticationValue } : {}),
  };
  return options.userInformation !== undefined
    ? buildAarq({ ...common, userInformation: options.userInformation })
    : buildAarq({ ...common, initiateRequest: options.initiate ?? INITIATE });
}

function gloInitiate(keys = METER_KEYS, invocationCounter = 1, initiate = INITIATE): Uint8Array {
  return protectApdu(encodeInitiateRequest(initiate), {
    kind: 'glo',
    securityControl: { suite: 0, authenticated: true, encrypted: true, broadcastKey: false },
    systemTitle: CLIENT_TITLE,
    invocationCounter,
    ...keys,
  });
}

function asAare(a: Apdu): Aare {
  if (a.type !== 'aare') throw new assert.AssertionError({ message: `expected an AARE, got ${a.type}` });
  return a;
}

/** An HLS5 association by the real client, over a tap that keeps every APDU the client sends. */
async function managementSession() {
  const m = meter(1);
  const sent: Uint8Array[] = [];
  const client = new DlmsClient({
    transport: tap(m.raw, { onSend: (apdu) => void sent.push(apdu) }),
    authentication: { mechanism: 'high-gmac' },
    security: { systemTitle: CLIENT_TITLE, serverSystemTitle: METER_TITLE, keys: METER_KEYS, invocationCounter: new InMemoryInvocationCounterStore(1) },
    requestTimeoutMs: 1000,
  });
  await client.associate();
  return { ...m, client, sent };
}

test('public client 16: LN without ciphering, lowest; reads, but SET and ACTION are read-write-denied', async () => {
  const m = meter(16);
  try {
    const aare = asAare(await m.exchange(aarq('logical-name', 'lowest')));
    assert.equal(aare.result, 'accepted');
    assert.deepEqual(aare.resultSourceDiagnostic, { source: 'acse-service-user', diagnostic: 'null' });
    assert.equal(aare.respondingApTitle, undefined);
    assert.equal(aare.initiateResponse?.negotiatedConformance.value, conformanceFromNames(['get', 'set', 'action', 'selective-access', 'block-transfer-with-get-or-read']).value);
    const get = await m.exchange(getRequest(CLOCK, { invokeId: 3 }));
    assert.equal(get.type, 'get-response-normal');
    const set = await m.exchange({ type: 'set-request-normal', invokeIdAndPriority: { invokeId: 4, confirmed: true, highPriority: true }, descriptor: ENERGY, value: { type: 'double-long-unsigned', value: 0 } });
    assert.deepEqual(set, { type: 'set-response-normal', invokeIdAndPriority: { invokeId: 4, confirmed: true, highPriority: true }, result: 'read-write-denied' });
    const action = await m.exchange({
      type: 'action-request-normal',
      invokeIdAndPriority: { invokeId: 5, confirmed: true, highPriority: true },
      descriptor: { classId: 70, instanceId: ENERGY.instanceId, methodId: 1 },
    });
    assert.equal(action.type === 'action-response-normal' && action.response.result, 'read-write-denied');
    assert.deepEqual(m.objects.calls, [`get 8/0-0:1.0.0.255/2`]);
  } finally {
    await m.done();
  }
});

test('AARE diagnostics as a meter gives them: wrong context, wrong or missing mechanism, wrong LLS password', async () => {
  const m = meter(1);
  try {
    const plain = asAare(await m.exchange(aarq('logical-name', 'high-gmac', { authenticationValue: hexToBytes('0102030405060708') })));
    assert.equal(plain.result, 'rejected-permanent');
    assert.deepEqual(plain.resultSourceDiagnostic, { source: 'acse-service-user', diagnostic: 'application-context-name-not-supported' });
    assert.equal(plain.applicationContextName, 'logical-name-with-ciphering');

    const lls = asAare(await m.exchange(aarq('logical-name-with-ciphering', 'low', { authenticationValue: hexToBytes('0102030405060708'), userInformation: gloInitiate() })));
    assert.deepEqual(lls.resultSourceDiagnostic, { source: 'acse-service-user', diagnostic: 'authentication-mechanism-name-not-recognised' });

    const none = asAare(await m.exchange(aarq('logical-name-with-ciphering', 'lowest', { userInformation: gloInitiate(METER_KEYS, 2) })));
    assert.deepEqual(none.resultSourceDiagnostic, { source: 'acse-service-user', diagnostic: 'authentication-mechanism-name-required' });
  } finally {
    await m.done();
  }
  const m2 = meter(2);
  try {
    const wrong = asAare(await m2.exchange(aarq('logical-name', 'low', { authenticationValue: new TextEncoder().encode('12345679') })));
    assert.deepEqual(wrong.resultSourceDiagnostic, { source: 'acse-service-user', diagnostic: 'authentication-failure' });
    assert.ok(m2.events.some((e) => e.type === 'authentication-failure' && e.stage === 'lls'));
    const right = asAare(await m2.exchange(aarq('logical-name', 'low', { authenticationValue: new TextEncoder().encode('12345678') })));
    assert.equal(right.result, 'accepted');
  } finally {
    await m2.done();
  }
});

test('a glo-initiate-request under other keys: rejected with confirmed-service-error deciphering-error', async () => {
  const m = meter(1);
  try {
    const aare = asAare(await m.exchange(aarq('logical-name-with-ciphering', 'high-gmac', { authenticationValue: hexToBytes('0102030405060708'), userInformation: gloInitiate(OTHER_KEYS) })));
    assert.equal(aare.result, 'rejected-permanent');
    assert.deepEqual(aare.resultSourceDiagnostic, { source: 'acse-service-user', diagnostic: 'no-reason-given' });
    // 0E 01 00 06: confirmedServiceError, initiateError, application-reference, deciphering-error.
    assert.deepEqual([...(aare.userInformation ?? [])], [0x0e, 0x01, 0x00, 0x06]);
    assert.ok(m.events.some((e) => e.type === 'authentication-failure' && e.stage === 'initiate-request'));
  } finally {
    await m.done();
  }
});

test('InitiateRequest refusals: DLMS version, conformance, PDU size', async () => {
  const m = meter(16);
  try {
    const cases = [
      [{ ...INITIATE, proposedDlmsVersionNumber: 5 }, 'dlms-version-too-low'],
      [{ ...INITIATE, proposedConformance: conformanceFromNames(['information-report']) }, 'incompatible-conformance'],
      [{ ...INITIATE, clientMaxReceivePduSize: 32 }, 'pdu-size-too-short'],
    ] as const;
    for (const [initiate, problem] of cases) {
      const aare = asAare(await m.exchange(aarq('logical-name', 'lowest', { initiate })));
      assert.equal(aare.result, 'rejected-permanent', problem);
      const error = decodeApdu(aare.userInformation ?? new Uint8Array(0));
      assert.deepEqual(error, { type: 'confirmed-service-error', service: 'initiate-error', error: { type: 'initiate', value: problem } });
    }
  } finally {
    await m.done();
  }
});

test('an unknown client SAP is refused', async () => {
  const m = meter(48);
  try {
    const aare = asAare(await m.exchange(aarq('logical-name', 'lowest')));
    assert.equal(aare.result, 'rejected-permanent');
  } finally {
    await m.done();
  }
});

test('HLS5: a wrong f(StoC) in pass 3 is answered read-write-denied and ends the association', async () => {
  const m = meter(1);
  try {
    const aare = asAare(await m.exchange(aarq('logical-name-with-ciphering', 'high-gmac', { authenticationValue: hexToBytes('0102030405060708'), userInformation: gloInitiate() })));
    assert.equal(aare.result, 'accepted');
    assert.deepEqual(aare.resultSourceDiagnostic, { source: 'acse-service-user', diagnostic: 'authentication-required' });
    const stoc = aare.respondingAuthenticationValue;
    assert.equal(stoc?.type === 'charstring' && stoc.value.length, 16);
    const cipher = (plain: Uint8Array, ic: number) =>
      protectApdu(plain, { kind: 'glo', securityControl: { suite: 0, authenticated: true, encrypted: true, broadcastKey: false }, systemTitle: CLIENT_TITLE, invocationCounter: ic, ...METER_KEYS });
    // Before pass 3 nothing but reply_to_HLS_authentication is allowed.
    const early = await m.exchange(cipher(encodeApdu(getRequest(CLOCK, { invokeId: 1 })), 2));
    const opened = decodeApdu(unprotectApdu(encodeApdu(early), { systemTitle: METER_TITLE, ...METER_KEYS, policy: { requireAuthentication: true } }).plaintext);
    assert.deepEqual(opened.type === 'get-response-normal' && opened.result, { type: 'data-access-result', value: 'read-write-denied' });
    const forged = hexToBytes('10000000030102030405060708090A0B0C');
    const reply = await m.exchange(
      cipher(
        encodeApdu({
          type: 'action-request-normal',
          invokeIdAndPriority: { invokeId: 2, confirmed: true, highPriority: true },
          descriptor: { classId: 15, instanceId: '0-0:40.0.0.255' as never, methodId: 1 },
          parameters: { type: 'octet-string', value: forged },
        }),
        4,
      ),
    );
    const answer = decodeApdu(unprotectApdu(encodeApdu(reply), { systemTitle: METER_TITLE, ...METER_KEYS, policy: { requireAuthentication: true } }).plaintext);
    assert.equal(answer.type === 'action-response-normal' && answer.response.result, 'read-write-denied');
    assert.ok(m.events.some((e) => e.type === 'authentication-failure' && e.stage === 'hls-pass-3'));
    // The association is gone: a further request is refused outright.
    const after = await m.exchange(cipher(encodeApdu(getRequest(CLOCK, { invokeId: 3 })), 5));
    assert.deepEqual(after, { type: 'exception-response', stateError: 'service-not-allowed', serviceError: { type: 'operation-not-possible' } });
  } finally {
    await m.done();
  }
});

test('management association: a plain GET is refused with exception-response deciphering-error', async () => {
  const s = await managementSession();
  try {
    const answer = await s.exchange(getRequest(CLOCK, { invokeId: 9 }));
    assert.deepEqual(answer, { type: 'exception-response', stateError: 'service-not-allowed', serviceError: { type: 'deciphering-error' } });
    assert.ok(s.events.some((e) => e.type === 'plain-apdu-refused'));
    assert.deepEqual((await s.client.get(CLOCK)).ok, true);
  } finally {
    await s.done();
  }
});

test('management association: a replayed request is refused with invocation-counter-error; a tampered one with deciphering-error', async () => {
  const s = await managementSession();
  try {
    assert.equal((await s.client.get(ENERGY)).ok, true);
    const captured = s.sent.at(-1) as Uint8Array;
    const replay = await s.exchange(captured);
    const ic = new DataView(captured.buffer, captured.byteOffset).getUint32(3);
    assert.deepEqual(replay, { type: 'exception-response', stateError: 'service-not-allowed', serviceError: { type: 'invocation-counter-error', invocationCounter: ic + 1 } });
    assert.ok(s.events.some((e) => e.type === 'replay' && e.invocationCounter === ic));

    const tampered = Uint8Array.from(captured);
    tampered[tampered.length - 13] = (tampered[tampered.length - 13] as number) ^ 0x01;
    tampered.set([0xff, 0xff, 0xff, 0x00], 3); // a fresh counter, so only the tag can catch it
    assert.deepEqual(await s.exchange(tampered), { type: 'exception-response', stateError: 'service-not-allowed', serviceError: { type: 'deciphering-error' } });

    // Authenticated but not encrypted (SC 0x10) breaks the association's policy.
    const authOnly = protectApdu(encodeApdu(getRequest(CLOCK, { invokeId: 1 })), {
      kind: 'glo',
      securityControl: { suite: 0, authenticated: true, encrypted: false, broadcastKey: false },
      systemTitle: CLIENT_TITLE,
      invocationCounter: 0x7fffffff,
      ...METER_KEYS,
    });
    assert.deepEqual(await s.exchange(authOnly), { type: 'exception-response', stateError: 'service-not-allowed', serviceError: { type: 'deciphering-error' } });
  } finally {
    await s.done();
  }
});

test('block transfer: get-request-next for a wrong block or with no long GET in progress', async () => {
  const m = meter(16);
  try {
    await m.exchange(aarq('logical-name', 'lowest', { initiate: { ...INITIATE, clientMaxReceivePduSize: 256 } }));
    const first = await m.exchange(getRequest(PROFILE, { invokeId: 1 }));
    assert.equal(first.type === 'get-response-with-datablock' && first.datablock.blockNumber, 1);
    const again = await m.exchange(getRequestNext(0, { invokeId: 1 }));
    assert.equal(again.type === 'get-response-with-datablock' && again.datablock.blockNumber, 1, 'the last block is sent again');
    const wrong = await m.exchange(getRequestNext(7, { invokeId: 1 }));
    assert.deepEqual(wrong.type === 'get-response-with-datablock' && wrong.datablock.result, { type: 'data-access-result', value: 'data-block-number-invalid' });
    const none = await m.exchange(getRequestNext(1, { invokeId: 1 }));
    assert.deepEqual(none.type === 'get-response-with-datablock' && none.datablock.result, { type: 'data-access-result', value: 'no-long-get-in-progress' });
  } finally {
    await m.done();
  }
});

test('RLRQ is answered with RLRE and ends the association; requests without one are refused', async () => {
  const m = meter(16);
  try {
    assert.deepEqual(await m.exchange(getRequest(CLOCK, { invokeId: 1 })), {
      type: 'exception-response',
      stateError: 'service-not-allowed',
      serviceError: { type: 'operation-not-possible' },
    });
    await m.exchange(aarq('logical-name', 'lowest'));
    assert.deepEqual(await m.exchange({ type: 'rlrq', reason: 'normal' }), { type: 'rlre', reason: 'normal' });
    assert.equal((await m.exchange(getRequest(CLOCK, { invokeId: 2 }))).type, 'exception-response');
    assert.ok(m.events.some((e) => e.type === 'released'));
  } finally {
    await m.done();
  }
});

test('a request longer than server-max-receive-pdu-size is refused with pdu-too-long', async () => {
  const m = meter(16, { maxReceivePduSize: 128 });
  try {
    await m.exchange(aarq('logical-name', 'lowest'));
    const long = new Uint8Array(200);
    long[0] = 0xc0;
    assert.deepEqual(await m.exchange(long), { type: 'exception-response', stateError: 'service-not-allowed', serviceError: { type: 'pdu-too-long' } });
  } finally {
    await m.done();
  }
});

test('the server never answers a closed transport and serve() settles', async () => {
  const { client, server } = inMemoryTransportPair({ clientSap: 16 });
  const dlms = new DlmsServer({ systemTitle: METER_TITLE, clients: [RULES[0] as ClientAccessRule], handler: new TestMeter() });
  const serving = dlms.serve(server);
  await client.close();
  await serving;
});
