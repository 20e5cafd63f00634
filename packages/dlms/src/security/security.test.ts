import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  InvocationCounterGuard,
  decodeCipheredApdu,
  decodeSecurityControl,
  encodeCipheredApdu,
  encodeSecurityControl,
  generateChallenge,
  hlsGmacResponse,
  nextInvocationCounter,
  protectApdu,
  unprotectApdu,
  unwrapTransferredKey,
  verifyHlsGmacResponse,
  wrapKeyForTransfer,
} from './index.ts';
import type { SecurityControl } from './index.ts';
import { bytesToHex, hexToBytes } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';
import { GET_CLOCK_TIME_PLAIN, SUITE0_FIXTURES, SUITE0_KEYS } from '../../test/fixtures/security/green-book-suite0.ts';
import { HLS_GMAC_EXAMPLE } from '../../test/fixtures/security/hls-gmac.ts';
import { HAN_PUSHES } from '../../test/fixtures/security/han-push.ts';
import { RFC3394_4_1 } from '../../test/fixtures/security/rfc3394.ts';

const isCode = (...codes: string[]) => (e: unknown) => e instanceof DlmsError && codes.includes(e.code);
/** XOR `mask` into byte `i` (in place). */
const flipBits = (b: Uint8Array, i: number, mask: number): void => {
  b[i] = (b[i] ?? 0) ^ mask;
};

const EK = hexToBytes(SUITE0_KEYS.encryptionKey);
const AK = hexToBytes(SUITE0_KEYS.authenticationKey);
const ST = hexToBytes(SUITE0_KEYS.systemTitle);

function sc(byte: number): SecurityControl {
  return decodeSecurityControl(byte);
}

test('Green Book suite 0 examples: decipher to the published plaintext', () => {
  for (const f of SUITE0_FIXTURES) {
    const opened = unprotectApdu(hexToBytes(f.hex), { encryptionKey: EK, authenticationKey: AK, systemTitle: ST });
    assert.equal(bytesToHex(opened.plaintext), f.plain, f.name);
    assert.equal(opened.invocationCounter, SUITE0_KEYS.invocationCounter, f.name);
    assert.equal(encodeSecurityControl(opened.securityControl), f.securityControl, f.name);
    assert.equal(opened.authenticated, (f.securityControl & 0x10) !== 0, f.name);
    assert.equal(bytesToHex(opened.systemTitle), SUITE0_KEYS.systemTitle, f.name);
  }
});

test('Green Book suite 0 examples: ciphering the plaintext gives the published bytes', () => {
  for (const f of SUITE0_FIXTURES) {
    const out = protectApdu(hexToBytes(f.plain), {
      kind: 'glo',
      securityControl: sc(f.securityControl),
      systemTitle: ST,
      invocationCounter: SUITE0_KEYS.invocationCounter,
      encryptionKey: EK,
      authenticationKey: AK,
    });
    assert.equal(bytesToHex(out), f.hex, f.name);
  }
});

test('Green Book suite 0 examples: the envelope decodes and re-encodes byte for byte', () => {
  for (const f of SUITE0_FIXTURES) {
    const env = decodeCipheredApdu(hexToBytes(f.hex));
    assert.equal(bytesToHex(encodeCipheredApdu(env)), f.hex, f.name);
  }
  assert.equal(decodeCipheredApdu(hexToBytes(SUITE0_FIXTURES[2]!.hex)).type, 'glo-get-request');
  assert.equal(decodeCipheredApdu(hexToBytes(SUITE0_FIXTURES[3]!.hex)).type, 'glo-initiate-request');
});

