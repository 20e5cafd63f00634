import { dayInfo, easterDay, elapsedHour, mondayOf, wallHour } from './calendar.ts';
import type { DayInfo } from './calendar.ts';
import { normal, unit } from './hash.ts';
import type { EnergyQuantities, LoadProfileParams } from './params.ts';
import { dailyMeanTemperature, dayClearness, daylightHours, diurnalSwing, hourCloudFactor, pvClearSkyKwhPerKwp, pvClearSkyPerKwp, quarterSinElevation } from './weather.ts';

/*
 * The load model works top-down, one Oslo day at a time.
 *
 * 1. Plan (O(1) per day): every component of the day — base load, heating, water heater, EV
 *    sessions, cabin frost protection, capacitive reactive load — gets an integer day total from
 *    day-level quantities only (daily mean temperature, weekday, holiday, visits, sessions).
 * 2. Spread (O(intervals), only for days someone looks into): each total is spread over the
 *    day's 92/96/100 quarter-hours by a weight curve (household rhythm, hourly temperature, water
 *    heater cycles, charging windows) with cumulative rounding: quarter-hour q gets
 *    floor(E·W(q+1)) − floor(E·W(q)), W the normalised cumulative weight. The quarter-hours are
 *    integers that add up to exactly E, hours are sums of their quarter-hours, and days add up to
 *    their plans.
 *
 * So a register is its initial reading plus the plans of the whole days since installation plus
 * the spread quarter-hours of the current day: O(days), with no interval ever computed twice.
 *
 * Prosumers too: the day's PV production comes from a clear-sky table per day of year times the
 * day's clearness, and the self-consumed part from a day-level overlap of production and daylight
 * consumption; import = consumption − self-consumption and export = production − self-consumption
 * are then spread by the quarter-hour surplus and deficit curves (consumption against the PV curve).
 */

/** Where a component's weight comes from. Hours are elapsed hours since local midnight (0 … 23/24/25). */
type Shape =
  | { readonly kind: 'household'; readonly offDay: boolean; readonly morning: number; readonly evening: number; readonly a: number; readonly b: number }
  | { readonly kind: 'business'; readonly open: number; readonly close: number; readonly closedShare: number }
  | { readonly kind: 'heating'; readonly tMean: number; readonly baseC: number; readonly a: number; readonly b: number; readonly outside: boolean; readonly open: number; readonly close: number }
  | { readonly kind: 'blocks'; readonly blocks: readonly (readonly [number, number])[]; readonly standbyShare: number }
  | { readonly kind: 'window'; readonly a: number; readonly b: number };

/** One part of a day's consumption: integer totals and the curve they are spread by. */
interface Component {
  readonly activeWh: number;
  /** R+ of this component, spread by the same curve. */
  readonly reactiveVarh: number;
  readonly shape: Shape;
  /** Relative noise on the quarter-hour weights (0 = smooth), and a salt that keeps components' noise apart. */
  readonly noise: number;
  readonly salt: number;
}

/** A day of one meter, planned: the components and the day totals they add up to. */
export interface DayPlan {
  readonly info: DayInfo;
  readonly components: readonly Component[];
  /** R− of the day: the standing capacitive load, spread evenly. */
  readonly reactiveExportVarh: number;
  /** PV production of the day in Wh (0 without PV) and the part of it used behind the meter. */
  readonly pvWh: number;
  readonly selfConsumedWh: number;
  readonly tMean: number;
}

// Salts of the per-day random draws.
const S = {
  baseNoise: 0xba5e,
  ev: 0xe5,
  evEnergy: 0xe6,
  evStart: 0xe7,
  weekend: 0xc4b1,
  longWeek: 0xc4b2,
  easter: 0xc4b3,
  christmas: 0xc4b4,
  away: 0xa3a4,
  fellesferie: 0xfe11,
  waterNoise: 0x3a7e,
} as const;

const TWO_PI = 2 * Math.PI;

/** +1 in mid-July, −1 in mid-January. */
function summerness(d: DayInfo): number {
  return Math.cos((TWO_PI * (d.dayOfYear - 201)) / 365.25);
}

