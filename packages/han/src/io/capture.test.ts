import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KAIFA_MA304H3E_LIST1, fixtureBytes } from '../../test/fixtures/io/frames.ts';
import { isHanError } from '../errors/index.ts';
import { formatCaptureLine, parseCapture, parseHexText } from './capture.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const L1 = fixtureBytes(KAIFA_MA304H3E_LIST1);

test('raw binary capture: one chunk, no receive times', () => {
  const c = parseCapture(L1);
  assert.equal(c.format, 'raw');
  assert.deepEqual(c.chunks, [{ bytes: L1 }]);
  assert.deepEqual(parseCapture(new Uint8Array(0)).chunks, []);
});

test('hex text capture: whitespace, line breaks, # comments and CRLF are ignored', () => {
  const c = parseCapture(enc(`# Kaifa List 1\r\n${KAIFA_MA304H3E_LIST1.slice(0, 20)}  \n ${KAIFA_MA304H3E_LIST1.slice(20)} # end\n`));
  assert.equal(c.format, 'hex');
  assert.deepEqual(c.chunks, [{ bytes: L1 }]);
  assert.deepEqual(parseHexText('0x7e a0'), Uint8Array.of(0x7e, 0xa0));
});

test('timestamped capture: a chunk per line with its receive time', () => {
  const c = parseCapture(enc(`# recorded by openams han read --record\n2026-11-25T14:00:10.120+01:00 7EA0\n\n2026-11-25T13:00:10.5Z 2701 0201\n`));
  assert.equal(c.format, 'timestamped');
  assert.deepEqual(
    c.chunks.map((k) => [k.receivedAt?.toISOString(), Buffer.from(k.bytes).toString('hex'), k.line]),
    [
      ['2026-11-25T13:00:10.120Z', '7ea0', 2],
      ['2026-11-25T13:00:10.500Z', '27010201', 4],
    ],
  );
  const line = formatCaptureLine(new Date('2026-11-25T13:00:10.120Z'), Uint8Array.of(0x7e, 0xa0));
  assert.equal(line, '2026-11-25T13:00:10.120Z 7EA0');
  assert.deepEqual(parseCapture(enc(line)).chunks[0]?.bytes, Uint8Array.of(0x7e, 0xa0));
});

test('timestamped capture: a time without offset, a bad time or bad hex is CAPTURE_INVALID with the line', () => {
  for (const [text, pattern] of [
    ['2026-11-25T14:00:10 7EA0', /line 1: .*with an offset/],
    ['2026-11-25T14:00:10Z 7EA0\n2026-13-45T99:00:10Z 7E', /line 2: .*not a valid time/],
    ['2026-11-25T14:00:10Z 7EA', /line 1: odd number of hex digits/],
    ['2026-11-25T14:00:10Z', /line 1: expected '<ISO time> <hex>'/],
    ['2026-11-25T14:00:10Z 7G', /line 1: not hex/],
  ] as const) {
    assert.throws(
      () => parseCapture(enc(text)),
      (e: unknown) => isHanError(e) && e.code === 'CAPTURE_INVALID' && pattern.test(e.message),
      text,
    );
  }
});

test('any bytes give a capture or a HanError, never another exception', () => {
  fc.assert(
    fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.string({ maxLength: 200 }).map(enc)), (data) => {
      try {
        const c = parseCapture(data);
        assert.ok(['raw', 'hex', 'timestamped'].includes(c.format));
      } catch (e) {
        assert.ok(isHanError(e), String(e));
      }
    }),
    { numRuns: 2000 },
  );
});