test('every strict prefix of every fixture is refused with a typed error', () => {
  const all = [...SUITE0_FIXTURES.map((f) => f.hex), ...HAN_PUSHES.map((h) => h.hex)];
  for (const hex of all) {
    const bytes = hexToBytes(hex);
    for (let n = 0; n < bytes.length; n++) {
      const prefix = bytes.subarray(0, n);
      assert.throws(() => decodeCipheredApdu(prefix), isCode('TRUNCATED'), `${hex} prefix ${n}`);
      assert.throws(() => unprotectApdu(prefix, { encryptionKey: EK, authenticationKey: AK, systemTitle: ST }), isCode('TRUNCATED'), `${hex} prefix ${n}`);
    }
  }
});

test('trailing bytes after a ciphered APDU are refused', () => {
  const bytes = hexToBytes(SUITE0_FIXTURES[2]!.hex + '00');
  assert.throws(() => decodeCipheredApdu(bytes), isCode('TRAILING_BYTES'));
});

test('real HAN pushes (general-glo-ciphering, SC 0x20) decipher and re-cipher exactly', () => {
  for (const h of HAN_PUSHES) {
    const bytes = hexToBytes(h.hex);
    const key = hexToBytes(h.encryptionKey);
    const opened = unprotectApdu(bytes, { encryptionKey: key });
    assert.equal(bytesToHex(opened.plaintext), h.plain, h.meter);
    assert.equal(opened.plaintext[0], 0x0f, `${h.meter}: a data-notification`);
    assert.deepEqual(opened.securityControl, { suite: 0, authenticated: false, encrypted: true, broadcastKey: false });
    assert.equal(opened.authenticated, false, `${h.meter}: no tag was checked`);
    const again = protectApdu(opened.plaintext, {
      kind: 'general-glo',
      securityControl: opened.securityControl,
      systemTitle: opened.systemTitle,
      invocationCounter: opened.invocationCounter,
      encryptionKey: key,
    });
    assert.equal(bytesToHex(again), h.hex, h.meter);
    // An encryption-only push has no tag, so a receiver that requires authentication refuses it.
    assert.throws(() => unprotectApdu(bytes, { encryptionKey: key, policy: { requireAuthentication: true } }), isCode('SECURITY_POLICY'));
  }
});

test('HLS-GMAC: the Green Book passes 3 and 4, computed and verified both ways', () => {
  const x = HLS_GMAC_EXAMPLE;
  const keys = { encryptionKey: hexToBytes(x.encryptionKey), authenticationKey: hexToBytes(x.authenticationKey) };
  // 3. The client answers the server's challenge StoC with its own system title and counter.
  const fStoC = hlsGmacResponse({ ...keys, systemTitle: hexToBytes(x.client.systemTitle), invocationCounter: x.client.invocationCounter, challenge: hexToBytes(x.server.challenge) });
  assert.equal(bytesToHex(fStoC), x.fStoC);
  // 4. The server answers CtoS.
  const fCtoS = hlsGmacResponse({ ...keys, systemTitle: hexToBytes(x.server.systemTitle), invocationCounter: x.server.invocationCounter, challenge: hexToBytes(x.client.challenge), securityControl: x.securityControl });
  assert.equal(bytesToHex(fCtoS), x.fCtoS);
  // The server checks f(StoC) against its StoC; the client checks f(CtoS) against its CtoS.
  assert.deepEqual(verifyHlsGmacResponse({ ...keys, peerSystemTitle: hexToBytes(x.client.systemTitle), challenge: hexToBytes(x.server.challenge), response: hexToBytes(x.fStoC) }), {
    invocationCounter: x.client.invocationCounter,
  });
  assert.deepEqual(verifyHlsGmacResponse({ ...keys, peerSystemTitle: hexToBytes(x.server.systemTitle), challenge: hexToBytes(x.client.challenge), response: hexToBytes(x.fCtoS) }), {
    invocationCounter: x.server.invocationCounter,
  });
});

