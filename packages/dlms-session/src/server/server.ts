import {
  InvocationCounterGuard,
  VAA_NAME_LN,
  apduFamily,
  buildAare,
  bytesEqual,
  conformanceFromNames,
  conformanceIntersection,
  decodeApdu,
  decodeInitiateRequest,
  encodeApdu,
  encodeInitiateResponse,
  generateChallenge,
  hlsGmacResponse,
  nodeCryptoProvider,
  protectApdu,
  splitIntoBlocks,
  unprotectApdu,
  verifyHlsGmacResponse,
} from '@openams/dlms';
import type {
  Aarq,
  ActionRequest,
  ActionResponseWithOptionalData,
  Apdu,
  AssociateSourceDiagnostic,
  Conformance,
  ConformanceBit,
  ConfirmedServiceError,
  DataAccessResult,
  DecodeLimits,
  DlmsCryptoProvider,
  ExceptionResponse,
  GeneralBlockTransfer,
  GetDataResult,
  GetRequest,
  InitiateRequest,
  InitiateResponse,
  InvokeIdAndPriority,
  KnownApplicationContextName,
  Rlrq,
  SetRequest,
  XdlmsApdu,
} from '@openams/dlms';
import { SC_AUTHENTICATED_ENCRYPTED, hex, isReplyToHls, protectedSize } from '../common/dlms.ts';
import type { AssociationKeys, SessionMechanism } from '../common/dlms.ts';
import { SessionError } from '../errors/index.ts';
import { CounterSource } from '../security/counters.ts';
import type { InvocationCounterAlarm, InvocationCounterStore } from '../security/counters.ts';
import type { DlmsTransport } from '../transport/index.ts';
import type { AccessLevel, CosemObjectHandler, ServerRequestContext } from './handler.ts';

/** How one client SAP may associate with this logical device (the Association LN objects of a real meter). */
export interface ClientAccessRule {
  /** 16 public client, 1 management client, … */
  readonly clientSap: number;
  readonly mechanism: SessionMechanism;
  /** The LLS secret, for `low`. */
  readonly password?: Uint8Array;
  /** Application context LN with ciphering and every APDU glo-ciphered (SC 0x30). Default: true for high-gmac. */
  readonly ciphered?: boolean;
  readonly access: AccessLevel;
  /** Accept only this client system title (default: any, as long as it deciphers under the keys). */
  readonly clientSystemTitle?: Uint8Array;
}

/** What happened, for the meter's event log and the simulator's statistics. */
export type ServerEvent =
  | { readonly type: 'associated'; readonly clientSap: number; readonly mechanism: SessionMechanism; readonly clientSystemTitle?: Uint8Array }
  | { readonly type: 'association-refused'; readonly clientSap: number | undefined; readonly diagnostic: AssociateSourceDiagnostic; readonly reason: string }
  /** Wrong LLS password, a glo-initiate-request that does not decipher, or a wrong f(StoC) in HLS pass 3. */
  | { readonly type: 'authentication-failure'; readonly clientSap: number; readonly stage: 'lls' | 'initiate-request' | 'hls-pass-3'; readonly reason: string }
  | { readonly type: 'deciphering-error'; readonly clientSap: number; readonly reason: string }
  | { readonly type: 'replay'; readonly clientSap: number; readonly clientSystemTitle: Uint8Array; readonly invocationCounter: number; readonly lastAccepted: number | undefined }
  | { readonly type: 'plain-apdu-refused'; readonly clientSap: number }
  | { readonly type: 'released'; readonly clientSap: number };

/** Options of `DlmsServer`. */
export interface DlmsServerOptions {
  /** This meter's system title, 8 bytes. */
  readonly systemTitle: Uint8Array;
  /**
   * This meter's unique EK and AK; needed when any client is ciphered or uses HLS-GMAC. A function
   * is called when each AARQ arrives and its answer holds for that whole association: a meter
   * whose keys change (Security setup key_transfer) gives the new ones to the next association.
   */
  readonly keys?: AssociationKeys | (() => AssociationKeys);
  /** Source of this meter's outgoing invocation counters (shared by all its connections). */
  readonly invocationCounter?: InvocationCounterStore;
  readonly clients: readonly ClientAccessRule[];
  readonly handler: CosemObjectHandler;
  /** Services offered. Default: get, set, action, selective-access, multiple-references, block-transfer-with-get-or-read, general-block-transfer. */
  readonly conformance?: Conformance;
  /** server-max-receive-pdu-size. Default 1024. */
  readonly maxReceivePduSize?: number;
  /** Last accepted counter per client system title, shared by the connections (persist it to survive restarts). */
  readonly incomingCounters?: InvocationCounterGuard;
  /** Length of the challenge StoC, 8–64. Default 16. */
  readonly challengeLength?: number;
  /** Supplies StoC instead of the random generator (tests with published vectors only). */
  readonly challenge?: () => Uint8Array;
  readonly limits?: Partial<DecodeLimits>;
  readonly onEvent?: (event: ServerEvent) => void;
  readonly invocationCounterAlarmAt?: number;
  readonly onInvocationCounterAlarm?: (alarm: InvocationCounterAlarm) => void;
  readonly provider?: DlmsCryptoProvider;
}

