/**
 * @openams/dlms-session — DLMS/COSEM sessions on top of the `@openams/dlms` codec: transports
 * (TCP wrapper, HDLC, in memory) and the association state machines for both roles, the head-end
 * client (`DlmsClient`) and the meter server (`DlmsServer`). See the package README for a tour.
 */
export * from './errors/index.ts';
export * from './transport/index.ts';
export * from './security/index.ts';
export * from './client/index.ts';
export * from './server/index.ts';
export { REPLY_TO_HLS_AUTHENTICATION, SC_AUTHENTICATED_ENCRYPTED } from './common/dlms.ts';
export type { AssociationKeys, SessionMechanism } from './common/dlms.ts';
