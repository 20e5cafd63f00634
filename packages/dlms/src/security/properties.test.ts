import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeCipheredApdu,
  decodeSecurityControl,
  encodeCipheredApdu,
  SERVICE_CIPHERED_TAGS,
  protectApdu,
  unprotectApdu,
  unprotectGeneralCiphering,
  verifyGeneralSigning,
  verifyHlsGmacResponse,
} from './index.ts';
import type { CipheredApdu, ProtectionKind, SecurityControl, ServiceCipheredType, UnprotectOptions } from './index.ts';
import { DlmsError } from '../errors/index.ts';

const GUEK = Uint8Array.from({ length: 16 }, (_, i) => i);
const GBEK = Uint8Array.from({ length: 16 }, (_, i) => 0x40 + i);
const DEDICATED = Uint8Array.from({ length: 16 }, (_, i) => 0x80 + i);
const AK = Uint8Array.from({ length: 16 }, (_, i) => 0xd0 + i);

/** Plain tags that have glo- and ded- forms (LN services and the SN/association APDUs). */
const SERVICE_PLAIN_TAGS = [0x01, 0x05, 0x06, 0x08, 0x0c, 0x0d, 0x0e, 0x16, 0x18, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc7];

const scArb = fc.record({
  suite: fc.constantFrom<0 | 1>(0, 1),
  ab: fc.constantFrom(0x10, 0x20, 0x30),
  broadcastKey: fc.boolean(),
});

function toSc(x: { suite: 0 | 1; ab: number; broadcastKey: boolean }): SecurityControl {
  return { suite: x.suite, authenticated: (x.ab & 0x10) !== 0, encrypted: (x.ab & 0x20) !== 0, broadcastKey: x.broadcastKey };
}

/** The key a sender uses for this kind and SC; `unprotectApdu` must pick the same one. */
function senderKey(kind: ProtectionKind, sc: SecurityControl): Uint8Array {
  if (kind === 'ded' || kind === 'general-ded') return DEDICATED;
  return sc.broadcastKey ? GBEK : GUEK;
}

const caseArb = fc.record({
  kind: fc.constantFrom<ProtectionKind>('glo', 'ded', 'general-glo', 'general-ded'),
  sc: scArb,
  plainTag: fc.constantFrom(...SERVICE_PLAIN_TAGS),
  body: fc.uint8Array({ maxLength: 80 }),
  systemTitle: fc.uint8Array({ minLength: 8, maxLength: 8 }),
  invocationCounter: fc.integer({ min: 0, max: 0xffffffff }),
});

interface Case {
  readonly kind: ProtectionKind;
  readonly sc: { suite: 0 | 1; ab: number; broadcastKey: boolean };
  readonly plainTag: number;
  readonly body: Uint8Array;
  readonly systemTitle: Uint8Array;
  readonly invocationCounter: number;
}

function build(c: Case) {
  const sc = toSc(c.sc);
  const plain = Uint8Array.of(c.plainTag, ...c.body);
  const bytes = protectApdu(plain, { kind: c.kind, securityControl: sc, systemTitle: c.systemTitle, invocationCounter: c.invocationCounter, encryptionKey: senderKey(c.kind, sc), authenticationKey: AK });
  const options: UnprotectOptions = { encryptionKey: GUEK, broadcastEncryptionKey: GBEK, dedicatedKey: DEDICATED, authenticationKey: AK, systemTitle: c.systemTitle };
  return { sc, plain, bytes, options };
}

test('protect → unprotect round-trips for SC 0x10/0x20/0x30, both key sets, suites 0 and 1, all four kinds', () => {
  fc.assert(
    fc.property(caseArb, (c) => {
      const { sc, plain, bytes, options } = build(c);
      const opened = unprotectApdu(bytes, options);
      assert.deepEqual(opened.plaintext, plain);
      assert.deepEqual(opened.securityControl, sc);
      assert.equal(opened.invocationCounter, c.invocationCounter);
      assert.deepEqual(opened.systemTitle, c.systemTitle);
      assert.deepEqual(decodeCipheredApdu(encodeCipheredApdu(opened.envelope)), opened.envelope);
    }),
    { numRuns: 500 },
  );
});