const DEFAULT_CONFORMANCE: readonly ConformanceBit[] = [
  'get',
  'set',
  'action',
  'selective-access',
  'multiple-references',
  'block-transfer-with-get-or-read',
  'general-block-transfer',
];
/** The smallest client-max-receive-pdu-size served: a ciphered data block needs about 40 bytes of header. */
const MIN_CLIENT_PDU = 64;
const GLO_INITIATE_REQUEST_TAG = 0x21;
const GLO_REQUEST_TAGS: ReadonlySet<number> = new Set([0xc8, 0xc9, 0xcb]);
/** get-response-with-datablock around k bytes of raw data: C4 02 iip, last-block, block-number, choice, length (≤ 3). */
const DATABLOCK_OVERHEAD = 12;
/** general-block-transfer around its block data: E0, block-control, block-number, block-number-ack, length (≤ 3). */
const GBT_OVERHEAD = 9;
/** A glo- envelope around p plain bytes: tag, length (≤ 3), SC, IC, 12-byte tag. */
const CIPHERING_OVERHEAD = 21;
const MAX_COUNTER = 0xffffffff;

/**
 * The server (meter) side of DLMS/COSEM associations for one logical device: `serve(transport)`
 * runs one connection until it closes. AARQs are checked against the `clients` rules and answered
 * as a meter does (Green Book 9.3.2): `application-context-name-not-supported` for the wrong
 * ciphering, `authentication-mechanism-name-not-recognised`/`-required` for the wrong mechanism,
 * `authentication-failure` for a wrong LLS password, and for a glo-initiate-request that does not
 * decipher a rejection carrying confirmed-service-error initiate-error / application-reference
 * deciphering-error. HLS-GMAC: StoC in the AARE, f(StoC) checked in pass 3 (a wrong one is
 * answered `read-write-denied` and ends the association, as Gurux meters do), f(CtoS) returned.
 *
 * On a ciphered association every request must be a glo-ciphered APDU with SC 0x30 from the
 * client's system title with a counter above the last one accepted; otherwise the answer is a
 * plain exception-response `service-not-allowed` with `deciphering-error` or
 * `invocation-counter-error` (carrying the lowest counter that would be accepted). Responses too
 * long for the client go out as get-response-with-datablock blocks, or through general block
 * transfer when negotiated.
 */
export class DlmsServer {
  private readonly shared: ServerShared;

  constructor(options: DlmsServerOptions) {
    if (options.systemTitle.length !== 8) throw new SessionError('STATE', `a system title is 8 bytes, not ${options.systemTitle.length}`);
    const rules = new Map<number, ClientAccessRule>();
    for (const rule of options.clients) {
      if (rules.has(rule.clientSap)) throw new SessionError('STATE', `client SAP ${rule.clientSap} has two access rules`);
      if (rule.mechanism === 'low' && (rule.password === undefined || rule.password.length === 0)) throw new SessionError('STATE', `client SAP ${rule.clientSap} uses LLS but has no password`);
      if ((isCiphered(rule) || rule.mechanism === 'high-gmac') && (options.keys === undefined || options.invocationCounter === undefined)) {
        throw new SessionError('STATE', `client SAP ${rule.clientSap} needs the meter's keys and an invocation counter store`);
      }
      rules.set(rule.clientSap, rule);
    }
    this.shared = {
      options,
      rules,
      counters: options.invocationCounter ? new CounterSource(options.invocationCounter, options.invocationCounterAlarmAt, options.onInvocationCounterAlarm) : undefined,
      guard: options.incomingCounters ?? new InvocationCounterGuard(),
      conformance: options.conformance ?? conformanceFromNames(DEFAULT_CONFORMANCE),
      maxReceivePduSize: options.maxReceivePduSize ?? 1024,
      provider: options.provider ?? nodeCryptoProvider,
      emit: (event) => {
        try {
          options.onEvent?.(event);
        } catch {
          // An observer's failure must not break the meter.
        }
      },
    };
  }

  /** Serve one connection until the transport closes; never rejects. */
  async serve(transport: DlmsTransport): Promise<void> {
    await new ServerConnection(this.shared, transport).run();
  }
}

/** What the connections of one server share: its configuration, counters and replay guard. */
interface ServerShared {
  readonly options: DlmsServerOptions;
  readonly rules: ReadonlyMap<number, ClientAccessRule>;
  readonly counters: CounterSource | undefined;
  readonly guard: InvocationCounterGuard;
  readonly conformance: Conformance;
  readonly maxReceivePduSize: number;
  readonly provider: DlmsCryptoProvider;
  readonly emit: (event: ServerEvent) => void;
}

function isCiphered(rule: ClientAccessRule): boolean {
  return rule.ciphered ?? rule.mechanism === 'high-gmac';
}

