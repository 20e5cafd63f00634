import type { MeterIdentity, MeterPhases } from '../identity/index.ts';
import { hashString, normal, unit } from './hash.ts';
import { LoadModelError } from './load-error.ts';
import { DEFAULT_WEATHER_SEED } from './weather.ts';

/**
 * Who is behind the meter. The archetypes follow domain.md §1 and issue 4: electrically heated
 * houses (most of Norway heats with electricity), flats, holiday cabins used on weekends and in the
 * holidays, prosumers (a house with rooftop PV, "plusskunde"), and small businesses with opening
 * hours.
 */
export type LoadArchetype = 'house' | 'apartment' | 'cabin' | 'prosumer' | 'small-business';

/** All load archetypes. */
export const LOAD_ARCHETYPES: readonly LoadArchetype[] = ['house', 'apartment', 'cabin', 'prosumer', 'small-business'];

/** The four energy quantities a Norwegian AMS meter registers (avregningsforskriften §4-2). */
export interface EnergyQuantities {
  /** A+, active energy import (OBIS 1.8.0), Wh. */
  readonly activeImportWh: number;
  /** A−, active energy export (OBIS 2.8.0), Wh. */
  readonly activeExportWh: number;
  /** R+, reactive energy import (OBIS 3.8.0), varh. */
  readonly reactiveImportVarh: number;
  /** R−, reactive energy export (OBIS 4.8.0), varh. */
  readonly reactiveExportVarh: number;
}

/**
 * The handful of numbers the load model needs for one meter. Derived from the identity by
 * {@link loadProfileParams} (so the same fleet seed gives the same households), or written by
 * hand for a test or a demo. Energies are per day; hours are Oslo wall-clock hours.
 */
export interface LoadProfileParams {
  /** 32-bit seed of this meter's randomness (per-day noise, EV sessions, cabin visits). */
  readonly seed: number;
  readonly archetype: LoadArchetype;
  readonly phases: MeterPhases;
  /** The Oslo day the meter was installed, as days since 1970-01-01; it counts from local midnight. */
  readonly installDay: number;
  /** Register readings at installation (the "seeded initial reading"). */
  readonly initialRegisters: EnergyQuantities;
  /** Weather seed (shared by the fleet by default) and this site's climate offset in °C. */
  readonly weatherSeed: number;
  readonly climateOffsetC: number;
  /** Appliances, lighting, cooking: kWh on an ordinary day (a cabin: per occupied day; a business: per open day). */
  readonly baseKwhPerDay: number;
  /** Shifts of the morning and evening peaks in hours (early birds, late diners). */
  readonly morningShiftH: number;
  readonly eveningShiftH: number;
  /** Electric space heating in kWh per degree-day below `heatingBaseC`; 0 = none (district heating). */
  readonly heatingKwhPerDegreeDay: number;
  readonly heatingBaseC: number;
  /** An air-to-air heat pump carries part of the heat (less energy, worse when it is cold). */
  readonly heatPump: boolean;
  /** Water heater ("varmtvannsbereder") energy per day, element power, and when it runs. */
  readonly waterHeaterKwhPerDay: number;
  readonly waterHeaterKw: number;
  /** Heats at night only (ripple or tariff control) instead of after morning and evening use. */
  readonly waterHeaterNight: boolean;
  readonly waterHeaterMorningH: number;
  readonly waterHeaterEveningH: number;
  /** Electric car: charger power (0 = no car), energy per session, session probability on a working day, usual start hour (≥ 24: after midnight). */
  readonly evChargerKw: number;
  readonly evKwhPerSession: number;
  readonly evSessionProbability: number;
  readonly evStartH: number;
  /** Rooftop PV peak power in kWp (0 = none) and the epoch day it was connected. */
  readonly pvKwp: number;
  readonly pvFromDay: number;
  /** Cabins: standby use when empty, frost protection per degree-day below 10 °C, and how often it is visited. */
  readonly idleKwhPerDay: number;
  readonly frostKwhPerDegreeDay: number;
  readonly cabinWeekendProbability: number;
  readonly cabinHolidayProbability: number;
  /** Small businesses: opening hours, Saturday opening, and the load when closed as a share of the open load. */
  readonly openHour: number;
  readonly closeHour: number;
  readonly saturdayOpen: boolean;
  readonly closedLoadShare: number;
  /** tan φ of the base load (R+), and the standing capacitive reactive power of electronics and LED drivers in var (R−). */
  readonly inductiveTan: number;
  readonly capacitiveVar: number;
  /** How the load splits over L1, L2, L3 (sums to 1; 1-phase meters use only the first). */
  readonly phaseShares: readonly [number, number, number];
  /** This connection point's voltage offset from 230 V. */
  readonly voltageOffsetV: number;
  /** Main fuse in A: caps the instantaneous current. */
  readonly fuseA: number;
}