function gauss(x: number, mu: number, sigma: number): number {
  const z = (x - mu) / sigma;
  return Math.exp(-0.5 * z * z);
}

// ---------------------------------------------------------------------------------------------
// Day-level behaviour: EV sessions, cabin visits, summer holidays
// ---------------------------------------------------------------------------------------------

/** The charging session that starts on day `d` (elapsed start hour, duration, energy), if any. */
function evSession(p: LoadProfileParams, d: DayInfo): { readonly start: number; readonly hours: number; readonly wh: number } | undefined {
  if (p.evChargerKw <= 0 || d.day < p.installDay) return undefined;
  if (awayOn(p, d)) return undefined;
  // Fewer sessions on days off; a business charges only on open days.
  const probability = p.archetype === 'small-business' ? (isBusinessOpen(p, d) ? p.evSessionProbability : 0) : d.offDay ? 0.6 * p.evSessionProbability : p.evSessionProbability;
  if (unit(p.seed, d.day, S.ev) >= probability) return undefined;
  const wh = Math.round(p.evKwhPerSession * 1000 * (0.6 + 0.8 * unit(p.seed, d.day, S.evEnergy)));
  const wall = p.evStartH + 1.5 * (unit(p.seed, d.day, S.evStart) - 0.5);
  // After midnight (smart charging): the session lives entirely in tomorrow's hours.
  const start = wall >= 24 ? d.hours + (wall - 24) : elapsedHour(wall, d.hours);
  return { start, hours: wh / (p.evChargerKw * 1000), wh };
}

/** Whether a household is away on summer holiday ("fellesferie" weeks: Monday 1 July … 7 August). */
function awayOn(p: LoadProfileParams, d: DayInfo): boolean {
  if (p.archetype !== 'house' && p.archetype !== 'apartment' && p.archetype !== 'prosumer') return false;
  const monday = dayInfo(mondayOf(d.day));
  const inSummer = (monday.month === 7 && monday.dayOfMonth >= 1) || (monday.month === 8 && monday.dayOfMonth <= 7);
  return inSummer && unit(p.seed, monday.day, S.away) < 0.3;
}

/** Whether a small business is open on day `d` (closed Sundays, holidays, some in the July shutdown). */
function isBusinessOpen(p: LoadProfileParams, d: DayInfo): boolean {
  if (d.holiday || d.weekday === 7 || (d.weekday === 6 && !p.saturdayOpen)) return false;
  const monday = dayInfo(mondayOf(d.day));
  const shutdown = monday.month === 7 && monday.dayOfMonth >= 7 && monday.dayOfMonth <= 27 && unit(p.seed, d.year, S.fellesferie) < 0.3;
  return !shutdown;
}

/** Opening hours of day `d` as wall-clock hours (Saturdays 10–16). */
function openingHours(p: LoadProfileParams, d: DayInfo): readonly [number, number] | undefined {
  if (!isBusinessOpen(p, d)) return undefined;
  return d.weekday === 6 ? [10, 16] : [p.openHour, p.closeHour];
}

/** A cabin stay: from (day, wall hour) to (day, wall hour). */
interface Stay {
  readonly fromDay: number;
  readonly fromWall: number;
  readonly toDay: number;
  readonly toWall: number;
}

/**
 * The cabin stays that touch day `d`: weekends (Friday 18:00 – Sunday 16:00), winter, autumn and
 * summer holiday weeks (Monday 12:00 – Sunday 16:00; Monday in 16–29 February, 28 September –
 * 4 October, 28 June – 8 August), Easter (Wednesday 14:00 before Easter – Easter Monday 16:00,
 * from `easterSunday`) and Christmas (26 December 12:00 – 1 January 16:00). Each is used or not
 * by a draw per meter and occasion.
 */
