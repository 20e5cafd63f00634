import { CoreError } from '../errors/index.ts';
import { appendGs1CheckDigit, checkGs1Key } from './gs1.ts';

/**
 * A GS1 Global Location Number: 13 digits, the last a GS1 mod-10 check digit. Market parties
 * (grid companies, suppliers, the datahub) are identified by GLN in Elhub (`SenderGln`, A13) and
 * in CIM documents (`sender_MarketParticipant.mRID` with coding scheme `A10` = GS1).
 */
export type Gln = string & { readonly __brand: 'Gln' };

/** Digits in a GLN. */
export const GLN_LENGTH = 13;

/**
 * Parses `text` as a GLN (surrounding whitespace ignored). Throws `INVALID_GLN` with `reason`
 * `non-digit`, `length` or `check-digit` and a message saying what is wrong.
 */
export function parseGln(text: string): Gln {
  const t = text.trim();
  const problem = checkGs1Key(t, 'GLN', GLN_LENGTH);
  if (problem) throw new CoreError('INVALID_GLN', problem.message, { reason: problem.reason });
  return t as Gln;
}

/** Whether `text` is exactly a valid GLN. */
export function isGln(text: unknown): text is Gln {
  return typeof text === 'string' && checkGs1Key(text, '', GLN_LENGTH) === undefined;
}

/**
 * The GLN with these 12 digits (company prefix and location reference) and its check digit, for
 * tests and demo set-ups. Throws `OUT_OF_RANGE` unless `payload` is exactly 12 digits.
 */
export function glnFromPayload(payload: string): Gln {
  if (!/^\d{12}$/.test(payload)) throw new CoreError('OUT_OF_RANGE', `a GLN payload is 12 digits, got '${payload}'`);
  return appendGs1CheckDigit(payload) as Gln;
}
