import { DlmsError } from '../errors/index.ts';

/**
 * One value of the COSEM `unit` enumeration: the second element of the `scaler_unit` structure of
 * Register (class_id 3), Extended register (4) and Demand register (5). `symbol` and `quantity` are
 * as the Blue Book table "Enumerated values for physical units" prints them (DLMS UA 1000-1
 * Ed. 12.2, Table 4; IEC 62056-6-2), with superscripts and Greek letters in Unicode.
 */
export interface CosemUnit {
  /** The enum value on the wire, 1..255. */
  readonly code: number;
  /** The unit symbol, e.g. `W`. Prefixes come from the scaler: unit 27 with scaler 3 reads kW. */
  readonly symbol: string;
  /** The physical quantity, e.g. `active power (P)`. */
  readonly quantity: string;
  /** The unit's name where the table gives one, e.g. `watt`. */
  readonly name?: string;
}

// Blue Book Ed. 12.2 Table 4. Codes 58, 59, 68, 69, 73..127 and 175..253 are not assigned in that
// table. Codes 128..174 (inch, foot, pound, °F, gallons, Btu … added by later editions for
// non-SI markets) are deliberately not listed: their exact symbols could not be checked against
// the standard, and Nordic meters never send them; `unitFromCode` returns undefined for them.
const TABLE: readonly (readonly [code: number, symbol: string, quantity: string, name?: string])[] = [
  [1, 'a', 'time', 'year'],
  [2, 'mo', 'time', 'month'],
  [3, 'wk', 'time', 'week'],
  [4, 'd', 'time', 'day'],
  [5, 'h', 'time', 'hour'],
  [6, 'min', 'time', 'minute'],
  [7, 's', 'time (t)', 'second'],
  [8, '°', '(phase) angle', 'degree'],
  [9, '°C', 'temperature (T)', 'degree Celsius'],
  [10, 'currency', '(local) currency'],
  [11, 'm', 'length (l)', 'metre'],
  [12, 'm/s', 'speed (v)', 'metre per second'],
  [13, 'm³', 'volume (V)', 'cubic metre'],
  [14, 'm³', 'corrected volume', 'cubic metre'],
  [15, 'm³/h', 'volume flux', 'cubic metre per hour'],
  [16, 'm³/h', 'corrected volume flux', 'cubic metre per hour'],
  [17, 'm³/d', 'volume flux', 'cubic metre per day'],
  [18, 'm³/d', 'corrected volume flux', 'cubic metre per day'],
  [19, 'l', 'volume', 'litre'],
  [20, 'kg', 'mass (m)', 'kilogram'],
  [21, 'N', 'force (F)', 'newton'],
  [22, 'Nm', 'energy', 'newton-metre'],
  [23, 'Pa', 'pressure (p)', 'pascal'],
  [24, 'bar', 'pressure (p)', 'bar'],
  [25, 'J', 'energy', 'joule'],
  [26, 'J/h', 'thermal power', 'joule per hour'],
  [27, 'W', 'active power (P)', 'watt'],
  [28, 'VA', 'apparent power (S)', 'volt-ampere'],
  [29, 'var', 'reactive power (Q)', 'var'],
  [30, 'Wh', 'active energy', 'watt-hour'],
  [31, 'VAh', 'apparent energy', 'volt-ampere-hour'],
  [32, 'varh', 'reactive energy', 'var-hour'],
  [33, 'A', 'current (I)', 'ampere'],
  [34, 'C', 'electrical charge (Q)', 'coulomb'],
  [35, 'V', 'voltage (U)', 'volt'],
  [36, 'V/m', 'electric field strength (E)', 'volt per metre'],
  [37, 'F', 'capacitance (C)', 'farad'],
  [38, 'Ω', 'resistance (R)', 'ohm'],
  [39, 'Ωm²/m', 'resistivity (ρ)'],
  [40, 'Wb', 'magnetic flux (Φ)', 'weber'],
  [41, 'T', 'magnetic flux density (B)', 'tesla'],
  [42, 'A/m', 'magnetic field strength (H)', 'ampere per metre'],
  [43, 'H', 'inductance (L)', 'henry'],
  [44, 'Hz', 'frequency (f, ω)', 'hertz'],
  [45, '1/(Wh)', 'R_W, active energy meter constant or pulse value'],
  [46, '1/(varh)', 'R_B, reactive energy meter constant or pulse value'],
  [47, '1/(VAh)', 'R_S, apparent energy meter constant or pulse value'],
  [48, 'V²h', 'volt-squared hour', 'volt-squared hour'],
  [49, 'A²h', 'ampere-squared hour', 'ampere-squared hour'],
  [50, 'kg/s', 'mass flux', 'kilogram per second'],
  [51, 'S', 'conductance', 'siemens (mho)'],
  [52, 'K', 'temperature (T)', 'kelvin'],
  [53, '1/(V²h)', 'R_U²h, volt-squared hour meter constant or pulse value'],
  [54, '1/(A²h)', 'R_I²h, ampere-squared hour meter constant or pulse value'],
  [55, '1/m³', 'R_V, meter constant or pulse value (volume)'],
  [56, '%', 'percentage'],
  [57, 'Ah', 'ampere-hours', 'ampere-hour'],
  [60, 'Wh/m³', 'energy per volume'],
  [61, 'J/m³', 'calorific value, wobbe'],
  [62, 'Mol %', 'molar fraction of gas composition', 'mole percent'],
  [63, 'g/m³', 'mass density, quantity of material'],
  [64, 'Pa s', 'dynamic viscosity', 'pascal second'],
  [65, 'J/kg', 'specific energy', 'joule per kilogram'],
  [66, 'g/cm²', 'pressure', 'gram per square centimetre'],
  [67, 'atm', 'pressure', 'atmosphere'],
  [70, 'dBm', 'signal strength', 'dB milliwatt'],
  [71, 'dBµV', 'signal strength', 'dB microvolt'],
  [72, 'dB', 'logarithmic unit expressing the ratio of two values of a physical quantity', 'decibel'],
  [254, 'other', 'other unit'],
  [255, 'count', 'no unit, unitless, count'],
];

