import { dayContaining, wallHour } from './calendar.ts';
import type { DayInfo } from './calendar.ts';
import { hash32, normal, unit } from './hash.ts';

/**
 * A synthetic Norwegian climate: deterministic, smooth where weather is smooth, noisy where it
 * is noisy, and cheap enough to evaluate per quarter-hour. Not a forecast of anything; its only
 * job is to make heating follow cold spells and PV follow the sun.
 *
 * Daily mean temperature = annual mean 7 °C + 10.5 °C seasonal swing (coldest about 18 January,
 * warmest about 20 July: Oslo-Blindern normals are −3 °C in January and 17 °C in July) + a weather
 * anomaly (smooth value noise over 4-day anchors plus daily jitter, σ ≈ 4.7 °C in winter and
 * 1.7 °C in summer, so cold spells last days) + the meter's climate offset (coast, inland, north).
 * Hourly temperature adds a diurnal swing peaking at 15:00 (±1 °C in winter, ±4 °C in summer).
 */
export const WEATHER = {
  annualMeanC: 7,
  seasonalAmplitudeC: 10.5,
  /** Day of year of the warmest day of the seasonal curve. */
  warmestDayOfYear: 201,
  /** Days between the anchors of the smooth anomaly. */
  anomalyAnchorDays: 4,
  latitudeDeg: 59.9,
  longitudeDeg: 10.75,
} as const;

/** The weather seed every meter shares unless its parameters say otherwise: one country, one weather. */
export const DEFAULT_WEATHER_SEED = 0x0a4e7b1d;

const TWO_PI = 2 * Math.PI;

function seasonal(dayOfYear: number): number {
  return Math.cos((TWO_PI * (dayOfYear - WEATHER.warmestDayOfYear)) / 365.25);
}

function anchor(seed: number, k: number): number {
  return normal(seed, k, 0x7e11);
}

/** The weather anomaly of epoch day `day` in °C (before the seasonal σ). */
function anomaly(seed: number, day: number): number {
  const x = day / WEATHER.anomalyAnchorDays;
  const k = Math.floor(x);
  const f = x - k;
  const s = (1 - Math.cos(Math.PI * f)) / 2; // cosine interpolation: no kinks at anchors
  const smooth = anchor(seed, k) * (1 - s) + anchor(seed, k + 1) * s;
  return 0.85 * smooth + 0.45 * normal(seed, day, 0xda11);
}

/** Daily mean outdoor temperature (°C) of a day for a meter with `offsetC` climate offset. */
export function dailyMeanTemperature(d: DayInfo, seed = DEFAULT_WEATHER_SEED, offsetC = 0): number {
  const sigma = 3.2 + 1.5 * -seasonal(d.dayOfYear);
  return WEATHER.annualMeanC + WEATHER.seasonalAmplitudeC * seasonal(d.dayOfYear) + sigma * anomaly(seed, d.day) + offsetC;
}

/** The diurnal deviation from the daily mean at local wall-clock hour `wall`. */
export function diurnalSwing(d: DayInfo, wall: number): number {
  const amplitude = 2.5 + 1.5 * seasonal(d.dayOfYear);
  return amplitude * Math.cos((TWO_PI * (wall - 15)) / 24);
}

/** Options of {@link outdoorTemperature}. */
export interface TemperatureOptions {
  /** Weather seed (default: the shared {@link DEFAULT_WEATHER_SEED}). */
  readonly seed?: number;
  /** Climate offset in °C added to every value (e.g. −4 for an inland valley). */
  readonly offsetC?: number;
}

/** Outdoor temperature in °C at `instant` (the synthetic series: same instant, same value). */
export function outdoorTemperature(instant: Date, options: TemperatureOptions = {}): number {
  const ms = instant.getTime();
  const d = dayContaining(ms);
  const wall = wallHour((ms - d.startMs) / 3_600_000, d.hours);
  return dailyMeanTemperature(d, options.seed ?? DEFAULT_WEATHER_SEED, options.offsetC ?? 0) + diurnalSwing(d, wall);
}

/** Solar declination in radians on day of year `doy` (textbook approximation, ±0.5°). */
function declination(doy: number): number {
  return ((-23.44 * Math.PI) / 180) * Math.cos((TWO_PI * (doy + 10)) / 365);
}

