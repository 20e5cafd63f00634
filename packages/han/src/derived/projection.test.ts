import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { toOsloIso } from '@openams/core';
import { isHanError } from '../errors/index.ts';
import type { HanReading } from '../reading/index.ts';
import { list1, list3, reading } from '../../test/fixtures/derived/readings.ts';
import { CapacityTariffTracker, HourProjector } from './index.ts';
import type { HourlyEnergy, IntegratedHour } from './index.ts';

const H = 3_600_000;
const iso = (ms: number): string => toOsloIso(new Date(ms));
const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) <= eps * Math.max(1, Math.abs(b)), `${a} ≉ ${b}`);

/** Feeds List 1 samples `[ms, W]`, timed by receive time. */
function feed(p: HourProjector, samples: readonly (readonly [number, number])[]): IntegratedHour[] {
  return samples.flatMap(([ms, w]) => p.push(list1(iso(ms), w), new Date(ms)));
}

const noon = Date.parse('2026-01-28T12:00:00+01:00');

test('constant 2 kW for half an hour: 1000 Wh so far, 2000 Wh projected; a 1500 Wh limit is exceeded', () => {
  const p = new HourProjector();
  feed(p, Array.from({ length: 901 }, (_, i) => [noon + i * 2000, 2000] as const));
  const r = p.projection({ limitWh: 1500 });
  assert.ok(r);
  assert.equal(r.hourStart, '2026-01-28T12:00:00+01:00');
  assert.equal(r.hourEnd, '2026-01-28T13:00:00+01:00');
  assert.equal(r.at, '2026-01-28T12:30:00+01:00');
  assert.equal(r.elapsedSeconds, 1800);
  assert.equal(r.coveredSeconds, 1800);
  assert.equal(r.remainingSeconds, 1800);
  close(r.energySoFarWh, 1000);
  assert.equal(r.uncoveredEstimateWh, 0);
  close(r.currentPowerW, 2000);
  close(r.projectedWh, 2000);
  assert.equal(r.stale, false);
  assert.equal(r.limit?.exceeds, true);
  close(r.limit?.allowedPowerW ?? Number.NaN, 1000); // (1500 − 1000) Wh over the remaining 0.5 h
  assert.equal(p.projection({ limitWh: 2001 })?.limit?.exceeds, false);
  assert.deepEqual(p.projection({ limitWh: null })?.limit, { limitWh: null, exceeds: false, allowedPowerW: null });
});

test('a linear ramp 0 → 3600 W over the hour integrates exactly (trapezoid) and is reported when the hour closes', () => {
  const p = new HourProjector();
  const closed = feed(
    p,
    Array.from({ length: 1801 }, (_, i) => [noon + i * 2000, i * 2] as const),
  );
  assert.equal(closed.length, 1);
  assert.equal(closed[0]?.hourStart, '2026-01-28T12:00:00+01:00');
  assert.equal(closed[0]?.hourEnd, '2026-01-28T13:00:00+01:00');
  close(closed[0]?.energyWh ?? 0, 1800);
  assert.equal(closed[0]?.coveredSeconds, 3600);
  const next = p.projection();
  assert.equal(next?.hourStart, '2026-01-28T13:00:00+01:00');
  assert.equal(next?.energySoFarWh, 0);
});

test('a pair straddling the hour is split at the interpolated power', () => {
  const p = new HourProjector();
  const closed = feed(p, [
    [noon + H - 2000, 1000],
    [noon + H + 2000, 2000],
  ]);
  close(closed[0]?.energyWh ?? 0, (1250 * 2) / 3600); // (1000 + 1500)/2 W for 2 s
  close(p.projection()?.energySoFarWh ?? 0, (1750 * 2) / 3600); // (1500 + 2000)/2 W for 2 s
  assert.equal(p.projection()?.coveredSeconds, 2);
});

test('samples more than 30 s apart are not integrated across; uncovered time is filled only in the projection', () => {
  const p = new HourProjector();
  feed(p, [
    [noon, 1000],
    [noon + 10_000, 1000],
    [noon + 70_000, 4000],
    [noon + 80_000, 4000],
  ]);
  const r = p.projection();
  assert.ok(r);
  assert.equal(r.coveredSeconds, 20);
  close(r.energySoFarWh, (1000 * 10 + 4000 * 10) / 3600);
  // 60 uncovered seconds at the covered average (2500 W).
  close(r.uncoveredEstimateWh, (2500 * 60) / 3600);
  // Rate: the last 60 s hold only the 4 kW segment.
  close(r.currentPowerW, 4000);
  close(r.projectedWh, r.energySoFarWh + r.uncoveredEstimateWh + (4000 * (3600 - 80)) / 3600);
  // The time from the hour's start to the first sample is uncovered too.
  const q = new HourProjector();
  feed(q, [
    [noon + 600_000, 1000],
    [noon + 602_000, 1000],
  ]);
  close(q.projection()?.uncoveredEstimateWh ?? 0, (1000 * 600) / 3600);
});