/** An association in progress or established on one connection. */
interface Association {
  readonly rule: ClientAccessRule;
  readonly context: ServerRequestContext;
  readonly ciphered: boolean;
  readonly clientSystemTitle: Uint8Array | undefined;
  readonly clientMaxPdu: number;
  readonly conformance: Conformance;
  readonly initiateResponse: InitiateResponse;
  /** HLS: waiting for pass 3, with both challenges. */
  hls: { readonly ctos: Uint8Array; readonly stoc: Uint8Array } | undefined;
}

/** A long GET answer being handed out block by block. */
interface PendingBlocks {
  readonly invokeIdAndPriority: InvokeIdAndPriority;
  readonly blocks: readonly Uint8Array[];
  /** The number of the last block sent. */
  sent: number;
}

/** An APDU being sent by general block transfer. */
interface PendingGbt {
  readonly blocks: readonly Uint8Array[];
  acked: number;
  window: number;
  clientBlock: number;
}

class ServerConnection {
  private association: Association | undefined;
  /** The keys resolved when the current (or last) AARQ arrived. */
  private associationKeys: AssociationKeys | undefined;
  private pendingBlocks: PendingBlocks | undefined;
  private pendingGbt: PendingGbt | undefined;

  constructor(
    private readonly server: ServerShared,
    private readonly transport: DlmsTransport,
  ) {}

  async run(): Promise<void> {
    try {
      for await (const apdu of this.transport) {
        try {
          await this.handle(apdu);
        } catch (e) {
          if (e instanceof SessionError && e.code === 'CLOSED') break;
          // Anything else is this meter's own fault (a counter store that failed, …): say so and go on.
          await this.exception('service-not-allowed', { type: 'other-reason' }).catch(() => undefined);
        }
      }
    } catch {
      // The link failed (HDLC timeout, flood): the connection is over either way.
    }
    this.association = undefined;
  }

  private get clientSap(): number {
    return this.transport.addresses.clientSap ?? -1;
  }

  private async handle(raw: Uint8Array): Promise<void> {
    if (raw.length > this.server.maxReceivePduSize) {
      await this.exception('service-not-allowed', { type: 'pdu-too-long' });
      return;
    }
    const family = apduFamily(raw[0] as number);
    if (family === 'acse') {
      let apdu: Apdu;
      try {
        apdu = decodeApdu(raw, this.server.options.limits);
      } catch {
        await this.refuseAssociation(undefined, { source: 'acse-service-provider', diagnostic: 'no-reason-given' }, 'the AARQ is malformed');
        return;
      }
      if (apdu.type === 'aarq') await this.aarq(apdu);
      else if (apdu.type === 'rlrq') await this.rlrq(apdu);
      return;
    }
    if (family === 'ciphered') {
      await this.ciphered(raw);
      return;
    }
    if (family === 'xdlms') {
      let apdu: Apdu;
      try {
        apdu = decodeApdu(raw, this.server.options.limits);
      } catch {
        await this.exception('service-not-allowed', { type: 'other-reason' });
        return;
      }
      if (apdu.type === 'general-block-transfer') {
        await this.gbtAck(apdu);
        return;
      }
      const association = this.association;
      if (association === undefined) {
        await this.exception('service-not-allowed', { type: 'operation-not-possible' });
        return;
      }
      if (association.ciphered) {
        // Green Book 9.2.7.2.3 security policy: this association accepts protected requests only.
        this.server.emit({ type: 'plain-apdu-refused', clientSap: this.clientSap });
        await this.exception('service-not-allowed', { type: 'deciphering-error' });
        return;
      }
      await this.request(apdu as XdlmsApdu, association);
      return;
    }
    await this.exception('service-unknown', { type: 'service-not-supported' });
  }

  // ------------------------------------------------------------------------------------------
  // Association (Green Book 9.3.2)
  // ------------------------------------------------------------------------------------------

