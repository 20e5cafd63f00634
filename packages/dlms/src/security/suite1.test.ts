import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  KDF_ALGORITHM_ID,
  agreeKey,
  concatKdfSha256,
  decodeCipheredApdu,
  decodeSecurityControl,
  ecP256PublicKey,
  encodeCipheredApdu,
  generateEcP256KeyPair,
  kdfOtherInfo,
  nodeCryptoProvider,
  protectGeneralCiphering,
  signGeneralSigning,
  signKeyAgreementData,
  signOnePassEphemeralKey,
  unprotectApdu,
  unprotectGeneralCiphering,
  verifyGeneralSigning,
  verifyKeyAgreementData,
  verifyOnePassEphemeralKey,
} from './index.ts';
import type { DlmsCryptoProvider, GeneralCipheringRecipientKey, GeneralCipheringSenderKey } from './index.ts';
import { bytesToHex, hexToBytes } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';
import {
  ACCESS_REQUEST_PLAIN,
  EPHEMERAL_UNIFIED,
  KEY_AGREEMENT_KEYS,
  ONE_PASS_TO_CLIENT,
  ONE_PASS_TO_SERVER,
  SIGNING_KEYS,
  STATIC_UNIFIED,
  SUITE1_SYSTEM_TITLES,
  TABLE_41_GENERAL_CIPHERING,
} from '../../test/fixtures/security/suite1.ts';

const isCode = (...codes: string[]) => (e: unknown) => e instanceof DlmsError && codes.includes(e.code);
/** XOR `mask` into byte `i` (in place). */
const flipBits = (b: Uint8Array, i: number, mask: number): void => {
  b[i] = (b[i] ?? 0) ^ mask;
};
const h = hexToBytes;
const CLIENT = h(SUITE1_SYSTEM_TITLES.client);
const SERVER = h(SUITE1_SYSTEM_TITLES.server);
const AK = h('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF');
/** Fresh key pairs where a test only needs "some other key" (no published value is needed there). */
const OTHER_SIGNING = generateEcP256KeyPair();
const CLIENT_KEY_AGREEMENT = generateEcP256KeyPair();

test('published P-256 key pairs: each public key follows from its private key', () => {
  const pairs: Array<[string, string]> = [
    [SIGNING_KEYS.client.privateKey, SIGNING_KEYS.client.publicKey],
    [KEY_AGREEMENT_KEYS.server.privateKey, KEY_AGREEMENT_KEYS.server.publicKey],
    [ONE_PASS_TO_SERVER.clientEphemeralPrivateKey, ONE_PASS_TO_SERVER.clientEphemeralPublicKey],
  ];
  for (const [priv, pub] of pairs) assert.equal(bytesToHex(ecP256PublicKey(h(priv))), pub);
  assert.throws(() => ecP256PublicKey(new Uint8Array(32)), isCode('KEY_INVALID'));
  assert.throws(() => ecP256PublicKey(new Uint8Array(31)), isCode('KEY_INVALID'));
});

