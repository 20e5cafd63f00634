/**
 * @openams/dlms — a byte-exact DLMS/COSEM codec: pure functions from bytes to typed objects and
 * back, with no sockets, timers or global state. Each folder is one concern with its own index;
 * this file re-exports their public surface. See the package README for a tour.
 */
export * from './errors/index.ts';
export * from './limits/index.ts';
export * from './bytes/index.ts';
export * from './axdr/index.ts';
export * from './obis/index.ts';
export * from './cosem/index.ts';
export * from './hdlc/index.ts';
export * from './wrapper/index.ts';
export * from './initiate/index.ts';
export * from './acse/index.ts';
export * from './xdlms/index.ts';
export * from './security/index.ts';
export * from './apdu/index.ts';
export * from './translate/index.ts';
