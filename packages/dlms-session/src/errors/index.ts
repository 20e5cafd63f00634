export { SessionError, isSessionError } from './session-error.ts';
export type { PeerRefusal, SessionErrorCode, SessionErrorDetails } from './session-error.ts';
