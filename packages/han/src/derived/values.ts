import { HanError } from '../errors/index.ts';
import type { DottedObis, HanReading, HanValue } from '../reading/index.ts';

/**
 * The value of an electricity quantity in a reading, by its C.D.E part (`'1.7.0'` = active power
 * import, `'1.8.0'` = cumulative A+). Tries channel B=0 (Aidon, Kaifa: `1.0.1.7.0.255`) then B=1
 * (Kamstrup numbers its objects `1-1:…`, Kamstrup HAN-NVE rev 3.1), so derived values work whether
 * or not a decoder maps Kamstrup's channel onto 0.
 */
export function readingValue(reading: HanReading, cde: string): HanValue | undefined {
  return reading.obis[`1.0.${cde}.255` as DottedObis] ?? reading.obis[`1.1.${cde}.255` as DottedObis];
}

/**
 * A finite number from a reading, only when it carries the expected unit (a value in the wrong
 * unit is treated as absent, never converted by guesswork).
 */
export function numericValue(reading: HanReading, cde: string, unit: HanValue['unit']): number | undefined {
  const v = readingValue(reading, cde);
  if (v === undefined || v.unit !== unit || typeof v.value !== 'number' || !Number.isFinite(v.value)) return undefined;
  return v.value;
}

/**
 * Guards the shape of a reading that came from outside the type system (JSON, a capture file),
 * so bad input is a `HanError`, never a `TypeError` deeper down.
 */
export function assertReading(reading: unknown, where: string): asserts reading is HanReading {
  if (typeof reading !== 'object' || reading === null) {
    throw new HanError('INVALID_VALUE', `${where}: not a reading object`);
  }
  const r = reading as Partial<Record<keyof HanReading, unknown>>;
  if (typeof r.timestamp !== 'string') throw new HanError('INVALID_VALUE', `${where}: reading without a timestamp string`);
  if (typeof r.obis !== 'object' || r.obis === null) throw new HanError('INVALID_VALUE', `${where}: reading without an obis map`);
}