/**
 * Archetype mix by phase topology. 1-phase connections are mostly flats and cabins; 3-phase ones
 * mostly houses, with cabins, prosumers (about 9 %: assumption, the number of "plusskunder" grows
 * fast) and small businesses. Assumptions, chosen to give a fleet that looks like a Norwegian
 * grid company's: about 44 % houses, 19 % flats, 15 % cabins, 8 % prosumers, 14 % businesses.
 */
export const ARCHETYPE_SHARES: Readonly<Record<'1p' | '3p', Readonly<Record<LoadArchetype, number>>>> = {
  '1p': { house: 0.1, apartment: 0.6, cabin: 0.3, prosumer: 0, 'small-business': 0 },
  '3p': { house: 0.5, apartment: 0.12, cabin: 0.12, prosumer: 0.09, 'small-business': 0.17 },
};

const DAY_2017_03_01 = Date.UTC(2017, 2, 1) / 86_400_000;
const DAY_2020_01_01 = Date.UTC(2020, 0, 1) / 86_400_000;
const DAY_2019_04_01 = Date.UTC(2019, 3, 1) / 86_400_000;
const DAY_2025_01_01 = Date.UTC(2025, 0, 1) / 86_400_000;

/** Options of {@link loadProfileParams}: force an archetype, or override any parameter. */
export interface LoadProfileOptions {
  readonly archetype?: LoadArchetype;
  readonly overrides?: Partial<LoadProfileParams>;
}

function pickArchetype(phases: MeterPhases, u: number): LoadArchetype {
  const shares = ARCHETYPE_SHARES[phases === '1p' ? '1p' : '3p'];
  let acc = 0;
  for (const a of LOAD_ARCHETYPES) {
    acc += shares[a];
    if (u < acc) return a;
  }
  return 'house';
}

const derived = new WeakMap<MeterIdentity, LoadProfileParams>();

/**
 * The load profile parameters of a meter, derived from its identity alone (vendor, serial,
 * metering point, phases): the same identity always gives the same household. Cached per
 * identity object. Every number is documented on {@link LoadProfileParams}; the ranges below are
 * chosen so that an electrically heated house uses 15–20 MWh a year, a flat 5–9, a cabin 2–6.
 */
