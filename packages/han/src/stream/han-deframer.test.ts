import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DlmsError, addLlc, bytesToHex, concatBytes, decodeXdlmsApdu, encodeHdlcFrame, hexToBytes } from '@openams/dlms';
import type { HdlcFrame } from '@openams/dlms';
import { HanError } from '../errors/index.ts';
import { HanDeframer } from './index.ts';
import type { HanBareMode, HanDeframerEvent, HanDeframerOptions } from './index.ts';
import * as dlmsHan from '../../../dlms/test/fixtures/xdlms/han-push.ts';
import * as H from '../../test/fixtures/stream/hdlc-frames.ts';
import * as M from '../../test/fixtures/stream/mbus-frames.ts';
import * as B from '../../test/fixtures/stream/bare-apdus.ts';

// ---- helpers ----

const hex = (b: Uint8Array): string => bytesToHex(b);
/** Flip bits of one byte in place (a bit error on the line). */
const xor = (b: Uint8Array, at: number, mask: number): void => {
  b[at] = (b[at] as number) ^ mask;
};
const bytes = (h: string): Uint8Array => hexToBytes(h);

type Apdu = Extract<HanDeframerEvent, { type: 'apdu' }>;
type Err = Extract<HanDeframerEvent, { type: 'error' }>;
const apdus = (events: readonly HanDeframerEvent[]): Apdu[] => events.filter((e): e is Apdu => e.type === 'apdu');
const errors = (events: readonly HanDeframerEvent[]): Err[] => events.filter((e): e is Err => e.type === 'error');
const dropped = (events: readonly HanDeframerEvent[]): number => errors(events).reduce((n, e) => n + e.droppedBytes, 0);
const rawBytes = (events: readonly HanDeframerEvent[]): number => apdus(events).reduce((n, e) => n + e.raw.length, 0);

/** Feed `chunks`, then flush; the events of all calls in order. */
function run(chunks: readonly Uint8Array[], options?: HanDeframerOptions): HanDeframerEvent[] {
  const d = new HanDeframer(options);
  const out: HanDeframerEvent[] = [];
  for (const c of chunks) out.push(...d.push(c));
  out.push(...d.flush());
  assert.equal(d.buffered, 0);
  return out;
}
const whole = (b: Uint8Array, options?: HanDeframerOptions): HanDeframerEvent[] => run([b], options);
const bytewise = (b: Uint8Array, options?: HanDeframerOptions): HanDeframerEvent[] => run(Array.from(b, (_, i) => b.subarray(i, i + 1)), options);

/** mulberry32: a small seeded PRNG, so the long-capture test is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const randInt = (r: () => number, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

function randomChunks(b: Uint8Array, r: () => number, max = 300): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < b.length; ) {
    const n = r() < 0.05 ? randInt(r, 1, 4000) : randInt(r, 1, max);
    out.push(b.subarray(i, i + n));
    i += n;
  }
  return out;
}

/** The APDUs and, between consecutive APDUs, how many bytes were dropped (chunking-independent). */
function normalise(events: readonly HanDeframerEvent[]): string[] {
  const out: string[] = [];
  let gap = 0;
  for (const e of events) {
    if (e.type === 'error') gap += e.droppedBytes;
    else {
      out.push(`drop ${gap}`, `${e.framing} ${hex(e.apdu)}`);
      gap = 0;
    }
  }
  out.push(`drop ${gap}`);
  return out;
}

/** Every byte is in some event's raw or droppedBytes exactly once. */
function assertAccounted(events: readonly HanDeframerEvent[], total: number): void {
  assert.equal(rawBytes(events) + dropped(events), total, 'raw + dropped bytes = bytes pushed');
}

// ---- the published frames ----

/** An HDLC fixture and where its APDU starts (after header, HCS and LLC). */
const HDLC_GOOD: ReadonlyArray<readonly [string, string, number]> = [
  ['KAIFA_LIST1_FRAME (dlms fixtures)', dlmsHan.KAIFA_LIST1_FRAME, 12],
  ['KAMSTRUP_LIST2_FRAME (dlms fixtures)', dlmsHan.KAMSTRUP_LIST2_FRAME, 11],
  ['AIDON_SE_GH156_FRAME', H.AIDON_SE_GH156_FRAME, 12],
  ['AIDON_SE_GH143_FRAME', H.AIDON_SE_GH143_FRAME, 12],
  ['AIDON_NO_L3_GH1119_FRAME', H.AIDON_NO_L3_GH1119_FRAME, 12],
  ['KAMSTRUP_NO_L3_EM001_FRAME', H.KAMSTRUP_NO_L3_EM001_FRAME, 11],
  ['KAMSTRUP_NO_L2_HASS48_FRAME', H.KAMSTRUP_NO_L2_HASS48_FRAME, 11],
  ['KAIFA_NO_L2_GH180_FRAME', H.KAIFA_NO_L2_GH180_FRAME, 12],
  ['KAIFA_L1_7E_IN_PAYLOAD_FRAME', H.KAIFA_L1_7E_IN_PAYLOAD_FRAME, 12],
  ['AIDON_L1_7D_IN_PAYLOAD_FRAME', H.AIDON_L1_7D_IN_PAYLOAD_FRAME, 12],
];

