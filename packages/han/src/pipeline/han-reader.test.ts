import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hexToBytes } from '@openams/dlms';
import { createHanReader } from './index.ts';
import type { HanEvent } from './index.ts';
import { isHanError } from '../errors/index.ts';
import { ALL_FRAMES } from '../../test/fixtures/frames/index.ts';

const hdlcFrames = ALL_FRAMES.filter((f) => f.framing === 'hdlc' && !f.keys);
const readings = (events: readonly HanEvent[]) => events.flatMap((e) => (e.type === 'reading' ? [e.reading] : []));
const kaifaList1 = hdlcFrames.find((f) => f.expected.vendor === 'generic' || (f.hint === 'kaifa' && f.expected.list === 1));
const kaifaList2 = hdlcFrames.find((f) => f.expected.vendor === 'kaifa' && f.expected.list === 2);

test('every published HDLC frame, concatenated with noise, gives its reading once and in order', () => {
  const noise = hexToBytes('00FF7E7EA0');
  const parts = hdlcFrames.flatMap((f) => [noise, hexToBytes(f.frame)]);
  const stream = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    stream.set(p, o);
    o += p.length;
  }
  const reader = createHanReader({ vendor: 'kaifa', now: () => new Date('2026-03-01T12:00:00Z') });
  const events: HanEvent[] = [];
  for (let i = 0; i < stream.length; i += 37) events.push(...reader.push(stream.subarray(i, i + 37)));
  events.push(...reader.flush());
  const got = readings(events);
  assert.equal(got.length, hdlcFrames.length);
  got.forEach((r, i) => assert.equal(r.meterId, hdlcFrames[i]!.expected.meterId, hdlcFrames[i]!.id));
  assert.equal(reader.stats.readings, hdlcFrames.length);
  assert.equal(reader.stats.frames, hdlcFrames.length);
  assert.ok(reader.stats.bytesDropped >= hdlcFrames.length * 3, 'noise is counted as dropped');
  assert.ok(reader.stats.lastReadingAt);
});

test('a Kaifa List 1 carries no id: generic alone, Kaifa once a List 2 of the stream named the vendor', () => {
  assert.ok(kaifaList1 && kaifaList2, 'fixtures for Kaifa List 1 and List 2 exist');
  const alone = readings(createHanReader().push(hexToBytes(kaifaList1.frame)));
  assert.equal(alone[0]?.vendor, 'generic');
  const reader = createHanReader();
  const after = readings([...reader.push(hexToBytes(kaifaList2.frame)), ...reader.push(hexToBytes(kaifaList1.frame))]);
  assert.deepEqual(after.map((r) => r.vendor), ['kaifa', 'kaifa']);
});

test('a corrupted frame is an error event with its code, counted in stats, never a reading', () => {
  const good = hexToBytes(hdlcFrames[0]!.frame);
  const bad = Uint8Array.from(good);
  bad[20] = (bad[20] as number) ^ 0x10;
  const reader = createHanReader();
  const events = [...reader.push(bad), ...reader.push(good), ...reader.flush()];
  assert.equal(readings(events).length, 1);
  const errors = events.filter((e) => e.type === 'error');
  assert.ok(errors.length >= 1);
  assert.ok((reader.stats.errors.CHECKSUM_MISMATCH ?? 0) >= 1, JSON.stringify(reader.stats.errors));
});

test('an encrypted push without keys is KEY_REQUIRED; with them, a reading', () => {
  const enc = ALL_FRAMES.find((f) => f.keys && f.framing === 'hdlc');
  assert.ok(enc);
  const without = createHanReader().push(hexToBytes(enc.frame));
  assert.ok(without.some((e) => e.type === 'error' && e.error.code === 'KEY_REQUIRED'));
  const keys = {
    encryptionKey: hexToBytes(enc.keys!.encryptionKey),
    ...(enc.keys!.authenticationKey ? { authenticationKey: hexToBytes(enc.keys!.authenticationKey) } : {}),
  };
  const withKeys = readings(createHanReader(keys).push(hexToBytes(enc.frame)));
  assert.equal(withKeys.length, 1);
  assert.equal(withKeys[0]?.vendor, enc.expected.vendor);
});

test('random bytes never throw out of push/flush; errors are HanErrors', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 10 }), (chunks) => {
      const reader = createHanReader();
      const events = [...chunks.flatMap((c) => reader.push(c)), ...reader.flush()];
      for (const e of events) if (e.type === 'error') assert.ok(isHanError(e.error));
    }),
    { numRuns: 500 },
  );
});
