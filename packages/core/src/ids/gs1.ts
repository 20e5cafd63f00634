import { CoreError } from '../errors/index.ts';
import type { Gs1Reason } from '../errors/index.ts';

const DIGITS = /^\d+$/;

/**
 * The GS1 mod-10 check digit of `payload` (all digits of a GS1 key except the last): from the
 * rightmost payload digit leftwards, digits are weighted 3, 1, 3, 1, …; the check digit brings the
 * weighted sum up to a multiple of ten (GS1 General Specifications 7.9, "Check digit calculation",
 * the same rule for GTIN, GLN and GSRN). Throws `OUT_OF_RANGE` when `payload` is not only digits.
 */
export function gs1CheckDigit(payload: string): number {
  if (!DIGITS.test(payload)) throw new CoreError('OUT_OF_RANGE', `a GS1 check digit is computed over digits only, got '${payload}'`);
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    const digit = payload.charCodeAt(payload.length - 1 - i) - 48;
    sum += i % 2 === 0 ? digit * 3 : digit;
  }
  return (10 - (sum % 10)) % 10;
}

/** `payload` followed by its GS1 check digit. */
export function appendGs1CheckDigit(payload: string): string {
  return `${payload}${gs1CheckDigit(payload)}`;
}

/** What went wrong with a GS1 key, or `undefined` when it is well formed. */
export interface Gs1Problem {
  readonly reason: Gs1Reason;
  readonly message: string;
}

/**
 * Checks `text` as a GS1 key of `length` digits that starts with `prefix`, in a fixed order: only
 * digits, then the length, then the prefix, then the check digit — so the reason names the first
 * thing to fix. `what` names the key in messages ("metering point id", "GLN"), `prefixName` the prefix.
 */
export function checkGs1Key(text: string, what: string, length: number, prefix = '', prefixName = 'the prefix'): Gs1Problem | undefined {
  const bad = [...text].findIndex((ch) => ch < '0' || ch > '9');
  if (bad >= 0) {
    const shown = JSON.stringify([...text][bad]);
    return { reason: 'non-digit', message: `${what} has a non-digit ${shown} at position ${bad + 1}; it is ${length} digits` };
  }
  if (text.length !== length) return { reason: 'length', message: `${what} must be ${length} digits, got ${text.length}` };
  if (!text.startsWith(prefix)) {
    return { reason: 'prefix', message: `${what} must start with ${prefixName} ${prefix}, got ${text.slice(0, prefix.length)}` };
  }
  const expected = gs1CheckDigit(text.slice(0, -1));
  const actual = Number(text.slice(-1));
  if (actual !== expected) {
    return { reason: 'check-digit', message: `${what} has the wrong check digit: the last digit is ${actual}, it should be ${expected}` };
  }
  return undefined;
}