test('published ECDSA signatures verify; a changed signature, key_id or key does not', () => {
  const eph = h(EPHEMERAL_UNIFIED.clientEphemeralPublicKey);
  const keyData = h(EPHEMERAL_UNIFIED.clientEphemeralPublicKey + EPHEMERAL_UNIFIED.signature);
  assert.equal(bytesToHex(verifyKeyAgreementData(0, keyData, h(SIGNING_KEYS.client.publicKey))), bytesToHex(eph));
  assert.equal(nodeCryptoProvider.ecdsaP256Verify(h(SIGNING_KEYS.client.publicKey), h(EPHEMERAL_UNIFIED.signedData), h(EPHEMERAL_UNIFIED.signature)), true);
  // Constructed invalid cases: one bit flipped in r, then in s.
  for (const at of [64, 127]) {
    const forged = Uint8Array.from(keyData);
    flipBits(forged, at, 0x04);
    assert.throws(() => verifyKeyAgreementData(0, forged, h(SIGNING_KEYS.client.publicKey)), isCode('SIGNATURE_INVALID'), `byte ${at}`);
  }
  assert.throws(() => verifyKeyAgreementData(1, keyData, h(SIGNING_KEYS.client.publicKey)), isCode('SIGNATURE_INVALID'));
  assert.throws(() => verifyKeyAgreementData(0, keyData, OTHER_SIGNING.publicKey), isCode('SIGNATURE_INVALID'));
  const onePassData = h(ONE_PASS_TO_SERVER.clientEphemeralPublicKey + ONE_PASS_TO_SERVER.ephemeralKeySignature);
  assert.equal(bytesToHex(verifyOnePassEphemeralKey(onePassData, h(SIGNING_KEYS.client.publicKey))), ONE_PASS_TO_SERVER.clientEphemeralPublicKey);
  assert.throws(() => verifyOnePassEphemeralKey(onePassData, OTHER_SIGNING.publicKey), isCode('SIGNATURE_INVALID'));
  assert.throws(() => verifyOnePassEphemeralKey(new Uint8Array(127), h(SIGNING_KEYS.client.publicKey)), isCode('INVALID_LENGTH'));
  // Our own signatures verify (ECDSA signatures are randomised, so not byte-equal to the published ones).
  const own = signKeyAgreementData(0, eph, h(SIGNING_KEYS.client.privateKey));
  assert.equal(bytesToHex(verifyKeyAgreementData(0, own, h(SIGNING_KEYS.client.publicKey))), bytesToHex(eph));
  const onePass = signOnePassEphemeralKey(eph, OTHER_SIGNING.privateKey);
  assert.equal(bytesToHex(verifyOnePassEphemeralKey(onePass, OTHER_SIGNING.publicKey)), bytesToHex(eph));
});

test('ECDH shared secrets Z of the published examples', () => {
  const z = (priv: string, pub: string) => bytesToHex(nodeCryptoProvider.ecdhP256(h(priv), h(pub)));
  assert.equal(z(KEY_AGREEMENT_KEYS.server.privateKey, ONE_PASS_TO_SERVER.clientEphemeralPublicKey), ONE_PASS_TO_SERVER.sharedSecret);
  assert.equal(z(ONE_PASS_TO_SERVER.clientEphemeralPrivateKey, KEY_AGREEMENT_KEYS.server.publicKey), ONE_PASS_TO_SERVER.sharedSecret);
  assert.throws(() => nodeCryptoProvider.ecdhP256(h(KEY_AGREEMENT_KEYS.server.privateKey), new Uint8Array(64)), isCode('KEY_INVALID'));
  assert.throws(() => nodeCryptoProvider.ecdhP256(h(KEY_AGREEMENT_KEYS.server.privateKey), new Uint8Array(63)), isCode('KEY_INVALID'));
});

test('key agreement + SP 800-56A KDF reproduce the published keys of C(1e, 1s) and C(0e, 2s)', () => {
  // C(1e, 1s) client → server: both parties arrive at the Table 41 key.
  const onePass = { scheme: 'one-pass-diffie-hellman', partyUSystemTitle: CLIENT, partyVSystemTitle: SERVER } as const;
  const recipient = { ...onePass, ownPrivateKey: h(KEY_AGREEMENT_KEYS.server.privateKey), peerPublicKey: h(ONE_PASS_TO_SERVER.clientEphemeralPublicKey) };
  const originator = { ...onePass, ownPrivateKey: h(ONE_PASS_TO_SERVER.clientEphemeralPrivateKey), peerPublicKey: h(KEY_AGREEMENT_KEYS.server.publicKey) };
  assert.equal(bytesToHex(agreeKey(recipient)), ONE_PASS_TO_SERVER.derivedKey);
  assert.equal(bytesToHex(agreeKey(originator)), ONE_PASS_TO_SERVER.derivedKey);
  // C(1e, 1s) server → client: U is the server now; only Z and the key are published, so the KDF half is checked.
  const toClientInfo = kdfOtherInfo({ scheme: 'one-pass-diffie-hellman', partyUSystemTitle: SERVER, partyVSystemTitle: CLIENT });
  assert.equal(bytesToHex(concatKdfSha256(h(ONE_PASS_TO_CLIENT.sharedSecret), toClientInfo)), ONE_PASS_TO_CLIENT.derivedKey);
  // The algorithmId option replaces AlgorithmID in OtherInfo and nothing else.
  const gcm256 = { ...recipient, algorithmId: KDF_ALGORITHM_ID['aes-gcm-256'] };
  assert.equal(bytesToHex(agreeKey(gcm256)), bytesToHex(concatKdfSha256(h(ONE_PASS_TO_SERVER.sharedSecret), kdfOtherInfo(gcm256))));
  assert.notEqual(bytesToHex(agreeKey(gcm256)), ONE_PASS_TO_SERVER.derivedKey);
  // C(0e, 2s): the transaction-id joins PartyVInfo; the recipient arrives at Gurux's key (the
  // originator's private key is not openly published; both sides agreeing is the property test below).
  const stat = { scheme: 'static-unified-model', partyUSystemTitle: CLIENT, partyVSystemTitle: SERVER, transactionId: h(STATIC_UNIFIED.transactionId) } as const;
  const statRecipient = { ...stat, ownPrivateKey: h(KEY_AGREEMENT_KEYS.server.privateKey), peerPublicKey: h(KEY_AGREEMENT_KEYS.client.publicKey) };
  assert.equal(bytesToHex(agreeKey(statRecipient)), STATIC_UNIFIED.derivedKey);
  assert.throws(() => agreeKey({ ...statRecipient, transactionId: new Uint8Array(0) }), isCode('KEY_INVALID'));
  assert.throws(() => agreeKey({ ...originator, partyUSystemTitle: new Uint8Array(7) }), isCode('KEY_INVALID'));
  assert.equal(bytesToHex(KDF_ALGORITHM_ID['aes-gcm-128']), '60857405080300');
});