/** The APDU of a two-segment (or more) DLMS M-Bus capture, joined by hand: data after STSAP/DTSAP. */
function mbusApdu(frames: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let p = 0; p < frames.length; ) {
    const l = frames[p + 1] as number;
    const len = l < 3 ? l + 256 : l;
    parts.push(frames.subarray(p + 9, p + 4 + len));
    p += len + 6;
  }
  return concatBytes(...parts);
}

const MBUS_GOOD: ReadonlyArray<readonly [string, string]> = [
  ['TINETZ_EXAMPLE_FRAMES', M.TINETZ_EXAMPLE_FRAMES],
  ['KAIFA_PL_GH905_FRAMES', M.KAIFA_PL_GH905_FRAMES],
  ['KAIFA_AT_GH433_FRAMES', M.KAIFA_AT_GH433_FRAMES],
  ['SAGEMCOM_AT_GH867_FRAMES', M.SAGEMCOM_AT_GH867_FRAMES],
  ['NETZNOE_EXAMPLE_FRAMES', M.NETZNOE_EXAMPLE_FRAMES],
];

/** A general-glo-ciphering APDU is exactly as long as its content length says. */
function assertWholeGeneralGloCiphering(apdu: Uint8Array): void {
  assert.equal(apdu[0], 0xdb);
  assert.equal(apdu[1], 8, 'system title of 8 bytes');
  let at = 10;
  let len = apdu[at++] as number;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (apdu[at++] as number);
  }
  assert.equal(apdu.length, at + len);
}

