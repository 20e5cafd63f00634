import type {
  ActionResult,
  AssociateSourceDiagnostic,
  AssociationResult,
  ConfirmedServiceError,
  ExceptionResponse,
} from '@openams/dlms';

/**
 * Every failure a session can report, with a stable machine-readable code. Malformed bytes from
 * the peer are `PROTOCOL` (the codec's `DlmsError` is kept as `cause`); a refusal the peer sent on
 * purpose is `REFUSED` or `AUTHENTICATION_FAILED`, with what it sent in `refusal`.
 *
 * | code | meaning | what an operator does |
 * |---|---|---|
 * | `TIMEOUT` | the peer did not answer in time (request, HDLC frame, TCP connect) | check reachability; retry later |
 * | `CLOSED` | the transport is closed, locally or by the peer | reconnect |
 * | `PROTOCOL` | the peer sent bytes or an APDU that break the protocol | capture the exchange; vendor quirk or bug |
 * | `REFUSED` | the peer refused: AARE rejected, exception-response, confirmed-service-error, HDLC DM | read `refusal`: configuration mismatch |
 * | `AUTHENTICATION_FAILED` | LLS password or HLS pass 3/4 failed, or the peer could not decipher our AARQ: the keys differ | check the keys of that meter |
 * | `REPLAY` | a received invocation counter did not increase: replayed APDU, or a peer that reset its counter | security event; clone check |
 * | `SECURITY` | a GCM tag failed, a plain APDU arrived where only ciphered ones are allowed, a wrong system title, counter exhausted | security event; do not trust the link |
 * | `LIMIT` | a configured limit was reached (APDU size, block count, queued APDUs) | raise the limit or read less at once |
 * | `STATE` | the call does not fit the session state (a GET before `associate()`) | a bug in the caller |
 */
export type SessionErrorCode = 'TIMEOUT' | 'CLOSED' | 'PROTOCOL' | 'REFUSED' | 'AUTHENTICATION_FAILED' | 'REPLAY' | 'SECURITY' | 'LIMIT' | 'STATE';

/** What the peer sent when it refused, so a caller can show or act on the exact reason. */
export type PeerRefusal =
  /** The AARE rejected the association; `serviceError` when its user-information carried a confirmed-service-error. */
  | {
      readonly type: 'aare';
      readonly result: AssociationResult;
      readonly diagnostic: AssociateSourceDiagnostic;
      readonly serviceError?: ConfirmedServiceError;
    }
  | { readonly type: 'exception-response'; readonly response: ExceptionResponse }
  | { readonly type: 'confirmed-service-error'; readonly error: ConfirmedServiceError }
  /** HLS pass 3: the meter answered reply_to_HLS_authentication with this result. */
  | { readonly type: 'hls-pass-3'; readonly result: ActionResult }
  /** The HDLC peer answered with a DM (disconnected mode) or FRMR frame. */
  | { readonly type: 'hdlc'; readonly frame: 'dm' | 'frmr' };

/** Options of `SessionError`. */
export interface SessionErrorDetails {
  readonly cause?: unknown;
  readonly refusal?: PeerRefusal;
}

/** The one error type of `@openams/dlms-session`. */
export class SessionError extends Error {
  override readonly name = 'SessionError';
  readonly code: SessionErrorCode;
  readonly refusal: PeerRefusal | undefined;

  constructor(code: SessionErrorCode, message: string, details: SessionErrorDetails = {}) {
    super(message, details.cause !== undefined ? { cause: details.cause } : undefined);
    this.code = code;
    this.refusal = details.refusal;
  }
}

/** Whether `e` is a `SessionError`, optionally with the given code. */
export function isSessionError(e: unknown, code?: SessionErrorCode): e is SessionError {
  return e instanceof SessionError && (code === undefined || e.code === code);
}
