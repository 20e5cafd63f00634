export { HanError, isHanError } from './han-error.ts';
export type { HanErrorCode } from './han-error.ts';
