/**
 * @openams/han — the HAN port of Norwegian (and other) smart meters: find frames in a live byte
 * stream, decode every vendor's lists into one normalised reading, and derive what households
 * ask for. Runtime-neutral (no Node APIs) except `io/`, which talks to serial ports and MQTT.
 */
export * from './errors/index.ts';
export * from './reading/index.ts';
export * from './stream/index.ts';
export * from './decode/index.ts';
export * from './pipeline/index.ts';
export * from './derived/index.ts';
export * from './conformance/index.ts';