function cabinStays(p: LoadProfileParams, d: DayInfo): Stay[] {
  const out: Stay[] = [];
  const m = mondayOf(d.day);
  const monday = dayInfo(m);
  if (d.weekday >= 5 && unit(p.seed, m, S.weekend) < p.cabinWeekendProbability) out.push({ fromDay: m + 4, fromWall: 18, toDay: m + 6, toWall: 16 });
  const md = monday.month * 100 + monday.dayOfMonth;
  const longWeek = (md >= 216 && md <= 229) || (md >= 928 && md <= 1004) || (md >= 628 && md <= 808);
  if (longWeek && unit(p.seed, m, S.longWeek) < 0.55 * p.cabinHolidayProbability) out.push({ fromDay: m, fromWall: 12, toDay: m + 6, toWall: 16 });
  const easter = easterDay(d.year);
  if (d.day >= easter - 4 && d.day <= easter + 1 && unit(p.seed, d.year, S.easter) < p.cabinHolidayProbability) {
    out.push({ fromDay: easter - 4, fromWall: 14, toDay: easter + 1, toWall: 16 });
  }
  const xmasYear = d.month === 12 && d.dayOfMonth >= 26 ? d.year : d.month === 1 && d.dayOfMonth === 1 ? d.year - 1 : undefined;
  if (xmasYear !== undefined && unit(p.seed, xmasYear, S.christmas) < 0.8 * p.cabinHolidayProbability) {
    const from = Date.UTC(xmasYear, 11, 26) / 86_400_000;
    out.push({ fromDay: from, fromWall: 12, toDay: from + 6, toWall: 16 });
  }
  return out;
}

/** The occupied window of a cabin on day `d` (elapsed hours) and whether the visit starts today. */
function cabinWindow(p: LoadProfileParams, d: DayInfo): { readonly a: number; readonly b: number; readonly arrival: boolean } | undefined {
  let a = Infinity;
  let b = -Infinity;
  let arrival = true;
  for (const s of cabinStays(p, d)) {
    const sa = s.fromDay === d.day ? elapsedHour(s.fromWall, d.hours) : 0;
    const sb = s.toDay === d.day ? elapsedHour(s.toWall, d.hours) : d.hours;
    if (sa < a) a = sa;
    if (sb > b) b = sb;
    if (s.fromDay !== d.day) arrival = false;
  }
  return b > a ? { a, b, arrival: arrival && a > 0 } : undefined;
}

// ---------------------------------------------------------------------------------------------
// The plan
// ---------------------------------------------------------------------------------------------

/** Electricity an air-to-air heat pump house needs relative to panel heaters: less when mild, more when cold. */
function heatPumpFactor(t: number): number {
  return Math.min(0.85, 0.5 + 0.012 * Math.max(0, 10 - t));
}

function waterHeaterBlocks(p: LoadProfileParams, d: DayInfo, wh: number): Shape {
  // The element runs at full power until the heat used is replaced: blocks of energy / power hours.
  const hours = (0.85 * wh) / (p.waterHeaterKw * 1000);
  const H = d.hours;
  if (p.waterHeaterNight) {
    const a = elapsedHour(0.5, H);
    return { kind: 'blocks', blocks: [[a, Math.min(H, a + hours)]], standbyShare: 0.15 };
  }
  const m = elapsedHour(p.waterHeaterMorningH, H);
  const e = elapsedHour(p.waterHeaterEveningH, H);
  return { kind: 'blocks', blocks: [[m, Math.min(H, m + hours / 2)], [e, Math.min(H, e + hours / 2)]], standbyShare: 0.15 };
}

/** Append a component with a rounded, non-negative total (none when it rounds to 0). */
function add(components: Component[], activeWh: number, tan: number, shape: Shape, noise: number, salt: number): void {
  const a = Math.max(0, Math.round(activeWh));
  if (a > 0) components.push({ activeWh: a, reactiveVarh: Math.floor(a * tan), shape, noise, salt });
}

/**
 * The plan of day `d` for meter `p`: integer totals of every component (O(1): no quarter-hour is
 * looked at). Days before installation have no components.
 */
