import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeReader, KAIFA_READINGS } from '../../test/fixtures/io/fake-reader.ts';
import { KAIFA_MA304H3E_LIST1, KAIFA_MA304H3E_LIST2, fixtureBytes } from '../../test/fixtures/io/frames.ts';
import { checkCaptureConformance } from './conformance.ts';

const L1 = fixtureBytes(KAIFA_MA304H3E_LIST1);
const L2 = fixtureBytes(KAIFA_MA304H3E_LIST2);

function reader(list1Clock: 'meter' | 'received'): FakeReader {
  return new FakeReader([
    { bytes: L1, reading: { ...KAIFA_READINGS.list1, timestampSource: list1Clock } },
    { bytes: L2, reading: KAIFA_READINGS.list2 },
  ]);
}

test('a timestamped capture runs every rule with the receive times of the chunks', () => {
  const c = checkCaptureConformance(
    {
      format: 'timestamped',
      chunks: [
        { bytes: L1, receivedAt: new Date('2022-11-07T08:44:38.300Z') },
        { bytes: L2.subarray(0, 10), receivedAt: new Date('2022-11-07T08:44:40.100Z') },
        { bytes: L2.subarray(10), receivedAt: new Date('2022-11-07T08:44:40.400Z') },
      ],
    },
    reader('meter'),
    { vendor: 'kaifa' },
  );
  assert.deepEqual(c.skipped, []);
  assert.equal(c.frames, 2);
  assert.equal(c.report.readings, 2);
  assert.equal(c.report.to, '2022-11-07T09:44:40+01:00', 'the frame is timed by the chunk that completed it');
  assert.equal(c.report.results.find((r) => r.rule === 'clock.sane')?.status, 'pass');
});

test('a raw capture: the meter clock times frames; without one on every frame the cadence rules are skipped', () => {
  const clocked = checkCaptureConformance({ format: 'raw', chunks: [{ bytes: new Uint8Array([...L1, ...L2]) }] }, reader('meter'), { vendor: 'kaifa' });
  assert.deepEqual(
    clocked.skipped.map((s) => s.rule),
    ['clock.sane'],
  );
  assert.equal(clocked.report.from, '2022-11-07T09:44:38+01:00');
  const unclocked = checkCaptureConformance({ format: 'hex', chunks: [{ bytes: new Uint8Array([...L2, ...L1]) }] }, reader('received'), { vendor: 'kaifa' });
  assert.deepEqual(
    unclocked.skipped.map((s) => s.rule),
    ['list1.cadence', 'list2.cadence', 'list3.cadence', 'clock.sane'],
  );
  assert.match(unclocked.skipped[0]?.reason ?? '', /no receive times and some frames carry no meter clock/);
  assert.ok(!unclocked.report.results.some((r) => r.rule.endsWith('.cadence')));
  // Rules asked for by name: only those, minus the skipped ones.
  const some = checkCaptureConformance({ format: 'raw', chunks: [{ bytes: L2 }] }, reader('meter'), { vendor: 'kaifa', rules: ['clock.sane', 'meter-id.gs1'] });
  assert.deepEqual(
    some.report.results.map((r) => r.rule),
    ['meter-id.gs1'],
  );
  assert.deepEqual(
    some.skipped.map((s) => s.rule),
    ['clock.sane'],
  );
});