/**
 * sin(solar elevation) at `ms` for a day of year: sin e = sin φ sin δ + cos φ cos δ cos ω, with
 * the hour angle ω from UTC and longitude (the equation of time, at most ±16 minutes, is left out).
 */
function sinElevation(ms: number, doy: number, latitudeDeg: number, longitudeDeg: number): number {
  const decl = declination(doy);
  const phi = (latitudeDeg * Math.PI) / 180;
  const solarHours = (((ms / 3_600_000 + longitudeDeg / 15) % 24) + 24) % 24;
  const omega = ((solarHours - 12) * 15 * Math.PI) / 180;
  return Math.sin(phi) * Math.sin(decl) + Math.cos(phi) * Math.cos(decl) * Math.cos(omega);
}

/** Solar elevation in degrees at `ms` (epoch milliseconds), at ~60° N by default (Oslo). */
export function solarElevation(ms: number, latitudeDeg: number = WEATHER.latitudeDeg, longitudeDeg: number = WEATHER.longitudeDeg): number {
  const t = new Date(ms);
  const doy = (ms - Date.UTC(t.getUTCFullYear(), 0, 1)) / 86_400_000 + 1;
  const s = sinElevation(ms, doy, latitudeDeg, longitudeDeg);
  return (Math.asin(Math.max(-1, Math.min(1, s))) * 180) / Math.PI;
}

/**
 * Clear-sky output of 1 kWp of PV (south-facing, ~35° tilt) when the sun is at sin(elevation) =
 * `sinE`: rises with the sun, with a tilt gain when it is low; performance ratio 0.85 (inverter,
 * heat, dirt). Relative to kWp, at most 1.
 */
export function pvClearSkyPerKwp(sinE: number): number {
  if (sinE <= 0) return 0;
  const cos2 = 1 - sinE * sinE;
  return Math.min(1, 0.85 * Math.pow(sinE, 1.1) * (1 + 0.9 * cos2));
}

/** sin(elevation) of the sun at the middle of quarter-hour `q` of day `d`. */
export function quarterSinElevation(d: DayInfo, q: number): number {
  return sinElevation(d.startMs + (q + 0.5) * 900_000, d.dayOfYear, WEATHER.latitudeDeg, WEATHER.longitudeDeg);
}

const clearSkyTable: number[] = [];
const daylightTable: number[] = [];

/**
 * Clear-sky PV energy of 1 kWp over day of year `doy`, in kWh (numerically integrated once per
 * day of year, in 5-minute steps; a handful of kWh in June, a fraction of one in December).
 */
export function pvClearSkyKwhPerKwp(doy: number): number {
  let v = clearSkyTable[doy];
  if (v === undefined) {
    let sum = 0;
    let daylight = 0;
    const noon = Date.UTC(2025, 0, 1) + (doy - 1) * 86_400_000;
    for (let m = 0; m < 24 * 60; m += 5) {
      const s = sinElevation(noon + m * 60_000, doy, WEATHER.latitudeDeg, WEATHER.longitudeDeg);
      sum += pvClearSkyPerKwp(s) * (5 / 60);
      if (s > 0) daylight += 5 / 60;
    }
    v = sum;
    clearSkyTable[doy] = v;
    daylightTable[doy] = daylight;
  }
  return v;
}

/** Hours of daylight on day of year `doy` at the model's latitude (about 6 in December, 19 in June). */
export function daylightHours(doy: number): number {
  pvClearSkyKwhPerKwp(doy);
  return daylightTable[doy] as number;
}

/**
 * How clear the sky is on a day, 0.1 (overcast) … 1 (clear): drawn per day, clearer in summer
 * (Norwegian winters are grey) and a little clearer on cold winter days (high pressure).
 */
export function dayClearness(d: DayInfo, seed = DEFAULT_WEATHER_SEED): number {
  const summer = (1 + seasonal(d.dayOfYear)) / 2; // 0 in January, 1 in July
  const u = unit(seed, d.day, 0xc10d);
  return 0.1 + 0.9 * Math.pow(u, 1.4 - 0.7 * summer);
}

/** Hour-to-hour cloud variation around the day's clearness, 0.6 … 1. */
export function hourCloudFactor(d: DayInfo, hourIndex: number, seed = DEFAULT_WEATHER_SEED): number {
  return 0.6 + 0.4 * (hash32(seed, d.day, hourIndex, 0xc10e) / 0x1_0000_0000);
}