export function loadProfileParams(meter: MeterIdentity, options: LoadProfileOptions = {}): LoadProfileParams {
  const plain = options.archetype === undefined && options.overrides === undefined;
  if (plain) {
    const hit = derived.get(meter);
    if (hit) return hit;
  }
  const seed = hashString(`${meter.vendor}|${meter.serial}|${meter.meteringPointId}|${meter.phases}`);
  let k = 0;
  const r = () => unit(seed, 0x9a7a, k++);
  const between = (lo: number, hi: number) => lo + (hi - lo) * r();
  const chance = (p: number) => r() < p;
  const archetype = options.archetype ?? pickArchetype(meter.phases, r());
  const threePhase = meter.phases !== '1p';

  // Installed in the AMS roll-out (March 2017 – 2019), a tenth later as replacements.
  const installDay = chance(0.9) ? Math.floor(between(DAY_2017_03_01, DAY_2020_01_01)) : Math.floor(between(DAY_2020_01_01, DAY_2025_01_01));
  const size = between(0.8, 1.3);
  const shares = [between(0.7, 1.3), between(0.7, 1.3), between(0.7, 1.3)];
  const sum = shares[0]! + shares[1]! + shares[2]!;

  const common = {
    seed,
    archetype,
    phases: meter.phases,
    installDay,
    initialRegisters: {
      activeImportWh: Math.floor(between(0, 50_000)),
      activeExportWh: 0,
      reactiveImportVarh: Math.floor(between(0, 5_000)),
      reactiveExportVarh: Math.floor(between(0, 20_000)),
    },
    weatherSeed: DEFAULT_WEATHER_SEED,
    climateOffsetC: Math.max(-6, Math.min(2, 0.8 * normal(seed, 0xc11a) - (chance(0.15) ? 3 : 0))),
    morningShiftH: between(-0.75, 0.75),
    eveningShiftH: between(-0.5, 1),
    heatingBaseC: between(16, 18),
    waterHeaterMorningH: between(6, 8),
    waterHeaterEveningH: between(18.5, 21.5),
    pvKwp: 0,
    pvFromDay: 0,
    idleKwhPerDay: 0,
    frostKwhPerDegreeDay: 0,
    cabinWeekendProbability: 0,
    cabinHolidayProbability: 0,
    openHour: 0,
    closeHour: 0,
    saturdayOpen: false,
    closedLoadShare: 1,
    inductiveTan: between(0.04, 0.12),
    capacitiveVar: between(80, 400),
    phaseShares: threePhase ? ([shares[0]! / sum, shares[1]! / sum, shares[2]! / sum] as const) : ([1, 0, 0] as const),
    voltageOffsetV: Math.max(-10, Math.min(14, 4 + 4 * normal(seed, 0x7017))),
  };
  const ev = (p: number, kwChoices: readonly number[]) => {
    if (!chance(p)) return { evChargerKw: 0, evKwhPerSession: 0, evSessionProbability: 0, evStartH: 0 };
    const kw = kwChoices[Math.floor(r() * kwChoices.length)] as number;
    return { evChargerKw: kw, evKwhPerSession: between(7, 19), evSessionProbability: between(0.45, 0.75), evStartH: chance(0.25) ? between(24.5, 25.5) : between(16.5, 22) };
  };

  let params: LoadProfileParams;
  switch (archetype) {
    case 'house':
    case 'prosumer': {
      const pv = archetype === 'prosumer';
      params = {
        ...common,
        baseKwhPerDay: 9.5 * size,
        heatingKwhPerDegreeDay: 3 * between(0.8, 1.25),
        heatPump: chance(0.45),
        waterHeaterKwhPerDay: chance(0.95) ? between(6, 9) : 0,
        waterHeaterKw: chance(0.3) ? 3 : 2,
        waterHeaterNight: chance(0.3),
        ...ev(0.4, threePhase ? [11, 11, 7.4, 7.4, 3.7] : [3.7]),
        pvKwp: pv ? between(4, 12) : 0,
        pvFromDay: pv ? Math.floor(between(DAY_2019_04_01, DAY_2025_01_01)) : 0,
        fuseA: threePhase ? (chance(0.5) ? 50 : 63) : 50,
      };
      break;
    }
    case 'apartment': {
      const district = chance(0.25);
      params = {
        ...common,
        baseKwhPerDay: 5.5 * size,
        heatingKwhPerDegreeDay: district ? 0 : between(0.5, 1.1),
        heatPump: false,
        waterHeaterKwhPerDay: district || chance(0.3) ? 0 : between(3.5, 6),
        waterHeaterKw: 1.2,
        waterHeaterNight: chance(0.2),
        ...ev(0.15, [3.7]),
        fuseA: threePhase ? 32 : 40,
      };
      break;
    }
    case 'cabin':
      params = {
        ...common,
        climateOffsetC: Math.max(-8, common.climateOffsetC - between(1, 4)), // inland, in the hills
        baseKwhPerDay: 6 * size,
        heatingKwhPerDegreeDay: between(1.2, 2.2),
        heatingBaseC: between(18, 20),
        heatPump: chance(0.3),
        waterHeaterKwhPerDay: chance(0.8) ? between(3, 5) : 0,
        waterHeaterKw: 2,
        waterHeaterNight: false,
        evChargerKw: 0,
        evKwhPerSession: 0,
        evSessionProbability: 0,
        evStartH: 0,
        idleKwhPerDay: between(0.8, 2),
        frostKwhPerDegreeDay: between(0.35, 0.8),
        cabinWeekendProbability: between(0.15, 0.5),
        cabinHolidayProbability: between(0.4, 0.9),
        fuseA: threePhase ? 32 : 40,
      };
      break;
    case 'small-business': {
      const openHour = Math.round(between(7, 9) * 2) / 2;
      params = {
        ...common,
        baseKwhPerDay: between(60, 300),
        heatingKwhPerDegreeDay: between(3, 10),
        heatPump: chance(0.4),
        waterHeaterKwhPerDay: between(0, 5),
        waterHeaterKw: 3,
        waterHeaterNight: false,
        ...ev(0.15, [11, 22]),
        openHour,
        closeHour: openHour + Math.round(between(8, 11) * 2) / 2,
        saturdayOpen: chance(0.4),
        closedLoadShare: between(0.25, 0.45),
        inductiveTan: between(0.2, 0.35),
        capacitiveVar: between(200, 1200),
        fuseA: chance(0.5) ? 80 : 125,
      };
      // Workplace charging starts in the morning.
      if (params.evChargerKw > 0) params = { ...params, evStartH: between(7.5, 9.5), evSessionProbability: between(0.5, 0.9) };
      break;
    }
  }
  if (options.overrides) params = { ...params, ...options.overrides };
  checkParams(params);
  if (plain) derived.set(meter, params);
  return params;
}

