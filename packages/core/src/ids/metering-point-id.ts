import { CoreError } from '../errors/index.ts';
import { appendGs1CheckDigit, checkGs1Key } from './gs1.ts';

/**
 * A Norwegian metering-point id ("målepunkt-ID"): an 18-digit GS1 Global Service Relation Number
 * (GSRN) with the Norwegian prefix `707057500` and a GS1 mod-10 check digit, as Elhub identifies
 * metering points (`MeteringPointUsedDomainLocation/Identification`, A18, scheme agency 9 = GS1).
 * Branded, so only {@link parseMeteringPointId} (or the generator) can make one.
 */
export type MeteringPointId = string & { readonly __brand: 'MeteringPointId' };

/** The GS1 company prefix of every Norwegian metering point (domain.md §7). */
export const NORWEGIAN_GSRN_PREFIX = '707057500';

/** Digits in a GSRN. */
export const GSRN_LENGTH = 18;

/** The largest sequence number {@link meteringPointIdFromSequence} accepts (8 free digits). */
export const MAX_METERING_POINT_SEQUENCE = 99_999_999;

/**
 * Parses `text` as a Norwegian metering-point id. Surrounding whitespace is ignored, nothing else
 * is. Throws `INVALID_GSRN` with `reason` `non-digit`, `length`, `prefix` or `check-digit` (checked
 * in that order) and a message that says what is wrong — for a wrong check digit, which digit it
 * should be.
 */
export function parseMeteringPointId(text: string): MeteringPointId {
  const t = text.trim();
  const problem = checkGs1Key(t, 'metering point id', GSRN_LENGTH, NORWEGIAN_GSRN_PREFIX, 'the Norwegian prefix');
  if (problem) throw new CoreError('INVALID_GSRN', problem.message, { reason: problem.reason });
  return t as MeteringPointId;
}

/** Whether `text` is exactly a valid Norwegian metering-point id (no surrounding whitespace). */
export function isMeteringPointId(text: unknown): text is MeteringPointId {
  return typeof text === 'string' && checkGs1Key(text, '', GSRN_LENGTH, NORWEGIAN_GSRN_PREFIX) === undefined;
}

/**
 * A valid metering-point id made from a sequence number 0..99,999,999, for tests and the meter
 * simulator: the prefix, the number as 8 digits, the check digit. Different numbers give
 * different ids, and {@link meteringPointSequence} gives the number back.
 */
export function meteringPointIdFromSequence(sequence: number): MeteringPointId {
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > MAX_METERING_POINT_SEQUENCE) {
    throw new CoreError('OUT_OF_RANGE', `a metering point sequence number is an integer 0..${MAX_METERING_POINT_SEQUENCE}, got ${sequence}`);
  }
  return appendGs1CheckDigit(`${NORWEGIAN_GSRN_PREFIX}${String(sequence).padStart(8, '0')}`) as MeteringPointId;
}

/** The 8 digits between prefix and check digit as a number (the inverse of {@link meteringPointIdFromSequence}). */
export function meteringPointSequence(id: MeteringPointId): number {
  return Number(id.slice(NORWEGIAN_GSRN_PREFIX.length, -1));
}