describe('HanDeframer: published frames', () => {
  for (const [name, frameHex, apduAt] of HDLC_GOOD) {
    test(`HDLC ${name}: one APDU, whole or byte by byte`, () => {
      const frame = bytes(frameHex);
      const expected = frame.subarray(apduAt, frame.length - 3);
      for (const events of [whole(frame), bytewise(frame)]) {
        assert.deepEqual(errors(events), []);
        const [ev] = apdus(events);
        assert.equal(apdus(events).length, 1);
        assert.ok(ev);
        assert.equal(ev.framing, 'hdlc');
        assert.equal(hex(ev.apdu), hex(expected));
        assert.equal(hex(ev.raw), hex(frame));
        assert.equal(decodeXdlmsApdu(ev.apdu).type, 'data-notification');
      }
    });
  }

  test('the Kaifa List 1 frame gives exactly the published APDU', () => {
    const [ev] = apdus(whole(bytes(dlmsHan.KAIFA_LIST1_FRAME)));
    assert.equal(hex(ev?.apdu ?? new Uint8Array()), dlmsHan.KAIFA_LIST1_APDU);
  });

  for (const [name, framesHex] of MBUS_GOOD) {
    test(`M-Bus ${name}: two segments joined into one general-glo-ciphering APDU`, () => {
      const frames = bytes(framesHex);
      for (const events of [whole(frames), bytewise(frames)]) {
        assert.deepEqual(errors(events), []);
        assert.equal(apdus(events).length, 1);
        const ev = apdus(events)[0] as Apdu;
        assert.equal(ev.framing, 'mbus');
        assert.equal(hex(ev.apdu), hex(mbusApdu(frames)));
        assert.equal(hex(ev.raw), hex(frames));
        assertWholeGeneralGloCiphering(ev.apdu);
      }
    });
  }

  test('TINETZ: the joined APDU is the one fneur/smart-meter-tirol prints', () => {
    const [ev] = apdus(whole(bytes(M.TINETZ_EXAMPLE_FRAMES)));
    assert.equal(hex(ev?.apdu ?? new Uint8Array()), hex(bytes(M.TINETZ_EXAMPLE_APDU)));
  });

  test('Sagemcom capture with L = 01 overflow: the lone last segment is dropped, nine APDUs follow', () => {
    const capture = bytes(M.SAGEMCOM_AT_L_OVERFLOW_STREAM);
    for (const events of [whole(capture), bytewise(capture)]) {
      const got = apdus(events);
      assert.equal(got.length, 9);
      for (const ev of got) {
        assert.equal(ev.apdu.length, 260);
        assert.equal(hex(ev.apdu.subarray(0, 10)), 'DB085341475905E6D9FD');
        assertWholeGeneralGloCiphering(ev.apdu);
      }
      const errs = errors(events);
      assert.equal(errs.length, 1);
      assert.equal(errs[0]?.error.code, 'TRUNCATED');
      assert.equal(errs[0]?.droppedBytes, 19);
      assertAccounted(events, capture.length);
    }
  });

  test('bare APDUs, one per message (bare: only)', () => {
    const list = [B.ISKRA_GH869_6_APDU, B.ISKRA_GH869_7_APDU, B.ISKRA_GH1072_3_APDU, dlmsHan.AIDON_LIST2_APDU, dlmsHan.KAIFA_LIST2_APDU, dlmsHan.KAMSTRUP_LIST1_APDU, M.TINETZ_EXAMPLE_APDU];
    for (const h of list) {
      const d = new HanDeframer({ bare: 'only' });
      const events = d.push(bytes(h));
      assert.deepEqual(errors(events), []);
      assert.equal(apdus(events).length, 1);
      assert.equal(apdus(events)[0]?.framing, 'raw');
      assert.equal(hex(apdus(events)[0]?.apdu ?? new Uint8Array()), hex(bytes(h)));
      assert.equal(d.buffered, 0);
    }
  });

  test('a bare APDU behind its LLC header loses the header', () => {
    const events = run([bytes(B.ISKRA_GH869_8_LLC_APDU)], { bare: 'only' });
    assert.equal(apdus(events).length, 1);
    assert.equal(hex(apdus(events)[0]?.apdu ?? new Uint8Array()), hex(bytes(B.ISKRA_GH869_8_LLC_APDU).subarray(3)));
    assert.equal(hex(apdus(events)[0]?.raw ?? new Uint8Array()), hex(bytes(B.ISKRA_GH869_8_LLC_APDU)));
  });

  test('bare APDUs back to back (bare: auto): each waits for the next start, the last for flush()', () => {
    const list = [B.ISKRA_GH869_6_APDU, B.ISKRA_GH869_8_LLC_APDU, B.ISKRA_GH869_7_APDU, dlmsHan.AIDON_LIST1_APDU, B.ISKRA_GH1072_3_APDU].map(bytes);
    const d = new HanDeframer();
    const seen: string[] = [];
    for (const [i, a] of list.entries()) {
      const events = d.push(a);
      assert.deepEqual(errors(events), []);
      // The APDU pushed last is held until the next one shows its start.
      assert.equal(apdus(events).length, i === 0 ? 0 : 1);
      seen.push(...apdus(events).map((e) => hex(e.raw)));
    }
    seen.push(...apdus(d.flush()).map((e) => hex(e.raw)));
    assert.deepEqual(seen, list.map(hex));
    const capture = concatBytes(...list);
    assert.deepEqual(normalise(whole(capture)), normalise(bytewise(capture)));
  });
});

// ---- rejections ----

