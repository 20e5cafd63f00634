import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, writeSync } from 'node:fs';
import { FakeReader, KAIFA_READINGS } from '../../test/fixtures/io/fake-reader.ts';
import { createHanReader } from '../pipeline/index.ts';
import { KAIFA_MA304H3E_LIST1, KAIFA_MA304H3E_LIST2, KAIFA_MA304H3E_LIST3, KAMSTRUP_LIST2, METER_IDS, fixtureBytes } from '../../test/fixtures/io/frames.ts';
import { socatMissing, startPtyPair, waitFor } from '../../test/fixtures/io/services.ts';
import type { HanEvent, HanReaderStats } from '../pipeline/types.ts';
import { findElectricity } from './format.ts';
import type { HanSerialStatus, SerialHandlers, SerialOpener } from './serial.ts';
import { HanSerialSource, backoffDelay, defaultParity, describeLine, parityAdvice } from './serial.ts';

const L1 = fixtureBytes(KAIFA_MA304H3E_LIST1);
const L2 = fixtureBytes(KAIFA_MA304H3E_LIST2);
const L3 = fixtureBytes(KAIFA_MA304H3E_LIST3);

function knownKaifa(): FakeReader {
  return new FakeReader([
    { bytes: L1, reading: KAIFA_READINGS.list1 },
    { bytes: L2, reading: KAIFA_READINGS.list2 },
    { bytes: L3, reading: KAIFA_READINGS.list3 },
  ]);
}

function stats(readings: number, errors: Record<string, number>): HanReaderStats {
  return { frames: readings + Object.values(errors).reduce((a, b) => a + b, 0), readings, bytesDropped: 0, errors };
}

test('defaultParity: Kamstrup 8N1, Aidon/Kaifa and unknown 8E1; describeLine', () => {
  assert.equal(defaultParity('kamstrup'), 'none');
  assert.equal(defaultParity('aidon'), 'even');
  assert.equal(defaultParity('kaifa'), 'even');
  assert.equal(defaultParity(undefined), 'even');
  assert.equal(describeLine({ baudRate: 2400, parity: 'even' }), '2400 8E1');
  assert.equal(describeLine({ baudRate: 2400, parity: 'none' }), '2400 8N1');
});

test('backoffDelay doubles from 500 ms and caps at 30 s', () => {
  const b = { initialMs: 500, maxMs: 30_000, factor: 2 };
  assert.deepEqual([1, 2, 3, 4, 7, 20].map((n) => backoffDelay(b, n)), [500, 1000, 2000, 4000, 30_000, 30_000]);
});

test('parityAdvice: silent on a healthy line, names the other parity on a bad one (amsreader #339, #1131)', () => {
  const line = { baudRate: 2400, parity: 'even' as const };
  assert.equal(parityAdvice(line, stats(10, { CHECKSUM_MISMATCH: 1 })), undefined);
  assert.equal(parityAdvice(line, stats(0, { CHECKSUM_MISMATCH: 2 })), undefined);
  const bad = parityAdvice(line, stats(0, { CHECKSUM_MISMATCH: 2, FRAME_INVALID: 1 }));
  assert.ok(bad);
  assert.match(bad, /3 frame\(s\) failed their checksum and none decoded at 2400 8E1/);
  assert.match(bad, /Kamstrup meters send 8N1; try --parity none/);
  const other = parityAdvice({ baudRate: 2400, parity: 'none' }, stats(5, { CHECKSUM_MISMATCH: 30 }));
  assert.ok(other);
  assert.match(other, /Aidon and Kaifa meters send 8E1; try --parity even/);
  // Counted from the stats at open: errors from before a reconnect do not count again.
  assert.equal(parityAdvice(line, stats(0, { CHECKSUM_MISMATCH: 9 }), stats(0, { CHECKSUM_MISMATCH: 8 })), undefined);
  // Errors that are not line errors (an unknown list) are not a parity problem.
  assert.equal(parityAdvice(line, stats(0, { UNKNOWN_LIST: 50 })), undefined);
});

/** An opener that fails `failures` times, then gives a port the test drives by hand. */
function scriptedOpener(failures: number): { open: SerialOpener; handlers: () => SerialHandlers | undefined; opens: () => number; closes: () => number } {
  let attempts = 0;
  let current: SerialHandlers | undefined;
  let closes = 0;
  return {
    open: (_settings, handlers) => {
      attempts++;
      if (attempts <= failures) return Promise.reject(new Error(`ENOENT: no such file (attempt ${attempts})`));
      current = handlers;
      return Promise.resolve({
        close: () => {
          closes++;
          return Promise.resolve();
        },
      });
    },
    handlers: () => current,
    opens: () => attempts,
    closes: () => closes,
  };
}

