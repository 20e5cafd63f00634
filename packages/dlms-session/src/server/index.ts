export { DlmsServer } from './server.ts';
export type { ClientAccessRule, DlmsServerOptions, ServerEvent } from './server.ts';
export type { AccessLevel, CosemObjectHandler, ServerRequestContext } from './handler.ts';
