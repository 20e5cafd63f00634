import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { osloDayIntervals, parseOsloDate } from '@openams/core';
import type { OsloDate } from '@openams/core';
import { generateMeterIdentity } from '../fleet-identity/index.ts';
import {
  LoadModelError,
  clearLoadCaches,
  cumulativeRegisters,
  dayIntervalEnergies,
  installInstant,
  intervalEnergy,
  loadProfileParams,
} from './index.ts';
import type { EnergyQuantities, LoadArchetype, LoadProfileParams } from './index.ts';
import { GOLDEN_DAY, GOLDEN_METERS, GOLDEN_REGISTERS_AT, GOLDEN_SEED } from '../../test/fixtures/load/golden.ts';

const QUARTER = 900_000;
const KEYS = ['activeImportWh', 'activeExportWh', 'reactiveImportVarh', 'reactiveExportVarh'] as const;

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof LoadModelError, String(e));
    return e.code;
  }
  assert.fail('expected a LoadModelError');
}

/** One meter of each archetype (installed well before the test period), with EV where it can have one. */
function meters(): LoadProfileParams[] {
  const archetypes: LoadArchetype[] = ['house', 'apartment', 'cabin', 'prosumer', 'small-business'];
  return archetypes.map((archetype, i) => {
    const p = loadProfileParams(generateMeterIdentity('load-test', i, { phases: archetype === 'apartment' ? '1p' : '3p3w' }), { archetype });
    const overrides: Partial<LoadProfileParams> = { installDay: Date.UTC(2018, 5, 1) / 86_400_000 };
    if (archetype === 'house') Object.assign(overrides, { evChargerKw: 11, evKwhPerSession: 15, evSessionProbability: 0.9, evStartH: 22.5 });
    if (archetype === 'prosumer') Object.assign(overrides, { pvKwp: 8, pvFromDay: Date.UTC(2020, 0, 1) / 86_400_000 });
    if (archetype === 'cabin') Object.assign(overrides, { cabinWeekendProbability: 0.7, cabinHolidayProbability: 1 });
    return { ...p, ...overrides };
  });
}

function sum(values: readonly EnergyQuantities[]): EnergyQuantities {
  const out = { activeImportWh: 0, activeExportWh: 0, reactiveImportVarh: 0, reactiveExportVarh: 0 };
  for (const v of values) for (const k of KEYS) out[k] += v[k];
  return out;
}

function diff(a: EnergyQuantities, b: EnergyQuantities): EnergyQuantities {
  return { activeImportWh: a.activeImportWh - b.activeImportWh, activeExportWh: a.activeExportWh - b.activeExportWh, reactiveImportVarh: a.reactiveImportVarh - b.reactiveImportVarh, reactiveExportVarh: a.reactiveExportVarh - b.reactiveExportVarh };
}

const SPRING = parseOsloDate('2026-03-29');
const AUTUMN = parseOsloDate('2026-10-25');

test('the intervals are the Oslo calendar’s: 92/100 quarter-hours and 23/25 hours on DST days', () => {
  const [m] = meters();
  for (const [date, q, h] of [[SPRING, 92, 23], [AUTUMN, 100, 25], [parseOsloDate('2026-11-25'), 96, 24]] as const) {
    const quarters = dayIntervalEnergies(m!, date, 'PT15M');
    const hours = dayIntervalEnergies(m!, date, 'PT60M');
    assert.equal(quarters.length, q);
    assert.equal(hours.length, h);
    assert.deepEqual(quarters.map((x) => x.start.getTime()), osloDayIntervals(date, 'PT15M').map((x) => x.start.getTime()));
    assert.deepEqual(hours.map((x) => x.end.getTime()), osloDayIntervals(date, 'PT60M').map((x) => x.end.getTime()));
  }
});

test('PT15M values sum exactly to the PT60M value of their hour, for every archetype, on DST days too', () => {
  for (const m of meters()) {
    for (const date of [SPRING, AUTUMN, parseOsloDate('2026-07-04'), parseOsloDate('2026-01-14')]) {
      const quarters = dayIntervalEnergies(m, date, 'PT15M');
      const hours = dayIntervalEnergies(m, date, 'PT60M');
      hours.forEach((hour, h) => {
        assert.deepEqual(sum(quarters.slice(4 * h, 4 * h + 4)), { activeImportWh: hour.activeImportWh, activeExportWh: hour.activeExportWh, reactiveImportVarh: hour.reactiveImportVarh, reactiveExportVarh: hour.reactiveExportVarh });
        assert.deepEqual(intervalEnergy(m, hour.start, 'PT60M'), sum(quarters.slice(4 * h, 4 * h + 4)));
      });
      for (const x of quarters) for (const k of KEYS) assert.ok(Number.isInteger(x[k]) && x[k] >= 0, `${k} = ${x[k]}`);
    }
  }
});

