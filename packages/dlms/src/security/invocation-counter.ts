import { DlmsError } from '../errors/index.ts';
import { bytesToHex } from '../bytes/index.ts';

const MAX_COUNTER = 0xffffffff;

function checkCounter(counter: number, what: string): void {
  if (!Number.isInteger(counter) || counter < 0 || counter > MAX_COUNTER) throw new DlmsError('INVALID_VALUE', `${what} ${counter} is outside 0..4294967295`);
}

/**
 * Replay protection for received APDUs (Green Book 9.2.7.2.4.3 and the security suites' rule that
 * an invocation counter is used once per key): the counter from a peer must strictly increase.
 * An equal counter is a replay (some stacks let it through; we do not). Keyed by the peer's
 * system title and a key id, because a re-key resets the counter. Feed it only counters of APDUs
 * whose tag verified, or a forged APDU could push the counter up and lock the peer out. The
 * caller owns the state and persists it (`export()` / constructor): nothing is global.
 */
export class InvocationCounterGuard {
  private readonly last = new Map<string, number>();

  /** Restore state saved with `export()`. */
  constructor(state: Readonly<Record<string, number>> = {}) {
    for (const [k, v] of Object.entries(state)) {
      checkCounter(v, `saved invocation counter for ${k}`);
      this.last.set(k, v);
    }
  }

  private static key(systemTitle: Uint8Array, keyId: string): string {
    return `${bytesToHex(systemTitle)}/${keyId}`;
  }

  /** Accepts `counter` if it is above the last accepted one, else throws INVOCATION_COUNTER_REPLAY. */
  accept(systemTitle: Uint8Array, counter: number, keyId = 'guek'): void {
    checkCounter(counter, 'invocation counter');
    const k = InvocationCounterGuard.key(systemTitle, keyId);
    const previous = this.last.get(k);
    if (previous !== undefined && counter <= previous) {
      throw new DlmsError('INVOCATION_COUNTER_REPLAY', `invocation counter ${counter} from ${bytesToHex(systemTitle)} is not above the last accepted ${previous}: replay or a peer that reset its counter`);
    }
    this.last.set(k, counter);
  }

  /** The last accepted counter, if any. */
  lastAccepted(systemTitle: Uint8Array, keyId = 'guek'): number | undefined {
    return this.last.get(InvocationCounterGuard.key(systemTitle, keyId));
  }

  /** Forget a peer's counter after a key change (the new key starts its own sequence). */
  reset(systemTitle: Uint8Array, keyId = 'guek'): void {
    this.last.delete(InvocationCounterGuard.key(systemTitle, keyId));
  }

  /** Plain state to persist. */
  export(): Record<string, number> {
    return Object.fromEntries(this.last);
  }
}

/**
 * The next outgoing counter. At 2^32−1 the key is exhausted: reusing a counter would reuse a GCM
 * nonce, so the sender must re-key (Green Book 9.2.3.3.7.2).
 */
export function nextInvocationCounter(current: number): number {
  checkCounter(current, 'invocation counter');
  if (current >= MAX_COUNTER) throw new DlmsError('INVOCATION_COUNTER_EXHAUSTED', 'invocation counter reached 4294967295: re-key before sending again');
  return current + 1;
}