test('HanSerialSource: retries a missing device with backoff, flushes at a disconnect, stops cleanly', async () => {
  const reader = knownKaifa();
  const statuses: HanSerialStatus[] = [];
  const events: HanEvent[] = [];
  const opener = scriptedOpener(2);
  const src = new HanSerialSource({
    path: '/dev/ttyUSB-test',
    vendor: 'kaifa',
    reader,
    open: opener.open,
    backoff: { initialMs: 10, maxMs: 40, factor: 2 },
    onEvent: (e) => events.push(e),
    onStatus: (s) => statuses.push(s),
  });
  assert.deepEqual(src.settings, { path: '/dev/ttyUSB-test', baudRate: 2400, parity: 'even' });
  await src.start();
  await waitFor(() => statuses.some((s) => s.type === 'open'), 2000, 'open');
  assert.deepEqual(
    statuses.filter((s) => s.type === 'open-failed').map((s) => (s.type === 'open-failed' ? [s.attempt, s.retryInMs] : [])),
    [
      [1, 10],
      [2, 20],
    ],
  );
  const h = opener.handlers();
  assert.ok(h);
  // A frame split over two chunks, then half a frame, then the adapter is unplugged.
  h.data(L2.subarray(0, 50));
  h.data(L2.subarray(50));
  h.data(L1.subarray(0, 20));
  assert.deepEqual(
    events.map((e) => e.type),
    ['reading'],
  );
  h.closed(new Error('bad file descriptor'));
  assert.equal(reader.flushes, 1);
  assert.deepEqual(
    events.map((e) => (e.type === 'error' ? e.error.code : e.type)),
    ['reading', 'TRUNCATED'],
  );
  const disc = statuses.find((s) => s.type === 'disconnected');
  assert.ok(disc && disc.type === 'disconnected' && disc.retryInMs === 10, 'backoff restarts after data flowed');
  await waitFor(() => opener.opens() === 4, 2000, 'reopen');
  opener.handlers()?.data(L1);
  assert.equal(events.at(-1)?.type, 'reading');
  await src.stop();
  assert.equal(statuses.at(-1)?.type, 'stopped');
  assert.equal(opener.closes(), 1);
  // Stopping twice is harmless, and nothing reopens afterwards.
  await src.stop();
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(opener.opens(), 4);
});

test('HanSerialSource: stop() while the device is missing cancels the retry', async () => {
  const opener = scriptedOpener(1000);
  const statuses: HanSerialStatus[] = [];
  const src = new HanSerialSource({
    path: '/dev/none',
    reader: knownKaifa(),
    open: opener.open,
    backoff: { initialMs: 20, maxMs: 20, factor: 1 },
    onEvent: () => {},
    onStatus: (s) => statuses.push(s),
  });
  await src.start();
  await src.stop();
  const n = opener.opens();
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(opener.opens(), n);
  assert.equal(statuses.at(-1)?.type, 'stopped');
});

test('HanSerialSource: many checksum errors give one parity hint per open', async () => {
  const bad = fixtureBytes(KAIFA_MA304H3E_LIST1.replace(/F2B57E$/, 'F2B67E'));
  const reader = new FakeReader([{ bytes: bad, error: 'CHECKSUM_MISMATCH' }]);
  const opener = scriptedOpener(0);
  const hints: string[] = [];
  const src = new HanSerialSource({
    path: '/dev/x',
    parity: 'none',
    reader,
    open: opener.open,
    onEvent: () => {},
    onStatus: (s) => {
      if (s.type === 'parity-hint') hints.push(s.message);
    },
  });
  await src.start();
  for (let i = 0; i < 10; i++) opener.handlers()?.data(bad);
  await src.stop();
  assert.equal(hints.length, 1);
  assert.match(hints[0] ?? '', /at 2400 8N1\. .*try --parity even/);
});

const noSocat = socatMissing();