export function planDay(p: LoadProfileParams, d: DayInfo): DayPlan {
  const H = d.hours;
  const components: Component[] = [];
  const tMean = dailyMeanTemperature(d, p.weatherSeed, p.climateOffsetC);
  if (d.day < p.installDay) return { info: d, components, reactiveExportVarh: 0, pvWh: 0, selfConsumedWh: 0, tMean };
  const dayNoise = Math.min(1.5, Math.max(0.6, 1 + 0.15 * normal(p.seed, d.day, S.baseNoise)));
  const winterLight = 1 - 0.12 * summerness(d);
  const degreeDays = Math.max(0, p.heatingBaseC - tMean);
  const heatingWh = p.heatingKwhPerDegreeDay * degreeDays * 1000 * (p.heatPump ? heatPumpFactor(tMean) : 1);
  const heatingTan = p.heatPump ? 0.3 : 0.02;
  let reactiveExportVarh = Math.round(p.capacitiveVar * H);

  switch (p.archetype) {
    case 'house':
    case 'apartment':
    case 'prosumer': {
      const away = awayOn(p, d);
      const household: Shape = { kind: 'household', offDay: d.offDay, morning: p.morningShiftH, evening: p.eveningShiftH, a: 0, b: H };
      add(components, p.baseKwhPerDay * 1000 * (H / 24) * dayNoise * winterLight * (d.offDay ? 1.1 : 1) * (away ? 0.3 : 1), p.inductiveTan, household, 0.35, 1);
      add(components, heatingWh * (H / 24), heatingTan, { kind: 'heating', tMean, baseC: p.heatingBaseC, a: 0, b: H, outside: false, open: 0, close: 0 }, 0.1, 2);
      if (p.waterHeaterKwhPerDay > 0) {
        const wh = p.waterHeaterKwhPerDay * 1000 * (1 - 0.15 * summerness(d)) * (away ? 0.15 : 1) * (0.9 + 0.2 * unit(p.seed, d.day, S.waterNoise));
        add(components, wh, 0, waterHeaterBlocks(p, d, wh), 0, 3);
      }
      break;
    }
    case 'cabin': {
      const w = cabinWindow(p, d);
      const occupied = w ? (w.b - w.a) / H : 0;
      const idleWh = (p.frostKwhPerDegreeDay * Math.max(0, 10 - tMean) + p.idleKwhPerDay) * 1000 * (H / 24) * (1 - occupied);
      add(components, idleWh, 0.02, { kind: 'heating', tMean, baseC: 10, a: w?.a ?? 0, b: w?.b ?? 0, outside: true, open: 0, close: 0 }, 0.05, 4);
      if (w) {
        const household: Shape = { kind: 'household', offDay: true, morning: p.morningShiftH, evening: p.eveningShiftH, a: w.a, b: w.b };
        add(components, p.baseKwhPerDay * 1000 * occupied * dayNoise * winterLight, p.inductiveTan, household, 0.35, 1);
        add(components, heatingWh * occupied, heatingTan, { kind: 'heating', tMean, baseC: p.heatingBaseC, a: w.a, b: w.b, outside: false, open: 0, close: 0 }, 0.1, 2);
        if (p.waterHeaterKwhPerDay > 0) add(components, p.waterHeaterKwhPerDay * 1000 * occupied, 0, { kind: 'window', a: w.a, b: w.b }, 0, 3);
        // A cold cabin is heated up hard for the first hours after arrival.
        if (w.arrival) add(components, 0.3 * heatingWh, heatingTan, { kind: 'window', a: w.a, b: Math.min(w.b, w.a + 3) }, 0, 5);
      } else {
        reactiveExportVarh = Math.round(0.3 * reactiveExportVarh); // an empty cabin: little electronics on
      }
      break;
    }
    case 'small-business': {
      const hours = openingHours(p, d);
      const openA = hours ? elapsedHour(hours[0], H) : 0;
      const openB = hours ? elapsedHour(hours[1], H) : 0;
      const openShare = (openB - openA) / 24;
      const perHour = (p.baseKwhPerDay * 1000) / (p.closeHour - p.openHour);
      const baseWh = perHour * (openB - openA) + perHour * p.closedLoadShare * (H - (openB - openA));
      add(components, baseWh * dayNoise, p.inductiveTan, { kind: 'business', open: openA, close: openB, closedShare: p.closedLoadShare }, 0.2, 1);
      // Ventilation makes the open hours cost more heat.
      add(components, heatingWh * (H / 24) * (0.8 + 0.6 * openShare), heatingTan, { kind: 'heating', tMean, baseC: p.heatingBaseC, a: 0, b: H, outside: false, open: openA, close: openB }, 0.1, 2);
      if (p.waterHeaterKwhPerDay > 0 && hours) add(components, p.waterHeaterKwhPerDay * 1000, 0, waterHeaterBlocks(p, d, p.waterHeaterKwhPerDay * 1000), 0, 3);
      break;
    }
  }

  // EV: today's session up to midnight, and the part of yesterday's that ran past it.
  const today = evSession(p, d);
  if (today) {
    const inHours = Math.max(0, Math.min(today.hours, H - today.start));
    const inWh = Math.floor((today.wh * inHours) / today.hours);
    if (inWh > 0) components.push({ activeWh: inWh, reactiveVarh: Math.floor(inWh * 0.05), shape: { kind: 'window', a: today.start, b: today.start + inHours }, noise: 0, salt: 6 });
  }
  if (d.day > p.installDay) {
    const prev = dayInfo(d.day - 1);
    const y = evSession(p, prev);
    if (y) {
      const inHours = Math.max(0, Math.min(y.hours, prev.hours - y.start));
      const spillWh = y.wh - Math.floor((y.wh * inHours) / y.hours);
      const a = Math.max(0, y.start - prev.hours);
      const b = Math.min(H, y.start + y.hours - prev.hours);
      if (spillWh > 0 && b > a) components.push({ activeWh: spillWh, reactiveVarh: Math.floor(spillWh * 0.05), shape: { kind: 'window', a, b }, noise: 0, salt: 7 });
    }
  }
  let pvWh = 0;
  let selfConsumedWh = 0;
  if (p.pvKwp > 0 && d.day >= p.pvFromDay) {
    // Production: clear-sky energy of the day of year × the day's clearness × the mean hourly
    // cloud factor (0.8) × snow on the panels on cold days.
    pvWh = Math.round(p.pvKwp * 1000 * pvClearSkyKwhPerKwp(d.dayOfYear) * dayClearness(d, p.weatherSeed) * 0.8 * (tMean < -3 ? 0.4 : 1));
    // Self-consumption: the overlap of production with the consumption in daylight hours, a
    // smooth minimum (about 80 % of either when they are equal, never more than 95 % of the smaller).
    let consumption = 0;
    for (const c of components) consumption += c.activeWh;
    const daylightUse = consumption * Math.min(1, (1.15 * daylightHours(d.dayOfYear)) / 24);
    if (pvWh > 0 && daylightUse > 0) {
      selfConsumedWh = Math.floor(Math.min(0.95 * Math.min(pvWh, daylightUse), (1.6 * pvWh * daylightUse) / (pvWh + daylightUse)));
    }
  }
  return { info: d, components, reactiveExportVarh, pvWh, selfConsumedWh, tMean };
}

