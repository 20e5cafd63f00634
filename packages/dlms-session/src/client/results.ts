import type { ActionResult, Conformance, DataAccessResult, DlmsData, ReleaseResponseReason } from '@openams/dlms';
import type { SessionMechanism } from '../common/dlms.ts';

/**
 * The outcome of reading one attribute. A refusal by the meter is a value (`ok: false` with the
 * Data-Access-Result it sent, e.g. `read-write-denied`), never an exception: the caller decides.
 * Malformed answers, timeouts and security failures are `SessionError`s instead.
 */
export type GetResult = { readonly ok: true; readonly value: DlmsData } | { readonly ok: false; readonly reason: DataAccessResult };

/** The outcome of writing one attribute: success, or the Data-Access-Result the meter refused with. */
export type SetResult = { readonly ok: true } | { readonly ok: false; readonly reason: DataAccessResult };

/** The outcome of invoking one method: success with the return value if any, or the Action-Result refusal. */
export type ActionOutcome = { readonly ok: true; readonly value?: DlmsData } | { readonly ok: false; readonly reason: ActionResult };

/** The outcome of `release()`: whether the meter answered the RLRQ at all (some never do, dlms-cosem#80). */
export interface ReleaseOutcome {
  readonly answered: boolean;
  readonly reason?: ReleaseResponseReason;
}

/** What an established association agreed on. */
export interface AssociationInfo {
  readonly context: 'logical-name' | 'logical-name-with-ciphering';
  readonly mechanism: SessionMechanism;
  /** Whether every APDU is glo-ciphered (SC 0x30) in both directions. */
  readonly ciphered: boolean;
  /** negotiated-conformance from the InitiateResponse. */
  readonly conformance: Conformance;
  /** The largest APDU the meter accepts; 0 on the wire (no limit) is reported as 65535. */
  readonly serverMaxReceivePduSize: number;
  readonly dlmsVersion: number;
  /** The meter's system title from the AARE, checked against the expected one. */
  readonly serverSystemTitle?: Uint8Array;
}
