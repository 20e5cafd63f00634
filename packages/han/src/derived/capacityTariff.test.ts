import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { osloDate, toOsloIso } from '@openams/core';
import { isHanError } from '../errors/index.ts';
import { GH1119_READINGS } from '../../test/fixtures/derived/gh1119.ts';
import { CapacityTariffTracker, DEFAULT_CAPACITY_STEPS, HourlyEnergyTracker, capacityByMonth } from './index.ts';
import type { HourlyEnergy } from './index.ts';

const H = 3_600_000;

/** A measured hour starting at `start` (ISO) with `wh` import. */
function hour(start: string, wh: number, extra: Partial<HourlyEnergy> = {}): HourlyEnergy {
  const ms = Date.parse(start);
  const spans = extra.spansHours ?? 1;
  return {
    kind: 'energy',
    hourStart: toOsloIso(new Date(ms)),
    hourEnd: toOsloIso(new Date(ms + spans * H)),
    importWh: wh,
    exportWh: 0,
    reactiveImportVarh: 0,
    reactiveExportVarh: 0,
    estimated: false,
    spansHours: 1,
    notes: [],
    ...extra,
  };
}

/** January 2026: day 5 holds the two highest hours of the month. */
const january = [
  hour('2026-01-05T17:00:00+01:00', 9_000),
  hour('2026-01-05T18:00:00+01:00', 8_500),
  hour('2026-01-05T03:00:00+01:00', 1_200),
  hour('2026-01-12T08:00:00+01:00', 7_000),
  hour('2026-01-12T09:00:00+01:00', 6_900),
  hour('2026-01-20T19:00:00+01:00', 6_000),
  hour('2026-01-27T07:00:00+01:00', 5_500),
  hour('2026-01-31T23:00:00+01:00', 2_000),
];

test('the default step table is the common 10-step one', () => {
  assert.deepEqual(
    DEFAULT_CAPACITY_STEPS.map((s) => [s.fromKw, s.toKw, s.label]),
    [
      [0, 2, '0–2 kW'],
      [2, 5, '2–5 kW'],
      [5, 10, '5–10 kW'],
      [10, 15, '10–15 kW'],
      [15, 20, '15–20 kW'],
      [20, 25, '20–25 kW'],
      [25, 50, '25–50 kW'],
      [50, 75, '50–75 kW'],
      [75, 100, '75–100 kW'],
      [100, null, '≥ 100 kW'],
    ],
  );
});

test('top 3 are three different days: the day with the two highest hours counts once', () => {
  const t = new CapacityTariffTracker();
  for (const h of january) assert.equal(t.add(h).status, 'counted');
  const m = t.current;
  assert.ok(m);
  assert.equal(m.month, '2026-01');
  assert.deepEqual(
    m.topDays.map((d) => [d.date, d.hour, d.hourStart, d.kwh]),
    [
      ['2026-01-05', 17, '2026-01-05T17:00:00+01:00', 9],
      ['2026-01-12', 8, '2026-01-12T08:00:00+01:00', 7],
      ['2026-01-20', 19, '2026-01-20T19:00:00+01:00', 6],
    ],
  );
  assert.equal(m.basisKw, 22 / 3); // (9 + 7 + 6) / 3, not (9 + 8.5 + 7) / 3
  assert.deepEqual(m.step, { index: 2, fromKw: 5, toKw: 10, label: '5–10 kW' });
  assert.equal(m.hoursCounted, 8);
  assert.equal(m.daysCounted, 5);
  assert.deepEqual(m.excluded, []);
});