  private async aarq(aarq: Aarq): Promise<void> {
    this.association = undefined;
    this.associationKeys = this.resolveKeys();
    this.pendingBlocks = undefined;
    this.pendingGbt = undefined;
    const sap = this.transport.addresses.clientSap;
    const rule = sap === undefined ? undefined : this.server.rules.get(sap);
    if (rule === undefined || sap === undefined) {
      await this.refuseAssociation(undefined, user('no-reason-given'), `no association is configured for client SAP ${String(sap)}`);
      return;
    }
    const ciphered = isCiphered(rule);
    const hls = rule.mechanism === 'high-gmac';
    const context: KnownApplicationContextName = ciphered ? 'logical-name-with-ciphering' : 'logical-name';
    if (aarq.applicationContextName !== context) {
      await this.refuseAssociation(context, user('application-context-name-not-supported'), `client ${sap} must use ${context}`);
      return;
    }
    const mechanism = aarq.mechanismName ?? 'lowest';
    if (mechanism !== rule.mechanism) {
      const diagnostic = mechanism === 'lowest' ? 'authentication-mechanism-name-required' : 'authentication-mechanism-name-not-recognised';
      await this.refuseAssociation(context, user(diagnostic), `client ${sap} must use mechanism ${rule.mechanism}`);
      return;
    }
    let clientSystemTitle: Uint8Array | undefined;
    if (ciphered || hls) {
      clientSystemTitle = aarq.callingApTitle;
      if (clientSystemTitle?.length !== 8 || (rule.clientSystemTitle !== undefined && !bytesEqual(clientSystemTitle, rule.clientSystemTitle))) {
        await this.refuseAssociation(context, user('calling-AP-title-not-recognized'), 'the calling-AP-title is missing or not accepted');
        return;
      }
    }
    const authValue = aarq.callingAuthenticationValue?.type === 'charstring' ? aarq.callingAuthenticationValue.value : undefined;
    if (rule.mechanism === 'low' && (authValue === undefined || rule.password === undefined || !this.server.provider.timingSafeEqual(authValue, rule.password))) {
      this.server.emit({ type: 'authentication-failure', clientSap: sap, stage: 'lls', reason: 'wrong LLS password' });
      await this.refuseAssociation(context, user('authentication-failure'), 'wrong LLS password');
      return;
    }
    if (hls && (authValue === undefined || authValue.length < 8 || authValue.length > 64)) {
      await this.refuseAssociation(context, user('authentication-failure'), 'the AARQ carries no challenge CtoS of 8 to 64 bytes');
      return;
    }
    const initiate = this.initiateRequest(aarq, ciphered, clientSystemTitle, sap);
    if (initiate.type === 'refused') {
      await this.refuseAssociation(context, user('no-reason-given'), initiate.reason, initiate.error);
      return;
    }
    const request = initiate.request;
    const problem = this.initiateProblem(request);
    if (problem !== undefined) {
      await this.refuseAssociation(context, user('no-reason-given'), `the InitiateRequest is refused: ${problem}`, {
        type: 'confirmed-service-error',
        service: 'initiate-error',
        error: { type: 'initiate', value: problem },
      });
      return;
    }
    const negotiated = conformanceIntersection(request.proposedConformance, this.server.conformance);
    const initiateResponse: InitiateResponse = {
      type: 'initiate-response',
      negotiatedDlmsVersionNumber: 6,
      negotiatedConformance: negotiated,
      serverMaxReceivePduSize: this.server.maxReceivePduSize,
      vaaName: VAA_NAME_LN,
    };
    const stoc = hls ? (this.server.options.challenge?.() ?? generateChallenge(this.server.options.challengeLength ?? 16, this.server.provider)) : undefined;
    const association: Association = {
      rule,
      ciphered,
      clientSystemTitle,
      clientMaxPdu: request.clientMaxReceivePduSize === 0 ? 0xffff : request.clientMaxReceivePduSize,
      conformance: negotiated,
      initiateResponse,
      hls: stoc !== undefined && authValue !== undefined ? { ctos: authValue, stoc } : undefined,
      context: {
        clientSap: sap,
        mechanism: rule.mechanism,
        access: rule.access,
        ciphered,
        ...(clientSystemTitle !== undefined ? { clientSystemTitle } : {}),
      },
    };
    const responding = ciphered || hls ? { respondingApTitle: this.server.options.systemTitle } : {};
    // HLS echoes the mechanism with StoC; LLS meters echo nothing (gosem's published LLS AARE).
    const authentication = stoc !== undefined ? { mechanism: rule.mechanism, authenticationValue: stoc } : {};
    const aare = ciphered
      ? buildAare({ context, ...responding, ...authentication, userInformation: await this.protect(encodeInitiateResponse(initiateResponse)) })
      : buildAare({ context, ...responding, ...authentication, initiateResponse });
    this.association = association;
    await this.transport.send(encodeApdu(aare));
    if (association.hls === undefined) this.associated(association);
  }

