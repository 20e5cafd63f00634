/**
 * Which phases a meter measures, from its meter type (vendor documents) or, failing that, from
 * the values it sends. Conformance rules need it: a 1-phase meter sends only IL1/UL1, a 3-wire
 * (IT) meter may leave out IL2 (Aidon 6525, hass-AMS #37) or send U2 = 0 (Kaifa MA304H3E).
 */
import type { HanReading, HanVendor } from '../reading/index.ts';
import { readingValue } from '../derived/index.ts';

/** 1-phase, 3-phase 3-wire (IT/TT without neutral, line-line voltages) or 3-phase 4-wire (TN). */
export type MeterPhases = '1P' | '3P3W' | '3P4W';

/** The phase layout a conformance check assumes, and where it came from. */
export interface MeterTopology {
  readonly phases: MeterPhases | 'unknown';
  /** A current-transformer meter: currents and powers are not bounded by a household fuse. */
  readonly ct: boolean;
  readonly basis: 'option' | 'meter-type' | 'values' | 'none';
}

/**
 * The layout a vendor's meter type names, or `undefined` for a type not in the vendor documents:
 * Aidon HAN Interface Description v1.1A (6515 1P, 6525 3P3W, 6534 3P4W, 6540/6550 CT); Kaifa
 * KFM_001 (MA105H2E 1P, MA304H3E 3P3W, MA304H4 3P4W, MA304T3/T4 CT); Kamstrup HAN-NVE rev 3.1
 * (type number 684-11-21x 3P3W, 684-11-31x 3P4W, 685 CT, 686-11-11x 1P).
 */
export function topologyFromMeterType(vendor: HanVendor, meterType: string): Omit<MeterTopology, 'basis'> | undefined {
  const t = meterType.trim();
  switch (vendor) {
    case 'aidon': {
      const table: Readonly<Record<string, Omit<MeterTopology, 'basis'>>> = {
        '6515': { phases: '1P', ct: false },
        '6525': { phases: '3P3W', ct: false },
        '6534': { phases: '3P4W', ct: false },
        '6540': { phases: '3P3W', ct: true },
        '6550': { phases: '3P4W', ct: true },
      };
      return table[t];
    }
    case 'kaifa': {
      if (t.startsWith('MA105')) return { phases: '1P', ct: false };
      const m = /^MA304([HT])([34])/.exec(t);
      if (!m) return undefined;
      return { phases: m[2] === '3' ? '3P3W' : '3P4W', ct: m[1] === 'T' };
    }
    case 'kamstrup': {
      const m = /^68([456])\d\d([123])/.exec(t);
      if (!m) return undefined;
      const phases: MeterPhases = m[2] === '1' ? '1P' : m[2] === '2' ? '3P3W' : '3P4W';
      return { phases, ct: m[1] === '5' };
    }
    case 'generic':
      return undefined;
  }
}

/**
 * The topology for a capture: the `override` if given, else the first meter type the vendor
 * documents name, else what the values show (IL3/UL3 present → 3-phase; IL2 never present or
 * U2 always 0 → 3-wire), else unknown.
 */
export function detectTopology(vendor: HanVendor, readings: readonly HanReading[], override?: MeterPhases): MeterTopology {
  if (override !== undefined) {
    const typed = readings.map((r) => r.meterType).find((t) => t !== undefined);
    return { phases: override, ct: typed !== undefined && (topologyFromMeterType(vendor, typed)?.ct ?? false), basis: 'option' };
  }
  for (const r of readings) {
    if (r.meterType === undefined) continue;
    const t = topologyFromMeterType(vendor, r.meterType);
    if (t) return { ...t, basis: 'meter-type' };
  }
  const withCurrents = readings.filter((r) => readingValue(r, '31.7.0') !== undefined);
  if (withCurrents.length === 0) return { phases: 'unknown', ct: false, basis: 'none' };
  const threePhase = withCurrents.some((r) => readingValue(r, '71.7.0') !== undefined || readingValue(r, '72.7.0') !== undefined);
  if (!threePhase) return { phases: '1P', ct: false, basis: 'values' };
  const noIl2 = withCurrents.every((r) => readingValue(r, '51.7.0') === undefined);
  const u2Zero = withCurrents.every((r) => readingValue(r, '52.7.0')?.value === 0);
  return { phases: noIl2 || u2Zero ? '3P3W' : '3P4W', ct: false, basis: 'values' };
}