test('registers equal the initial reading plus the sum of interval deltas: across both DST days and a month', () => {
  for (const m of meters()) {
    for (const date of [SPRING, AUTUMN]) {
      const q = dayIntervalEnergies(m, date, 'PT15M');
      const start = q[0]!.start;
      const end = q[q.length - 1]!.end;
      assert.deepEqual(diff(cumulativeRegisters(m, end), cumulativeRegisters(m, start)), sum(q), `${m.archetype} ${date}`);
      // and at every quarter-hour boundary inside the day
      let running = cumulativeRegisters(m, start);
      for (const x of q) {
        running = { activeImportWh: running.activeImportWh + x.activeImportWh, activeExportWh: running.activeExportWh + x.activeExportWh, reactiveImportVarh: running.reactiveImportVarh + x.reactiveImportVarh, reactiveExportVarh: running.reactiveExportVarh + x.reactiveExportVarh };
        assert.deepEqual(cumulativeRegisters(m, x.end), running);
      }
    }
    // October 2026: 31 days, one of them 25 hours long.
    const days: OsloDate[] = [];
    for (let d = 1; d <= 31; d++) days.push(parseOsloDate(`2026-10-${String(d).padStart(2, '0')}`));
    const all = days.flatMap((d) => dayIntervalEnergies(m, d, 'PT60M'));
    assert.equal(all.length, 31 * 24 + 1);
    assert.deepEqual(diff(cumulativeRegisters(m, all[all.length - 1]!.end), cumulativeRegisters(m, all[0]!.start)), sum(all));
  }
});

test('registers from installation: the initial reading, then the sum of every interval (cold caches, any order)', () => {
  const base = meters()[0]!;
  // Installed 2026-03-27: the first days include the spring DST day.
  const m: LoadProfileParams = { ...base, installDay: Date.UTC(2026, 2, 27) / 86_400_000 };
  const install = installInstant(m);
  assert.equal(install.toISOString(), '2026-03-26T23:00:00.000Z');
  assert.deepEqual(cumulativeRegisters(m, new Date(install.getTime() - 1)), m.initialRegisters);
  assert.deepEqual(cumulativeRegisters(m, install), m.initialRegisters);
  assert.deepEqual(intervalEnergy(m, new Date(install.getTime() - QUARTER), 'PT15M'), { activeImportWh: 0, activeExportWh: 0, reactiveImportVarh: 0, reactiveExportVarh: 0 });
  const days = ['2026-03-27', '2026-03-28', '2026-03-29', '2026-03-30'].map(parseOsloDate);
  const expected = sum([m.initialRegisters, ...days.flatMap((d) => dayIntervalEnergies(m, d, 'PT15M'))]);
  const end = new Date('2026-03-30T22:00:00Z');
  clearLoadCaches();
  const later = cumulativeRegisters(m, new Date('2026-06-01T00:00:00Z')); // a checkpoint far ahead …
  assert.deepEqual(cumulativeRegisters(m, end), expected); // … then backwards from it
  clearLoadCaches();
  assert.deepEqual(cumulativeRegisters(m, end), expected);
  assert.deepEqual(cumulativeRegisters(m, new Date('2026-06-01T00:00:00Z')), later);
});

test('registers never decrease, and move within an interval by at most its energy', () => {
  const [house, , , prosumer] = meters();
  for (const m of [house!, prosumer!]) {
    const t0 = new Date('2026-05-12T10:00:00Z').getTime();
    let prev = cumulativeRegisters(m, new Date(t0));
    const q = intervalEnergy(m, new Date(t0), 'PT15M');
    for (let s = 7; s <= 900; s += 7) {
      const r = cumulativeRegisters(m, new Date(t0 + s * 1000));
      for (const k of KEYS) assert.ok(r[k] >= prev[k], `${k} went back`);
      prev = r;
    }
    const end = cumulativeRegisters(m, new Date(t0 + QUARTER));
    assert.deepEqual(diff(end, cumulativeRegisters(m, new Date(t0))), q);
  }
});

