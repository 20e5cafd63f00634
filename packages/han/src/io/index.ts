/**
 * `@openams/han/io` — the Node-only edge of the HAN package: a serial M-Bus adapter feeding a
 * reader (`serialport`), MQTT publishing with Home Assistant discovery (MQTT.js), the live loop
 * joining them, and the capture formats the CLI reads.
 */
export * from './capture.ts';
export * from './conformance.ts';
export * from './derived.ts';
export * from './format.ts';
export * from './ha-discovery.ts';
export * from './live.ts';
export * from './mqtt.ts';
export * from './serial.ts';
// The reader contract the I/O parts take, so Node-side users need only this entry point.
export type { HanEvent, HanReaderLike, HanReaderOptions, HanReaderStats } from '../pipeline/types.ts';
export type { ConformanceOptions, ConformanceReport, ConformanceResult, MeterPhases } from '../conformance/index.ts';