describe('HanDeframer: corrupted captures are reported, never emitted', () => {
  const cases: ReadonlyArray<readonly [string, string, HanError['code']]> = [
    ['KAMSTRUP_BAD_FCS_GH175_FRAME', H.KAMSTRUP_BAD_FCS_GH175_FRAME, 'CHECKSUM_MISMATCH'],
    ['KAMSTRUP_DK_BAD_FCS_GH244_FRAME', H.KAMSTRUP_DK_BAD_FCS_GH244_FRAME, 'CHECKSUM_MISMATCH'],
    ['AIDON_OSS_CRLF_FRAME (LF→CRLF)', H.AIDON_OSS_CRLF_FRAME, 'CHECKSUM_MISMATCH'],
    ['KAMSTRUP_TRUNCATED_EM001_FRAME', H.KAMSTRUP_TRUNCATED_EM001_FRAME, 'TRUNCATED'],
    ['AIDON_SE_TRUNCATED_GH146_FRAME', H.AIDON_SE_TRUNCATED_GH146_FRAME, 'TRUNCATED'],
    ['ISKRA_FIRST_SEGMENT_GH1072_FRAME (no last segment)', H.ISKRA_FIRST_SEGMENT_GH1072_FRAME, 'TRUNCATED'],
    ['KAIFA_AT_FIRST_SEGMENT_GH539_FRAME (no last segment)', M.KAIFA_AT_FIRST_SEGMENT_GH539_FRAME, 'TRUNCATED'],
    ['KAIFA_AT_ORPHAN_LAST_SEGMENT_GH539_FRAME', M.KAIFA_AT_ORPHAN_LAST_SEGMENT_GH539_FRAME, 'TRUNCATED'],
  ];
  for (const [name, h, code] of cases) {
    test(`${name}: ${code}, every byte counted, and the next good frame still comes out`, () => {
      const bad = bytes(h);
      const events = whole(bad);
      assert.deepEqual(apdus(events), []);
      assert.equal(errors(events)[0]?.error.code, code);
      assert.ok(errors(events)[0]?.error instanceof HanError);
      assert.equal(dropped(events), bad.length);

      const good = bytes(H.KAMSTRUP_NO_L2_HASS48_FRAME);
      const goodMbus = bytes(M.NETZNOE_EXAMPLE_FRAMES);
      for (const next of [good, goodMbus]) {
        const capture = concatBytes(bad, next);
        for (const ev of [whole(capture), bytewise(capture)]) {
          assert.deepEqual(apdus(ev).map((e) => hex(e.raw)), [hex(next)]);
          assert.equal(dropped(ev), bad.length);
        }
      }
    });
  }

  test('a bad FCS is CHECKSUM_MISMATCH with the DlmsError as cause', () => {
    const [err] = errors(whole(bytes(H.KAMSTRUP_BAD_FCS_GH175_FRAME)));
    assert.ok(err?.error.cause instanceof DlmsError);
    assert.equal(err.error.cause.code, 'FCS_MISMATCH');
  });

  test('a bad HCS is CHECKSUM_MISMATCH with an HCS_MISMATCH cause', () => {
    const frame = bytes(H.KAIFA_NO_L2_GH180_FRAME);
    xor(frame, 7, 0x01);
    const [err] = errors(whole(frame));
    assert.equal(err?.error.code, 'CHECKSUM_MISMATCH');
    assert.ok(err.error.cause instanceof DlmsError);
    assert.equal(err.error.cause.code, 'HCS_MISMATCH');
  });

  test('every single-bit error in an HDLC frame or an M-Bus pair is caught (parity errors on the line)', () => {
    const good = bytes(dlmsHan.KAMSTRUP_LIST2_FRAME);
    for (const h of [H.KAIFA_L1_7E_IN_PAYLOAD_FRAME, H.AIDON_L1_7D_IN_PAYLOAD_FRAME, M.KAIFA_AT_GH433_FRAMES]) {
      const original = bytes(h);
      for (let bit = 0; bit < original.length * 8; bit++) {
        const flipped = original.slice();
        xor(flipped, bit >> 3, 1 << (bit & 7));
        const events = whole(concatBytes(flipped, good));
        assert.deepEqual(
          apdus(events).map((e) => hex(e.raw)),
          [hex(good)],
          `bit ${bit} of ${h.slice(0, 20)}`,
        );
        assert.equal(dropped(events), flipped.length);
      }
    }
  });

  test('LF→CRLF mangling of every frame of a capture: mangled frames are dropped, untouched ones pass', () => {
    const frames = HDLC_GOOD.map(([, h]) => bytes(h));
    const mangle = (b: Uint8Array): Uint8Array => Uint8Array.from(Array.from(b).flatMap((x) => (x === 0x0a ? [0x0d, 0x0a] : [x])));
    const mangled = frames.map(mangle);
    const capture = concatBytes(...mangled);
    const expected = frames.filter((f, i) => mangled[i]?.length === f.length).map(hex);
    assert.ok(expected.length < frames.length, 'some fixtures contain 0x0A');
    for (const events of [whole(capture), bytewise(capture)]) {
      assert.deepEqual(apdus(events).map((e) => hex(e.raw)), expected);
      assertAccounted(events, capture.length);
    }
  });
});

// ---- framing details ----

const AIDON_APDU = bytes(H.AIDON_SE_GH156_FRAME).subarray(12, 578);
const hdlcFrame = (information: Uint8Array, segmented: boolean, control: HdlcFrame['control'] = { type: 'ui', pf: true }): Uint8Array =>
  encodeHdlcFrame({ segmented, destination: { upper: 0x20, size: 1 }, source: { upper: 4, lower: 0x41, size: 2 }, control, information });

/**
 * The Aidon 569-byte APDU of `AIDON_SE_GH156_FRAME` split into two UI frames the way an IEC
 * 62056-46 sender segments it (CONSTRUCTED here from the published APDU).
 */
function segmentedAidon(control?: (i: number) => HdlcFrame['control']): Uint8Array[] {
  const info = addLlc(AIDON_APDU, 'response');
  return [hdlcFrame(info.subarray(0, 300), true, control?.(0)), hdlcFrame(info.subarray(300), false, control?.(1))];
}

function mbusFrame(ci: number, data: Uint8Array): Uint8Array {
  const body = concatBytes(Uint8Array.of(0x53, 0xff, ci, 0x01, 0x67), data);
  const sum = body.reduce((s, x) => (s + x) & 0xff, 0);
  return concatBytes(Uint8Array.of(0x68, body.length & 0xff, body.length & 0xff, 0x68), body, Uint8Array.of(sum, 0x16));
}

