import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_FAULTS, FaultConfigError, FaultPlan, NO_FAULTS, dstChanges, faultRates, lastDstChange, parseFaultConfig } from './index.ts';
import type { FaultEpisode } from './index.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5);

/** Time covered by the union of `episodes` inside `[from, to)`. */
function covered(episodes: readonly FaultEpisode[], from: number, to: number): number {
  const spans = episodes.map((e) => [Math.max(e.from, from), Math.min(e.to, to)] as const).filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of spans) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}

function near(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= expected * tolerance, `${what}: ${actual.toExponential(3)}, expected ${expected.toExponential(3)} ± ${tolerance * 100} %`);
}

test('the default rates reproduce domain.md §1: 1.3 % of values missing, split 50/10/4/8/28, ~0.4 % never communicating', () => {
  const plan = new FaultPlan('rates', DEFAULT_FAULTS);
  const r = plan.rates;
  const window = 60 * DAY;
  const to = T0 + window;
  const meters = 20_000;
  let signal = 0;
  let power = 0;
  for (let i = 0; i < meters; i++) {
    signal += covered(plan.episodes(i, 'signal-loss', T0, to), T0, to);
    power += covered(plan.episodes(i, 'power-off', T0, to), T0, to);
  }
  near(signal / (meters * window), r.signalLossTimeShare, 0.2, 'signal loss time share');
  near(power / (meters * window), r.powerOffTimeShare, 0.2, 'main fuse off time share');
  let concentrator = 0;
  const groups = 2000;
  for (let g = 0; g < groups; g++) {
    const first = g * DEFAULT_FAULTS.metersPerConcentrator;
    concentrator += covered(plan.episodes(first, 'concentrator-outage', T0, to), T0, to);
  }
  near(concentrator / (groups * window), r.concentratorOutageTimeShare, 0.25, 'concentrator outage time share');
  let never = 0;
  let missing = 0;
  let drops = 0;
  const n = 200_000;
  for (let i = 0; i < n; i++) {
    if (plan.traits(i).neverCommunicates) never++;
    if (plan.entryFault(i % 1000, T0 + Math.floor(i / 1000) * 900_000) === 'missing') missing++;
    if (plan.headEndDrop(i % 1000, Math.floor(i / 1000)) !== undefined) drops++;
  }
  near(never / n, 12_800 / 3_240_000, 0.1, 'never communicating');
  near(missing / n, 0.013 * 0.1, 0.2, 'missing entries (meter)');
  near(drops / n, 0.013 * 0.08, 0.2, 'head-end drops');
  // The causes add up to the published total: transient signal loss + never-communicating = the signal share.
  const total = r.signalLossTimeShare + DEFAULT_FAULTS.neverCommunicatingShare + r.missingEntryShare + r.concentratorOutageTimeShare + r.headEndDropPerSession + r.powerOffTimeShare;
  near(total, 0.013, 0.001, 'total missing share');
  assert.deepEqual(Object.values(r.causeShares).map((v) => Math.round(v * 100)), [50, 10, 4, 8, 28]);
});

test('faults are a pure function of the seed: same seed, same faults; another seed, other faults', () => {
  const config = { ...DEFAULT_FAULTS, missingValueShare: 0.2, coverOpenPerMeterYear: 20, clockDriftShare: 0.3, dstGlitchShare: 0.3 };
  const a = new FaultPlan('seed-a', config);
  const a2 = new FaultPlan('seed-a', config);
  const b = new FaultPlan('seed-b', config);
  const sample = (p: FaultPlan) => Array.from({ length: 50 }, (_, i) => [p.traits(i), p.events(i, T0, T0 + 30 * DAY), p.linkDown(i, T0 + i * 3_600_000), p.entryFault(i, T0 + i * 900_000)]);
  assert.deepEqual(sample(a), sample(a2));
  assert.notDeepEqual(sample(a), sample(b));
});

test('events in a window are the same however the window is cut', () => {
  const plan = new FaultPlan('cuts', { ...DEFAULT_FAULTS, missingValueShare: 0.3, causes: { signal: 0, meter: 0, concentrator: 0, headEnd: 0, other: 1 }, coverOpenPerMeterYear: 30 });
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 1, max: 29 * 24 }), (index, cutHours) => {
      const cut = T0 + cutHours * 3_600_000;
      const whole = plan.events(index, T0, T0 + 30 * DAY);
      const parts = [...plan.events(index, T0, cut), ...plan.events(index, cut, T0 + 30 * DAY)];
      assert.deepEqual(parts, whole);
      // Power transitions alternate off/on.
      const power = whole.filter((e) => e.type === 'power-off' || e.type === 'power-on').map((e) => e.type);
      for (let i = 1; i < power.length; i++) assert.notEqual(power[i], power[i - 1]);
    }),
    { numRuns: 200 },
  );
});

test('NO_FAULTS injects nothing', () => {
  const plan = new FaultPlan('none', NO_FAULTS);
  for (let i = 0; i < 2000; i++) {
    const t = plan.traits(i);
    assert.equal(t.neverCommunicates || t.cloned || t.failsFirmwareActivation || t.dstGlitch || t.clockDriftPpm !== 0 || t.slowLink !== undefined, false);
    assert.equal(plan.linkDown(i, T0 + i * 60_000), undefined);
    assert.equal(plan.entryFault(i, T0 + i * 900_000), undefined);
    assert.equal(plan.headEndDrop(i, i), undefined);
    assert.deepEqual(plan.events(i, T0, T0 + 60 * DAY), []);
  }
});

test('the EU DST changes of 2026 and 2027, and the shift a meter that misses them gets', () => {
  assert.deepEqual(dstChanges(Date.UTC(2026, 0, 1), Date.UTC(2027, 11, 31)), [
    { at: Date.parse('2026-03-29T01:00:00Z'), shiftMs: -3_600_000 },
    { at: Date.parse('2026-10-25T01:00:00Z'), shiftMs: 3_600_000 },
    { at: Date.parse('2027-03-28T01:00:00Z'), shiftMs: -3_600_000 },
    { at: Date.parse('2027-10-31T01:00:00Z'), shiftMs: 3_600_000 },
  ]);
  assert.deepEqual(lastDstChange(Date.parse('2026-11-25T12:00:00Z')), { at: Date.parse('2026-10-25T01:00:00Z'), shiftMs: 3_600_000 });
});

test('parseFaultConfig merges over the defaults and lists every bad value', () => {
  const c = parseFaultConfig('{"missingValueShare":0.02,"causes":{"signal":1},"unreachable":"close"}');
  assert.equal(c.missingValueShare, 0.02);
  assert.deepEqual(c.causes, { ...DEFAULT_FAULTS.causes, signal: 1 });
  assert.equal(c.unreachable, 'close');
  assert.ok(Math.abs(faultRates(c).causeShares.signal - 1 / 1.5) < 1e-12);
  try {
    parseFaultConfig('{"missingValueShare":2,"causes":{"weather":1},"clockDriftPpm":[5,1],"bogus":true}');
    assert.fail('expected a FaultConfigError');
  } catch (e) {
    assert.ok(e instanceof FaultConfigError);
    assert.equal(e.code, 'INVALID_CONFIG');
    assert.equal(e.problems.length, 4, e.problems.join('\n'));
  }
  assert.throws(() => parseFaultConfig('{'), (e) => e instanceof FaultConfigError && e.code === 'INVALID_JSON');
});
