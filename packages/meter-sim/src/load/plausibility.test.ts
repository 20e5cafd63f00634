import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOsloDate } from '@openams/core';
import type { OsloDate } from '@openams/core';
import { generateMeterIdentity } from '../fleet-identity/index.ts';
import { cumulativeRegisters, dayIntervalEnergies, loadProfileParams, outdoorTemperature, solarElevation } from './index.ts';
import type { LoadArchetype, LoadProfileParams } from './index.ts';
import { TYPICAL_CABIN, TYPICAL_HOUSE } from '../../test/fixtures/load/typical-households.ts';

const YEAR_START = new Date('2025-01-01T00:00:00+01:00');
const YEAR_END = new Date('2026-01-01T00:00:00+01:00');

function kwhBetween(m: LoadProfileParams, from: Date, to: Date): number {
  return (cumulativeRegisters(m, to).activeImportWh - cumulativeRegisters(m, from).activeImportWh) / 1000;
}

function params(archetype: LoadArchetype, index: number, overrides: Partial<LoadProfileParams> = {}): LoadProfileParams {
  const p = loadProfileParams(generateMeterIdentity('plausible', index, { phases: '3p3w' }), { archetype });
  return { ...p, installDay: Date.UTC(2018, 0, 1) / 86_400_000, ...overrides };
}

