import { CoreError } from '../errors/index.ts';

/**
 * The length of one interval of a series, as an ISO 8601 duration: 15 minutes or 60 minutes.
 * AMS meters register hourly today and must be switchable to 15 minutes (avregningsforskriften
 * §4-2); Elhub takes `PT15M`, `PT60M` and `PT1H` (BRS-NO-313 validation rule 9).
 */
export type Resolution = 'PT15M' | 'PT60M';

/** Both resolutions, finest first. */
export const RESOLUTIONS: readonly Resolution[] = ['PT15M', 'PT60M'];

/** Minutes in one interval of `resolution`. */
export function resolutionMinutes(resolution: Resolution): 15 | 60 {
  return resolution === 'PT15M' ? 15 : 60;
}

/** Milliseconds in one interval of `resolution`. */
export function resolutionMillis(resolution: Resolution): number {
  return resolutionMinutes(resolution) * 60_000;
}

/** Whether `x` is a {@link Resolution} exactly as this module writes it. */
export function isResolution(x: unknown): x is Resolution {
  return x === 'PT15M' || x === 'PT60M';
}

/**
 * Reads a resolution. `PT1H`, which Energinet DataHub's CIM documents write for hourly series, is
 * the same duration as `PT60M` and is returned as `PT60M`. Throws `INVALID_RESOLUTION` for
 * anything else.
 */
export function parseResolution(text: string): Resolution {
  if (text === 'PT15M' || text === 'PT60M') return text;
  if (text === 'PT1H') return 'PT60M';
  throw new CoreError('INVALID_RESOLUTION', `resolution must be PT15M or PT60M (PT1H is read as PT60M), got '${text}'`);
}
