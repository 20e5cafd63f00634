export { CoreError, isCoreError } from './core-error.ts';
export type { CoreErrorCode, CoreErrorDetails, Gs1Reason } from './core-error.ts';