/** The day totals of a plan (O(components)): what its quarter-hours add up to. */
export function planTotals(plan: DayPlan): EnergyQuantities {
  let a = 0;
  let r = 0;
  for (const c of plan.components) {
    a += c.activeWh;
    r += c.reactiveVarh;
  }
  return { activeImportWh: a - plan.selfConsumedWh, activeExportWh: plan.pvWh - plan.selfConsumedWh, reactiveImportVarh: r, reactiveExportVarh: plan.reactiveExportVarh };
}

// ---------------------------------------------------------------------------------------------
// The spread
// ---------------------------------------------------------------------------------------------

/** A day's quarter-hours: integer energy per quarter-hour (index 0 = the one starting at local midnight). */
export interface DayEnergy {
  readonly day: number;
  /** Quarter-hours in the day: 92, 96 or 100. */
  readonly n: number;
  readonly activeImportWh: Int32Array;
  readonly activeExportWh: Int32Array;
  readonly reactiveImportVarh: Int32Array;
  readonly reactiveExportVarh: Int32Array;
  /** Gross consumption and PV production per quarter-hour before netting (equal to import/0 without PV). */
  readonly consumptionWh: Int32Array;
  readonly pvWh: Int32Array;
  readonly totals: EnergyQuantities;
}

function overlap(e0: number, e1: number, a: number, b: number): number {
  return Math.max(0, Math.min(e1, b) - Math.max(e0, a)) * 4;
}

