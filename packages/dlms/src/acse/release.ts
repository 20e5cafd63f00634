import type { ByteReader, ByteWriter } from '../bytes/index.ts';
import type { DecodeLimits } from '../limits/index.ts';
import { encodeInitiateRequest, encodeInitiateResponse } from '../initiate/index.ts';
import type { InitiateRequest, InitiateResponse } from '../initiate/index.ts';
import { readInteger, writeElement, writeInteger } from './ber.ts';
import {
  readComponents,
  readRequestUserInformation,
  readResponseUserInformation,
  userInformationBytes,
  writeUserInformation,
} from './components.ts';
import { RELEASE_REQUEST_REASONS, RELEASE_RESPONSE_REASONS, nameOrNumber, valueOfNameOrNumber } from './names.ts';
import type { ReleaseRequestReason, ReleaseResponseReason } from './names.ts';

/** RLRQ-apdu ::= [APPLICATION 2] IMPLICIT SEQUENCE (Green Book 9.5). */
export const RLRQ_TAG = 0x62;
/** RLRE-apdu ::= [APPLICATION 3] IMPLICIT SEQUENCE (Green Book 9.5). */
export const RLRE_TAG = 0x63;

/**
 * A-RELEASE.request (Green Book 9.3.3). Both components are optional: `62 00` is a valid RLRQ.
 * With a ciphered context the user-information carries a glo-initiate-request, which proves the
 * release comes from the associated client; a plain InitiateRequest is also decoded into
 * `initiateRequest`.
 */
export interface Rlrq {
  readonly type: 'rlrq';
  /** A name, or the raw INTEGER for a reason the Green Book does not name. */
  readonly reason?: ReleaseRequestReason;
  readonly userInformation?: Uint8Array;
  readonly initiateRequest?: InitiateRequest;
}

/** A-RELEASE.response (Green Book 9.3.3); user-information mirrors the RLRQ's with an InitiateResponse. */
export interface Rlre {
  readonly type: 'rlre';
  /** A name, or the raw INTEGER for a reason the Green Book does not name. */
  readonly reason?: ReleaseResponseReason;
  readonly userInformation?: Uint8Array;
  readonly initiateResponse?: InitiateResponse;
}

/**
 * reason [0] IMPLICIT INTEGER: the element's contents are the INTEGER's contents. The INTEGER is
 * open (named values only), so a reason the Green Book does not name is kept as a number.
 */
const REASON = 0x80;
const USER_INFORMATION = 0xbe;
const COMPONENTS: ReadonlyMap<number, string> = new Map([
  [REASON, 'reason'],
  [USER_INFORMATION, 'user-information'],
]);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The RLRQ's contents (after tag and length). */
export function decodeRlrqContent(content: ByteReader, limits: DecodeLimits): Rlrq {
  const f: Partial<Mutable<Rlrq>> = {};
  readComponents(content, COMPONENTS, 'RLRQ', (tag, c) => {
    if (tag === REASON) {
      f.reason = nameOrNumber(RELEASE_REQUEST_REASONS, readInteger(c, 'reason'));
      return;
    }
    const ui = readRequestUserInformation(c, limits);
    f.userInformation = ui.userInformation;
    if (ui.initiateRequest !== undefined) f.initiateRequest = ui.initiateRequest;
  });
  return { type: 'rlrq', ...f };
}

/** The RLRE's contents (after tag and length). */
export function decodeRlreContent(content: ByteReader, limits: DecodeLimits): Rlre {
  const f: Partial<Mutable<Rlre>> = {};
  readComponents(content, COMPONENTS, 'RLRE', (tag, c) => {
    if (tag === REASON) {
      f.reason = nameOrNumber(RELEASE_RESPONSE_REASONS, readInteger(c, 'reason'));
      return;
    }
    const ui = readResponseUserInformation(c, limits);
    f.userInformation = ui.userInformation;
    if (ui.initiateResponse !== undefined) f.initiateResponse = ui.initiateResponse;
  });
  return { type: 'rlre', ...f };
}

/** Write an RLRQ; user-information from the raw bytes or the decoded InitiateRequest. */
export function writeRlrq(w: ByteWriter, a: Rlrq): void {
  const userInformation = userInformationBytes(a.userInformation, a.initiateRequest, encodeInitiateRequest, 'initiateRequest');
  writeElement(w, RLRQ_TAG, () => {
    const { reason } = a;
    if (reason !== undefined) writeElement(w, REASON, () => writeInteger(w, valueOfNameOrNumber(RELEASE_REQUEST_REASONS, reason, 'Release-request-reason'), 'reason'));
    if (userInformation !== undefined) writeUserInformation(w, USER_INFORMATION, userInformation);
  });
}

/** Write an RLRE; user-information from the raw bytes or the decoded InitiateResponse. */
export function writeRlre(w: ByteWriter, a: Rlre): void {
  const userInformation = userInformationBytes(a.userInformation, a.initiateResponse, encodeInitiateResponse, 'initiateResponse');
  writeElement(w, RLRE_TAG, () => {
    const { reason } = a;
    if (reason !== undefined) writeElement(w, REASON, () => writeInteger(w, valueOfNameOrNumber(RELEASE_RESPONSE_REASONS, reason, 'Release-response-reason'), 'reason'));
    if (userInformation !== undefined) writeUserInformation(w, USER_INFORMATION, userInformation);
  });
}
