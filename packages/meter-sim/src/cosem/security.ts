import { InvocationCounterGuard, SECURITY_SUITE, encodeSecurityPolicy, parseObis, unwrapTransferredKey } from '@openams/dlms';
import type { DlmsData } from '@openams/dlms';
import { SessionError } from '@openams/dlms-session';
import type { InvocationCounterStore } from '@openams/dlms-session';
import type { MeterIdentity } from '../identity/index.ts';
import { actionResult, array, enumeration, octets, refused, value } from './data.ts';
import type { CosemObjectDef } from './data.ts';
import type { MeterKeySet, MeterSecurityState } from './state.ts';

/** Security setup of the management association (IDIS 0-0:43.0.0.255). */
export const SECURITY_SETUP_OBIS = parseObis('0-0:43.0.0.255');

/** key_id of Security setup key_transfer (Blue Book "Security setup", method 2). */
export const KEY_ID = Object.freeze({ globalUnicastEncryptionKey: 0, globalBroadcastEncryptionKey: 1, authenticationKey: 2, masterKey: 3 } as const);

const MAX_COUNTER = 0xffffffff;

/** The keys associations use now: the last ones key_transfer installed, or the identity's. */
export function activeKeys(identity: MeterIdentity, security: MeterSecurityState): MeterKeySet {
  return security.keys ?? identity.keys;
}

/**
 * Put transferred keys in force. With `owner`, only keys transferred on that connection (called
 * when its association ends); without, any pending keys (the fleet restarting a meter). A new
 * key set starts new incoming counter sequences (Green Book 9.2.3.3.7.2: the counter is per key),
 * so a head-end that resets its counter after a re-key (OSGP sets 250) is accepted. The outgoing
 * counter keeps counting: never reusing a nonce is what matters, and it cannot go wrong that way.
 */
export function applyPendingKeys(security: MeterSecurityState, owner?: object): boolean {
  const pending = security.pending;
  if (pending === undefined || (owner !== undefined && pending.owner !== owner)) return false;
  security.keys = pending.keys;
  security.pending = undefined;
  security.incoming = undefined;
  security.keyChanges++;
  return true;
}

/** The guard of incoming invocation counters for the keys in force (created on first use). */
export function incomingGuard(security: MeterSecurityState): InvocationCounterGuard {
  return (security.incoming ??= new InvocationCounterGuard());
}

/** The highest counter accepted from any client under the keys in force; 0 before the first. */
export function lastAcceptedIncomingCounter(security: MeterSecurityState): number {
  let last = 0;
  for (const v of Object.values(security.incoming?.export() ?? {})) last = Math.max(last, v);
  return last;
}

/**
 * The meter's outgoing invocation counter, kept in its state. `next()` moves the persisted
 * counter before it hands the value out (the `InvocationCounterStore` contract: a crash after
 * sending can never reuse a nonce).
 */
export class MeterInvocationCounterStore implements InvocationCounterStore {
  constructor(private readonly security: MeterSecurityState) {}

  next(): Promise<number> {
    const counter = this.security.outgoingCounter;
    if (counter > MAX_COUNTER) return Promise.reject(new SessionError('SECURITY', 'the invocation counter is exhausted: the keys must be changed'));
    this.security.outgoingCounter = counter + 1;
    return Promise.resolve(counter);
  }
}

/** Parse key_transfer's `array of structure { key_id enum, key_wrapped octet-string }`. */
function keyTransferItems(parameters: DlmsData | undefined): { id: number; wrapped: Uint8Array }[] | undefined {
  if (parameters?.type !== 'array' || parameters.value.length === 0 || parameters.value.length > 4) return undefined;
  const items: { id: number; wrapped: Uint8Array }[] = [];
  for (const item of parameters.value) {
    if (item.type !== 'structure' || item.value.length !== 2) return undefined;
    const [id, wrapped] = item.value;
    if (id?.type !== 'enum' || id.value > KEY_ID.masterKey || wrapped?.type !== 'octet-string') return undefined;
    if (items.some((i) => i.id === id.value)) return undefined;
    items.push({ id: id.value, wrapped: wrapped.value });
  }
  return items;
}

/**
 * Security setup (Blue Book "Security setup (class_id = 64, version = 1)"), security suite 0:
 * policy "authenticated and encrypted requests and responses", the client system title of the
 * current association and the meter's own. Method 2 key_transfer takes keys wrapped with the
 * master key (AES key wrap, RFC 3394; Green Book 9.2.3.3.8); all of them unwrap or none is taken
 * (`other-reason`), and they take effect for the next association (`applyPendingKeys`).
 * Methods 3–8 need suite 1 or 2 and answer `object-unavailable`; security_activate (1) cannot
 * weaken the policy and answers `read-write-denied`.
 */
export function securitySetupObject(): CosemObjectDef {
  const policy = encodeSecurityPolicy({ authenticatedRequest: true, encryptedRequest: true, authenticatedResponse: true, encryptedResponse: true });
  return {
    classId: 64,
    version: 1,
    obis: SECURITY_SETUP_OBIS,
    attributes: ['read', 'read', 'read', 'read', 'read', 'read'],
    methods: 8,
    get(m, attributeId, _access, scope) {
      switch (attributeId) {
        case 2:
          return value(enumeration(policy));
        case 3:
          return value(enumeration(SECURITY_SUITE.aesGcm128));
        case 4:
          return value(octets(scope.context.clientSystemTitle ?? new Uint8Array(0)));
        case 5:
          return value(octets(m.identity.systemTitle));
        case 6:
          return value(array([]));
        default:
          return refused('object-undefined');
      }
    },
    action(m, methodId, parameters, scope) {
      if (methodId === 1) return actionResult('read-write-denied');
      if (methodId !== 2) return actionResult('object-unavailable');
      const items = keyTransferItems(parameters);
      if (items === undefined) return actionResult('type-unmatched');
      const security = m.state.security;
      const current = activeKeys(m.identity, security);
      const base = security.pending?.owner === scope.connection ? security.pending.keys : current;
      let next: MeterKeySet = { ...base };
      try {
        for (const { id, wrapped } of items) {
          const key = unwrapTransferredKey(current.masterKey, wrapped);
          if (key.length !== 16) return actionResult('other-reason');
          if (id === KEY_ID.globalUnicastEncryptionKey) next = { ...next, encryptionKey: key };
          else if (id === KEY_ID.globalBroadcastEncryptionKey) next = { ...next, broadcastKey: key };
          else if (id === KEY_ID.authenticationKey) next = { ...next, authenticationKey: key };
          else next = { ...next, masterKey: key };
        }
      } catch {
        // The RFC 3394 integrity check failed: wrapped with another master key, or corrupted.
        return actionResult('other-reason');
      }
      security.pending = { keys: next, owner: scope.connection };
      return actionResult('success');
    },
  };
}
