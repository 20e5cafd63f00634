export { AcceleratedClock, ManualClock } from './sim-clock.ts';
export type { SimClock } from './sim-clock.ts';