test('HLS-GMAC verification refuses a wrong key, system title, challenge or a tampered response', () => {
  const x = HLS_GMAC_EXAMPLE;
  const keys = { encryptionKey: hexToBytes(x.encryptionKey), authenticationKey: hexToBytes(x.authenticationKey) };
  const good = { ...keys, peerSystemTitle: hexToBytes(x.client.systemTitle), challenge: hexToBytes(x.server.challenge), response: hexToBytes(x.fStoC) };
  const wrongKey = Uint8Array.from(keys.encryptionKey);
  flipBits(wrongKey, 0, 1);
  const wrongAk = Uint8Array.from(keys.authenticationKey);
  flipBits(wrongAk, 15, 0x80);
  assert.throws(() => verifyHlsGmacResponse({ ...good, encryptionKey: wrongKey }), isCode('AUTH_TAG_INVALID'));
  assert.throws(() => verifyHlsGmacResponse({ ...good, authenticationKey: wrongAk }), isCode('AUTH_TAG_INVALID'));
  assert.throws(() => verifyHlsGmacResponse({ ...good, peerSystemTitle: hexToBytes(x.server.systemTitle) }), isCode('AUTH_TAG_INVALID'));
  assert.throws(() => verifyHlsGmacResponse({ ...good, challenge: hexToBytes(x.client.challenge) }), isCode('AUTH_TAG_INVALID'));
  for (let i = 1; i < good.response.length; i++) {
    const r = Uint8Array.from(good.response);
    flipBits(r, i, 0x01);
    assert.throws(() => verifyHlsGmacResponse({ ...good, response: r }), isCode('AUTH_TAG_INVALID'), `byte ${i}`);
  }
  const noAuth = Uint8Array.from(good.response);
  noAuth[0] = 0x20;
  assert.throws(() => verifyHlsGmacResponse({ ...good, response: noAuth }), isCode('SECURITY_POLICY'));
  noAuth[0] = 0x90;
  assert.throws(() => verifyHlsGmacResponse({ ...good, response: noAuth }), isCode('COMPRESSION_UNSUPPORTED'));
  assert.throws(() => verifyHlsGmacResponse({ ...good, response: good.response.subarray(0, 16) }), isCode('TRUNCATED'));
  assert.throws(() => verifyHlsGmacResponse({ ...good, response: hexToBytes(x.fStoC + '00') }), isCode('TRAILING_BYTES'));
  assert.throws(() => hlsGmacResponse({ ...keys, systemTitle: hexToBytes(x.client.systemTitle), invocationCounter: 1, challenge: new Uint8Array(7) }), isCode('KEY_INVALID'));
  assert.throws(() => hlsGmacResponse({ ...keys, systemTitle: new Uint8Array(7), invocationCounter: 1, challenge: new Uint8Array(8) }), isCode('KEY_INVALID'));
});

test('HLS challenges are 8 to 64 random bytes', () => {
  assert.equal(generateChallenge().length, 16);
  assert.equal(generateChallenge(8).length, 8);
  assert.equal(generateChallenge(64).length, 64);
  assert.notEqual(bytesToHex(generateChallenge(32)), bytesToHex(generateChallenge(32)));
  for (const bad of [7, 65, 1.5]) assert.throws(() => generateChallenge(bad), isCode('INVALID_VALUE'));
});

test('RFC 3394 section 4.1 key wrap, both ways; a wrong KEK or a changed bit fails the integrity check', () => {
  const kek = hexToBytes(RFC3394_4_1.kek);
  const wrapped = wrapKeyForTransfer(kek, hexToBytes(RFC3394_4_1.keyData));
  assert.equal(bytesToHex(wrapped), RFC3394_4_1.wrapped);
  assert.equal(bytesToHex(unwrapTransferredKey(kek, hexToBytes(RFC3394_4_1.wrapped))), RFC3394_4_1.keyData);
  const otherKek = Uint8Array.from(kek);
  flipBits(otherKek, 0, 1);
  assert.throws(() => unwrapTransferredKey(otherKek, wrapped), isCode('AUTH_TAG_INVALID'));
  for (let i = 0; i < wrapped.length; i++) {
    const w = Uint8Array.from(wrapped);
    flipBits(w, i, 0x10);
    assert.throws(() => unwrapTransferredKey(kek, w), isCode('AUTH_TAG_INVALID'), `byte ${i}`);
  }
  assert.throws(() => unwrapTransferredKey(kek, wrapped.subarray(0, 16)), isCode('INVALID_LENGTH'));
  assert.throws(() => wrapKeyForTransfer(kek, new Uint8Array(15)), isCode('KEY_INVALID'));
  assert.throws(() => wrapKeyForTransfer(new Uint8Array(15), new Uint8Array(16)), isCode('KEY_INVALID'));
});

