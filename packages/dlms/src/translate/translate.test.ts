import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatTranslation, translate, translationToJson } from './index.ts';
import { bytesToHex, hexToBytes } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';
import { encodeWrapperFrame } from '../wrapper/index.ts';
import { CAPTURED_SESSION } from '../../test/fixtures/hdlc/captured-session.ts';
import { SUITE0_FIXTURES, SUITE0_KEYS } from '../../test/fixtures/security/green-book-suite0.ts';
import { HAN_PUSHES } from '../../test/fixtures/security/han-push.ts';
import { AARQ_OVER_WRAPPER } from '../../test/fixtures/wrapper/aarq-over-wrapper.ts';

const u = (h: string) => hexToBytes(h);
const frame = (name: string) => CAPTURED_SESSION.find((f) => f.name === name)!.hex;
const keys = {
  encryptionKey: u(SUITE0_KEYS.encryptionKey),
  authenticationKey: u(SUITE0_KEYS.authenticationKey),
  systemTitle: u(SUITE0_KEYS.systemTitle),
};
const gb30 = SUITE0_FIXTURES.find((f) => f.securityControl === 0x30)!;

test('auto-detects an HDLC frame, strips the LLC and decodes the APDU', () => {
  const t = translate(u(frame('get profile by range')));
  assert.deepEqual(t.layers.map((l) => l.layer), ['hdlc', 'apdu']);
  assert.equal(t.apdu?.type, 'get-request-normal');
  const text = formatTranslation(t);
  assert.match(text, /classId: 7 \(Profile generic\)/);
  assert.match(text, /attributeId: 2 \(buffer\)/);
  assert.match(text, /octet-string 07E4040EFF000000FF8000FF {2}\(2020-04-14 00:00:00, deviation not specified\)/);
  assert.match(text, /as OBIS 0-0:1\.0\.0\.255: Clock/);
});

test('segmented HDLC frames given together are reassembled into one APDU', () => {
  const t = translate(u(frame('segment 1 of capture objects') + frame('segment 2 of capture objects')));
  assert.equal(t.layers[0]?.layer === 'hdlc' && t.layers[0].frames.length, 2);
  assert.equal(t.apdu?.type, 'get-response-normal');
  assert.throws(() => translate(u(frame('segment 1 of capture objects'))), (e: unknown) => e instanceof DlmsError && e.code === 'TRUNCATED');
});

test('SNRM/UA frames show their link parameters; an RR frame has no APDU', () => {
  const snrm = translate(u(frame('snrm with parameters')));
  assert.equal(snrm.layers[0]?.layer === 'hdlc' && snrm.layers[0].parameters?.maxInfoTransmit, 128);
  assert.equal(snrm.apdu, undefined);
  const rr = translate(u(frame('rr')));
  assert.deepEqual(rr.layers.map((l) => l.layer), ['hdlc']);
  assert.match(formatTranslation(rr), /RR N\(R\)=1 P\/F/);
});

test('wrapper frames and bare APDUs', () => {
  const w = translate(u(AARQ_OVER_WRAPPER));
  assert.deepEqual(w.layers.map((l) => l.layer), ['wrapper', 'apdu']);
  assert.equal(w.apdu?.type, 'aarq');
  const bare = translate(u(AARQ_OVER_WRAPPER).subarray(8));
  assert.deepEqual(bare.layers.map((l) => l.layer), ['apdu']);
});

test('ciphered APDUs: the envelope alone without keys, plaintext and APDU with them', () => {
  const without = translate(u(gb30.hex));
  assert.deepEqual(without.layers.map((l) => l.layer), ['ciphered']);
  assert.match(without.notes.join(' '), /--ek/);
  const withKeys = translate(u(gb30.hex), { keys });
  assert.deepEqual(withKeys.layers.map((l) => l.layer), ['ciphered', 'apdu']);
  assert.equal(withKeys.plaintext && bytesToHex(withKeys.plaintext), gb30.plain);
  const json = translationToJson(withKeys);
  assert.equal(json.plaintextHex, gb30.plain);
  assert.deepEqual(json.layers, ['ciphered', 'apdu']);
  // In a wrapper frame the same APDU is found and deciphered.
  const wrapped = translate(encodeWrapperFrame({ source: 1, destination: 0x10, apdu: u(gb30.hex) }), { keys });
  assert.deepEqual(wrapped.layers.map((l) => l.layer), ['wrapper', 'ciphered', 'apdu']);
});

test('general-glo-ciphering carries its own system title: an encrypted HAN push deciphers with only the key', () => {
  const push = HAN_PUSHES[0]!;
  const t = translate(u(push.hex), { keys: { encryptionKey: u(push.encryptionKey) } });
  assert.equal(t.apdu?.type, 'data-notification');
  assert.equal(t.plaintext && bytesToHex(t.plaintext), push.plain);
});

test('a wrong key is AUTH_TAG_INVALID, never a wrong plaintext', () => {
  assert.throws(
    () => translate(u(gb30.hex), { keys: { ...keys, encryptionKey: new Uint8Array(16) } }),
    (e: unknown) => e instanceof DlmsError && e.code === 'AUTH_TAG_INVALID',
  );
});

test('any input gives a translation or a DlmsError; the formatters never throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
      try {
        const t = translate(b, { keys });
        formatTranslation(t);
        JSON.stringify(translationToJson(t));
      } catch (e) {
        assert.ok(e instanceof DlmsError, String(e));
      }
    }),
    { numRuns: 3000 },
  );
});
