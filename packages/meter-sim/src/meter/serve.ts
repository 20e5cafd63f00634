import { DlmsServer } from '@openams/dlms-session';
import type { AssociationKeys, ClientAccessRule, DlmsTransport, ServerEvent } from '@openams/dlms-session';
import { EVENT_CODES, MeterInvocationCounterStore, activeKeys, appendEvent, applyPendingKeys, incomingGuard, meterNow } from '../cosem/index.ts';
import type { VirtualMeter } from './virtual-meter.ts';

/** Options of `serveMeter`. */
export interface ServeMeterOptions {
  /** Told every association event (for the fleet's statistics), after the meter logged it. */
  readonly onEvent?: (event: ServerEvent) => void;
  /** server-max-receive-pdu-size. Default 1024. */
  readonly maxReceivePduSize?: number;
  /** Accept only this head-end system title on the management client (default: any that deciphers). */
  readonly headEndSystemTitle?: Uint8Array;
}

/**
 * The client access rules of a virtual meter (its Association LN objects): the public client
 * (SAP 16) with no security, read-only; the management client (SAP 1) with HLS5-GMAC and every
 * APDU ciphered under the meter's unique keys (domain.md §3 c).
 */
export function meterClientRules(headEndSystemTitle?: Uint8Array): ClientAccessRule[] {
  return [
    { clientSap: 16, mechanism: 'lowest', access: 'read-only' },
    { clientSap: 1, mechanism: 'high-gmac', ciphered: true, access: 'read-write', ...(headEndSystemTitle !== undefined ? { clientSystemTitle: headEndSystemTitle } : {}) },
  ];
}

/**
 * Serve one connection to `meter` until the transport closes; never rejects. A `DlmsServer` is
 * made per connection (nothing of it stays in memory between connections) and reads the meter's
 * security state: the keys in force when an association starts (`keys` is resolved at each AARQ,
 * so after a key change the next association uses the new keys), the outgoing invocation counter
 * persisted in the meter state, and the incoming counters per client system title. Keys
 * transferred on this connection take effect when its association is released or the connection
 * ends. Authentication failures and replays go to the fraud detection log (event 46).
 */
export async function serveMeter(meter: VirtualMeter, transport: DlmsTransport, options: ServeMeterOptions = {}): Promise<void> {
  const connection = {};
  const security = meter.state.security;
  const server = new DlmsServer({
    systemTitle: meter.identity.systemTitle,
    // Resolved when each AARQ arrives: after a key transfer the next association uses the new keys.
    keys: (): AssociationKeys => activeKeys(meter.identity, security),
    invocationCounter: new MeterInvocationCounterStore(security),
    incomingCounters: incomingGuard(security),
    clients: meterClientRules(options.headEndSystemTitle),
    handler: meter.handler(connection),
    ...(options.maxReceivePduSize !== undefined ? { maxReceivePduSize: options.maxReceivePduSize } : {}),
    onEvent: (event) => {
      if (event.type === 'authentication-failure' || event.type === 'replay') appendEvent(meter.state, 'fraud', EVENT_CODES.failedLoginAttempt, meterNow(meter));
      // The RLRE is already protected when this is told, so the new keys start with the next association.
      if (event.type === 'released') applyPendingKeys(security, connection);
      options.onEvent?.(event);
    },
  });
  try {
    await server.serve(transport);
  } finally {
    applyPendingKeys(security, connection);
  }
}
