/**
 * @openams/core — the domain types every openams part shares. Each folder is one concern with
 * its own index; this file re-exports their public surface.
 */
export * from './errors/index.ts';
export * from './time/index.ts';
export * from './ids/index.ts';
export * from './quantities/index.ts';
export * from './calendar/index.ts';
export * from './timeseries/index.ts';