  /** The InitiateRequest of an AARQ: plain, or deciphered from a glo-initiate-request under the client's system title. */
  private initiateRequest(
    aarq: Aarq,
    ciphered: boolean,
    clientSystemTitle: Uint8Array | undefined,
    sap: number,
  ): { type: 'ok'; request: InitiateRequest } | { type: 'refused'; reason: string; error?: ConfirmedServiceError } {
    if (!ciphered) {
      return aarq.initiateRequest !== undefined ? { type: 'ok', request: aarq.initiateRequest } : { type: 'refused', reason: 'the AARQ carries no plain InitiateRequest' };
    }
    const ui = aarq.userInformation;
    const decipheringError: ConfirmedServiceError = {
      type: 'confirmed-service-error',
      service: 'initiate-error',
      error: { type: 'application-reference', value: 'deciphering-error' },
    };
    if (ui?.[0] !== GLO_INITIATE_REQUEST_TAG || clientSystemTitle === undefined) {
      return { type: 'refused', reason: 'a ciphered association needs a glo-initiate-request', error: decipheringError };
    }
    const keys = this.keys();
    let opened;
    try {
      opened = unprotectApdu(ui, {
        systemTitle: clientSystemTitle,
        ...keys,
        policy: { requireAuthentication: true, suite: 0 },
        ...(this.server.options.limits !== undefined ? { limits: this.server.options.limits } : {}),
        provider: this.server.provider,
      });
    } catch (e) {
      const reason = `the glo-initiate-request does not decipher: ${e instanceof Error ? e.message : String(e)}`;
      this.server.emit({ type: 'authentication-failure', clientSap: sap, stage: 'initiate-request', reason });
      return { type: 'refused', reason, error: decipheringError };
    }
    const lastAccepted = this.server.guard.lastAccepted(clientSystemTitle);
    try {
      this.server.guard.accept(clientSystemTitle, opened.invocationCounter);
    } catch {
      this.server.emit({ type: 'replay', clientSap: sap, clientSystemTitle, invocationCounter: opened.invocationCounter, lastAccepted });
      return { type: 'refused', reason: `replayed glo-initiate-request (invocation counter ${opened.invocationCounter})`, error: decipheringError };
    }
    try {
      return { type: 'ok', request: decodeInitiateRequest(opened.plaintext, this.server.options.limits) };
    } catch {
      return { type: 'refused', reason: 'the deciphered InitiateRequest is malformed' };
    }
  }

  /** Green Book 9.3.2 (InitiateRequest checks) as Gurux servers apply them. */
  private initiateProblem(r: InitiateRequest): 'dlms-version-too-low' | 'incompatible-conformance' | 'pdu-size-too-short' | undefined {
    if (r.proposedDlmsVersionNumber < 6) return 'dlms-version-too-low';
    if (conformanceIntersection(r.proposedConformance, this.server.conformance).value === 0) return 'incompatible-conformance';
    if (r.clientMaxReceivePduSize !== 0 && r.clientMaxReceivePduSize < MIN_CLIENT_PDU) return 'pdu-size-too-short';
    return undefined;
  }

  private async refuseAssociation(
    context: KnownApplicationContextName | undefined,
    diagnostic: AssociateSourceDiagnostic,
    reason: string,
    serviceError?: ConfirmedServiceError,
  ): Promise<void> {
    this.association = undefined;
    this.server.emit({ type: 'association-refused', clientSap: this.transport.addresses.clientSap, diagnostic, reason });
    const aare = buildAare({
      context: context ?? 'logical-name',
      result: 'rejected-permanent',
      diagnostic,
      ...(serviceError !== undefined ? { userInformation: encodeApdu(serviceError) } : {}),
    });
    await this.transport.send(encodeApdu(aare));
  }

  private associated(association: Association): void {
    const { clientSap, mechanism, clientSystemTitle } = association.context;
    this.server.emit({ type: 'associated', clientSap, mechanism, ...(clientSystemTitle !== undefined ? { clientSystemTitle } : {}) });
  }

  /** A-RELEASE (Green Book 9.3.3). On a ciphered association a carried glo-initiate-request must verify, or the RLRQ is ignored. */
  private async rlrq(rlrq: Rlrq): Promise<void> {
    const association = this.association;
    let userInformation: Uint8Array | undefined;
    if (association?.ciphered && rlrq.userInformation !== undefined) {
      const title = association.clientSystemTitle;
      try {
        if (rlrq.userInformation[0] !== GLO_INITIATE_REQUEST_TAG || title === undefined) throw new SessionError('SECURITY', 'not a glo-initiate-request');
        const opened = unprotectApdu(rlrq.userInformation, { systemTitle: title, ...this.keys(), policy: { requireAuthentication: true, suite: 0 }, provider: this.server.provider });
        this.server.guard.accept(title, opened.invocationCounter);
      } catch (e) {
        this.server.emit({ type: 'deciphering-error', clientSap: this.clientSap, reason: `an RLRQ did not verify and was ignored: ${e instanceof Error ? e.message : String(e)}` });
        return;
      }
      userInformation = await this.protect(encodeInitiateResponse(association.initiateResponse));
    }
    this.association = undefined;
    this.pendingBlocks = undefined;
    this.pendingGbt = undefined;
    if (association !== undefined) this.server.emit({ type: 'released', clientSap: association.context.clientSap });
    await this.transport.send(encodeApdu({ type: 'rlre', reason: 'normal', ...(userInformation !== undefined ? { userInformation } : {}) }));
  }

  // ------------------------------------------------------------------------------------------
  // Requests
  // ------------------------------------------------------------------------------------------