/** Throws `INVALID_PARAMS` for parameters the model cannot use. */
export function checkParams(p: LoadProfileParams): void {
  if (!LOAD_ARCHETYPES.includes(p.archetype)) throw new LoadModelError('INVALID_PARAMS', `unknown archetype '${String(p.archetype)}'`);
  const nonNegative: (keyof LoadProfileParams)[] = [
    'baseKwhPerDay',
    'heatingKwhPerDegreeDay',
    'waterHeaterKwhPerDay',
    'evChargerKw',
    'evKwhPerSession',
    'pvKwp',
    'idleKwhPerDay',
    'frostKwhPerDegreeDay',
    'capacitiveVar',
    'inductiveTan',
    'fuseA',
  ];
  for (const key of nonNegative) {
    const v = p[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new LoadModelError('INVALID_PARAMS', `${key} must be a finite number ≥ 0, got ${JSON.stringify(v)}`);
  }
  if (p.waterHeaterKwhPerDay > 0 && !(p.waterHeaterKw > 0)) throw new LoadModelError('INVALID_PARAMS', 'a water heater needs waterHeaterKw > 0');
  if (p.evChargerKw > 0 && p.evKwhPerSession / p.evChargerKw > 20) throw new LoadModelError('INVALID_PARAMS', 'an EV session longer than 20 hours');
  if (p.archetype === 'small-business' && !(p.closeHour > p.openHour)) throw new LoadModelError('INVALID_PARAMS', 'a small business needs closeHour > openHour');
  if (!Number.isInteger(p.installDay)) throw new LoadModelError('INVALID_PARAMS', 'installDay must be an integer epoch day');
}