test('concatenation KDF: longer keys extend the same stream', () => {
  const z = h(ONE_PASS_TO_SERVER.sharedSecret);
  const info = h('60857405080300' + SUITE1_SYSTEM_TITLES.client + SUITE1_SYSTEM_TITLES.server);
  assert.equal(bytesToHex(concatKdfSha256(z, info)), ONE_PASS_TO_SERVER.derivedKey);
  assert.equal(bytesToHex(concatKdfSha256(z, info, 32)), ONE_PASS_TO_SERVER.kdfOutput32);
  const long = concatKdfSha256(z, info, 48);
  assert.equal(bytesToHex(long.subarray(0, 32)), bytesToHex(concatKdfSha256(z, info, 32)));
  assert.equal(long.length, 48);
  assert.throws(() => concatKdfSha256(z, info, 0), isCode('INVALID_VALUE'));
});

test('Table 41 general-ciphering (one-pass DH): envelope, signature, key and ciphertext', () => {
  const bytes = h(TABLE_41_GENERAL_CIPHERING);
  const env = decodeCipheredApdu(bytes);
  assert.equal(bytesToHex(encodeCipheredApdu(env)), TABLE_41_GENERAL_CIPHERING);
  assert.equal(env.type, 'general-ciphering');
  if (env.type !== 'general-ciphering' || env.keyInfo?.type !== 'agreed-key') throw new Error('unexpected envelope');
  assert.equal(bytesToHex(env.transactionId), '0102030405060708');
  assert.equal(bytesToHex(env.originatorSystemTitle), SUITE1_SYSTEM_TITLES.client);
  assert.equal(bytesToHex(env.keyInfo.keyParameters), '01');
  assert.deepEqual(decodeSecurityControl(env.content[0]!), { suite: 1, authenticated: true, encrypted: true, broadcastKey: false });
  // The recipient checks the originator's signature on the ephemeral key, then agrees the key.
  const eph = verifyOnePassEphemeralKey(env.keyInfo.keyCipheredData, h(SIGNING_KEYS.client.publicKey));
  const key = agreeKey({ scheme: 'one-pass-diffie-hellman', ownPrivateKey: h(KEY_AGREEMENT_KEYS.server.privateKey), peerPublicKey: eph, partyUSystemTitle: CLIENT, partyVSystemTitle: SERVER });
  assert.equal(bytesToHex(key), ONE_PASS_TO_SERVER.derivedKey);
  // The ciphertext is the Table 133 ACCESS request under that key and IV = client title ‖ IC 0.
  const c = env.content.subarray(5, env.content.length - 12);
  assert.equal(bytesToHex(nodeCryptoProvider.aesGcmCtrOnly(key, h(SUITE1_SYSTEM_TITLES.client + '00000000'), c)), ACCESS_REQUEST_PLAIN);
  // The published tag does not verify under the AAD we (and Gurux) use, SC ‖ AK ‖ the general-ciphering
  // fields; no other AAD layout we tried reproduces it either, and Gurux's own test of this vector leaves
  // its assertion commented out. So the tag is the one part of this vector that is not pinned.
  assert.throws(
    () => unprotectGeneralCiphering(bytes, { key: { type: 'one-pass-diffie-hellman', recipientKeyAgreementPrivateKey: h(KEY_AGREEMENT_KEYS.server.privateKey), originatorSigningPublicKey: h(SIGNING_KEYS.client.publicKey) }, authenticationKey: AK }),
    isCode('AUTH_TAG_INVALID'),
  );
  // unprotectApdu does not agree keys: it points to unprotectGeneralCiphering.
  assert.throws(() => unprotectApdu(bytes, { encryptionKey: key, authenticationKey: AK }), isCode('SECURITY_POLICY'));
  for (let n = 0; n < bytes.length; n++) assert.throws(() => decodeCipheredApdu(bytes.subarray(0, n)), isCode('TRUNCATED'), `prefix ${n}`);
});

