export { VirtualMeter } from './virtual-meter.ts';
export type { VirtualMeterOptions } from './virtual-meter.ts';
export { meterClientRules, serveMeter } from './serve.ts';
export type { ServeMeterOptions } from './serve.ts';
