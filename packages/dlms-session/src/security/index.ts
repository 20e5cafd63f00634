export { DEFAULT_COUNTER_ALARM_AT, InMemoryInvocationCounterStore } from './counters.ts';
export type { InvocationCounterAlarm, InvocationCounterStore } from './counters.ts';