test('protectGeneralCiphering reproduces the Table 41 ciphertext; the static-unified one opens under the agreed key', () => {
  const common = {
    transactionId: h('0102030405060708'),
    originatorSystemTitle: CLIENT,
    recipientSystemTitle: SERVER,
    securityControl: decodeSecurityControl(0x31),
    invocationCounter: 0,
    authenticationKey: AK,
  };
  const onePass = protectGeneralCiphering(h(ACCESS_REQUEST_PLAIN), {
    ...common,
    key: {
      type: 'one-pass-diffie-hellman',
      recipientKeyAgreementPublicKey: h(KEY_AGREEMENT_KEYS.server.publicKey),
      originatorSigningPrivateKey: h(SIGNING_KEYS.client.privateKey),
      ephemeralKeyPair: { privateKey: h(ONE_PASS_TO_SERVER.clientEphemeralPrivateKey), publicKey: h(ONE_PASS_TO_SERVER.clientEphemeralPublicKey) },
    },
  });
  const published = h(TABLE_41_GENERAL_CIPHERING);
  assert.equal(onePass.length, published.length);
  // Everything up to the ephemeral public key, and the whole ciphertext, match; the ECDSA signature is randomised.
  const keyStart = 1 + 9 + 9 + 9 + 1 + 1 + 2 + 2 + 2;
  assert.equal(bytesToHex(onePass.subarray(0, keyStart + 64)), bytesToHex(published.subarray(0, keyStart + 64)));
  const cStart = keyStart + 128 + 2 + 5;
  assert.equal(bytesToHex(onePass.subarray(0, cStart).subarray(keyStart + 128)), bytesToHex(published.subarray(keyStart + 128, cStart)));
  assert.equal(bytesToHex(onePass.subarray(cStart, published.length - 12)), bytesToHex(published.subarray(cStart, published.length - 12)));

  // Static unified ("Page 502"): the recipient agrees Gurux's key and deciphers the published C to Table 133.
  const statKey = agreeKey({
    scheme: 'static-unified-model',
    ownPrivateKey: h(KEY_AGREEMENT_KEYS.server.privateKey),
    peerPublicKey: h(KEY_AGREEMENT_KEYS.client.publicKey),
    partyUSystemTitle: CLIENT,
    partyVSystemTitle: SERVER,
    transactionId: h(STATIC_UNIFIED.transactionId),
  });
  const published2 = h(STATIC_UNIFIED.cipheredText);
  const c2 = published2.subarray(0, published2.length - 12);
  assert.equal(bytesToHex(nodeCryptoProvider.aesGcmCtrOnly(statKey, h(SUITE1_SYSTEM_TITLES.client + '00000000'), c2)), ACCESS_REQUEST_PLAIN);
  // Our static-unified envelope: agreed-key 02 without key-ciphered-data, SC 31, IC 0.
  const stat = protectGeneralCiphering(h(ACCESS_REQUEST_PLAIN), {
    ...common,
    key: { type: 'static-unified-model', originatorKeyAgreementPrivateKey: CLIENT_KEY_AGREEMENT.privateKey, recipientKeyAgreementPublicKey: h(KEY_AGREEMENT_KEYS.server.publicKey) },
  });
  const env = decodeCipheredApdu(stat);
  if (env.type !== 'general-ciphering') throw new Error('unexpected envelope');
  assert.deepEqual(env.keyInfo, { type: 'agreed-key', keyParameters: Uint8Array.of(2), keyCipheredData: new Uint8Array(0) });
  assert.equal(bytesToHex(env.content.subarray(0, 5)), '3100000000');
});

