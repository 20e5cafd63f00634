import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { toOsloIso } from '@openams/core';
import { isHanError } from '../errors/index.ts';
import type { HanReading } from '../reading/index.ts';
import { GH1119_READINGS } from '../../test/fixtures/derived/gh1119.ts';
import { list1, list3, reading } from '../../test/fixtures/derived/readings.ts';
import { HourlyEnergyTracker, isMeasuredHour } from './index.ts';
import type { HourlyEnergy, HourlyEnergyEvent, SnapshotSkipped } from './index.ts';

const H = 3_600_000;
const at = (ms: number): string => toOsloIso(new Date(ms));

function run(readings: readonly HanReading[], tracker = new HourlyEnergyTracker()): HourlyEnergyEvent[] {
  return readings.flatMap((r) => tracker.push(r));
}
const energies = (events: readonly HourlyEnergyEvent[]): HourlyEnergy[] => events.filter((e): e is HourlyEnergy => e.kind === 'energy');
const skips = (events: readonly HourlyEnergyEvent[]): SnapshotSkipped[] => events.filter((e): e is SnapshotSkipped => e.kind === 'skipped');
const strip = (e: HourlyEnergyEvent) => ({ ...e, notes: undefined });

test('amsreader #1119: the repeated 17:00 snapshot is not booked, and 17:00→19:00 is a 2-hour gap, not one hour', () => {
  const tracker = new HourlyEnergyTracker();
  const [f1, f2, f3, f4] = GH1119_READINGS as [HanReading, HanReading, HanReading, HanReading];
  assert.deepEqual(tracker.push(f1), []);
  assert.deepEqual(tracker.push(f2).map(strip), [
    {
      kind: 'energy',
      hourStart: '2025-12-14T16:00:00+01:00',
      hourEnd: '2025-12-14T17:00:00+01:00',
      importWh: 1770, // 109 554 020 − 109 552 250
      exportWh: 0,
      reactiveImportVarh: 0,
      reactiveExportVarh: 220, // 15 319 940 − 15 319 720
      estimated: false,
      spansHours: 1,
      notes: undefined,
    },
  ]);
  const repeat = tracker.push(f3);
  assert.equal(repeat.length, 1);
  assert.equal(repeat[0]?.kind, 'skipped');
  assert.equal(repeat[0].reason, 'repeated-snapshot');
  assert.match(repeat[0].notes.join(' '), /#1119/);
  const gap = tracker.push(f4);
  assert.deepEqual(gap.map(strip), [
    {
      kind: 'energy',
      hourStart: '2025-12-14T17:00:00+01:00',
      hourEnd: '2025-12-14T19:00:00+01:00',
      importWh: 8050, // 109 562 070 − 109 554 020: two hours, never booked as one
      exportWh: 0,
      reactiveImportVarh: 10,
      reactiveExportVarh: 180,
      estimated: false,
      spansHours: 2,
      notes: undefined,
    },
  ]);
  assert.equal(isMeasuredHour(gap[0] as HourlyEnergyEvent), false);
});

test('amsreader #1119 with estimateGaps: the gap is spread evenly and flagged estimated', () => {
  const events = energies(run(GH1119_READINGS, new HourlyEnergyTracker({ estimateGaps: true })));
  assert.deepEqual(
    events.map((e) => [e.hourStart, e.importWh, e.reactiveImportVarh, e.reactiveExportVarh, e.estimated, e.spansHours]),
    [
      ['2025-12-14T16:00:00+01:00', 1770, 0, 220, false, 1],
      ['2025-12-14T17:00:00+01:00', 8050, 10, 180, false, 2],
      ['2025-12-14T17:00:00+01:00', 4025, 5, 90, true, 2],
      ['2025-12-14T18:00:00+01:00', 4025, 5, 90, true, 2],
    ],
  );
  assert.deepEqual(events.filter(isMeasuredHour).map((e) => e.importWh), [1770]);
});

test('a List 3 stamped 14:00:10 closes 13:00–14:00 (the hour that ended), not 14:00–15:00', () => {
  const events = run([
    list3('2026-11-25T13:00:10+01:00', { aPlus: 1_000 }),
    list3('2026-11-25T14:00:10+01:00', { aPlus: 3_500, aMinus: 7, rPlus: 11, rMinus: 13 }),
  ]);
  assert.deepEqual(energies(events).map(strip), [
    {
      kind: 'energy',
      hourStart: '2026-11-25T13:00:00+01:00',
      hourEnd: '2026-11-25T14:00:00+01:00',
      importWh: 2500,
      exportWh: 7,
      reactiveImportVarh: 11,
      reactiveExportVarh: 13,
      estimated: false,
      spansHours: 1,
      notes: undefined,
    },
  ]);
});

test('a clock a few seconds slow (13:59:58) still marks 14:00; one 30 minutes off is not an hour boundary', () => {
  const events = run([
    list3('2026-11-25T13:00:00+01:00', { aPlus: 0 }),
    list3('2026-11-25T13:59:58+01:00', { aPlus: 100 }),
    list3('2026-11-25T14:30:00+01:00', { aPlus: 150 }),
    list3('2026-11-25T15:00:05+01:00', { aPlus: 200 }),
  ]);
  assert.deepEqual(
    events.map((e) => (e.kind === 'energy' ? [e.hourStart, e.importWh] : e.reason)),
    [['2026-11-25T13:00:00+01:00', 100], 'clock-off-hour', ['2026-11-25T14:00:00+01:00', 100]],
  );
});

test('autumn DST day 2026-10-25: 25 hourly values with the doubled 02:00 hour and exact UTC instants', () => {
  const start = Date.parse('2026-10-25T00:00:00+02:00');
  const readings: HanReading[] = [];
  let counter = 50_000_000;
  for (let i = 0; i <= 25; i++) {
    readings.push(list3(at(start + i * H + 10_000), { aPlus: counter, rPlus: i }));
    counter += (i + 1) * 100; // hour i uses (i+1)·100 Wh
  }
  const hours = energies(run(readings));
  assert.equal(hours.length, 25);
  assert.deepEqual(
    hours.map((e) => e.hourStart),
    [
      '2026-10-25T00:00:00+02:00',
      '2026-10-25T01:00:00+02:00',
      '2026-10-25T02:00:00+02:00',
      '2026-10-25T02:00:00+01:00',
      '2026-10-25T03:00:00+01:00',
      ...Array.from({ length: 20 }, (_, k) => `2026-10-25T${String(k + 4).padStart(2, '0')}:00:00+01:00`),
    ],
  );
  assert.deepEqual(
    hours.map((e) => e.importWh),
    Array.from({ length: 25 }, (_, i) => (i + 1) * 100),
  );
  assert.equal(hours.at(-1)?.hourEnd, '2026-10-26T00:00:00+01:00');
  assert.equal(Date.parse(hours[3]?.hourStart ?? '') - Date.parse(hours[2]?.hourStart ?? ''), H);
  assert.ok(hours.every(isMeasuredHour));
  assert.equal(hours.reduce((s, e) => s + e.importWh, 0), 32_500); // 100 · (1 + … + 25)
});

test('spring DST day 2026-03-29: 23 hourly values, no 02:00 hour', () => {
  const start = Date.parse('2026-03-29T00:00:00+01:00');
  const readings = Array.from({ length: 24 }, (_, i) => list3(at(start + i * H), { aPlus: i * 1000 }));
  const hours = energies(run(readings));
  assert.equal(hours.length, 23);
  assert.deepEqual(
    hours.slice(0, 4).map((e) => e.hourStart),
    ['2026-03-29T00:00:00+01:00', '2026-03-29T01:00:00+01:00', '2026-03-29T03:00:00+02:00', '2026-03-29T04:00:00+02:00'],
  );
  assert.equal(hours.at(-1)?.hourEnd, '2026-03-30T00:00:00+02:00');
});

test('three missing hours: one 4-hour gap total, estimates split in whole Wh that add up exactly', () => {
  const events = run(
    [
      list3('2026-01-10T10:00:00+01:00', { aPlus: 0, rMinus: 0 }),
      list3('2026-01-10T11:00:00+01:00', { aPlus: 500, rMinus: 1 }),
      list3('2026-01-10T15:00:00+01:00', { aPlus: 4_503, rMinus: 3 }),
    ],
    new HourlyEnergyTracker({ estimateGaps: true }),
  );
  assert.deepEqual(
    energies(events).map((e) => [e.hourStart, e.hourEnd, e.importWh, e.reactiveExportVarh, e.estimated, e.spansHours]),
    [
      ['2026-01-10T10:00:00+01:00', '2026-01-10T11:00:00+01:00', 500, 1, false, 1],
      ['2026-01-10T11:00:00+01:00', '2026-01-10T15:00:00+01:00', 4003, 2, false, 4],
      ['2026-01-10T11:00:00+01:00', '2026-01-10T12:00:00+01:00', 1001, 1, true, 4],
      ['2026-01-10T12:00:00+01:00', '2026-01-10T13:00:00+01:00', 1001, 1, true, 4],
      ['2026-01-10T13:00:00+01:00', '2026-01-10T14:00:00+01:00', 1001, 0, true, 4],
      ['2026-01-10T14:00:00+01:00', '2026-01-10T15:00:00+01:00', 1000, 0, true, 4],
    ],
  );
  assert.match(energies(events)[1]?.notes.join(' ') ?? '', /not one hour's consumption/);
});

test('a counter that goes backwards (meter reset) books nothing and counting restarts from it', () => {
  const events = run([
    list3('2026-02-01T00:00:00+01:00', { aPlus: 9_000_000 }),
    list3('2026-02-01T01:00:00+01:00', { aPlus: 9_001_000 }),
    list3('2026-02-01T02:00:00+01:00', { aPlus: 20 }),
    list3('2026-02-01T03:00:00+01:00', { aPlus: 1_020 }),
  ]);
  assert.deepEqual(
    events.map((e) => (e.kind === 'energy' ? [e.hourStart, e.importWh] : e.reason)),
    [['2026-02-01T00:00:00+01:00', 1000], 'counter-backwards', ['2026-02-01T02:00:00+01:00', 1000]],
  );
  assert.match((events[1] as SnapshotSkipped).notes.join(' '), /A\+ went backwards/);
});

test('a jump beyond the fuse is rejected; exactly the limit is accepted; the limit is an option', () => {
  const limit = run([list3('2026-02-01T00:00:00+01:00', { aPlus: 0 }), list3('2026-02-01T01:00:00+01:00', { aPlus: 100_000 })]);
  assert.equal(energies(limit)[0]?.importWh, 100_000);
  const over = run([list3('2026-02-01T00:00:00+01:00', { aPlus: 0 }), list3('2026-02-01T01:00:00+01:00', { aPlus: 0, rPlus: 100_001 })]);
  assert.equal((over[0] as SnapshotSkipped).reason, 'implausible-jump');
  assert.match((over[0] as SnapshotSkipped).notes.join(' '), /R\+ \+100001 in 1 h exceeds 100 kW/);
  const small = run(
    [list3('2026-02-01T00:00:00+01:00', { aPlus: 0 }), list3('2026-02-01T01:00:00+01:00', { aPlus: 25_001 })],
    new HourlyEnergyTracker({ maxPowerKw: 25 }),
  );
  assert.equal((small[0] as SnapshotSkipped).reason, 'implausible-jump');
  // Over a 2-hour gap the limit doubles.
  const gap = run(
    [list3('2026-02-01T00:00:00+01:00', { aPlus: 0 }), list3('2026-02-01T02:00:00+01:00', { aPlus: 50_000 })],
    new HourlyEnergyTracker({ maxPowerKw: 25 }),
  );
  assert.equal(energies(gap)[0]?.spansHours, 2);
});

test('a single outlier snapshot is bridged: the next consistent one books from the snapshot before it', () => {
  const events = run([
    list3('2026-02-01T00:00:00+01:00', { aPlus: 1_000_000 }),
    list3('2026-02-01T01:00:00+01:00', { aPlus: 999_000_000 }),
    list3('2026-02-01T02:00:00+01:00', { aPlus: 1_003_000 }),
    list3('2026-02-01T03:00:00+01:00', { aPlus: 1_004_000 }),
  ]);
  assert.deepEqual(
    events.map((e) => (e.kind === 'energy' ? [e.hourStart, e.importWh, e.spansHours] : e.reason)),
    ['implausible-jump', ['2026-02-01T00:00:00+01:00', 3000, 2], ['2026-02-01T02:00:00+01:00', 1000, 1]],
  );
  assert.match(events[1]?.notes.join(' ') ?? '', /outlier/);
});

test('a real jump (new meter with a higher register) is adopted after one rejection', () => {
  const events = run([
    list3('2026-02-01T00:00:00+01:00', { aPlus: 1_000 }),
    list3('2026-02-01T01:00:00+01:00', { aPlus: 50_000_000 }),
    list3('2026-02-01T02:00:00+01:00', { aPlus: 50_000_700 }),
  ]);
  assert.deepEqual(
    events.map((e) => (e.kind === 'energy' ? [e.hourStart, e.importWh, e.spansHours] : e.reason)),
    ['implausible-jump', ['2026-02-01T01:00:00+01:00', 700, 1]],
  );
});

test('same clock with different counters keeps the first; a clock going back restarts counting', () => {
  const events = run([
    list3('2026-02-01T00:00:00+01:00', { aPlus: 0 }),
    list3('2026-02-01T01:00:00+01:00', { aPlus: 100 }),
    list3('2026-02-01T01:00:00+01:00', { aPlus: 130 }),
    list3('2026-02-01T02:00:00+01:00', { aPlus: 300 }),
    list3('2026-01-31T02:00:00+01:00', { aPlus: 400 }),
    list3('2026-01-31T03:00:00+01:00', { aPlus: 500 }),
  ]);
  assert.deepEqual(
    events.map((e) => (e.kind === 'energy' ? [e.hourStart, e.importWh] : e.reason)),
    [
      ['2026-02-01T00:00:00+01:00', 100],
      'clock-not-advancing',
      ['2026-02-01T01:00:00+01:00', 200],
      'clock-backwards',
      ['2026-01-31T02:00:00+01:00', 100],
    ],
  );
});

test('identical counters under load with a fresh clock are a repeat; without load they are an hour of 0 Wh', () => {
  const loaded = run([
    list3('2026-02-01T00:00:00+01:00', { aPlus: 5_000 }, { powerW: 3000 }),
    list3('2026-02-01T01:00:00+01:00', { aPlus: 5_000 }, { powerW: 2800 }),
    list3('2026-02-01T02:00:00+01:00', { aPlus: 11_000 }, { powerW: 3100 }),
  ]);
  assert.deepEqual(
    loaded.map((e) => (e.kind === 'energy' ? [e.hourStart, e.importWh, e.spansHours] : e.reason)),
    ['repeated-snapshot', ['2026-02-01T00:00:00+01:00', 6000, 2]],
  );
  const idle = run([
    list3('2026-02-01T00:00:00+01:00', { aPlus: 5_000 }, { powerW: 0 }),
    list3('2026-02-01T01:00:00+01:00', { aPlus: 5_000 }, { powerW: 12 }),
  ]);
  assert.deepEqual(energies(idle).map((e) => [e.importWh, e.spansHours]), [[0, 1]]);
});

test('meter id change, missing registers, bad clock, receive-time stamps', () => {
  const events = run([
    list3('2026-02-01T00:00:00+01:00', { aPlus: 0 }, { meterId: '7359992890497997' }),
    list3('2026-02-01T01:00:00+01:00', { aPlus: 5 }, { meterId: '7359992891237028' }),
    reading({ list: 3, timestamp: '2026-02-01T02:00:00+01:00', values: { '1.0.1.8.0.255': [10, 'Wh'] } }),
    reading({
      list: 3,
      timestamp: '2026-02-01T02:00:00+01:00',
      values: { '1.0.1.8.0.255': [10, 'W'], '1.0.2.8.0.255': [0, 'Wh'], '1.0.3.8.0.255': [0, 'varh'], '1.0.4.8.0.255': [0, 'varh'] },
    }),
    list3('not a time', { aPlus: 1 }),
    reading({
      list: 3,
      timestamp: '2026-02-01T02:00:07+01:00',
      timestampSource: 'received',
      values: { '1.0.1.8.0.255': [905, 'Wh'], '1.0.2.8.0.255': [0, 'Wh'], '1.0.3.8.0.255': [0, 'varh'], '1.0.4.8.0.255': [0, 'varh'] },
    }),
  ]);
  assert.deepEqual(
    events.map((e) => (e.kind === 'energy' ? [e.hourStart, e.importWh] : e.reason)),
    ['meter-changed', 'missing-counters', 'missing-counters', 'invalid-clock', ['2026-02-01T01:00:00+01:00', 900]],
  );
  assert.match(skips(events)[1]?.notes.join(' ') ?? '', /A−, R\+, R−/);
  assert.match(events[4]?.notes.join(' ') ?? '', /receive time/);
});

test('Kamstrup channel B=1 registers are read as well; List 1/2 readings are ignored', () => {
  const k = (ts: string, a: number): HanReading =>
    reading({
      list: 3,
      vendor: 'kamstrup',
      timestamp: ts,
      values: { '1.1.1.8.0.255': [a, 'Wh'], '1.1.2.8.0.255': [0, 'Wh'], '1.1.3.8.0.255': [0, 'varh'], '1.1.4.8.0.255': [0, 'varh'] },
    });
  const events = run([k('2026-02-01T00:00:05+01:00', 100), list1('2026-02-01T00:30:00+01:00', 500), k('2026-02-01T01:00:05+01:00', 600)]);
  assert.deepEqual(energies(events).map((e) => e.importWh), [500]);
});

test('bad arguments are HanErrors, never TypeErrors', () => {
  const tracker = new HourlyEnergyTracker();
  for (const bad of [null, 42, {}, { timestamp: 'x' }]) {
    assert.throws(() => tracker.push(bad as unknown as HanReading), (e: unknown) => isHanError(e) && e.code === 'INVALID_VALUE');
  }
  for (const o of [{ maxPowerKw: 0 }, { maxPowerKw: Number.NaN }, { maxClockOffsetSeconds: 1800 }, { repeatPowerThresholdW: -1 }]) {
    assert.throws(() => new HourlyEnergyTracker(o), (e: unknown) => isHanError(e) && e.code === 'INVALID_OPTION');
  }
});

const hourlySeries = fc.record({
  start: fc.integer({ min: Date.parse('2024-01-01T00:00:00Z') / H, max: Date.parse('2030-01-01T00:00:00Z') / H }),
  first: fc.array(fc.integer({ min: 0, max: 2 ** 32 }), { minLength: 4, maxLength: 4 }),
  steps: fc.array(fc.array(fc.integer({ min: 0, max: 90_000 }), { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 60 }),
  offsetS: fc.integer({ min: -60, max: 60 }),
});

function series(s: { start: number; first: number[]; steps: number[][]; offsetS: number }, keep: (i: number) => boolean = () => true) {
  const counters = [s.first];
  for (const st of s.steps) counters.push((counters.at(-1) as number[]).map((c, j) => c + (st[j] as number)));
  const readings = counters
    .map((c, i) => ({ c, i }))
    .filter(({ i }) => i === 0 || i === counters.length - 1 || keep(i))
    .map(({ c, i }) =>
      list3(at(s.start * H + i * H + s.offsetS * 1000), { aPlus: c[0] as number, aMinus: c[1] as number, rPlus: c[2] as number, rMinus: c[3] as number }),
    );
  return { counters, readings };
}

test('property: with no hour missing, the hourly energies add up to the counter difference, every register', () => {
  fc.assert(
    fc.property(hourlySeries, (s) => {
      const { counters, readings } = series(s);
      const hours = energies(run(readings));
      assert.equal(hours.length, s.steps.length);
      assert.ok(hours.every(isMeasuredHour));
      const first = counters[0] as number[];
      const last = counters.at(-1) as number[];
      assert.equal(hours.reduce((a, e) => a + e.importWh, 0), (last[0] as number) - (first[0] as number));
      assert.equal(hours.reduce((a, e) => a + e.exportWh, 0), (last[1] as number) - (first[1] as number));
      assert.equal(hours.reduce((a, e) => a + e.reactiveImportVarh, 0), (last[2] as number) - (first[2] as number));
      assert.equal(hours.reduce((a, e) => a + e.reactiveExportVarh, 0), (last[3] as number) - (first[3] as number));
    }),
    { numRuns: 200 },
  );
});

test('property: with hours missing, measured hours + gap totals still add up, no gap is booked as one hour, estimates add up to their gap', () => {
  fc.assert(
    fc.property(hourlySeries, fc.func(fc.boolean()), (s, keep) => {
      const { counters, readings } = series(s, (i) => keep(i));
      const events = energies(run(readings, new HourlyEnergyTracker({ estimateGaps: true })));
      const real = events.filter((e) => !e.estimated);
      const diff = (counters.at(-1)?.[0] as number) - (counters[0]?.[0] as number);
      assert.equal(real.reduce((a, e) => a + e.importWh, 0), diff);
      for (const e of real) assert.equal(Date.parse(e.hourEnd) - Date.parse(e.hourStart), e.spansHours * H);
      assert.equal(events.filter((e) => e.estimated).reduce((a, e) => a + e.importWh, 0), real.filter((e) => e.spansHours > 1).reduce((a, e) => a + e.importWh, 0));
      // Every hour is covered once: by a measured hour or inside one gap.
      const gapHours = real.filter((e) => e.spansHours > 1).reduce((a, e) => a + e.spansHours, 0);
      assert.equal(events.filter(isMeasuredHour).length + gapHours, s.steps.length);
    }),
    { numRuns: 200 },
  );
});

test('property: arbitrary readings never throw and never give negative or multi-hour "measured" energy', () => {
  const value = fc.oneof(fc.integer({ min: -10, max: 2 ** 33 }), fc.constant(Number.NaN), fc.double());
  const arb = fc.array(
    fc.record({
      list: fc.constantFrom<1 | 2 | 3>(1, 2, 3),
      hour: fc.integer({ min: 0, max: 48 }),
      sec: fc.integer({ min: -900, max: 900 }),
      a: value,
      b: value,
      unit: fc.constantFrom<'Wh' | 'W' | 'varh'>('Wh', 'W', 'varh'),
    }),
    { maxLength: 40 },
  );
  fc.assert(
    fc.property(arb, (specs) => {
      const tracker = new HourlyEnergyTracker({ estimateGaps: true });
      for (const s of specs) {
        const r = reading({
          list: s.list,
          timestamp: at(Date.parse('2026-10-24T20:00:00Z') + s.hour * H + s.sec * 1000),
          values: { '1.0.1.8.0.255': [s.a, s.unit], '1.0.2.8.0.255': [s.b, 'Wh'], '1.0.3.8.0.255': [0, 'varh'], '1.0.4.8.0.255': [0, 'varh'] },
        });
        for (const e of tracker.push(r)) {
          if (e.kind !== 'energy') continue;
          assert.ok(e.importWh >= 0 && e.exportWh >= 0);
          if (isMeasuredHour(e)) assert.equal(Date.parse(e.hourEnd) - Date.parse(e.hourStart), H);
        }
      }
    }),
    { numRuns: 300 },
  );
});