test('security control: every byte without the compression bit round-trips; compression and unknown suites are refused', () => {
  for (let b = 0; b < 0x80; b++) {
    if ((b & 0x0f) > 2) {
      assert.throws(() => decodeSecurityControl(b), isCode('SECURITY_POLICY'), `0x${b.toString(16)}`);
    } else {
      assert.equal(encodeSecurityControl(decodeSecurityControl(b)), b);
    }
    assert.throws(() => decodeSecurityControl(b | 0x80, 7), (e: unknown) => e instanceof DlmsError && e.code === 'COMPRESSION_UNSUPPORTED' && e.offset === 7);
  }
});

test('a ciphered APDU whose SC sets the compression bit is refused with COMPRESSION_UNSUPPORTED', () => {
  const bytes = hexToBytes(SUITE0_FIXTURES[2]!.hex);
  bytes[2] = 0xb0;
  assert.throws(() => unprotectApdu(bytes, { encryptionKey: EK, authenticationKey: AK, systemTitle: ST }), (e: unknown) => e instanceof DlmsError && e.code === 'COMPRESSION_UNSUPPORTED' && e.offset === 2);
});

test('the envelope tag must name the deciphered APDU (it is not covered by the tag)', () => {
  const bytes = hexToBytes(SUITE0_FIXTURES[2]!.hex);
  bytes[0] = 0xc9; // glo-set-request around the authenticated get-request
  assert.throws(() => unprotectApdu(bytes, { encryptionKey: EK, authenticationKey: AK, systemTitle: ST }), isCode('INVALID_VALUE'));
});

test('unprotect: policy, key choice and envelope checks', () => {
  const both = hexToBytes(SUITE0_FIXTURES[2]!.hex);
  const base = { encryptionKey: EK, authenticationKey: AK, systemTitle: ST };
  assert.throws(() => unprotectApdu(hexToBytes(SUITE0_FIXTURES[1]!.hex), { ...base, policy: { requireAuthentication: true } }), isCode('SECURITY_POLICY'));
  assert.throws(() => unprotectApdu(hexToBytes(SUITE0_FIXTURES[0]!.hex), { ...base, policy: { requireEncryption: true } }), isCode('SECURITY_POLICY'));
  assert.throws(() => unprotectApdu(both, { ...base, policy: { suite: 1 } }), isCode('SECURITY_POLICY'));
  assert.equal(unprotectApdu(both, { ...base, policy: { requireAuthentication: true, requireEncryption: true, suite: 0 } }).plaintext.length, 13);
  assert.throws(() => unprotectApdu(both, { encryptionKey: EK, authenticationKey: AK }), isCode('KEY_INVALID'));
  assert.throws(() => unprotectApdu(both, { encryptionKey: EK, systemTitle: ST }), isCode('KEY_INVALID'));
  assert.throws(() => unprotectApdu(both, { ...base, encryptionKey: new Uint8Array(32) }), isCode('KEY_INVALID'));
  assert.throws(() => unprotectApdu(both, { ...base, limits: { maxApduSize: 16 } }), isCode('LIMIT_EXCEEDED'));
  // A dedicated key, when given, is used for ded- APDUs and only for them.
  const ded = Uint8Array.from(both);
  ded[0] = 0xd0;
  const dedicatedKey = hexToBytes(SUITE0_KEYS.dedicatedKey);
  assert.throws(() => unprotectApdu(ded, { ...base, dedicatedKey }), isCode('AUTH_TAG_INVALID'));
  assert.equal(bytesToHex(unprotectApdu(both, { ...base, dedicatedKey }).plaintext), GET_CLOCK_TIME_PLAIN);
  const viaDed = protectApdu(hexToBytes(GET_CLOCK_TIME_PLAIN), { kind: 'ded', securityControl: sc(0x30), systemTitle: ST, invocationCounter: 5, encryptionKey: dedicatedKey, authenticationKey: AK });
  assert.equal(viaDed[0], 0xd0);
  assert.equal(bytesToHex(unprotectApdu(viaDed, { ...base, dedicatedKey }).plaintext), GET_CLOCK_TIME_PLAIN);
  // The broadcast key, when given, is used when the SC key-set bit says so.
  const gbek = hexToBytes('0F0E0D0C0B0A09080706050403020100');
  const viaBroadcast = protectApdu(hexToBytes(GET_CLOCK_TIME_PLAIN), { kind: 'glo', securityControl: sc(0x70), systemTitle: ST, invocationCounter: 6, encryptionKey: gbek, authenticationKey: AK });
  assert.equal(bytesToHex(unprotectApdu(viaBroadcast, { ...base, broadcastEncryptionKey: gbek }).plaintext), GET_CLOCK_TIME_PLAIN);
  assert.throws(() => unprotectApdu(viaBroadcast, base), isCode('AUTH_TAG_INVALID'));
});