const SENDER_KEYS: ReadonlyArray<{ name: string; send: GeneralCipheringSenderKey; receive: GeneralCipheringRecipientKey; sc: number }> = [
  { name: 'no key-info', sc: 0x30, send: { type: 'none', encryptionKey: h('000102030405060708090A0B0C0D0E0F') }, receive: { type: 'none', encryptionKey: h('000102030405060708090A0B0C0D0E0F') } },
  {
    name: 'identified-key (broadcast)',
    sc: 0x31,
    send: { type: 'identified-key', keyId: 1, encryptionKey: h('0F0E0D0C0B0A09080706050403020100') },
    receive: { type: 'identified-key', encryptionKey: h('000102030405060708090A0B0C0D0E0F'), broadcastEncryptionKey: h('0F0E0D0C0B0A09080706050403020100') },
  },
  { name: 'wrapped-key', sc: 0x30, send: { type: 'wrapped-key', masterKey: h('101112131415161718191A1B1C1D1E1F') }, receive: { type: 'wrapped-key', masterKey: h('101112131415161718191A1B1C1D1E1F') } },
  {
    name: 'one-pass Diffie-Hellman',
    sc: 0x31,
    send: { type: 'one-pass-diffie-hellman', recipientKeyAgreementPublicKey: h(KEY_AGREEMENT_KEYS.server.publicKey), originatorSigningPrivateKey: h(SIGNING_KEYS.client.privateKey) },
    receive: { type: 'one-pass-diffie-hellman', recipientKeyAgreementPrivateKey: h(KEY_AGREEMENT_KEYS.server.privateKey), originatorSigningPublicKey: h(SIGNING_KEYS.client.publicKey) },
  },
  {
    name: 'static unified model',
    sc: 0x31,
    send: { type: 'static-unified-model', originatorKeyAgreementPrivateKey: CLIENT_KEY_AGREEMENT.privateKey, recipientKeyAgreementPublicKey: h(KEY_AGREEMENT_KEYS.server.publicKey) },
    receive: { type: 'static-unified-model', recipientKeyAgreementPrivateKey: h(KEY_AGREEMENT_KEYS.server.privateKey), originatorKeyAgreementPublicKey: CLIENT_KEY_AGREEMENT.publicKey },
  },
];