test('deterministic: the same meter gives the same values; different meters differ', () => {
  const a = loadProfileParams(generateMeterIdentity('det', 3));
  const b = loadProfileParams(generateMeterIdentity('det', 3));
  assert.deepEqual(a, b);
  const day = parseOsloDate('2026-02-10');
  const first = dayIntervalEnergies(a, day, 'PT15M');
  clearLoadCaches();
  assert.deepEqual(dayIntervalEnergies(b, day, 'PT15M'), first);
  const profiles = new Set<string>();
  for (let i = 0; i < 40; i++) {
    profiles.add(dayIntervalEnergies(generateMeterIdentity('det', i), day, 'PT60M').map((x) => x.activeImportWh).join(','));
  }
  assert.equal(profiles.size, 40);
});

test('errors: unaligned intervals, invalid instants, bad parameters', () => {
  const [m] = meters();
  assert.equal(code(() => intervalEnergy(m!, new Date('2026-01-10T10:05:00Z'), 'PT15M')), 'UNALIGNED_INTERVAL');
  assert.equal(code(() => intervalEnergy(m!, new Date('2026-01-10T10:15:00Z'), 'PT60M')), 'UNALIGNED_INTERVAL');
  assert.equal(code(() => intervalEnergy(m!, new Date(Number.NaN), 'PT15M')), 'INVALID_INSTANT');
  assert.equal(code(() => cumulativeRegisters(m!, new Date(Number.NaN))), 'INVALID_INSTANT');
  assert.equal(code(() => intervalEnergy(m!, new Date('2150-01-01T00:00:00Z'), 'PT15M')), 'INVALID_INSTANT');
  assert.equal(code(() => intervalEnergy({ ...m!, baseKwhPerDay: -1 }, new Date('2026-01-10T10:00:00Z'), 'PT15M')), 'INVALID_PARAMS');
  assert.equal(code(() => intervalEnergy({ ...m!, archetype: 'castle' as never }, new Date('2026-01-10T10:00:00Z'), 'PT15M')), 'INVALID_PARAMS');
});

test('property: for any meter and hour, the hour is the sum of its quarter-hours and registers add up', () => {
  const from = Date.UTC(2020, 0, 1) / 3_600_000;
  const to = Date.UTC(2029, 11, 31) / 3_600_000;
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: from, max: to }), (index, hour) => {
      const m = generateMeterIdentity('prop', index);
      const start = new Date(hour * 3_600_000);
      const quarters = [0, 1, 2, 3].map((k) => intervalEnergy(m, new Date(start.getTime() + k * QUARTER), 'PT15M'));
      const h = intervalEnergy(m, start, 'PT60M');
      assert.deepEqual(h, sum(quarters));
      assert.deepEqual(diff(cumulativeRegisters(m, new Date(start.getTime() + 3_600_000)), cumulativeRegisters(m, start)), h);
    }),
    { numRuns: 60 },
  );
});

test('property: a whole day’s registers move by exactly the sum of its intervals (the O(1) day plans agree with the spread)', () => {
  const from = Date.UTC(2021, 0, 1) / 86_400_000;
  const to = Date.UTC(2029, 11, 31) / 86_400_000;
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: from, max: to }), (index, day) => {
      const m = generateMeterIdentity('prop-day', index);
      const date = new Date(day * 86_400_000).toISOString().slice(0, 10) as OsloDate;
      const q = dayIntervalEnergies(m, date, 'PT15M');
      assert.deepEqual(diff(cumulativeRegisters(m, q[q.length - 1]!.end), cumulativeRegisters(m, q[0]!.start)), sum(q));
    }),
    { numRuns: 80 },
  );
});

test('golden: the seed `openams-golden` still gives the same households, registers and day', () => {
  for (const g of GOLDEN_METERS) {
    const m = generateMeterIdentity(GOLDEN_SEED, g.index);
    assert.equal(loadProfileParams(m).archetype, g.archetype);
    assert.deepEqual(cumulativeRegisters(m, new Date(GOLDEN_REGISTERS_AT)), g.registers);
    assert.deepEqual(dayIntervalEnergies(m, parseOsloDate(GOLDEN_DAY), 'PT60M').map((x) => x.activeImportWh), g.hourlyImportWh);
  }
});
