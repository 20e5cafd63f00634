import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { WrapperDeframer, decodeWrapperFrame, encodeWrapperFrame } from './index.ts';
import type { WrapperDeframerEvent } from './index.ts';
import { bytesToHex, hexToBytes } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';
import { AARQ_OVER_WRAPPER } from '../../test/fixtures/wrapper/aarq-over-wrapper.ts';

const isCode = (code: string) => (e: unknown) => e instanceof DlmsError && e.code === code;

test('AARQ over the wrapper: decode and encode byte for byte', () => {
  const f = decodeWrapperFrame(hexToBytes(AARQ_OVER_WRAPPER));
  assert.equal(f.version, 1);
  assert.equal(f.source, 0x10);
  assert.equal(f.destination, 0x01);
  assert.equal(f.apdu.length, 31);
  assert.equal(f.apdu[0], 0x60);
  assert.equal(bytesToHex(encodeWrapperFrame(f)), AARQ_OVER_WRAPPER);
});

test('wrong version, short and long frames are refused with typed errors', () => {
  const b = hexToBytes(AARQ_OVER_WRAPPER);
  assert.throws(() => decodeWrapperFrame(hexToBytes('0002' + AARQ_OVER_WRAPPER.slice(4))), isCode('FRAME_INVALID'));
  for (let n = 0; n < b.length; n++) assert.throws(() => decodeWrapperFrame(b.subarray(0, n)), isCode('TRUNCATED'));
  assert.throws(() => decodeWrapperFrame(hexToBytes(AARQ_OVER_WRAPPER + '00')), isCode('TRAILING_BYTES'));
});

test('deframer: chunked stream gives every frame; junk before a frame is dropped with its count', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 700 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 50 }), (apdus, chunk) => {
      const frames = apdus.map((apdu, i) => encodeWrapperFrame({ source: 0x10, destination: 1 + i, apdu }));
      const stream = Buffer.concat(frames);
      const d = new WrapperDeframer();
      const events: WrapperDeframerEvent[] = [];
      for (let at = 0; at < stream.length; at += chunk) events.push(...d.push(stream.subarray(at, at + chunk)));
      assert.deepEqual(
        events.map((e) => (e.type === 'frame' ? bytesToHex(e.frame.apdu) : 'error')),
        apdus.map((a) => bytesToHex(a)),
      );
      assert.equal(d.buffered, 0);
    }),
    { numRuns: 50 },
  );
  const d = new WrapperDeframer();
  const events = d.push(Buffer.concat([hexToBytes('FFEE'), hexToBytes(AARQ_OVER_WRAPPER)]));
  assert.equal(events[0]?.type === 'error' && events[0].droppedBytes, 2);
  assert.equal(events[1]?.type, 'frame');
});

test('random bytes never make the wrapper decoder throw anything but DlmsError', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
      try {
        decodeWrapperFrame(b);
      } catch (e) {
        assert.ok(e instanceof DlmsError);
      }
      new WrapperDeframer().push(b);
    }),
  );
});