describe('HanDeframer: framing details', () => {
  test('garbage before a frame (amshan test_hdlc.py start_read_in_frame)', () => {
    const frame = bytes(H.AIDON_L1_7D_IN_PAYLOAD_FRAME);
    for (const junk of ['C3', '0600001FC7CEC3']) {
      const events = whole(concatBytes(bytes(junk), frame));
      assert.equal(apdus(events).length, 1);
      assert.equal(errors(events).length, 1);
      assert.equal(errors(events)[0]?.error.code, 'FRAME_INVALID');
      assert.equal(errors(events)[0]?.droppedBytes, junk.length / 2);
    }
  });

  test('extra flags between frames are dropped bytes; a shared flag opens the next frame', () => {
    const a = bytes(H.KAIFA_L1_7E_IN_PAYLOAD_FRAME);
    const b = bytes(H.AIDON_L1_7D_IN_PAYLOAD_FRAME);
    const extra = whole(concatBytes(a, Uint8Array.of(0x7e, 0x7e), b));
    assert.equal(apdus(extra).length, 2);
    assert.equal(dropped(extra), 2);
    const shared = whole(concatBytes(a, b.subarray(1)));
    assert.deepEqual(apdus(shared).map((e) => hex(e.raw)), [hex(a), hex(b)]);
    assert.equal(dropped(shared), 0);
  });

  test('segmented HDLC (UI frames, no N(S)): joined into one APDU, raw holds both frames', () => {
    const segs = segmentedAidon();
    const capture = concatBytes(...segs);
    for (const events of [whole(capture), bytewise(capture)]) {
      assert.deepEqual(errors(events), []);
      assert.equal(apdus(events).length, 1);
      assert.equal(hex(apdus(events)[0]?.apdu ?? new Uint8Array()), hex(AIDON_APDU));
      assert.equal(hex(apdus(events)[0]?.raw ?? new Uint8Array()), hex(capture));
    }
  });

  test('segmented HDLC I-frames must follow N(S); a gap drops the APDU', () => {
    const ok = segmentedAidon((i) => ({ type: 'i', sendSequence: i, receiveSequence: 0, pf: true }));
    assert.equal(apdus(whole(concatBytes(...ok))).length, 1);
    const gap = segmentedAidon((i) => ({ type: 'i', sendSequence: i * 2, receiveSequence: 0, pf: true }));
    const events = whole(concatBytes(...gap));
    assert.deepEqual(apdus(events), []);
    assert.equal(errors(events)[0]?.error.code, 'TRUNCATED');
    assert.equal(dropped(events), gap[0]!.length + gap[1]!.length);
  });

  test('a lost segment never yields half an APDU', () => {
    const [first, last] = segmentedAidon() as [Uint8Array, Uint8Array];
    const next = bytes(H.KAMSTRUP_NO_L2_HASS48_FRAME);
    // Last segment lost: the first is dropped when the next APDU starts.
    const lostLast = whole(concatBytes(first, next));
    assert.deepEqual(apdus(lostLast).map((e) => hex(e.raw)), [hex(next)]);
    assert.equal(errors(lostLast)[0]?.error.code, 'TRUNCATED');
    // First segment corrupted: the last (no LLC) is not emitted on its own.
    const broken = first.slice();
    xor(broken, 100, 0x10);
    const lostFirst = whole(concatBytes(broken, last, next));
    assert.deepEqual(apdus(lostFirst).map((e) => hex(e.raw)), [hex(next)]);
    assertAccounted(lostFirst, broken.length + last.length + next.length);
    // Noise between the segments may hide a lost segment: the APDU is dropped too.
    const noisy = whole(concatBytes(first, Uint8Array.of(0x00, 0x55), last, next));
    assert.deepEqual(apdus(noisy).map((e) => hex(e.raw)), [hex(next)]);
  });

  test('an HDLC frame without LLC is tolerated after a good frame, not after lost bytes', () => {
    const good = bytes(H.KAIFA_L1_7E_IN_PAYLOAD_FRAME);
    const bare = hdlcFrame(bytes(dlmsHan.AIDON_LIST1_APDU), false);
    const afterGood = whole(concatBytes(good, bare));
    assert.equal(apdus(afterGood).length, 2);
    assert.equal(hex(apdus(afterGood)[1]?.apdu ?? new Uint8Array()), hex(bytes(dlmsHan.AIDON_LIST1_APDU)));
    const afterNoise = whole(concatBytes(good, Uint8Array.of(0x42), bare));
    assert.equal(apdus(afterNoise).length, 1);
    assert.equal(dropped(afterNoise), 1 + bare.length);
  });

  test('a cut frame is dropped as soon as a complete frame starts inside it', () => {
    const long = bytes(H.AIDON_SE_GH156_FRAME);
    const next = bytes(H.KAIFA_L1_7E_IN_PAYLOAD_FRAME);
    const d = new HanDeframer();
    assert.deepEqual(d.push(long.subarray(0, 200)), []);
    const events = d.push(next);
    // Without waiting for the 381 bytes the first frame still claims.
    assert.deepEqual(apdus(events).map((e) => hex(e.raw)), [hex(next)]);
    assert.equal(errors(events)[0]?.error.code, 'TRUNCATED');
    assert.equal(errors(events)[0]?.droppedBytes, 200);
    // Only the closing flag stays, in case it opens a back-to-back frame.
    assert.equal(d.buffered, 1);
    assert.deepEqual(d.flush(), []);
  });

  test('M-Bus: single segment (CI 10), non-DLMS CI, bad checksum', () => {
    const apdu = bytes(dlmsHan.AIDON_LIST1_APDU);
    const single = mbusFrame(0x10, apdu);
    const ok = whole(single);
    assert.equal(hex(apdus(ok)[0]?.apdu ?? new Uint8Array()), hex(apdu));
    const wrongCi = whole(mbusFrame(0x72, apdu));
    assert.deepEqual(apdus(wrongCi), []);
    assert.equal(errors(wrongCi)[0]?.error.code, 'FRAME_INVALID');
    const badSum = single.slice();
    xor(badSum, badSum.length - 2, 0xff);
    const bad = whole(badSum);
    assert.deepEqual(apdus(bad), []);
    assert.equal(errors(bad)[0]?.error.code, 'CHECKSUM_MISMATCH');
    assert.equal(dropped(bad), badSum.length);
  });

  test('bare: off ignores bare APDUs, only ignores HDLC, auto stops looking once framing is seen', () => {
    const bare = bytes(B.ISKRA_GH869_7_APDU);
    const frame = bytes(H.KAIFA_L1_7E_IN_PAYLOAD_FRAME);
    assert.deepEqual(apdus(whole(bare, { bare: 'off' })), []);
    assert.equal(dropped(whole(bare, { bare: 'off' })), bare.length);
    assert.deepEqual(apdus(whole(frame, { bare: 'only' })), []);
    const auto = whole(concatBytes(bare, frame, bare));
    assert.deepEqual(apdus(auto).map((e) => e.framing), ['raw', 'hdlc']);
    assert.equal(dropped(auto), bare.length);
  });

  test('garbage is reported by the push that brought it, not only at the next frame', () => {
    const d = new HanDeframer();
    for (let i = 0; i < 3; i++) {
      const events = d.push(Uint8Array.from({ length: 50 }, (_, k) => (k * 37 + i) & 0x7f | 0x80));
      assert.equal(errors(events).length, 1);
      assert.equal(dropped(events), 50);
    }
  });

  test('bare (auto): an APDU followed by garbage is not accepted', () => {
    const events = whole(concatBytes(bytes(B.ISKRA_GH869_7_APDU), Uint8Array.of(0x12, 0x34, 0x56)));
    assert.deepEqual(apdus(events), []);
  });

  test('limits: oversized segmented APDUs are LIMIT_EXCEEDED, and options are checked', () => {
    const info = addLlc(new Uint8Array(200).fill(0x11), 'response');
    const segs = [hdlcFrame(info, true), hdlcFrame(new Uint8Array(100), false)];
    const events = whole(concatBytes(...segs), { maxApduSize: 250 });
    assert.deepEqual(apdus(events), []);
    assert.equal(errors(events)[0]?.error.code, 'LIMIT_EXCEEDED');
    const mbus = [mbusFrame(0x00, new Uint8Array(200)), mbusFrame(0x11, new Uint8Array(200))];
    const mEvents = whole(concatBytes(...mbus), { maxApduSize: 300 });
    assert.deepEqual(apdus(mEvents), []);
    assert.equal(errors(mEvents)[0]?.error.code, 'LIMIT_EXCEEDED');
    assert.throws(() => new HanDeframer({ maxApduSize: 10 }), (e: unknown) => e instanceof HanError && e.code === 'INVALID_VALUE');
    assert.throws(() => new HanDeframer({ bare: 'yes' as 'auto' }), (e: unknown) => e instanceof HanError && e.code === 'INVALID_VALUE');
  });
});

