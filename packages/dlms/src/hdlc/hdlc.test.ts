import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  HdlcDeframer,
  HdlcReassembler,
  addLlc,
  crc16x25,
  decodeHdlcFrame,
  decodeHdlcParameters,
  encodeHdlcFrame,
  encodeHdlcParameters,
  negotiateHdlcParameters,
  segmentInformation,
  stripLlc,
} from './index.ts';
import type { HdlcDeframerEvent, HdlcFrame } from './index.ts';
import { bytesToHex, hexToBytes } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';
import { CAPTURED_SESSION, CAPTURE_OBJECTS_RESPONSE_PREFIX } from '../../test/fixtures/hdlc/captured-session.ts';

const isCode = (code: string) => (e: unknown) => e instanceof DlmsError && e.code === code;

test('CRC-16/X.25 check value', () => {
  assert.equal(crc16x25(new TextEncoder().encode('123456789')), 0x906e);
});

test('classic SNRM 7EA0070321930F017E: client 16 → server 1, both ways', () => {
  const frame: HdlcFrame = {
    segmented: false,
    destination: { upper: 1, size: 1 },
    source: { upper: 16, size: 1 },
    control: { type: 'snrm', pf: true },
    information: new Uint8Array(0),
  };
  assert.equal(bytesToHex(encodeHdlcFrame(frame)), '7EA0070321930F017E');
  assert.deepEqual(decodeHdlcFrame(hexToBytes('7EA0070321930F017E')), frame);
});

test('a captured meter session: every frame decodes with valid HCS/FCS and re-encodes byte for byte', () => {
  for (const f of CAPTURED_SESSION) {
    const bytes = hexToBytes(f.hex);
    const frame = decodeHdlcFrame(bytes);
    assert.equal(frame.control.type, f.control, f.name);
    assert.equal(frame.segmented, f.segmented, f.name);
    assert.equal(bytesToHex(encodeHdlcFrame(frame)), bytesToHex(bytes), f.name);
  }
});

test('captured frames: addresses, sequence numbers and LLC', () => {
  const aarq = decodeHdlcFrame(hexToBytes(CAPTURED_SESSION[2]!.hex));
  assert.deepEqual(aarq.destination, { upper: 1, size: 1 });
  assert.deepEqual(aarq.source, { upper: 1, size: 1 });
  assert.deepEqual(aarq.control, { type: 'i', sendSequence: 0, receiveSequence: 0, pf: true });
  const { apdu, llc } = stripLlc(aarq.information);
  assert.equal(llc, 'command');
  assert.equal(apdu[0], 0x60);
  const aare = decodeHdlcFrame(hexToBytes(CAPTURED_SESSION[3]!.hex));
  assert.equal(stripLlc(aare.information).llc, 'response');
  assert.deepEqual(aare.control, { type: 'i', sendSequence: 0, receiveSequence: 1, pf: true });
  assert.deepEqual(decodeHdlcFrame(hexToBytes(CAPTURED_SESSION[4]!.hex)).control, { type: 'rr', receiveSequence: 1, pf: true });
  assert.equal(bytesToHex(addLlc(apdu, 'command')), bytesToHex(aarq.information));
});

test('SNRM/UA parameters: decode, re-encode exactly, negotiate', () => {
  const snrm = decodeHdlcFrame(hexToBytes(CAPTURED_SESSION[0]!.hex));
  const proposed = decodeHdlcParameters(snrm.information);
  assert.equal(proposed.maxInfoTransmit, 128);
  assert.equal(proposed.windowReceive, 1);
  assert.deepEqual(proposed.widths, { maxInfoTransmit: 2, maxInfoReceive: 2, windowTransmit: 4, windowReceive: 4 });
  assert.equal(bytesToHex(encodeHdlcParameters(proposed)), bytesToHex(snrm.information));
  const ua = decodeHdlcFrame(hexToBytes(CAPTURED_SESSION[1]!.hex));
  const answered = decodeHdlcParameters(ua.information);
  assert.equal(bytesToHex(encodeHdlcParameters(answered)), bytesToHex(ua.information));
  assert.equal(bytesToHex(encodeHdlcParameters({ maxInfoTransmit: 128, maxInfoReceive: 128, windowTransmit: 1, windowReceive: 1 })), '818012050180060180070400000001080400000001');
  assert.deepEqual(negotiateHdlcParameters({ maxInfoTransmit: 1024, maxInfoReceive: 512, windowTransmit: 7, windowReceive: 1 }, { maxInfoTransmit: 256, maxInfoReceive: 2048, windowTransmit: 1, windowReceive: 1 }), {
    maxInfoTransmit: 256,
    maxInfoReceive: 1024,
    windowTransmit: 1,
    windowReceive: 1,
  });
  assert.throws(() => decodeHdlcParameters(hexToBytes('8180030901FF')), isCode('UNSUPPORTED_TAG'));
  assert.throws(() => decodeHdlcParameters(hexToBytes('81800505')), isCode('TRUNCATED'));
});