function days(from: string, count: number): OsloDate[] {
  const out: OsloDate[] = [];
  const t = Date.parse(`${from}T00:00:00Z`);
  for (let i = 0; i < count; i++) out.push(new Date(t + i * 86_400_000).toISOString().slice(0, 10) as OsloDate);
  return out;
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

test('a typical electrically heated house uses 15,000–20,000 kWh a year; winter ≫ summer', () => {
  const annual = kwhBetween(TYPICAL_HOUSE, YEAR_START, YEAR_END);
  assert.ok(annual >= 15_000 && annual <= 20_000, `annual ${annual.toFixed(0)} kWh`);
  const january = kwhBetween(TYPICAL_HOUSE, YEAR_START, new Date('2025-02-01T00:00:00+01:00'));
  const july = kwhBetween(TYPICAL_HOUSE, new Date('2025-07-01T00:00:00+02:00'), new Date('2025-08-01T00:00:00+02:00'));
  assert.ok(january > 5 * july, `January ${january.toFixed(0)} vs July ${july.toFixed(0)} kWh`);
});

test('across a fleet: houses 14–21 MWh (median), flats and cabins far lower, businesses higher', () => {
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const annual = (a: LoadArchetype, o: Partial<LoadProfileParams> = {}) => median(Array.from({ length: 15 }, (_, i) => kwhBetween(params(a, i, o), YEAR_START, YEAR_END)));
  const house = annual('house', { evChargerKw: 0, heatPump: false });
  const cabin = annual('cabin');
  const flat = annual('apartment');
  const business = annual('small-business');
  assert.ok(house >= 14_000 && house <= 21_000, `house ${house.toFixed(0)}`);
  assert.ok(cabin < house / 3, `cabin ${cabin.toFixed(0)} vs house ${house.toFixed(0)}`);
  assert.ok(flat < house / 2, `flat ${flat.toFixed(0)}`);
  assert.ok(business > house, `business ${business.toFixed(0)}`);
  const typicalCabin = kwhBetween(TYPICAL_CABIN, YEAR_START, YEAR_END);
  assert.ok(typicalCabin > 1_500 && typicalCabin < 6_000, `cabin ${typicalCabin.toFixed(0)}`);
});

test('heating follows the outdoor temperature: colder days use more', () => {
  const ds = days('2025-01-01', 365);
  const use = ds.map((d) => dayIntervalEnergies(TYPICAL_HOUSE, d, 'PT60M').reduce((a, x) => a + x.activeImportWh, 0));
  const temp = ds.map((d) => outdoorTemperature(new Date(`${d}T12:00:00Z`)));
  const mu = mean(use);
  const mt = mean(temp);
  let cov = 0;
  let vu = 0;
  let vt = 0;
  use.forEach((u, i) => {
    cov += (u - mu) * ((temp[i] as number) - mt);
    vu += (u - mu) ** 2;
    vt += ((temp[i] as number) - mt) ** 2;
  });
  const r = cov / Math.sqrt(vu * vt);
  assert.ok(r < -0.85, `correlation ${r.toFixed(2)}`);
  // The synthetic climate itself: cold Januaries, mild Julies, a few real cold spells.
  const jan = temp.slice(0, 31);
  assert.ok(mean(jan) < 0 && mean(temp.slice(181, 212)) > 13, `January ${mean(jan).toFixed(1)}, July ${mean(temp.slice(181, 212)).toFixed(1)}`);
  assert.ok(Math.min(...temp) < -8, `coldest ${Math.min(...temp).toFixed(1)}`);
});

test('household rhythm: morning and evening peaks on working days, a later morning on weekends', () => {
  const house: LoadProfileParams = { ...TYPICAL_HOUSE, waterHeaterKwhPerDay: 0, heatingKwhPerDegreeDay: 0 };
  const ds = days('2025-01-06', 28);
  const hourly = (filter: (d: OsloDate) => boolean) => {
    const rows = ds.filter(filter).map((d) => dayIntervalEnergies(house, d, 'PT60M').map((x) => x.activeImportWh));
    return Array.from({ length: 24 }, (_, h) => mean(rows.map((r) => r[h] as number)));
  };
  const weekend = (d: OsloDate) => [0, 6].includes(new Date(`${d}T12:00:00Z`).getUTCDay());
  const work = hourly((d) => !weekend(d));
  const off = hourly(weekend);
  const night = mean(work.slice(1, 5));
  assert.ok((work[7] as number) > 1.8 * night, `07:00 ${work[7]} vs night ${night}`);
  assert.ok(Math.max(...work.slice(17, 21)) > 2.5 * night, 'evening peak');
  assert.ok((off[7] as number) < (work[7] as number), 'weekends sleep in');
  assert.ok((off[10] as number) > (work[10] as number), 'and are home in the late morning');
});

test('small business: open on weekdays, closed on Sundays and public holidays (17 May)', () => {
  const shop = params('small-business', 1, { saturdayOpen: false, evChargerKw: 0 });
  const dayTotal = (d: string) => dayIntervalEnergies(shop, parseOsloDate(d), 'PT60M').reduce((a, x) => a + x.activeImportWh, 0);
  const wednesday = dayTotal('2025-05-14');
  assert.ok(dayTotal('2025-05-18') < 0.75 * wednesday, 'Sunday');
  assert.ok(dayTotal('2025-05-17') < 0.75 * wednesday, 'Constitution Day (a Saturday in 2025) and closed Saturdays');
  assert.ok(dayTotal('2025-05-29') < 0.75 * wednesday, 'Ascension Day, a Thursday');
  const hours = dayIntervalEnergies(shop, parseOsloDate('2025-05-14'), 'PT60M').map((x) => x.activeImportWh);
  assert.ok((hours[12] as number) > 1.8 * (hours[2] as number), 'open at noon, closed at 02:00');
});

test('EV charging happens in the evening and at night', () => {
  const ev = { ...TYPICAL_HOUSE, evChargerKw: 11, evKwhPerSession: 15, evSessionProbability: 0.8, evStartH: 21 };
  const ds = days('2025-06-02', 14);
  let night = 0;
  let day = 0;
  for (const d of ds) {
    const withEv = dayIntervalEnergies(ev, d, 'PT60M');
    const without = dayIntervalEnergies(TYPICAL_HOUSE, d, 'PT60M');
    withEv.forEach((x, h) => {
      const extra = x.activeImportWh - (without[h] as typeof x).activeImportWh;
      if (h >= 19 || h < 7) night += extra;
      else day += extra;
    });
  }
  assert.ok(night > 50_000 && day === 0, `night ${night} Wh, day ${day} Wh`);
});

test('prosumers export in daylight only, far more in summer than in winter', () => {
  const pv = params('prosumer', 2, { pvKwp: 9, pvFromDay: Date.UTC(2020, 0, 1) / 86_400_000 });
  const exportIn = (ds: OsloDate[]) => {
    let total = 0;
    for (const d of ds) {
      for (const x of dayIntervalEnergies(pv, d, 'PT15M')) {
        if (x.activeExportWh > 0) {
          const mid = (x.start.getTime() + x.end.getTime()) / 2;
          assert.ok(solarElevation(mid) > -1, `export at ${x.start.toISOString()}`);
        }
        total += x.activeExportWh;
      }
    }
    return total;
  };
  const june = exportIn(days('2025-06-01', 30));
  const december = exportIn(days('2025-12-01', 31));
  assert.ok(june > 300_000, `June export ${june} Wh`);
  assert.ok(june > 10 * december, `June ${june} vs December ${december} Wh`);
  const annual = cumulativeRegisters(pv, YEAR_END).activeExportWh - cumulativeRegisters(pv, YEAR_START).activeExportWh;
  assert.ok(annual > 9 * 150_000 && annual < 9 * 900_000, `annual export ${annual} Wh from 9 kWp`);
});

test('cabins: visited on weekends and holidays, nearly idle otherwise', () => {
  const cabin = { ...TYPICAL_CABIN, cabinWeekendProbability: 1 };
  const dayTotal = (d: string) => dayIntervalEnergies(cabin, parseOsloDate(d), 'PT60M').reduce((a, x) => a + x.activeImportWh, 0);
  const saturday = dayTotal('2025-03-08');
  const tuesday = dayTotal('2025-03-11');
  assert.ok(saturday > 3 * tuesday, `Saturday ${saturday} vs Tuesday ${tuesday} Wh`);
  // Easter 2025: Wednesday 16 April to Easter Monday 21 April.
  assert.ok(dayTotal('2025-04-18') > 3 * dayTotal('2025-04-08'), 'Good Friday at the cabin');
});