// ---- the acceptance test (issue 3) ----

/** A unit the meter sends in one go: an HDLC frame, or an M-Bus segment pair. */
interface Unit {
  readonly bytes: Uint8Array;
  readonly apdu: string;
  readonly framing: 'hdlc' | 'mbus';
}

const UNITS: readonly Unit[] = [
  ...HDLC_GOOD.map(([, h, at]) => {
    const b = bytes(h);
    return { bytes: b, apdu: hex(b.subarray(at, b.length - 3)), framing: 'hdlc' as const };
  }),
  ...MBUS_GOOD.map(([, h]) => ({ bytes: bytes(h), apdu: hex(mbusApdu(bytes(h))), framing: 'mbus' as const })),
  { bytes: concatBytes(...segmentedAidon()), apdu: hex(AIDON_APDU), framing: 'hdlc' },
];

/**
 * A long capture: `n` real frames in a row, some intact, some duplicated, some behind noise, and
 * some truncated, bit-flipped, LF→CRLF-mangled or missing a segment. Returns the bytes and the
 * APDUs that must come out (the intact units, in order).
 */
function longCapture(seed: number, n: number, units: readonly Unit[]): { capture: Uint8Array; expected: string[]; corrupted: number } {
  const r = prng(seed);
  const parts: Uint8Array[] = [];
  const expected: string[] = [];
  let corrupted = 0;
  for (let i = 0; i < n; i++) {
    const u = units[randInt(r, 0, units.length - 1)] as Unit;
    const x = r();
    if (x < 0.6) {
      parts.push(u.bytes);
      expected.push(u.apdu);
    } else if (x < 0.67) {
      parts.push(u.bytes, u.bytes); // duplicated
      expected.push(u.apdu, u.apdu);
    } else if (x < 0.77) {
      const noise = Uint8Array.from({ length: randInt(r, 1, 40) }, () => randInt(r, 0, 255));
      parts.push(noise, u.bytes);
      expected.push(u.apdu);
    } else if (x < 0.84) {
      // Truncated: at least the closing flag or stop byte and one more byte are lost.
      parts.push(u.bytes.subarray(0, randInt(r, 1, u.bytes.length - 2)));
      corrupted++;
    } else if (x < 0.91) {
      const flipped = u.bytes.slice();
      const bit = randInt(r, 0, flipped.length * 8 - 1);
      xor(flipped, bit >> 3, 1 << (bit & 7));
      parts.push(flipped);
      corrupted++;
    } else if (x < 0.96) {
      const mangled = Uint8Array.from(Array.from(u.bytes).flatMap((b) => (b === 0x0a ? [0x0d, 0x0a] : [b])));
      parts.push(mangled);
      if (mangled.length === u.bytes.length) expected.push(u.apdu); // no 0A: untouched
      else corrupted++;
    } else {
      // A multi-frame unit loses one frame; a single frame is simply lost.
      const frames = splitFrames(u);
      if (frames.length > 1) {
        const lost = randInt(r, 0, frames.length - 1);
        parts.push(...frames.filter((_, k) => k !== lost));
        corrupted++;
      }
    }
  }
  return { capture: concatBytes(...parts), expected, corrupted };
}

