/**
 * @openams/meter-sim — virtual smart meters and fleets: Aidon/Kaifa/Kamstrup-like COSEM object
 * models served over secured DLMS (`@openams/dlms-session`), deterministic load models, HAN list
 * output, and the faults real fleets have, all on an injectable clock.
 */
export * from './clock/index.ts';
export * from './identity/index.ts';
export * from './cosem/index.ts';
export * from './meter/index.ts';
export * from './fleet-identity/index.ts';
export * from './load/index.ts';
export * from './han-output/index.ts';
export * from './fleet/index.ts';
export * from './faults/index.ts';