test('protect: refuses what cannot be protected', () => {
  const opts = { securityControl: sc(0x30), systemTitle: ST, invocationCounter: 1, encryptionKey: EK, authenticationKey: AK };
  assert.throws(() => protectApdu(new Uint8Array(0), { ...opts, kind: 'glo' }), isCode('TRUNCATED'));
  // data-notification has no service-specific ciphered form.
  assert.throws(() => protectApdu(hexToBytes('0F00000001'), { ...opts, kind: 'glo' }), isCode('UNSUPPORTED_TAG'));
  assert.throws(() => protectApdu(hexToBytes('0F00000001'), { ...opts, kind: 'ded' }), isCode('UNSUPPORTED_TAG'));
  // exception-response is never ciphered service-specifically.
  assert.throws(() => protectApdu(hexToBytes('D80101'), { ...opts, kind: 'glo' }), isCode('UNSUPPORTED_TAG'));
  assert.throws(() => protectApdu(hexToBytes(GET_CLOCK_TIME_PLAIN), { ...opts, kind: 'glo', securityControl: sc(0x00) }), isCode('SECURITY_POLICY'));
  assert.throws(() => protectApdu(hexToBytes(GET_CLOCK_TIME_PLAIN), { ...opts, kind: 'glo', securityControl: sc(0x32) }), isCode('SECURITY_POLICY'));
  assert.throws(() => protectApdu(hexToBytes(GET_CLOCK_TIME_PLAIN), { kind: 'glo', securityControl: sc(0x30), systemTitle: ST, invocationCounter: 1, encryptionKey: EK }), isCode('KEY_INVALID'));
  for (const ic of [-1, 2 ** 32, 0.5]) {
    assert.throws(() => protectApdu(hexToBytes(GET_CLOCK_TIME_PLAIN), { ...opts, kind: 'glo', invocationCounter: ic }), isCode('INVALID_VALUE'));
  }
});