test('general-ciphering round trip for every key-info kind; tampering and mismatches are refused', () => {
  const plain = h('C0010000080000010000FF0200');
  for (const k of SENDER_KEYS) {
    const bytes = protectGeneralCiphering(plain, {
      transactionId: h('0000000000000007'),
      originatorSystemTitle: CLIENT,
      recipientSystemTitle: SERVER,
      dateTime: h('07E6010101000000FF800000'),
      securityControl: decodeSecurityControl(k.sc),
      invocationCounter: 7,
      authenticationKey: AK,
      key: k.send,
    });
    const opened = unprotectGeneralCiphering(bytes, { key: k.receive, authenticationKey: AK, policy: { requireAuthentication: true } });
    assert.equal(bytesToHex(opened.plaintext), bytesToHex(plain), k.name);
    assert.equal(opened.invocationCounter, 7, k.name);
    // A changed header field: in suite 1 the fields are in the AAD; with agreed keys they also change the key.
    const dt = bytes.indexOf(0x0c, 1 + 9 + 9 + 9);
    const changed = Uint8Array.from(bytes);
    flipBits(changed, dt + 1, 0x01);
    if (k.sc === 0x31) assert.throws(() => unprotectGeneralCiphering(changed, { key: k.receive, authenticationKey: AK }), isCode('AUTH_TAG_INVALID'), k.name);
    // Any other accepted kind is refused before any key work.
    const other = SENDER_KEYS.find((o) => o.receive.type !== k.receive.type)!;
    assert.throws(() => unprotectGeneralCiphering(bytes, { key: other.receive, authenticationKey: AK }), isCode('SECURITY_POLICY'), k.name);
  }
  // A forged ephemeral key signature, and the wrong recipient key.
  const onePass = SENDER_KEYS[3]!;
  const bytes = protectGeneralCiphering(plain, { transactionId: h('01'), originatorSystemTitle: CLIENT, recipientSystemTitle: SERVER, securityControl: decodeSecurityControl(0x31), invocationCounter: 1, authenticationKey: AK, key: onePass.send });
  const sigAt = 1 + 2 + 9 + 9 + 1 + 1 + 2 + 2 + 2 + 64;
  const forged = Uint8Array.from(bytes);
  flipBits(forged, sigAt + 5, 0x01);
  assert.throws(() => unprotectGeneralCiphering(forged, { key: onePass.receive, authenticationKey: AK }), isCode('SIGNATURE_INVALID'));
  assert.throws(
    () => unprotectGeneralCiphering(bytes, { key: { ...onePass.receive, recipientKeyAgreementPrivateKey: CLIENT_KEY_AGREEMENT.privateKey } as GeneralCipheringRecipientKey, authenticationKey: AK }),
    isCode('AUTH_TAG_INVALID'),
  );
  // Key agreement needs suite 1.
  assert.throws(
    () => protectGeneralCiphering(plain, { transactionId: h('01'), originatorSystemTitle: CLIENT, recipientSystemTitle: SERVER, securityControl: decodeSecurityControl(0x30), invocationCounter: 1, authenticationKey: AK, key: onePass.send }),
    isCode('SECURITY_POLICY'),
  );
  const suite0 = Uint8Array.from(bytes);
  suite0[bytes.length - 1 - 12 - plain.length - 4] = 0x30;
  assert.throws(() => unprotectGeneralCiphering(suite0, { key: onePass.receive, authenticationKey: AK }), isCode('SECURITY_POLICY'));
  // identified-key with the broadcast key-id but no broadcast key at the recipient.
  const broadcast = SENDER_KEYS[1]!;
  const bBytes = protectGeneralCiphering(plain, { transactionId: h('01'), originatorSystemTitle: CLIENT, recipientSystemTitle: SERVER, securityControl: decodeSecurityControl(0x31), invocationCounter: 1, authenticationKey: AK, key: broadcast.send });
  assert.throws(() => unprotectGeneralCiphering(bBytes, { key: { type: 'identified-key', encryptionKey: h('000102030405060708090A0B0C0D0E0F') }, authenticationKey: AK }), isCode('KEY_INVALID'));
  // unprotectApdu opens identified-key general-ciphering too.
  assert.equal(bytesToHex(unprotectApdu(bBytes, { encryptionKey: AK, broadcastEncryptionKey: h('0F0E0D0C0B0A09080706050403020100'), authenticationKey: AK }).plaintext), bytesToHex(plain));
});

test('two parties agree on the same key with fresh key pairs (every scheme)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.uint8Array({ minLength: 1, maxLength: 16 }), (u, v, tid) => {
      const a = generateEcP256KeyPair();
      const b = generateEcP256KeyPair();
      assert.equal(bytesToHex(ecP256PublicKey(a.privateKey)), bytesToHex(a.publicKey));
      for (const scheme of ['ephemeral-unified-model', 'one-pass-diffie-hellman', 'static-unified-model'] as const) {
        const common = { scheme, partyUSystemTitle: u, partyVSystemTitle: v, transactionId: tid };
        const ka = agreeKey({ ...common, ownPrivateKey: a.privateKey, peerPublicKey: b.publicKey });
        const kb = agreeKey({ ...common, ownPrivateKey: b.privateKey, peerPublicKey: a.publicKey });
        assert.equal(bytesToHex(ka), bytesToHex(kb));
        assert.equal(ka.length, 16);
        // A changed byte anywhere in the inputs gives another key.
        const v2 = Uint8Array.from(v);
        flipBits(v2, 0, 1);
        assert.notEqual(bytesToHex(agreeKey({ ...common, partyVSystemTitle: v2, ownPrivateKey: a.privateKey, peerPublicKey: b.publicKey })), bytesToHex(ka));
      }
    }),
    { numRuns: 20 },
  );
});