test('serial over a socat pty pair: real serialport reads frames in chunks, survives an unplug, stops', { skip: noSocat }, async () => {
  const pty = await startPtyPair();
  const reader = knownKaifa();
  const events: HanEvent[] = [];
  const statuses: HanSerialStatus[] = [];
  const src = new HanSerialSource({
    path: pty.readerSide,
    vendor: 'kaifa',
    reader,
    backoff: { initialMs: 50, maxMs: 200, factor: 2 },
    onEvent: (e) => events.push(e),
    onStatus: (s) => statuses.push(s),
  });
  const write = (bytes: Uint8Array): void => {
    const fd = openSync(pty.meterSide, 'w');
    try {
      writeSync(fd, bytes);
    } finally {
      closeSync(fd);
    }
  };
  try {
    await src.start();
    assert.ok(src.isOpen);
    // Noise, then List 2 in two writes, then List 1 and List 3 back to back.
    write(Uint8Array.of(0x00, 0xff, 0x13));
    write(L2.subarray(0, 60));
    await new Promise((r) => setTimeout(r, 30));
    write(L2.subarray(60));
    write(new Uint8Array([...L1, ...L3]));
    await waitFor(() => events.filter((e) => e.type === 'reading').length === 3, 5000, 'three readings');
    assert.deepEqual(
      events.map((e) => (e.type === 'reading' ? e.reading.list : e.error.code)),
      [2, 1, 3],
    );
    assert.equal(reader.stats.bytesDropped, 3);
    assert.ok(reader.pushes.every((p) => p.receivedAt instanceof Date));

    // The adapter is unplugged: the device node disappears; the source retries until it is back.
    await pty.unplug();
    await waitFor(() => statuses.some((s) => s.type === 'disconnected'), 5000, 'disconnect');
    assert.equal(src.isOpen, false);
    await waitFor(() => statuses.some((s) => s.type === 'open-failed'), 5000, 'a failed reopen');
    await pty.plugIn();
    await waitFor(() => src.isOpen, 5000, 'reopen');
    write(L1);
    await waitFor(() => events.filter((e) => e.type === 'reading').length === 4, 5000, 'a reading after the replug');
  } finally {
    await src.stop();
    await pty.stop();
  }
  assert.equal(statuses.at(-1)?.type, 'stopped');
  assert.deepEqual(
    statuses.map((s) => s.type).filter((t, i, a) => t !== a[i - 1]),
    ['open', 'disconnected', 'open-failed', 'open', 'stopped'],
  );
});

test(
  'serial end to end with the real reader: published Kaifa and Kamstrup frames through a pty, byte by byte',
  { skip: noSocat },
  async () => {
    const pty = await startPtyPair();
    const reader = createHanReader({ vendor: 'kaifa' });
    const events: HanEvent[] = [];
    const src = new HanSerialSource({ path: pty.readerSide, parity: 'even', reader, onEvent: (e) => events.push(e) });
    try {
      await src.start();
      const fd = openSync(pty.meterSide, 'w');
      try {
        // The meter's pace is 240 bytes/s; here a byte or a few per write, so frames arrive in pieces.
        const all = new Uint8Array([...L1, ...L2, ...L3, ...fixtureBytes(KAMSTRUP_LIST2)]);
        for (let i = 0; i < all.length; i += 7) writeSync(fd, all.subarray(i, i + 7));
      } finally {
        closeSync(fd);
      }
      await waitFor(() => events.filter((e) => e.type === 'reading').length === 4, 10_000, 'four readings');
    } finally {
      await src.stop();
      await pty.stop();
    }
    const readings = events.flatMap((e) => (e.type === 'reading' ? [e.reading] : []));
    assert.deepEqual(
      readings.map((r) => [r.vendor, r.list, r.meterId ?? null]),
      [
        ['kaifa', 1, null],
        ['kaifa', 2, METER_IDS.kaifaList1And2],
        ['kaifa', 3, METER_IDS.kaifaList3],
        ['kamstrup', 2, METER_IDS.kamstrup],
      ],
    );
    assert.equal(readings[0] && findElectricity(readings[0], 1, 7, 0)?.value.value, 549);
    assert.equal(readings[2] && findElectricity(readings[2], 1, 8, 0)?.value.value, 10494991);
    assert.equal(readings[3] && findElectricity(readings[3], 31, 7, 0)?.value.value, 5.64);
    assert.equal(reader.stats.readings, 4);
    assert.deepEqual(
      events.filter((e) => e.type === 'error'),
      [],
    );
  },
);

test('real reader: a frame cut by an unplug is reported TRUNCATED, the first frame after the replug decodes', { skip: noSocat }, async () => {
  const pty = await startPtyPair();
  const events: HanEvent[] = [];
  const statuses: HanSerialStatus[] = [];
  const src = new HanSerialSource({
    path: pty.readerSide,
    reader: createHanReader({ vendor: 'kaifa' }),
    backoff: { initialMs: 50, maxMs: 100, factor: 2 },
    onEvent: (e) => events.push(e),
    onStatus: (s) => statuses.push(s),
  });
  const write = (bytes: Uint8Array): void => {
    const fd = openSync(pty.meterSide, 'w');
    writeSync(fd, bytes);
    closeSync(fd);
  };
  try {
    await src.start();
    write(L2.subarray(0, 70));
    await new Promise((r) => setTimeout(r, 100));
    await pty.unplug();
    await waitFor(() => statuses.some((s) => s.type === 'disconnected'), 5000, 'disconnect');
    await pty.plugIn();
    await waitFor(() => src.isOpen, 5000, 'reopen');
    write(L2);
    await waitFor(() => events.some((e) => e.type === 'reading'), 5000, 'a reading');
  } finally {
    await src.stop();
    await pty.stop();
  }
  assert.deepEqual(
    events.map((e) => (e.type === 'error' ? `${e.error.code} ${e.droppedBytes}` : `${e.type} L${e.reading.list}`)),
    ['TRUNCATED 70', 'reading L2'],
  );
});