test('a gap across the hour closes it and starts the next without integrating', () => {
  const p = new HourProjector();
  const closed = feed(p, [
    [noon + H - 4000, 1000],
    [noon + H - 2000, 1000],
    [noon + 2 * H + 10_000, 500],
  ]);
  assert.equal(closed.length, 1);
  close(closed[0]?.energyWh ?? 0, 2000 / 3600);
  const r = p.projection();
  assert.equal(r?.hourStart, '2026-01-28T14:00:00+01:00');
  assert.equal(r?.coveredSeconds, 0);
  assert.equal(r?.currentPowerW, 500);
});

test('the current rate is a 60 s time-weighted average; 0 uses the last sample', () => {
  const samples = [...Array.from({ length: 301 }, (_, i) => [noon + i * 2000, 1000] as const), [noon + 602_000, 5000] as const];
  const p = new HourProjector();
  feed(p, samples);
  close(p.projection()?.currentPowerW ?? 0, (29 * 1000 + 3000) / 30);
  const q = new HourProjector({ rateWindowSeconds: 0 });
  feed(q, samples);
  assert.equal(q.projection()?.currentPowerW, 5000);
});

test('the List 3 that opens the hour gives the counter; the tariff gives the limit', () => {
  const tariff = new CapacityTariffTracker();
  const day = (d: string, wh: number): HourlyEnergy => ({
    kind: 'energy',
    hourStart: `2026-01-${d}T17:00:00+01:00`,
    hourEnd: `2026-01-${d}T18:00:00+01:00`,
    importWh: wh,
    exportWh: 0,
    reactiveImportVarh: 0,
    reactiveExportVarh: 0,
    estimated: false,
    spansHours: 1,
    notes: [],
  });
  tariff.add(day('05', 9000));
  tariff.add(day('12', 7000));
  tariff.add(day('20', 6000));
  const p = new HourProjector();
  const start = Date.parse('2026-01-28T17:00:00+01:00');
  p.push(list3('2026-01-28T17:00:10+01:00', { aPlus: 5_000_000 }, { powerW: 16_000 }), new Date(start + 10_000));
  feed(p, Array.from({ length: 100 }, (_, i) => [start + 12_000 + i * 2000, 16_000] as const));
  const r = p.projection({ tariff, now: new Date(start + 220_000) });
  assert.ok(r);
  assert.equal(r.importCounterAtHourStartWh, 5_000_000);
  close(r.estimatedImportCounterWh ?? 0, 5_000_000 + r.energySoFarWh + r.uncoveredEstimateWh);
  close(r.projectedWh, 16_000);
  assert.equal(r.limit?.limitWh, 14_000); // (9 + 7 + x)/3 < 10 kW
  assert.equal(r.limit?.exceeds, true);
  assert.equal(r.stale, false);
  assert.equal(p.projection({ now: new Date(start + 300_000) })?.stale, true);
  assert.equal(p.projection({ now: new Date(start + H) }), undefined);
});

test('unusable samples are counted and skipped; bad arguments are HanErrors', () => {
  const p = new HourProjector();
  assert.equal(p.projection(), undefined);
  feed(p, [[noon, 1000]]);
  feed(p, [[noon - 1000, 1000]]); // out of order
  feed(p, [[noon + 2000, -5]]); // negative
  p.push(reading({ list: 2, timestamp: iso(noon + 4000), values: { '1.0.1.7.0.255': [3, 'kW' as 'W'] } }), new Date(noon + 4000));
  p.push(reading({ list: 1, timestamp: 'garbage' }));
  assert.equal(p.ignoredSamples, 4);
  // Without receivedAt the reading's timestamp times the sample.
  p.push(list1(iso(noon + 2000), 1000));
  assert.equal(p.projection()?.coveredSeconds, 2);
  assert.throws(() => p.push(list1(iso(noon), 1), new Date(Number.NaN)), (e: unknown) => isHanError(e) && e.code === 'INVALID_VALUE');
  assert.throws(() => p.push(null as unknown as HanReading), (e: unknown) => isHanError(e));
  assert.throws(() => p.projection({ limitWh: Number.POSITIVE_INFINITY }), (e: unknown) => isHanError(e));
  for (const o of [{ maxGapSeconds: 0 }, { rateWindowSeconds: -1 }]) assert.throws(() => new HourProjector(o), (e: unknown) => isHanError(e));
});

test('property: constant power sampled at random intervals ≤ 30 s over a whole hour integrates to P·1 h', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 50_000 }), fc.array(fc.integer({ min: 100, max: 30_000 }), { minLength: 1, maxLength: 400 }), (w, gaps) => {
      const p = new HourProjector();
      const times = [noon - 1000];
      for (const g of gaps) times.push((times.at(-1) as number) + g);
      while ((times.at(-1) as number) <= noon + H) times.push((times.at(-1) as number) + 20_000);
      const closed = feed(p, times.map((t) => [t, w] as const));
      const hour = closed.find((c) => c.hourStart === iso(noon));
      assert.ok(hour);
      close(hour.energyWh, w, 1e-9);
      assert.equal(hour.coveredSeconds, 3600);
    }),
    { numRuns: 200 },
  );
});