const UNITS: ReadonlyMap<number, CosemUnit> = new Map(
  TABLE.map(([code, symbol, quantity, name]) => [code, Object.freeze({ code, symbol, quantity, ...(name !== undefined ? { name } : {}) })]),
);

/** Every unit this module knows, in code order. */
export const COSEM_UNITS: readonly CosemUnit[] = Object.freeze([...UNITS.values()]);

/**
 * The unit with enum value `code`, or undefined for a code the Blue Book table does not assign
 * (0, 58, 59, 68, 69, 73..253) or that this table leaves out (128..174, see above).
 */
export function unitFromCode(code: number): CosemUnit | undefined {
  return UNITS.get(code);
}

function checkScaler(scaler: number): void {
  // Blue Book: scaler_unit ::= structure { scaler: integer, unit: enum }; integer is Integer8.
  if (!Number.isInteger(scaler) || scaler < -128 || scaler > 127) {
    throw new DlmsError('INVALID_VALUE', `a scaler is an integer -128..127, got ${scaler}`);
  }
}

/**
 * `value × 10^scaler` as a number, the physical value of a register whose `scaler_unit` has this
 * scaler (e.g. 123456 with scaler -3 is 123.456).
 *
 * Precision: for an integer `value` (every A-XDR integer type, including 64-bit ones as bigint)
 * the result is the double nearest to the exact decimal product — one rounding, so 12345 with
 * scaler -3 gives exactly the double `12.345` and never `12.345000000000001`. A double carries
 * about 15–16 significant digits: a `long64-unsigned` register above 2^53 loses its last digits.
 * Use `scaledDecimal` where the exact figure matters (billing).
 *
 * Throws `INVALID_VALUE` when `scaler` is not an integer -128..127.
 */
export function scaledValue(value: number | bigint, scaler: number): number {
  checkScaler(scaler);
  if (typeof value === 'bigint' || Number.isInteger(value)) {
    // Parsing the decimal string rounds once, where dividing by 10^-scaler would round twice for
    // values above 2^53 and multiplying by 0.001 rounds twice for any value.
    return Number(`${BigInt(value)}e${scaler}`);
  }
  return scaler >= 0 ? value * 10 ** scaler : value / 10 ** -scaler;
}

/**
 * `value × 10^scaler` written exactly as a decimal string (`123456`, -3 → `"123.456"`; 5, 2 →
 * `"500"`; -5, -3 → `"-0.005"`). No precision is lost at any magnitude. Throws `INVALID_VALUE` for a
 * scaler outside -128..127 or a `value` that is not an integer.
 */
export function scaledDecimal(value: number | bigint, scaler: number): string {
  checkScaler(scaler);
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new DlmsError('INVALID_VALUE', `scaledDecimal needs an integer value up to 2^53 or a bigint, got ${value}`);
  }
  const n = BigInt(value);
  const sign = n < 0n ? '-' : '';
  const digits = (n < 0n ? -n : n).toString();
  if (scaler >= 0) return n === 0n ? '0' : `${sign}${digits}${'0'.repeat(scaler)}`;
  const places = -scaler;
  const padded = digits.padStart(places + 1, '0');
  const whole = padded.slice(0, padded.length - places);
  const fraction = padded.slice(padded.length - places).replace(/0+$/, '');
  if (n === 0n) return '0';
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}