test('headroom: what the hour must stay below to keep the step, on a new day and on a top day', () => {
  const t = new CapacityTariffTracker();
  for (const h of january) t.add(h);
  // A new day (Jan 28): others 9, 7, 6, 5.5 → basis (9 + 7 + x)/3 < 10 → x < 14 kWh.
  assert.deepEqual(t.hourLimit(new Date('2026-01-28T17:00:00+01:00')), {
    hourStart: '2026-01-28T17:00:00+01:00',
    step: { index: 2, fromKw: 5, toKw: 10, label: '5–10 kW' },
    limitWh: 14_000,
    limitKwh: 14,
  });
  // Jan 5 (already 9 kWh): others 7, 6, 5.5 → (x + 7 + 6)/3 < 10 → x < 17 kWh.
  assert.equal(t.hourLimit(new Date('2026-01-05T20:00:00+01:00')).limitWh, 17_000);
  // Jan 20 (6 kWh, third): others 9, 7, 5.5 → x < 14 kWh.
  assert.equal(t.hourLimit(new Date('2026-01-20T20:00:00+01:00')).limitWh, 14_000);
  // Check the claim: at the limit the step goes up, just below it does not.
  const at = new CapacityTariffTracker();
  for (const h of january) at.add(h);
  at.add(hour('2026-01-28T17:00:00+01:00', 14_000));
  assert.equal(at.current?.step.index, 3);
  const below = new CapacityTariffTracker();
  for (const h of january) below.add(h);
  below.add(hour('2026-01-28T17:00:00+01:00', 13_999));
  assert.equal(below.current?.step.index, 2);
});

test('early in the month the average is over the days there are; an empty month allows 2 kWh', () => {
  const t = new CapacityTariffTracker();
  const before = t.current;
  assert.equal(before, undefined);
  assert.equal(t.hourLimit(new Date('2026-03-01T00:00:00+01:00')).limitWh, 2_000);
  t.add(hour('2026-03-01T18:00:00+01:00', 3_000));
  assert.equal(t.current?.basisKw, 3);
  assert.equal(t.current?.step.index, 1);
  // Another day: (3 + x)/2 < 5 → x < 7; the same day: x < 5.
  assert.equal(t.hourLimit(new Date('2026-03-02T18:00:00+01:00')).limitWh, 7_000);
  assert.equal(t.hourLimit(new Date('2026-03-01T19:00:00+01:00')).limitWh, 5_000);
});

test('step bounds: lower included, upper excluded, compared in whole Wh', () => {
  const basis = (whs: number[]) => {
    const t = new CapacityTariffTracker();
    whs.forEach((wh, i) => t.add(hour(`2026-02-${String(i + 1).padStart(2, '0')}T12:00:00+01:00`, wh)));
    return t.current;
  };
  assert.equal(basis([2_000, 2_000, 2_000])?.step.index, 1);
  assert.equal(basis([1_999, 2_000, 2_000])?.step.index, 0); // 5999/3 Wh < 2 kW
  assert.equal(basis([100_000, 100_000, 100_000])?.step.label, '≥ 100 kW');
  const top = new CapacityTariffTracker();
  top.add(hour('2026-02-01T12:00:00+01:00', 150_000));
  assert.deepEqual(top.hourLimit(new Date('2026-02-02T12:00:00+01:00')).limitWh, null);
});

test('autumn DST: the second 02:00 hour is its own hour of 2026-10-25 and can be the day peak', () => {
  const t = new CapacityTariffTracker();
  t.add(hour('2026-10-25T02:00:00+02:00', 1_000));
  t.add(hour('2026-10-25T02:00:00+01:00', 4_000));
  t.add(hour('2026-10-25T03:00:00+01:00', 3_000));
  const m = t.current;
  assert.equal(m?.hoursCounted, 3);
  assert.deepEqual(
    m?.topDays.map((d) => [d.date, d.hour, d.hourStart, d.hourEnd, d.kwh]),
    [['2026-10-25', 2, '2026-10-25T02:00:00+01:00', '2026-10-25T03:00:00+01:00', 4]],
  );
});

test('month rollover is by Oslo calendar: 00:00 on 1 November (23:00 UTC) starts November', () => {
  const t = new CapacityTariffTracker();
  t.add(hour('2026-10-31T23:00:00+01:00', 5_000));
  const r = t.add(hour('2026-11-01T00:00:00+01:00', 1_000));
  assert.equal(r.status, 'counted');
  assert.equal(r.rolledOver?.month, '2026-10');
  assert.equal(r.rolledOver?.basisKw, 5);
  assert.equal(t.current?.month, '2026-11');
  assert.equal(t.current?.basisKw, 1);
  const late = t.add(hour('2026-10-30T12:00:00+01:00', 9_000));
  assert.equal(late.status, 'ignored');
  assert.match(late.notes.join(' '), /closed/);
  assert.throws(() => t.hourLimit(new Date('2026-10-31T12:00:00+01:00')), (e: unknown) => isHanError(e) && e.code === 'INVALID_VALUE');
  assert.equal(t.hourLimit(new Date('2026-12-01T00:00:00+01:00')).limitWh, 2_000);
});

