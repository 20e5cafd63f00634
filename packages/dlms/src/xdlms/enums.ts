import type { ByteReader, ByteWriter } from '../bytes/index.ts';
import { DlmsError } from '../errors/index.ts';

/**
 * A named ENUMERATED of the xDLMS ASN.1 (Green Book 9.5). Decoding maps a known number to its
 * name and keeps an unknown one as a number, so a meter that answers with a code from a newer
 * edition (or a manufacturer-specific one) is still understood; encoding takes either.
 */
export class NamedEnum<N extends string> {
  private readonly byName: ReadonlyMap<string, number>;
  private readonly byValue: ReadonlyMap<number, N>;

  constructor(
    /** The ASN.1 type name, used in error messages. */
    readonly typeName: string,
    table: Readonly<Record<N, number>>,
  ) {
    const entries = Object.entries(table) as Array<[N, number]>;
    this.byName = new Map(entries);
    this.byValue = new Map(entries.map(([k, v]) => [v, k]));
  }

  /** The name of `value`, or the number itself when the table has no name for it. */
  name(value: number): N | number {
    return this.byValue.get(value) ?? value;
  }

  /** The number of a name (or a number passed through); throws INVALID_VALUE for an unknown name. */
  value(v: N | number): number {
    if (typeof v === 'number') {
      if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new DlmsError('INVALID_VALUE', `${this.typeName} ${v} is not a one-byte enumeration value`);
      return v;
    }
    const n = this.byName.get(v);
    if (n === undefined) throw new DlmsError('INVALID_VALUE', `'${String(v)}' is not a ${this.typeName} name`);
    return n;
  }

  /** Every name of the table. */
  get names(): readonly N[] {
    return [...this.byValue.values()];
  }

  read(r: ByteReader): N | number {
    return this.name(r.u8(`a ${this.typeName}`));
  }

  write(w: ByteWriter, v: N | number): void {
    w.u8(this.value(v));
  }
}

/** Data-Access-Result names (Green Book 9.5, `Data-Access-Result ::= ENUMERATED`). */
export type DataAccessResultName =
  | 'success'
  | 'hardware-fault'
  | 'temporary-failure'
  | 'read-write-denied'
  | 'object-undefined'
  | 'object-class-inconsistent'
  | 'object-unavailable'
  | 'type-unmatched'
  | 'scope-of-access-violated'
  | 'data-block-unavailable'
  | 'long-get-aborted'
  | 'no-long-get-in-progress'
  | 'long-set-aborted'
  | 'no-long-set-in-progress'
  | 'data-block-number-invalid'
  | 'other-reason';

/**
 * The outcome of one attribute access: a name, or the raw number for a code the Green Book does
 * not name. Anything but `success` is the server refusing, which the caller must handle.
 */
export type DataAccessResult = DataAccessResultName | number;

/** Green Book 9.5: `Data-Access-Result`. */
export const DATA_ACCESS_RESULT = new NamedEnum<DataAccessResultName>('Data-Access-Result', {
  success: 0,
  'hardware-fault': 1,
  'temporary-failure': 2,
  'read-write-denied': 3,
  'object-undefined': 4,
  'object-class-inconsistent': 9,
  'object-unavailable': 11,
  'type-unmatched': 12,
  'scope-of-access-violated': 13,
  'data-block-unavailable': 14,
  'long-get-aborted': 15,
  'no-long-get-in-progress': 16,
  'long-set-aborted': 17,
  'no-long-set-in-progress': 18,
  'data-block-number-invalid': 19,
  'other-reason': 250,
});

/** Action-Result names (Green Book 9.5, `Action-Result ::= ENUMERATED`). */
export type ActionResultName =
  | 'success'
  | 'hardware-fault'
  | 'temporary-failure'
  | 'read-write-denied'
  | 'object-undefined'
  | 'object-class-inconsistent'
  | 'object-unavailable'
  | 'type-unmatched'
  | 'scope-of-access-violated'
  | 'data-block-unavailable'
  | 'long-action-aborted'
  | 'no-long-action-in-progress'
  | 'other-reason';

/** The outcome of a method invocation: a name, or the raw number for an unnamed code. */
export type ActionResult = ActionResultName | number;

/** Green Book 9.5: `Action-Result`. */
export const ACTION_RESULT = new NamedEnum<ActionResultName>('Action-Result', {
  success: 0,
  'hardware-fault': 1,
  'temporary-failure': 2,
  'read-write-denied': 3,
  'object-undefined': 4,
  'object-class-inconsistent': 9,
  'object-unavailable': 11,
  'type-unmatched': 12,
  'scope-of-access-violated': 13,
  'data-block-unavailable': 14,
  'long-action-aborted': 15,
  'no-long-action-in-progress': 16,
  'other-reason': 250,
});
