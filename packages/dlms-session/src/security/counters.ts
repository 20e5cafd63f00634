import { SessionError } from '../errors/index.ts';

const MAX_COUNTER = 0xffffffff;

/**
 * Where a sender's outgoing invocation counter comes from. Green Book 9.2.3.3.7.2: the GCM nonce
 * is system title ‖ invocation counter, so a counter must never be used twice with one key.
 * `next()` returns a counter not handed out before; an implementation that survives restarts
 * (the head-end's, the meter simulator's) persists it BEFORE resolving, so a crash right after
 * sending can never lead to reuse (dlms-hes research §3.2, OSGP PR #796). Only this package's
 * sessions call it, once per protected APDU and per HLS f(challenge).
 */
export interface InvocationCounterStore {
  next(): Promise<number>;
}

/** An `InvocationCounterStore` in memory, for tests and examples: counts up from `first`. */
export class InMemoryInvocationCounterStore implements InvocationCounterStore {
  private value: number;

  constructor(first = 0) {
    if (!Number.isInteger(first) || first < 0 || first > MAX_COUNTER) throw new SessionError('STATE', `invocation counter ${first} is outside 0..4294967295`);
    this.value = first;
  }

  next(): Promise<number> {
    if (this.value > MAX_COUNTER) return Promise.reject(exhausted());
    return Promise.resolve(this.value++);
  }

  /** The counter `next()` will return. */
  get upcoming(): number {
    return this.value;
  }
}

/** What the alarm hook is told when the outgoing counter nears its end. */
export interface InvocationCounterAlarm {
  readonly counter: number;
  /** Counters left before the key must be changed. */
  readonly remaining: number;
}

/** Default alarm threshold: 2^32 − 2^28, about 268 million counters before exhaustion. */
export const DEFAULT_COUNTER_ALARM_AT = 0xf0000000;

/**
 * One sender's counters for one session: takes them from the store, refuses a store that hands out
 * a counter that is not above the previous one (it would reuse a nonce), and raises the alarm
 * once when the threshold is passed, since re-keying takes time (dlms-hes research §3.2).
 */
export class CounterSource {
  private last: number | undefined;
  private alarmed = false;

  constructor(
    private readonly store: InvocationCounterStore,
    private readonly alarmAt: number = DEFAULT_COUNTER_ALARM_AT,
    private readonly onAlarm?: (alarm: InvocationCounterAlarm) => void,
  ) {}

  async next(): Promise<number> {
    const counter = await this.store.next();
    if (!Number.isInteger(counter) || counter < 0) throw new SessionError('SECURITY', `the invocation counter store returned ${counter}, which is not a counter`);
    if (counter > MAX_COUNTER) throw exhausted();
    if (this.last !== undefined && counter <= this.last) {
      throw new SessionError('SECURITY', `the invocation counter store returned ${counter} after ${this.last}: using it would reuse a GCM nonce`);
    }
    this.last = counter;
    if (counter >= this.alarmAt && !this.alarmed) {
      this.alarmed = true;
      this.onAlarm?.({ counter, remaining: MAX_COUNTER - counter });
    }
    return counter;
  }
}

function exhausted(): SessionError {
  return new SessionError('SECURITY', 'the invocation counter is exhausted (2^32 − 1 used): the keys must be changed before anything more is sent');
}