test('gaps and estimates are excluded and reported, with whether they could hide a higher peak', () => {
  const events = new HourlyEnergyTracker({ estimateGaps: true });
  const t = new CapacityTariffTracker();
  const statuses = GH1119_READINGS.flatMap((r) => events.push(r)).map((e) => t.add(e).status);
  assert.deepEqual(statuses, ['counted', 'ignored', 'excluded', 'excluded', 'excluded']);
  const m = t.current;
  assert.equal(m?.month, '2025-12');
  assert.deepEqual(m?.topDays.map((d) => d.importWh), [1770]);
  assert.deepEqual(
    m?.excluded.map((e) => [e.hourStart, e.hourEnd, e.spansHours, e.importWh, e.reason, e.mayAffectBasis]),
    [
      ['2025-12-14T17:00:00+01:00', '2025-12-14T18:00:00+01:00', 2, 4025, 'estimate', true],
      ['2025-12-14T17:00:00+01:00', '2025-12-14T19:00:00+01:00', 2, 8050, 'gap', true],
      ['2025-12-14T18:00:00+01:00', '2025-12-14T19:00:00+01:00', 2, 4025, 'estimate', true],
    ],
  );
  // With three full days of 9 kWh, a 2-hour gap of 8 kWh cannot change the basis.
  const full = new CapacityTariffTracker();
  for (const d of ['01', '02', '03']) full.add(hour(`2026-04-${d}T12:00:00+02:00`, 9_000));
  full.add(hour('2026-04-04T12:00:00+02:00', 8_000, { spansHours: 2 }));
  assert.deepEqual(full.current?.excluded.map((e) => e.mayAffectBasis), [false]);
});

test('topDays and the step table are options; bad ones are HanErrors', () => {
  const one = new CapacityTariffTracker({ topDays: 1 });
  const five = new CapacityTariffTracker({ topDays: 5 });
  for (const h of january) {
    one.add(h);
    five.add(h);
  }
  assert.equal(one.current?.basisKw, 9);
  assert.equal(five.current?.basisKw, (9 + 7 + 6 + 5.5 + 2) / 5);
  const custom = new CapacityTariffTracker({ steps: [{ fromKw: 0, toKw: 7.5, label: 'small' }, { fromKw: 7.5, toKw: null, label: 'big' }] });
  for (const h of january) custom.add(h);
  assert.deepEqual(custom.current?.step, { index: 0, fromKw: 0, toKw: 7.5, label: 'small' });
  const bad = [
    { topDays: 0 },
    { topDays: 2.5 },
    { topDays: 32 },
    { steps: [] },
    { steps: [{ fromKw: 1, toKw: null }] },
    { steps: [{ fromKw: 0, toKw: 2 }, { fromKw: 3, toKw: null }] },
    { steps: [{ fromKw: 0, toKw: null }, { fromKw: 5, toKw: null }] },
    { steps: [{ fromKw: 0, toKw: 0 }] },
  ];
  for (const o of bad) assert.throws(() => new CapacityTariffTracker(o), (e: unknown) => isHanError(e) && e.code === 'INVALID_OPTION', JSON.stringify(o));
  assert.throws(() => new CapacityTariffTracker().hourLimit(new Date('2026-01-01T00:30:00+01:00')), (e: unknown) => isHanError(e));
});