/** Smooth step from 0 to 1 over half an hour centred on `at`. */
function ramp(e: number, at: number): number {
  const x = (e - at) / 0.5 + 0.5;
  return x <= 0 ? 0 : x >= 1 ? 1 : x * x * (3 - 2 * x);
}

function householdRhythm(wall: number, offDay: boolean, morning: number, evening: number): number {
  return offDay
    ? 0.35 + 0.9 * gauss(wall, 9.5 + morning, 1.6) + 0.7 * gauss(wall, 13.5, 2.5) + 1.5 * gauss(wall, 18 + evening, 1.5) + 0.7 * gauss(wall, 21.5 + evening, 1.4)
    : 0.35 + 1.0 * gauss(wall, 7 + morning, 0.9) + 0.35 * gauss(wall, 12.5, 2.5) + 1.5 * gauss(wall, 18 + evening, 1.4) + 0.8 * gauss(wall, 21 + evening, 1.3);
}

function weight(shape: Shape, d: DayInfo, q: number, blockHoursPerQuarter: number): number {
  const e0 = q / 4;
  const e1 = e0 + 0.25;
  const mid = e0 + 0.125;
  switch (shape.kind) {
    case 'household': {
      const mask = overlap(e0, e1, shape.a, shape.b);
      return mask === 0 ? 0 : mask * householdRhythm(wallHour(mid, d.hours), shape.offDay, shape.morning, shape.evening);
    }
    case 'business': {
      const open = shape.close > shape.open ? ramp(mid, shape.open) * (1 - ramp(mid, shape.close)) : 0;
      return shape.closedShare + (1 - shape.closedShare) * open;
    }
    case 'heating': {
      const inside = overlap(e0, e1, shape.a, shape.b);
      const mask = shape.outside ? 1 - inside : inside;
      if (mask <= 0) return 0;
      const wall = wallHour(mid, d.hours);
      const outdoor = shape.tMean + diurnalSwing(d, wall);
      let w = Math.max(0.25, shape.baseC - outdoor);
      if (shape.close > shape.open) w *= mid >= shape.open && mid < shape.close ? 1.2 : 0.7; // business: ventilation on when open
      else if (wall < 5 || wall >= 23) w *= 0.85; // night setback
      return mask * w;
    }
    case 'blocks': {
      let w = blockHoursPerQuarter;
      for (const [a, b] of shape.blocks) w += overlap(e0, e1, a, b);
      return w;
    }
    case 'window':
      return overlap(e0, e1, shape.a, shape.b);
  }
}

// Scratch weights, reused (the model is synchronous and never re-entrant).
let scratch = new Float64Array(101);
let scratch2 = new Float64Array(101);

/**
 * Add `total` (and `total2`) to the quarter-hour arrays by cumulative rounding over `weights`:
 * quarter-hour q gets floor(T·W(q+1)) − floor(T·W(q)), W the normalised cumulative weight, so the
 * added integers sum to exactly the totals. All-zero weights spread evenly.
 */
function distribute(weights: Float64Array, n: number, total: number, out: Int32Array, total2 = 0, out2?: Int32Array): void {
  let sum = 0;
  for (let q = 0; q < n; q++) sum += weights[q] as number;
  let cumulative = 0;
  let prev = 0;
  let prev2 = 0;
  for (let q = 0; q < n; q++) {
    cumulative += weights[q] as number;
    const f = q === n - 1 ? 1 : sum > 0 ? cumulative / sum : (q + 1) / n;
    const next = Math.floor(total * f);
    (out[q] as number) += next - prev;
    prev = next;
    if (out2) {
      const next2 = Math.floor(total2 * f);
      (out2[q] as number) += next2 - prev2;
      prev2 = next2;
    }
  }
}