test('segmented capture-objects response reassembles into one APDU', () => {
  const seg1 = decodeHdlcFrame(hexToBytes(CAPTURED_SESSION.find((f) => f.name === 'segment 1 of capture objects')!.hex));
  const seg2 = decodeHdlcFrame(hexToBytes(CAPTURED_SESSION.find((f) => f.name === 'segment 2 of capture objects')!.hex));
  const r = new HdlcReassembler();
  assert.deepEqual(r.push(seg1), { type: 'need-more' });
  const done = r.push(seg2);
  assert.equal(done.type, 'complete');
  assert.ok(done.type === 'complete' && bytesToHex(done.information).startsWith(CAPTURE_OBJECTS_RESPONSE_PREFIX));
  assert.equal(done.type === 'complete' && done.information.length, seg1.information.length + seg2.information.length);
});

test('reassembly refuses an N(S) gap and an oversize APDU', () => {
  const mk = (ns: number, segmented: boolean): HdlcFrame => ({
    segmented,
    destination: { upper: 16, size: 1 },
    source: { upper: 1, size: 1 },
    control: { type: 'i', sendSequence: ns, receiveSequence: 0, pf: false },
    information: new Uint8Array(100),
  });
  const r = new HdlcReassembler();
  r.push(mk(0, true));
  assert.throws(() => r.push(mk(2, false)), isCode('BLOCK_SEQUENCE'));
  const small = new HdlcReassembler({ maxApduSize: 150 });
  small.push(mk(0, true));
  assert.throws(() => small.push(mk(1, true)), isCode('LIMIT_EXCEEDED'));
});

test('segmentInformation then reassembly gives back the original (property)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 3000 }), fc.integer({ min: 1, max: 600 }), (info, max) => {
      const parts = segmentInformation(info, max);
      const r = new HdlcReassembler();
      let out: Uint8Array | undefined;
      parts.forEach((p, i) => {
        const frame = decodeHdlcFrame(
          encodeHdlcFrame({
            segmented: i < parts.length - 1,
            destination: { upper: 1, lower: 17, size: 2 },
            source: { upper: 16, size: 1 },
            control: { type: 'i', sendSequence: i & 7, receiveSequence: 0, pf: false },
            information: p,
          }),
        );
        const res = r.push(frame);
        if (res.type === 'complete') out = res.information;
      });
      assert.deepEqual(out, info);
    }),
    { numRuns: 50 },
  );
});

test('frames with 4-byte server addresses and long (>255 byte) information round-trip', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 0x3fff }),
      fc.integer({ min: 0, max: 0x3fff }),
      fc.uint8Array({ maxLength: 2030 }),
      fc.boolean(),
      (upper, lower, information, segmented) => {
        const frame: HdlcFrame = {
          segmented,
          destination: { upper, lower, size: 4 },
          source: { upper: 16, size: 1 },
          control: { type: 'ui', pf: false },
          information,
        };
        assert.deepEqual(decodeHdlcFrame(encodeHdlcFrame(frame)), frame);
      },
    ),
    { numRuns: 100 },
  );
});

test('corrupted frames give HCS_MISMATCH, FCS_MISMATCH or FRAME_INVALID with the offset', () => {
  const good = hexToBytes(CAPTURED_SESSION[5]!.hex);
  const badHeader = Uint8Array.from(good);
  badHeader[3] = (badHeader[3] as number) ^ 0x08; // destination address bit: HCS no longer fits (still a valid address byte)
  assert.throws(() => decodeHdlcFrame(badHeader), (e: unknown) => e instanceof DlmsError && e.code === 'HCS_MISMATCH' && e.offset === 6);
  const badInfo = Uint8Array.from(good);
  badInfo[12] = (badInfo[12] as number) ^ 0x01;
  assert.throws(() => decodeHdlcFrame(badInfo), (e: unknown) => e instanceof DlmsError && e.code === 'FCS_MISMATCH' && e.offset === good.length - 3);
  const noFlag = Uint8Array.from(good);
  noFlag[noFlag.length - 1] = 0x00;
  assert.throws(() => decodeHdlcFrame(noFlag), isCode('FRAME_INVALID'));
  assert.throws(() => decodeHdlcFrame(hexToBytes('7EB0070321930F017E')), isCode('FRAME_INVALID'));
  assert.throws(() => decodeHdlcFrame(hexToBytes('7EA0070321930F017E00')), isCode('TRAILING_BYTES'));
});

