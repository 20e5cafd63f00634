export { DlmsError, isDlmsError } from './dlms-error.ts';
export type { DlmsErrorCode, DlmsErrorDetails } from './dlms-error.ts';