test('envelope decoding: unknown tags, bad key-info, and the SN/ded service-specific tags', () => {
  assert.throws(() => decodeCipheredApdu(hexToBytes('C000')), isCode('UNSUPPORTED_TAG'));
  assert.throws(() => decodeCipheredApdu(new Uint8Array(0)), isCode('TRUNCATED'));
  const gc = (keyInfo: string) => hexToBytes('DD' + '0101' + '08' + '4D4D4D0000BC614E' + '08' + '4D4D4D0000000001' + '00' + '00' + keyInfo + '00');
  assert.throws(() => decodeCipheredApdu(gc('02')), isCode('INVALID_VALUE'));
  assert.throws(() => decodeCipheredApdu(gc('0103')), isCode('UNSUPPORTED_TAG'));
  assert.throws(() => decodeCipheredApdu(gc('010002')), isCode('INVALID_VALUE'));
  assert.throws(() => decodeCipheredApdu(gc('01010100')), isCode('INVALID_VALUE'));
  assert.deepEqual(decodeCipheredApdu(gc('010001')), {
    type: 'general-ciphering',
    transactionId: hexToBytes('01'),
    originatorSystemTitle: hexToBytes('4D4D4D0000BC614E'),
    recipientSystemTitle: hexToBytes('4D4D4D0000000001'),
    dateTime: new Uint8Array(0),
    otherInformation: new Uint8Array(0),
    keyInfo: { type: 'identified-key', keyId: 1 },
    content: new Uint8Array(0),
  });
  const tags: Array<[string, number]> = [
    ['glo-read-request', 0x25],
    ['glo-information-report-request', 0x38],
    ['ded-initiate-request', 0x41],
    ['ded-information-report-request', 0x58],
    ['ded-action-response', 0xd7],
  ];
  for (const [type, tag] of tags) assert.equal(decodeCipheredApdu(Uint8Array.of(tag, 0)).type, type);
  // SN read-request 05 → glo-read-request 25 / ded-read-request 45.
  const opts = { securityControl: sc(0x30), systemTitle: ST, invocationCounter: 1, encryptionKey: EK, authenticationKey: AK };
  assert.equal(protectApdu(hexToBytes('050102FA00'), { ...opts, kind: 'glo' })[0], 0x25);
  assert.equal(protectApdu(hexToBytes('050102FA00'), { ...opts, kind: 'ded' })[0], 0x45);
});

test('InvocationCounterGuard: strictly increasing per peer and key; equal and lower counters are replays', () => {
  const g = new InvocationCounterGuard();
  g.accept(ST, 5);
  assert.throws(() => g.accept(ST, 5), isCode('INVOCATION_COUNTER_REPLAY'));
  assert.throws(() => g.accept(ST, 4), isCode('INVOCATION_COUNTER_REPLAY'));
  assert.throws(() => g.accept(ST, 0), isCode('INVOCATION_COUNTER_REPLAY'));
  g.accept(ST, 6);
  g.accept(ST, 0xffffffff);
  assert.throws(() => g.accept(ST, 0xffffffff), isCode('INVOCATION_COUNTER_REPLAY'));
  g.accept(ST, 1, 'gbek');
  g.accept(hexToBytes('4D4D4D0000000001'), 1);
  assert.equal(g.lastAccepted(ST), 0xffffffff);
  const restored = new InvocationCounterGuard(g.export());
  assert.throws(() => restored.accept(ST, 7), isCode('INVOCATION_COUNTER_REPLAY'));
  restored.reset(ST);
  restored.accept(ST, 1);
  assert.throws(() => g.accept(ST, -1), isCode('INVALID_VALUE'));
  assert.throws(() => g.accept(ST, 2 ** 32), isCode('INVALID_VALUE'));
  assert.throws(() => new InvocationCounterGuard({ x: -1 }), isCode('INVALID_VALUE'));
});

test('nextInvocationCounter counts up to 2^32−1 and then refuses', () => {
  assert.equal(nextInvocationCounter(0), 1);
  assert.equal(nextInvocationCounter(0xfffffffe), 0xffffffff);
  assert.throws(() => nextInvocationCounter(0xffffffff), isCode('INVOCATION_COUNTER_EXHAUSTED'));
  assert.throws(() => nextInvocationCounter(-1), isCode('INVALID_VALUE'));
  assert.throws(() => nextInvocationCounter(1.5), isCode('INVALID_VALUE'));
});