test('general-signing: sign and verify; any change, a wrong key or a malformed signature is SIGNATURE_INVALID', () => {
  const fields = { transactionId: h('0102030405060708'), originatorSystemTitle: CLIENT, recipientSystemTitle: SERVER, content: h(ACCESS_REQUEST_PLAIN) };
  const bytes = signGeneralSigning(fields, h(SIGNING_KEYS.client.privateKey));
  const env = verifyGeneralSigning(bytes, h(SIGNING_KEYS.client.publicKey));
  assert.equal(bytesToHex(env.content), ACCESS_REQUEST_PLAIN);
  assert.equal(bytesToHex(encodeCipheredApdu(env)), bytesToHex(bytes));
  assert.throws(() => verifyGeneralSigning(bytes, OTHER_SIGNING.publicKey), isCode('SIGNATURE_INVALID'));
  // Flip one bit in every byte: either the structure breaks (a typed decode error) or the signature fails.
  for (let i = 0; i < bytes.length; i++) {
    const t = Uint8Array.from(bytes);
    flipBits(t, i, 0x04);
    assert.throws(() => verifyGeneralSigning(t, h(SIGNING_KEYS.client.publicKey)), isCode('SIGNATURE_INVALID', 'TRUNCATED', 'TRAILING_BYTES', 'INVALID_LENGTH', 'UNSUPPORTED_TAG', 'SECURITY_POLICY'), `byte ${i}`);
  }
  // Only the signature and content bytes are pure SIGNATURE_INVALID cases.
  const last = Uint8Array.from(bytes);
  flipBits(last, last.length - 1, 0x80);
  assert.throws(() => verifyGeneralSigning(last, h(SIGNING_KEYS.client.publicKey)), isCode('SIGNATURE_INVALID'));
  const short = encodeCipheredApdu({ ...env, signature: env.signature.subarray(0, 63) });
  assert.throws(() => verifyGeneralSigning(short, h(SIGNING_KEYS.client.publicKey)), isCode('SIGNATURE_INVALID'));
  assert.throws(() => unprotectApdu(bytes, { encryptionKey: AK }), isCode('SECURITY_POLICY'));
  assert.throws(() => verifyGeneralSigning(h(TABLE_41_GENERAL_CIPHERING), h(SIGNING_KEYS.client.publicKey)), isCode('SECURITY_POLICY'));
});

test('a provider can pin the ephemeral key and randomness (the interface is the only path to crypto)', () => {
  const pinned: DlmsCryptoProvider = {
    ...nodeCryptoProvider,
    p256GenerateKeyPair: () => ({ privateKey: h(ONE_PASS_TO_SERVER.clientEphemeralPrivateKey), publicKey: h(ONE_PASS_TO_SERVER.clientEphemeralPublicKey) }),
    randomBytes: (n) => new Uint8Array(n).fill(0xa5),
  };
  const bytes = protectGeneralCiphering(h('C0010000080000010000FF0200'), {
    transactionId: h('01'),
    originatorSystemTitle: CLIENT,
    recipientSystemTitle: SERVER,
    securityControl: decodeSecurityControl(0x31),
    invocationCounter: 1,
    authenticationKey: AK,
    key: { type: 'one-pass-diffie-hellman', recipientKeyAgreementPublicKey: h(KEY_AGREEMENT_KEYS.server.publicKey), originatorSigningPrivateKey: h(SIGNING_KEYS.client.privateKey) },
    provider: pinned,
  });
  assert.ok(bytesToHex(bytes).includes(ONE_PASS_TO_SERVER.clientEphemeralPublicKey));
  const wrapped = protectGeneralCiphering(h('C0010000080000010000FF0200'), {
    transactionId: h('01'),
    originatorSystemTitle: CLIENT,
    recipientSystemTitle: SERVER,
    securityControl: decodeSecurityControl(0x30),
    invocationCounter: 1,
    authenticationKey: AK,
    key: { type: 'wrapped-key', masterKey: h('101112131415161718191A1B1C1D1E1F') },
    provider: pinned,
  });
  const env = decodeCipheredApdu(wrapped);
  if (env.type !== 'general-ciphering' || env.keyInfo?.type !== 'wrapped-key') throw new Error('unexpected envelope');
  assert.equal(bytesToHex(nodeCryptoProvider.aesKeyUnwrap(h('101112131415161718191A1B1C1D1E1F'), env.keyInfo.keyCipheredData)), 'A5'.repeat(16));
});