/**
 * Where a flipped bit lands in a ciphered APDU, and which errors are acceptable there. The
 * receiver passes `{ requireAuthentication: true }`, as a session with an authenticating policy
 * does.
 *
 * | region | acceptable codes | why |
 * |---|---|---|
 * | APDU tag | UNSUPPORTED_TAG, INVALID_VALUE, AUTH_TAG_INVALID, TRUNCATED, TRAILING_BYTES, INVALID_LENGTH, SECURITY_POLICY | the tag is not authenticated: it may become an unknown tag, another envelope whose layout no longer fits, another service whose plain tag differs (INVALID_VALUE), the glo/ded twin that selects another key (AUTH_TAG_INVALID), or general-signing/-ciphering (SECURITY_POLICY) |
 * | length fields, title length | TRUNCATED, TRAILING_BYTES, INVALID_LENGTH | the envelope no longer parses, or the system title is not 8 bytes |
 * | system title (general-*) | AUTH_TAG_INVALID | the title is part of the IV |
 * | SC bit 7 | COMPRESSION_UNSUPPORTED | |
 * | SC bit 4 (A) | SECURITY_POLICY | clearing A gives encryption-only (refused by the policy) or no protection at all; setting it on is impossible here, A is always set |
 * | SC bit 5 (E), bit 6 (key set) | AUTH_TAG_INVALID | SC is in the AAD; the key set also changes the key |
 * | SC bits 0–3 (suite) | AUTH_TAG_INVALID when the suite stays 0 or 1, else SECURITY_POLICY | |
 * | IC, ciphertext or clear text, tag | AUTH_TAG_INVALID | |
 */
test('a flipped bit anywhere in an authenticated ciphered APDU is refused with the code its position allows', () => {
  const authCase = caseArb.map((c) => ({ ...c, sc: { ...c.sc, ab: c.sc.ab === 0x20 ? 0x30 : c.sc.ab } }));
  fc.assert(
    fc.property(authCase, fc.nat(), fc.integer({ min: 0, max: 7 }), (c, pos, bit) => {
      const { bytes, options } = build(c);
      const i = pos % bytes.length;
      const general = c.kind === 'general-glo' || c.kind === 'general-ded';
      // Plaintexts stay below 128 bytes, so every length is one byte.
      const scAt = general ? 11 : 2;
      const flipped = Uint8Array.from(bytes);
      flipped[i] = (flipped[i] as number) ^ (1 << bit);
      let expected: readonly string[];
      if (i === 0) expected = ['UNSUPPORTED_TAG', 'INVALID_VALUE', 'AUTH_TAG_INVALID', 'TRUNCATED', 'TRAILING_BYTES', 'INVALID_LENGTH', 'SECURITY_POLICY'];
      else if (general && i === 1) expected = ['TRUNCATED', 'TRAILING_BYTES', 'INVALID_LENGTH'];
      else if (general && i < 10) expected = ['AUTH_TAG_INVALID'];
      else if (i === scAt - 1) expected = ['TRUNCATED', 'TRAILING_BYTES', 'INVALID_LENGTH'];
      else if (i === scAt) {
        const newSc = flipped[i] ?? 0;
        if (bit === 7) expected = ['COMPRESSION_UNSUPPORTED'];
        else if (bit === 4) expected = ['SECURITY_POLICY'];
        else if (bit === 5 || bit === 6) expected = ['AUTH_TAG_INVALID'];
        else expected = (newSc & 0x0f) <= 1 ? ['AUTH_TAG_INVALID'] : ['SECURITY_POLICY'];
      } else expected = ['AUTH_TAG_INVALID'];
      assert.throws(
        () => unprotectApdu(flipped, { ...options, policy: { requireAuthentication: true } }),
        (e: unknown) => e instanceof DlmsError && expected.includes(e.code),
        `byte ${i} bit ${bit} of ${c.kind}: expected one of ${expected.join(', ')}`,
      );
    }),
    { numRuns: 3000 },
  );
});

test('without a policy, clearing the A bit of an authenticated-and-encrypted APDU is NOT detected (why the policy exists)', () => {
  const { bytes, options } = build({ kind: 'glo', sc: { suite: 0, ab: 0x30, broadcastKey: false }, plainTag: 0xc0, body: new Uint8Array(12), systemTitle: new Uint8Array(8), invocationCounter: 1 });
  const downgraded = Uint8Array.from(bytes);
  downgraded[2] = 0x20;
  // The content is now read as encryption-only: no tag check, the old tag decrypts into 12 junk bytes.
  const opened = unprotectApdu(downgraded, options);
  assert.equal(opened.plaintext.length, 13 + 12);
  // …but the result says so: a caller without a policy can still see that no tag was checked.
  assert.equal(opened.authenticated, false);
  assert.equal(unprotectApdu(bytes, options).authenticated, true);
  assert.throws(() => unprotectApdu(downgraded, { ...options, policy: { requireAuthentication: true } }), (e: unknown) => e instanceof DlmsError && e.code === 'SECURITY_POLICY');
});