  private async ciphered(raw: Uint8Array): Promise<void> {
    const association = this.association;
    if (association === undefined) {
      await this.exception('service-not-allowed', { type: 'operation-not-possible' });
      return;
    }
    const title = association.clientSystemTitle;
    if (!association.ciphered || title === undefined || !GLO_REQUEST_TAGS.has(raw[0] as number)) {
      await this.exception('service-not-allowed', { type: 'deciphering-error' });
      return;
    }
    let opened;
    try {
      opened = unprotectApdu(raw, {
        systemTitle: title,
        ...this.keys(),
        // The association's security policy: authenticated and encrypted requests, suite 0.
        policy: { requireAuthentication: true, requireEncryption: true, suite: 0 },
        ...(this.server.options.limits !== undefined ? { limits: this.server.options.limits } : {}),
        provider: this.server.provider,
      });
    } catch (e) {
      this.server.emit({ type: 'deciphering-error', clientSap: this.clientSap, reason: e instanceof Error ? e.message : String(e) });
      await this.exception('service-not-allowed', { type: 'deciphering-error' });
      return;
    }
    const lastAccepted = this.server.guard.lastAccepted(title);
    try {
      this.server.guard.accept(title, opened.invocationCounter);
    } catch {
      this.server.emit({ type: 'replay', clientSap: this.clientSap, clientSystemTitle: title, invocationCounter: opened.invocationCounter, lastAccepted });
      // Green Book 9.5 ExceptionResponse: invocation-counter-error carries the lowest counter that would be accepted.
      const expected = Math.min((lastAccepted ?? 0) + 1, MAX_COUNTER);
      await this.exception('service-not-allowed', { type: 'invocation-counter-error', invocationCounter: expected });
      return;
    }
    let apdu: Apdu;
    try {
      apdu = decodeApdu(opened.plaintext, this.server.options.limits);
    } catch {
      await this.exception('service-not-allowed', { type: 'other-reason' });
      return;
    }
    await this.request(apdu as XdlmsApdu, association);
  }

  private async request(apdu: XdlmsApdu, association: Association): Promise<void> {
    this.pendingGbt = undefined;
    switch (apdu.type) {
      case 'get-request-normal':
      case 'get-request-next':
      case 'get-request-with-list':
        await this.get(apdu, association);
        return;
      case 'set-request-normal':
        await this.set(apdu, association);
        return;
      case 'action-request-normal':
        await this.action(apdu, association);
        return;
      case 'set-request-with-first-datablock':
      case 'set-request-with-datablock':
      case 'set-request-with-list':
      case 'set-request-with-list-and-first-datablock':
      case 'action-request-next-pblock':
      case 'action-request-with-list':
      case 'action-request-with-first-pblock':
      case 'action-request-with-list-and-first-pblock':
      case 'action-request-with-pblock':
        await this.exception('service-not-allowed', { type: 'service-not-supported' });
        return;
      default:
        await this.exception('service-unknown', { type: 'service-not-supported' });
    }
  }

  private async get(apdu: GetRequest, association: Association): Promise<void> {
    const iip = apdu.invokeIdAndPriority;
    if (apdu.type === 'get-request-next') {
      await this.nextBlock(apdu.blockNumber, iip, association);
      return;
    }
    this.pendingBlocks = undefined;
    if (!this.offers(association, 'get') || (apdu.type === 'get-request-with-list' && !this.offers(association, 'multiple-references'))) {
      await this.exception('service-not-allowed', { type: 'service-not-supported' });
      return;
    }
    if (apdu.type === 'get-request-normal') {
      const result = await this.read(apdu.descriptor, apdu.accessSelection, association);
      await this.sendGetResponse({ type: 'get-response-normal', invokeIdAndPriority: iip, result }, 4, association);
      return;
    }
    const results: GetDataResult[] = [];
    for (const item of apdu.descriptors) results.push(await this.read(item.descriptor, item.accessSelection, association));
    await this.sendGetResponse({ type: 'get-response-with-list', invokeIdAndPriority: iip, results }, 3, association);
  }

  private async read(
    descriptor: Extract<GetRequest, { type: 'get-request-normal' }>['descriptor'],
    access: Extract<GetRequest, { type: 'get-request-normal' }>['accessSelection'],
    association: Association,
  ): Promise<GetDataResult> {
    // Until HLS pass 3 succeeds only reply_to_HLS_authentication is allowed (Green Book 9.2.7.4).
    if (association.hls !== undefined) return { type: 'data-access-result', value: 'read-write-denied' };
    if (access !== undefined && !this.offers(association, 'selective-access')) return { type: 'data-access-result', value: 'scope-of-access-violated' };
    try {
      return await this.server.options.handler.get(descriptor, access, association.context);
    } catch {
      return { type: 'data-access-result', value: 'other-reason' };
    }
  }

  /**
   * Send a GET answer; if it does not fit the client's PDU size, cut the value after its
   * `header` bytes (C4 01 iip 00 / C4 03 iip) into get-response-with-datablock blocks (Green Book
   * 9.3, GET with block transfer), or send it by general block transfer when negotiated.
   */
  private async sendGetResponse(response: XdlmsApdu, header: number, association: Association): Promise<void> {
    const plain = encodeApdu(response);
    const size = association.ciphered ? protectedSize(plain.length) : plain.length;
    if (size <= association.clientMaxPdu) {
      await this.respond(plain, association);
      return;
    }
    if (this.offers(association, 'general-block-transfer')) {
      await this.respond(plain, association);
      return;
    }
    if (!('invokeIdAndPriority' in response) || !this.offers(association, 'block-transfer-with-get-or-read')) {
      await this.exception('service-not-allowed', { type: 'pdu-too-long' });
      return;
    }
    const blockSize = association.clientMaxPdu - DATABLOCK_OVERHEAD - (association.ciphered ? CIPHERING_OVERHEAD : 0);
    const blocks = splitIntoBlocks(plain.subarray(header), blockSize).map((b) => b.rawData);
    this.pendingBlocks = { invokeIdAndPriority: response.invokeIdAndPriority, blocks, sent: 0 };
    await this.sendBlock(1, association);
  }