test('an hour given twice keeps the larger value; unusable values are ignored', () => {
  const t = new CapacityTariffTracker();
  t.add(hour('2026-01-05T17:00:00+01:00', 3_000));
  const r = t.add(hour('2026-01-05T17:00:00+01:00', 4_000));
  assert.match(r.notes.join(' '), /given twice/);
  t.add(hour('2026-01-05T17:00:00+01:00', 3_500));
  assert.equal(t.current?.basisKw, 4);
  assert.equal(t.add(hour('2026-01-06T17:00:00+01:00', Number.NaN)).status, 'ignored');
  assert.equal(t.add(hour('2026-01-06T17:00:00+01:00', -1)).status, 'ignored');
  assert.equal(t.add({ kind: 'skipped', reason: 'repeated-snapshot', timestamp: 'x', notes: [] }).status, 'ignored');
  assert.equal(t.add(hour('2026-01-06T17:00:00+01:00', 1, { hourEnd: 'garbage' })).status, 'ignored');
});

/** Hours of March 2026 (which has the spring DST day): index 0 … 742. */
const marchHour = (i: number): string => toOsloIso(new Date(Date.parse('2026-03-01T00:00:00+01:00') + i * H));
const marchHours = fc.array(fc.record({ i: fc.integer({ min: 0, max: 742 }), wh: fc.integer({ min: 0, max: 40_000 }) }), { minLength: 1, maxLength: 120 });

test('property: the basis does not depend on the order hours arrive within the month', () => {
  fc.assert(
    fc.property(marchHours, fc.integer({ min: 1, max: 5 }), fc.infiniteStream(fc.nat()), (spec, topDays, rnd) => {
      const events = spec.map(({ i, wh }) => hour(marchHour(i), wh));
      const shuffled = [...events];
      const it = rnd[Symbol.iterator]();
      for (let k = shuffled.length - 1; k > 0; k--) {
        const j = (it.next().value as number) % (k + 1);
        [shuffled[k], shuffled[j]] = [shuffled[j] as HourlyEnergy, shuffled[k] as HourlyEnergy];
      }
      const a = new CapacityTariffTracker({ topDays });
      const b = new CapacityTariffTracker({ topDays });
      events.forEach((e) => a.add(e));
      shuffled.forEach((e) => b.add(e));
      assert.deepEqual(a.current, b.current);
      assert.deepEqual(capacityByMonth(shuffled, { topDays }), [a.current]);
      const limitAt = new Date(Date.parse(marchHour(500)));
      assert.deepEqual(a.hourLimit(limitAt), b.hourLimit(limitAt));
    }),
    { numRuns: 150 },
  );
});

test('property: the basis is the mean of the N largest daily maxima (brute force), and the limit is tight', () => {
  fc.assert(
    fc.property(marchHours, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 742 }), (spec, topDays, q) => {
      const t = new CapacityTariffTracker({ topDays });
      const byHour = new Map<number, number>();
      for (const { i, wh } of spec) {
        t.add(hour(marchHour(i), wh));
        byHour.set(i, Math.max(byHour.get(i) ?? 0, wh));
      }
      const dayMax = new Map<string, number>();
      for (const [i, wh] of byHour) {
        const d = osloDate(new Date(Date.parse(marchHour(i))));
        dayMax.set(d, Math.max(dayMax.get(d) ?? 0, wh));
      }
      const top = [...dayMax.values()].sort((x, y) => y - x).slice(0, topDays);
      const m = t.current;
      assert.equal(m?.basisKw, top.reduce((s, x) => s + x, 0) / top.length / 1000);
      assert.deepEqual(m?.topDays.map((d) => d.importWh), top);
      // The limit: adding exactly the limit to hour q raises the step; one Wh less does not.
      const lim = t.hourLimit(new Date(Date.parse(marchHour(q))));
      if (lim.limitWh === null || byHour.has(q)) return;
      for (const [extra, raised] of [
        [lim.limitWh, true],
        [lim.limitWh - 1, false],
      ] as const) {
        if (extra < 0) continue;
        const u = new CapacityTariffTracker({ topDays });
        for (const { i, wh } of spec) u.add(hour(marchHour(i), wh));
        u.add(hour(marchHour(q), extra));
        assert.equal((u.current?.step.index ?? 0) > (m?.step.index ?? 0), raised, `extra ${extra}`);
      }
    }),
    { numRuns: 150 },
  );
});
