import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { generateMeterIdentity } from '../fleet-identity/index.ts';
import { instantaneous, intervalEnergy, loadProfileParams } from './index.ts';
import type { LoadProfileParams } from './index.ts';
import { TYPICAL_HOUSE } from '../../test/fixtures/load/typical-households.ts';


test('topology: one current and voltage on 1-phase meters, three on 3-phase; 230 V ± 10 %', () => {
  for (const phases of ['1p', '3p3w', '3p4w'] as const) {
    for (let i = 0; i < 20; i++) {
      const m = generateMeterIdentity('inst', i, { phases });
      const v = instantaneous(m, new Date(Date.UTC(2026, 0, 15, 17, 0, i * 7)));
      const n = phases === '1p' ? 1 : 3;
      assert.equal(v.phases, phases);
      assert.equal(v.currentsMilliampere.length, n);
      assert.equal(v.voltagesDecivolt.length, n);
      for (const u of v.voltagesDecivolt) assert.ok(u >= 2070 && u <= 2530, `U ${u}`);
      for (const x of [...v.currentsMilliampere, v.activeImportW, v.activeExportW, v.reactiveImportVar, v.reactiveExportVar]) assert.ok(Number.isInteger(x) && x >= 0);
      assert.ok(v.activeImportW === 0 || v.activeExportW === 0, 'net power is import or export');
      assert.ok(v.reactiveImportVar === 0 || v.reactiveExportVar === 0);
    }
  }
});

test('power follows the profile: the mean over a quarter-hour is its energy × 4, within a few per cent', () => {
  for (const m of [TYPICAL_HOUSE, loadProfileParams(generateMeterIdentity('inst', 5))]) {
    for (const start of ['2026-01-15T16:00:00Z', '2026-07-01T10:15:00Z']) {
      const t0 = Date.parse(start);
      const e = intervalEnergy(m, new Date(t0), 'PT15M');
      let sum = 0;
      let samples = 0;
      for (let s = 0; s < 900; s += 2) {
        const v = instantaneous(m, new Date(t0 + s * 1000));
        sum += v.activeImportW - v.activeExportW;
        samples++;
      }
      const expected = (e.activeImportWh - e.activeExportWh) * 4;
      assert.ok(Math.abs(sum / samples - expected) <= Math.max(30, 0.06 * Math.abs(expected)), `mean ${sum / samples} W vs ${expected} W`);
    }
  }
});

test('currents agree with power and voltage: S = Σ U·I on 3p4w and 1p; I = P / (√3·U) on a balanced IT meter', () => {
  const at = new Date('2026-01-20T18:00:00Z');
  const tn: LoadProfileParams = { ...TYPICAL_HOUSE, phases: '3p4w', phaseShares: [0.5, 0.3, 0.2] };
  const v4 = instantaneous(tn, at);
  const s4 = Math.hypot(v4.activeImportW - v4.activeExportW, v4.reactiveImportVar - v4.reactiveExportVar);
  const ui4 = v4.currentsMilliampere.reduce((a, i, k) => a + (i / 1000) * ((v4.voltagesDecivolt[k] as number) / 10), 0);
  assert.ok(Math.abs(ui4 - s4) / s4 < 0.01, `ΣUI ${ui4} vs S ${s4}`);
  assert.ok((v4.currentsMilliampere[0] as number) > (v4.currentsMilliampere[2] as number), 'L1 carries the most');

  const single: LoadProfileParams = { ...TYPICAL_HOUSE, phases: '1p', phaseShares: [1, 0, 0] };
  const v1 = instantaneous(single, at);
  const s1 = Math.hypot(v1.activeImportW, v1.reactiveImportVar - v1.reactiveExportVar);
  assert.ok(Math.abs(((v1.currentsMilliampere[0] as number) / 1000) * ((v1.voltagesDecivolt[0] as number) / 10) - s1) / s1 < 0.01);

  const it: LoadProfileParams = { ...TYPICAL_HOUSE, phases: '3p3w', phaseShares: [1 / 3, 1 / 3, 1 / 3], capacitiveVar: 0, inductiveTan: 0, voltageOffsetV: 0 };
  const v3 = instantaneous(it, at);
  const u = (v3.voltagesDecivolt.reduce((a, x) => a + x, 0) / 3) / 10;
  const expected = v3.activeImportW / (Math.sqrt(3) * u);
  for (const i of v3.currentsMilliampere) assert.ok(Math.abs(i / 1000 - expected) / expected < 0.03, `I ${i} mA vs ${expected} A`);
});

test('deterministic: the same instant gives the same values', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: Date.UTC(2021, 0, 1), max: Date.UTC(2029, 0, 1) }), (index, ms) => {
      const m = generateMeterIdentity('inst-det', index);
      assert.deepEqual(instantaneous(m, new Date(ms)), instantaneous(generateMeterIdentity('inst-det', index), new Date(ms)));
    }),
    { numRuns: 100 },
  );
  // And it moves: not every second is the same.
  const a = instantaneous(TYPICAL_HOUSE, new Date('2026-02-02T07:00:00Z'));
  const b = instantaneous(TYPICAL_HOUSE, new Date('2026-02-02T07:00:05Z'));
  assert.notDeepEqual(a, b);
});