/** Spread one component (its active energy and its R+) over the day. */
function spread(c: Component, d: DayInfo, seed: number, n: number, active: Int32Array, reactive?: Int32Array): void {
  if (scratch.length < n) scratch = new Float64Array(n);
  let standby = 0;
  if (c.shape.kind === 'blocks') {
    let blockQuarters = 0;
    for (const [a, b] of c.shape.blocks) blockQuarters += Math.max(0, b - a) * 4;
    standby = blockQuarters > 0 ? (c.shape.standbyShare / (1 - c.shape.standbyShare)) * (blockQuarters / n) : 1;
  }
  for (let q = 0; q < n; q++) {
    let w = weight(c.shape, d, q, standby);
    if (c.noise > 0 && w > 0) w *= 1 + c.noise * (2 * unit(seed, d.day, q, c.salt) - 1);
    scratch[q] = w;
  }
  distribute(scratch, n, c.activeWh, active, c.reactiveVarh, reactive);
}

/** The quarter-hours of a planned day; for prosumers netted against PV. */
export function spreadDay(p: LoadProfileParams, plan: DayPlan): DayEnergy {
  const d = plan.info;
  const n = d.hours * 4;
  const consumption = new Int32Array(n);
  const reactiveImport = new Int32Array(n);
  const reactiveExport = new Int32Array(n);
  const pv = new Int32Array(n);
  for (const c of plan.components) spread(c, d, p.seed, n, consumption, reactiveImport);
  // R− is a standing capacitive load: spread evenly over the day.
  if (plan.reactiveExportVarh > 0) spread({ activeWh: plan.reactiveExportVarh, reactiveVarh: 0, shape: { kind: 'window', a: 0, b: d.hours }, noise: 0, salt: 8 }, d, p.seed, n, reactiveExport);
  let activeImport = consumption;
  const activeExport = new Int32Array(n);
  if (plan.pvWh > 0) {
    if (scratch.length < n) scratch = new Float64Array(n);
    if (scratch2.length < n) scratch2 = new Float64Array(n);
    // The PV curve: clear-sky output by the sun's height, with hour-to-hour clouds.
    let pvWeight = 0;
    for (let q = 0; q < n; q++) {
      const w = pvClearSkyPerKwp(quarterSinElevation(d, q)) * hourCloudFactor(d, q >> 2, p.weatherSeed);
      scratch2[q] = w;
      pvWeight += w;
    }
    distribute(scratch2, n, plan.pvWh, pv);
    // Import where consumption exceeds the PV curve (and a little always: phases do not net
    // perfectly), export where the PV curve exceeds consumption.
    activeImport = new Int32Array(n);
    let surplus = 0;
    for (let q = 0; q < n; q++) {
      const c = consumption[q] as number;
      const expected = pvWeight > 0 ? (plan.pvWh * (scratch2[q] as number)) / pvWeight : 0;
      scratch[q] = Math.max(0, c - expected) + 0.02 * c;
      scratch2[q] = Math.max(0, expected - c);
      surplus += scratch2[q] as number;
    }
    distribute(scratch, n, totalOf(consumption) - plan.selfConsumedWh, activeImport);
    // A day whose production never beats consumption in any quarter-hour still exports what the
    // day-level self-consumption leaves: along the PV curve.
    if (surplus === 0) for (let q = 0; q < n; q++) scratch2[q] = pv[q] as number;
    distribute(scratch2, n, plan.pvWh - plan.selfConsumedWh, activeExport);
  }
  const totals = planTotals(plan);
  return {
    day: d.day,
    n,
    activeImportWh: activeImport,
    activeExportWh: activeExport,
    reactiveImportVarh: reactiveImport,
    reactiveExportVarh: reactiveExport,
    consumptionWh: consumption,
    pvWh: pv,
    totals,
  };
}

function totalOf(a: Int32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] as number;
  return s;
}