/** The frames of a unit (M-Bus pairs and the constructed HDLC pair have two). */
function splitFrames(u: Unit): Uint8Array[] {
  const out: Uint8Array[] = [];
  const b = u.bytes;
  for (let p = 0; p < b.length; ) {
    let len: number;
    if (u.framing === 'mbus') {
      const l = b[p + 1] as number;
      len = (l < 3 ? l + 256 : l) + 6;
    } else {
      len = ((((b[p + 1] as number) & 7) << 8) | (b[p + 2] as number)) + 2;
    }
    out.push(b.subarray(p, p + len));
    p += len;
  }
  return out;
}

describe('HanDeframer: a long noisy capture (issue 3 acceptance)', () => {
  const { capture, expected, corrupted } = longCapture(20260703, 600, UNITS);

  test('every intact frame comes out exactly once, in order; every corrupted one is reported, never emitted', () => {
    assert.ok(expected.length > 400 && corrupted > 80, `${expected.length} intact, ${corrupted} corrupted`);
    const r = prng(7);
    const events = run(randomChunks(capture, r));
    assert.deepEqual(
      apdus(events).map((e) => `${e.framing} ${hex(e.apdu)}`),
      expected.map((a) => `${a.startsWith('DB') ? 'mbus' : 'hdlc'} ${a}`),
    );
    assert.ok(errors(events).length >= corrupted / 2);
    for (const e of errors(events)) assert.ok(e.error instanceof HanError && e.droppedBytes > 0);
    assertAccounted(events, capture.length);
  });

  test('byte-by-byte, random chunks and whole-buffer feeding give the same APDUs and drop counts', () => {
    const reference = normalise(whole(capture));
    assert.deepEqual(normalise(bytewise(capture)), reference);
    for (const seed of [1, 2, 3]) assert.deepEqual(normalise(run(randomChunks(capture, prng(seed), 50))), reference);
  });

  test('a bare-APDU capture (bare: auto) feeds the same whole, byte by byte and in chunks', () => {
    const list = [B.ISKRA_GH869_6_APDU, B.ISKRA_GH869_7_APDU, B.ISKRA_GH869_8_LLC_APDU, B.ISKRA_GH1072_3_APDU, dlmsHan.AIDON_LIST2_APDU, dlmsHan.KAIFA_LIST2_APDU].map(bytes);
    const r = prng(99);
    const parts = Array.from({ length: 300 }, () => list[randInt(r, 0, list.length - 1)] as Uint8Array);
    const bare = concatBytes(...parts);
    const reference = whole(bare);
    assert.equal(apdus(reference).length, 300);
    assert.deepEqual(errors(reference), []);
    assert.deepEqual(normalise(bytewise(bare)), normalise(reference));
    assert.deepEqual(normalise(run(randomChunks(bare, prng(5)))), normalise(reference));
  });

  test('replaying a long capture is linear: 2 MB of frames and garbage in well under a second per MB', () => {
    const big = concatBytes(...Array.from({ length: 8 }, () => capture));
    const garbage = Uint8Array.from({ length: 1 << 20 }, (_, i) => (Math.imul(i, 2654435761) >>> 13) & 0xff);
    const t0 = performance.now();
    const d = new HanDeframer();
    let n = 0;
    for (const b of [big, garbage]) for (let i = 0; i < b.length; i += 4096) n += apdus(d.push(b.subarray(i, i + 4096))).length;
    d.flush();
    const ms = performance.now() - t0;
    assert.equal(n, expected.length * 8);
    assert.ok(ms < 4000, `${ms.toFixed(0)} ms for ${((big.length + garbage.length) / 1e6).toFixed(1)} MB`);
  });
});