  private async nextBlock(acknowledged: number, iip: InvokeIdAndPriority, association: Association): Promise<void> {
    const p = this.pendingBlocks;
    if (p === undefined) {
      await this.respond(encodeApdu(blockRefusal(iip, acknowledged + 1, 'no-long-get-in-progress')), association);
      return;
    }
    // The next block, or the last one again when its answer was lost.
    if (acknowledged !== p.sent && acknowledged !== p.sent - 1) {
      this.pendingBlocks = undefined;
      await this.respond(encodeApdu(blockRefusal(iip, acknowledged + 1, 'data-block-number-invalid')), association);
      return;
    }
    await this.sendBlock(acknowledged + 1, association);
  }

  private async sendBlock(n: number, association: Association): Promise<void> {
    const p = this.pendingBlocks;
    const data = p?.blocks[n - 1];
    if (p === undefined || data === undefined) return;
    const lastBlock = n === p.blocks.length;
    p.sent = n;
    if (lastBlock) this.pendingBlocks = undefined;
    await this.respond(
      encodeApdu({
        type: 'get-response-with-datablock',
        invokeIdAndPriority: p.invokeIdAndPriority,
        datablock: { lastBlock, blockNumber: n, result: { type: 'raw-data', value: data } },
      }),
      association,
    );
  }

  private async set(apdu: Extract<SetRequest, { type: 'set-request-normal' }>, association: Association): Promise<void> {
    let result: DataAccessResult;
    if (!this.offers(association, 'set')) {
      await this.exception('service-not-allowed', { type: 'service-not-supported' });
      return;
    }
    if (association.hls !== undefined || association.rule.access !== 'read-write') result = 'read-write-denied';
    else if (apdu.accessSelection !== undefined && !this.offers(association, 'selective-access')) result = 'scope-of-access-violated';
    else {
      try {
        result = await this.server.options.handler.set(apdu.descriptor, apdu.value, apdu.accessSelection, association.context);
      } catch {
        result = 'other-reason';
      }
    }
    await this.respond(encodeApdu({ type: 'set-response-normal', invokeIdAndPriority: apdu.invokeIdAndPriority, result }), association);
  }

  private async action(apdu: Extract<ActionRequest, { type: 'action-request-normal' }>, association: Association): Promise<void> {
    if (!this.offers(association, 'action')) {
      await this.exception('service-not-allowed', { type: 'service-not-supported' });
      return;
    }
    let response: ActionResponseWithOptionalData;
    if (isReplyToHls(apdu.descriptor)) response = await this.replyToHls(apdu, association);
    else if (association.hls !== undefined || association.rule.access !== 'read-write') response = { result: 'read-write-denied' };
    else {
      try {
        response = await this.server.options.handler.action(apdu.descriptor, apdu.parameters, association.context);
      } catch {
        response = { result: 'other-reason' };
      }
    }
    const plain = encodeApdu({ type: 'action-response-normal', invokeIdAndPriority: apdu.invokeIdAndPriority, response });
    const size = association.ciphered ? protectedSize(plain.length) : plain.length;
    if (size > association.clientMaxPdu && !this.offers(association, 'general-block-transfer')) {
      await this.exception('service-not-allowed', { type: 'pdu-too-long' });
      return;
    }
    await this.respond(plain, association);
  }

  /** HLS passes 3 and 4 (Green Book 9.2.7.4) on the server: check f(StoC), return f(CtoS). */
  private async replyToHls(apdu: Extract<ActionRequest, { type: 'action-request-normal' }>, association: Association): Promise<ActionResponseWithOptionalData> {
    const hls = association.hls;
    const title = association.clientSystemTitle;
    if (hls === undefined || title === undefined) return { result: 'read-write-denied' };
    const response = apdu.parameters?.type === 'octet-string' ? apdu.parameters.value : undefined;
    const keys = this.keys();
    try {
      if (response === undefined) throw new SessionError('PROTOCOL', 'reply_to_HLS_authentication needs f(StoC) as an octet-string');
      // 3. The client's f(StoC), recomputed with its system title from the AARQ, compared in constant time.
      verifyHlsGmacResponse({ peerSystemTitle: title, challenge: hls.stoc, response, ...keys, provider: this.server.provider });
    } catch (e) {
      // As Gurux meters do: read-write-denied, and the association is not established.
      this.association = undefined;
      this.server.emit({
        type: 'authentication-failure',
        clientSap: association.context.clientSap,
        stage: 'hls-pass-3',
        reason: `f(StoC) from ${hex(title)} did not verify: ${e instanceof Error ? e.message : String(e)}`,
      });
      return { result: 'read-write-denied' };
    }
    // 4. f(CtoS) with its own counter; the ACTION response carrying it takes the next one.
    const fCtoS = hlsGmacResponse({
      systemTitle: this.server.options.systemTitle,
      invocationCounter: await this.requireCounters().next(),
      challenge: hls.ctos,
      ...keys,
      provider: this.server.provider,
    });
    association.hls = undefined;
    this.associated(association);
    return { result: 'success', returnParameters: { type: 'data', value: { type: 'octet-string', value: fCtoS } } };
  }