test('the compression bit is refused wherever SC is read', () => {
  fc.assert(
    fc.property(caseArb, (c) => {
      const { bytes, options } = build(c);
      const scAt = c.kind === 'general-glo' || c.kind === 'general-ded' ? 11 : 2;
      bytes[scAt] = (bytes[scAt] as number) | 0x80;
      assert.throws(() => unprotectApdu(bytes, options), (e: unknown) => e instanceof DlmsError && e.code === 'COMPRESSION_UNSUPPORTED' && e.offset === scAt);
    }),
    { numRuns: 200 },
  );
});

const bytesArb = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const serviceTypes = Object.keys(SERVICE_CIPHERED_TAGS) as ServiceCipheredType[];
const cipheredApduArb: fc.Arbitrary<CipheredApdu> = fc.oneof(
  fc.record({ type: fc.constantFrom(...serviceTypes), content: bytesArb(0, 300) }, { noNullPrototype: true }),
  fc.record({ type: fc.constantFrom('general-glo-ciphering' as const, 'general-ded-ciphering' as const), systemTitle: bytesArb(0, 10), content: bytesArb(0, 300) }, { noNullPrototype: true }),
  fc.record(
    {
      type: fc.constant('general-ciphering' as const),
      transactionId: bytesArb(0, 9),
      originatorSystemTitle: bytesArb(0, 9),
      recipientSystemTitle: bytesArb(0, 9),
      dateTime: bytesArb(0, 12),
      otherInformation: bytesArb(0, 4),
      keyInfo: fc.oneof(
        fc.record({ type: fc.constant('identified-key' as const), keyId: fc.constantFrom<0 | 1>(0, 1) }, { noNullPrototype: true }),
        fc.record({ type: fc.constant('wrapped-key' as const), kekId: fc.constant<0>(0), keyCipheredData: bytesArb(0, 40) }, { noNullPrototype: true }),
        fc.record({ type: fc.constant('agreed-key' as const), keyParameters: bytesArb(0, 2), keyCipheredData: bytesArb(0, 200) }, { noNullPrototype: true }),
      ),
      content: bytesArb(0, 300),
    },
    { requiredKeys: ['type', 'transactionId', 'originatorSystemTitle', 'recipientSystemTitle', 'dateTime', 'otherInformation', 'content'], noNullPrototype: true },
  ),
  fc.record({
    type: fc.constant('general-signing' as const),
    transactionId: bytesArb(0, 9),
    originatorSystemTitle: bytesArb(0, 9),
    recipientSystemTitle: bytesArb(0, 9),
    dateTime: bytesArb(0, 12),
    otherInformation: bytesArb(0, 4),
    content: bytesArb(0, 300),
    signature: bytesArb(0, 70),
  }, { noNullPrototype: true }),
);

test('envelopes: decode(encode(x)) deep-equals x', () => {
  fc.assert(
    fc.property(cipheredApduArb, (apdu) => {
      assert.deepEqual(decodeCipheredApdu(encodeCipheredApdu(apdu)), apdu);
    }),
    { numRuns: 1000 },
  );
});

test('random bytes through every decoder give a value or a DlmsError, never anything else', () => {
  const tags = [...Object.values(SERVICE_CIPHERED_TAGS), 0xdb, 0xdc, 0xdd, 0xdf];
  const input = fc.oneof(bytesArb(0, 64), fc.tuple(fc.constantFrom(...tags), bytesArb(0, 200)).map(([t, rest]) => Uint8Array.of(t, ...rest)));
  const onlyDlms = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      if (!(e instanceof DlmsError)) throw e;
    }
  };
  fc.assert(
    fc.property(input, (bytes) => {
      onlyDlms(() => decodeCipheredApdu(bytes));
      onlyDlms(() => unprotectApdu(bytes, { encryptionKey: GUEK, authenticationKey: AK, systemTitle: new Uint8Array(8) }));
      onlyDlms(() => unprotectGeneralCiphering(bytes, { key: { type: 'none', encryptionKey: GUEK }, authenticationKey: AK }));
      onlyDlms(() => verifyGeneralSigning(bytes, new Uint8Array(64)));
      onlyDlms(() => verifyHlsGmacResponse({ peerSystemTitle: new Uint8Array(8), challenge: new Uint8Array(8), response: bytes, encryptionKey: GUEK, authenticationKey: AK }));
      onlyDlms(() => decodeSecurityControl(bytes[0] ?? 0));
    }),
    { numRuns: 3000 },
  );
});