test('every strict prefix of a frame is refused with a typed error', () => {
  for (const f of CAPTURED_SESSION) {
    const b = hexToBytes(f.hex);
    for (let n = 0; n < b.length; n++) assert.throws(() => decodeHdlcFrame(b.subarray(0, n)), (e: unknown) => e instanceof DlmsError, `${f.name} prefix ${n}`);
  }
});

function frames(events: readonly HdlcDeframerEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'frame' ? [bytesToHex(e.raw)] : []));
}

const STREAM = CAPTURED_SESSION.map((f) => hexToBytes(f.hex));
const ALL = STREAM.map((b) => bytesToHex(b));
const joined = Buffer.concat(STREAM);

test('deframer: the whole session byte by byte and in random chunks gives every frame, no errors', () => {
  const d = new HdlcDeframer();
  const events = [...joined].flatMap((b) => d.push(Uint8Array.of(b)));
  assert.deepEqual(frames(events), ALL);
  assert.equal(events.filter((e) => e.type === 'error').length, 0);
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 40 }), (sizes) => {
      const dd = new HdlcDeframer();
      const out: HdlcDeframerEvent[] = [];
      let at = 0;
      let i = 0;
      while (at < joined.length) {
        const n = sizes[i++ % sizes.length] as number;
        out.push(...dd.push(joined.subarray(at, at + n)));
        at += n;
      }
      assert.deepEqual(frames(out), ALL);
    }),
    { numRuns: 50 },
  );
});

test('deframer: frames sharing one flag, and idle flags between frames', () => {
  const a = STREAM[4]!;
  const b = STREAM[5]!;
  const shared = Buffer.concat([a, b.subarray(1)]);
  assert.deepEqual(frames(new HdlcDeframer().push(shared)), [bytesToHex(a), bytesToHex(b)]);
  const idle = Buffer.concat([hexToBytes('7E7E7E'), a, hexToBytes('7E7E'), b]);
  const events = new HdlcDeframer().push(idle);
  assert.deepEqual(frames(events), [bytesToHex(a), bytesToHex(b)]);
  assert.equal(events.filter((e) => e.type === 'error').length, 0);
});

test('deframer: garbage, a cut frame and a bad FCS are dropped with counts; the next good frame still comes out', () => {
  const good = STREAM[6]!;
  const cut = STREAM[9]!.subarray(0, 40); // first 40 bytes of a 139-byte segment
  const badFcs = Uint8Array.from(STREAM[5]!);
  badFcs[badFcs.length - 2] = (badFcs[badFcs.length - 2] as number) ^ 0xff;
  const stream = Buffer.concat([hexToBytes('0102030405'), cut, good, badFcs, good]);
  const d = new HdlcDeframer();
  const events = [...d.push(stream), ...d.flush()];
  assert.deepEqual(frames(events), [bytesToHex(good), bytesToHex(good)]);
  const errors = events.filter((e): e is Extract<HdlcDeframerEvent, { type: 'error' }> => e.type === 'error');
  assert.ok(errors.length >= 2);
  assert.equal(errors[0]!.error.code, 'FRAME_INVALID');
  // The bad frame's closing flag is followed by the next frame's opening flag, so it counts as an
  // idle flag, not as a dropped byte.
  assert.equal(errors.reduce((n, e) => n + e.droppedBytes, 0), 5 + cut.length + badFcs.length - 1);
  assert.ok(errors.some((e) => e.error.code === 'FCS_MISMATCH'));
});

test('deframer: a stream ending inside a frame reports it on flush; memory stays bounded on noise', () => {
  const d = new HdlcDeframer();
  assert.deepEqual(d.push(STREAM[2]!.subarray(0, 30)), []);
  const tail = d.flush();
  assert.equal(tail.length, 1);
  const first = tail[0]!;
  assert.equal(first.type === 'error' && first.droppedBytes, 30);
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 500 }), { maxLength: 30 }), (chunks) => {
      const dd = new HdlcDeframer();
      for (const c of chunks) {
        dd.push(c);
        assert.ok(dd.buffered <= 2049 + 2);
      }
    }),
  );
});

test('random bytes: decodeHdlcFrame throws only DlmsError; deframer never throws', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
      try {
        decodeHdlcFrame(b);
      } catch (e) {
        assert.ok(e instanceof DlmsError, String(e));
      }
      new HdlcDeframer().push(b);
    }),
    { numRuns: 2000 },
  );
});