// ---- properties ----

describe('HanDeframer: properties', () => {
  /** The most any push may leave held: the largest HDLC frame or bare APDU, plus a few follower bytes. */
  const BOUND = 4096 + 8;

  test('random bytes in random chunks never throw, stay bounded and are all accounted for', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 6000 }),
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 20 }),
        fc.constantFrom<HanBareMode>('auto', 'off', 'only'),
        (input, sizes, bare) => {
          const d = new HanDeframer({ bare });
          const events: HanDeframerEvent[] = [];
          for (let i = 0, k = 0; i < input.length; k++) {
            const n = sizes[k % sizes.length] as number;
            events.push(...d.push(input.subarray(i, i + n)));
            assert.ok(d.buffered <= BOUND, `buffered ${d.buffered}`);
            i += n;
          }
          events.push(...d.flush());
          assert.equal(d.buffered, 0);
          for (const e of errors(events)) assert.ok(!e.error.message.includes('internal'), e.error.message);
          assertAccounted(events, input.length);
        },
      ),
      { numRuns: 300, seed: 3 },
    );
  });

  test('mutated real captures never throw and are all accounted for', () => {
    const base = longCapture(11, 40, UNITS).capture;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 30 }),
        fc.integer({ min: 1, max: 512 }),
        (edits, chunk) => {
          const input = base.slice();
          for (const [at, v] of edits) input[at] = v;
          const d = new HanDeframer();
          const events: HanDeframerEvent[] = [];
          for (let i = 0; i < input.length; i += chunk) {
            events.push(...d.push(input.subarray(i, i + chunk)));
            assert.ok(d.buffered <= BOUND);
          }
          events.push(...d.flush());
          for (const e of errors(events)) assert.ok(!e.error.message.includes('internal'), e.error.message);
          assertAccounted(events, input.length);
        },
      ),
      { numRuns: 200, seed: 4 },
    );
  });

  test('random noise does not produce bare APDUs', () => {
    let found = 0;
    const r = prng(123);
    for (let k = 0; k < 200; k++) {
      const noise = Uint8Array.from({ length: 10000 }, () => randInt(r, 0, 255));
      found += apdus(whole(noise)).length + apdus(whole(noise, { bare: 'only' })).length;
    }
    assert.equal(found, 0);
  });

  test('adversarial false starts stay bounded', () => {
    for (const pattern of ['7EA7FF', '68FFFF68', '0F4000000000010182FFFF', 'DB0811223344556677888400FFFFFF']) {
      const p = bytes(pattern);
      const d = new HanDeframer();
      let max = 0;
      for (let i = 0; i < 200; i++) {
        d.push(p);
        max = Math.max(max, d.buffered);
      }
      assert.ok(max <= BOUND, `${pattern}: ${max}`);
      assert.equal(d.flush().filter((e) => e.type === 'apdu').length, 0);
    }
  });
});
