import { CoreError } from '../errors/index.ts';

/**
 * How a value came about, as VEE (validation, estimation, editing) leaves it:
 * - `measured`: read from the meter and passed validation;
 * - `estimated`: the meter's value was missing or failed validation, and this is an estimate;
 * - `corrected`: a later, better value replacing an earlier one (the real reading that arrived
 *   after an estimate was sent, or a manual edit) — sent as a new version;
 * - `missing`: no value at all (only before estimation has run; a missing value has no quantity).
 */
export type Quality = 'measured' | 'estimated' | 'corrected' | 'missing';

/** The four qualities. */
export const QUALITIES: readonly Quality[] = ['measured', 'estimated', 'corrected', 'missing'];

/** The CIM quality codes this profile uses (IEC 62325 / ENTSO-E code list `QualityTypeList`, ET0036). */
export type CimQualityCode = 'A01' | 'A02' | 'A03' | 'A04';

/** The ebIX quantity-quality codes (`QuantityQualityCode`) that have a match here. */
export type EbixQualityCode = 'E01' | '56' | '36';

/**
 * A quality with its codes.
 *
 * CIM (ENTSO-E code list ET0036, as in seralaci/energy-reference-data `QualityType.cs` and
 * Energinet-DataHub/opengeh-edi `BuildingBlocks.Domain/Models/Quality.cs`): `A01` Adjusted, `A02`
 * Not available, `A03` Estimated, `A04` As provided; (`A05` Incomplete and `A06` Calculated are
 * aggregation results, not meter values, and are refused). ebIX `QuantityQualityCode` (Energinet's
 * ebIX code list 6.19, and opengeh's ebIX mapping): `E01` As read (målt), `56` Estimated, `36`
 * Revised (korrektion); ebIX has no code for a missing value — it sets `QuantityMissing` instead.
 */
export interface QualityDefinition {
  readonly quality: Quality;
  readonly cim: CimQualityCode;
  readonly ebix: EbixQualityCode | undefined;
  /** The status name in Elhub's VEE standard (Elhubstandard 4.1 "Koder brukt til validering"). */
  readonly elhubStatus: string;
}

/** Every quality with its codes. */
export const QUALITY_CODES: Readonly<Record<Quality, QualityDefinition>> = {
  measured: { quality: 'measured', cim: 'A04', ebix: 'E01', elhubStatus: 'Målt' },
  estimated: { quality: 'estimated', cim: 'A03', ebix: '56', elhubStatus: 'Estimert' },
  corrected: { quality: 'corrected', cim: 'A01', ebix: '36', elhubStatus: 'Målt' },
  missing: { quality: 'missing', cim: 'A02', ebix: undefined, elhubStatus: 'Manglende verdi' },
};

/** Whether `x` is one of the four qualities. */
export function isQuality(x: unknown): x is Quality {
  return typeof x === 'string' && (QUALITIES as readonly string[]).includes(x);
}

/** The CIM code of `quality`. */
export function qualityToCim(quality: Quality): CimQualityCode {
  return QUALITY_CODES[quality].cim;
}

/** The quality a CIM code names. Throws `INVALID_QUALITY` for codes other than A01–A04. */
export function qualityFromCim(code: string): Quality {
  const found = QUALITIES.find((q) => QUALITY_CODES[q].cim === code);
  if (!found) {
    throw new CoreError('INVALID_QUALITY', `quality '${code}' is not one of A04 (measured), A03 (estimated), A01 (corrected), A02 (missing)`);
  }
  return found;
}

/** The ebIX code of `quality`, or `undefined` for `missing` (ebIX flags it with `QuantityMissing`). */
export function qualityToEbix(quality: Quality): EbixQualityCode | undefined {
  return QUALITY_CODES[quality].ebix;
}

/** The quality an ebIX code names. Throws `INVALID_QUALITY` for codes other than E01, 56, 36. */
export function qualityFromEbix(code: string): Quality {
  const found = QUALITIES.find((q) => QUALITY_CODES[q].ebix === code);
  if (!found) throw new CoreError('INVALID_QUALITY', `ebIX quality '${code}' is not one of E01 (measured), 56 (estimated), 36 (corrected)`);
  return found;
}