  // ------------------------------------------------------------------------------------------
  // General block transfer (Green Book 9.3)
  // ------------------------------------------------------------------------------------------

  private async gbtAck(apdu: GeneralBlockTransfer): Promise<void> {
    const p = this.pendingGbt;
    if (p === undefined || apdu.blockData.length > 0) {
      // A request sent in blocks: not supported by this server.
      await this.exception('service-not-allowed', { type: 'service-not-supported' });
      return;
    }
    p.acked = Math.min(apdu.blockNumberAck, p.blocks.length);
    p.window = Math.max(1, apdu.window);
    p.clientBlock = apdu.blockNumber;
    if (p.acked < p.blocks.length) await this.sendGbtWindow(p);
  }

  private async sendGbtWindow(p: PendingGbt): Promise<void> {
    const last = Math.min(p.acked + p.window, p.blocks.length);
    for (let n = p.acked + 1; n <= last; n++) {
      const blockData = p.blocks[n - 1];
      if (blockData === undefined) return;
      const lastBlock = n === p.blocks.length;
      await this.transport.send(
        encodeApdu({
          type: 'general-block-transfer',
          lastBlock,
          // Green Book 9.3: streaming set = more blocks of this window follow without an acknowledgement.
          streaming: n < last,
          window: 1,
          blockNumber: n,
          blockNumberAck: p.clientBlock,
          blockData,
        }),
      );
    }
  }

  // ------------------------------------------------------------------------------------------
  // Sending
  // ------------------------------------------------------------------------------------------

  /** Send a response: glo-ciphered on a ciphered association; by general block transfer if it is too long for the client. */
  private async respond(plain: Uint8Array, association: Association): Promise<void> {
    const bytes = association.ciphered ? await this.protect(plain) : plain;
    if (bytes.length <= association.clientMaxPdu) {
      await this.transport.send(bytes);
      return;
    }
    const blockSize = association.clientMaxPdu - GBT_OVERHEAD;
    const p: PendingGbt = { blocks: splitIntoBlocks(bytes, blockSize).map((b) => b.rawData), acked: 0, window: 1, clientBlock: 0 };
    this.pendingGbt = p;
    await this.sendGbtWindow(p);
  }

  /** Exception-response (Green Book 9.5), always plain: it answers requests this side could not trust or parse. */
  private async exception(stateError: ExceptionResponse['stateError'], serviceError: ExceptionResponse['serviceError']): Promise<void> {
    await this.transport.send(encodeApdu({ type: 'exception-response', stateError, serviceError }));
  }

  private async protect(plain: Uint8Array): Promise<Uint8Array> {
    return protectApdu(plain, {
      kind: 'glo',
      securityControl: SC_AUTHENTICATED_ENCRYPTED,
      systemTitle: this.server.options.systemTitle,
      invocationCounter: await this.requireCounters().next(),
      ...this.keys(),
      provider: this.server.provider,
    });
  }

  private offers(association: Association, bit: ConformanceBit): boolean {
    return association.conformance.bits.has(bit);
  }

  private resolveKeys(): AssociationKeys | undefined {
    const keys = this.server.options.keys;
    return typeof keys === 'function' ? keys() : keys;
  }

  private keys(): AssociationKeys {
    const keys = this.associationKeys ?? this.resolveKeys();
    if (keys === undefined) throw new SessionError('STATE', 'this meter has no keys');
    return keys;
  }

  private requireCounters(): CounterSource {
    const counters = this.server.counters;
    if (counters === undefined) throw new SessionError('STATE', 'this meter has no invocation counter store');
    return counters;
  }
}

function user(diagnostic: Extract<AssociateSourceDiagnostic, { source: 'acse-service-user' }>['diagnostic']): AssociateSourceDiagnostic {
  return { source: 'acse-service-user', diagnostic };
}

function blockRefusal(iip: InvokeIdAndPriority, blockNumber: number, value: DataAccessResult): XdlmsApdu {
  return {
    type: 'get-response-with-datablock',
    invokeIdAndPriority: iip,
    datablock: { lastBlock: true, blockNumber: Math.min(blockNumber, MAX_COUNTER), result: { type: 'data-access-result', value } },
  };
}
