import {
  ACTION_RESULT,
  ByteReader,
  DATA_ACCESS_RESULT,
  DataBlockReassembler,
  DlmsError,
  GeneralBlockTransferReassembler,
  InvocationCounterGuard,
  actionRequest,
  apduFamily,
  buildAarq,
  bytesEqual,
  conformanceFromNames,
  decodeApdu,
  decodeData,
  decodeDataBytes,
  decodeInitiateResponse,
  encodeApdu,
  encodeInitiateRequest,
  generateChallenge,
  getRequest,
  getRequestNext,
  hlsGmacResponse,
  nodeCryptoProvider,
  protectApdu,
  setRequest,
  unprotectApdu,
  verifyHlsGmacResponse,
} from '@openams/dlms';
import type {
  Aare,
  Apdu,
  CosemAttributeDescriptor,
  CosemMethodDescriptor,
  Conformance,
  ConfirmedServiceError,
  DataAccessResult,
  DecodeLimits,
  DlmsCryptoProvider,
  DlmsData,
  GetDataResult,
  GetResponseWithDatablock,
  InitiateRequest,
  InitiateResponse,
  SelectiveAccessDescriptor,
  XdlmsApdu,
} from '@openams/dlms';
import { REPLY_TO_HLS_AUTHENTICATION, SC_AUTHENTICATED_ENCRYPTED, fromDlmsError, hex } from '../common/dlms.ts';
import type { AssociationKeys } from '../common/dlms.ts';
import { describeAareRefusal, describeConfirmedServiceError, describeException, isAuthenticationRefusal } from '../common/refusals.ts';
import { SessionError } from '../errors/index.ts';
import { CounterSource } from '../security/counters.ts';
import type { InvocationCounterAlarm, InvocationCounterStore } from '../security/counters.ts';
import type { DlmsTransport } from '../transport/index.ts';
import type { ActionOutcome, AssociationInfo, GetResult, ReleaseOutcome, SetResult } from './results.ts';

/** How the client authenticates itself (Green Book 9.2.7.3–9.2.7.4). */
export type ClientAuthentication =
  /** No authentication: the public client (SAP 16). */
  | { readonly mechanism: 'lowest' }
  /** LLS: a password in the AARQ. */
  | { readonly mechanism: 'low'; readonly password: Uint8Array }
  /** HLS mechanism 5 (GMAC): the four passes; needs `security`. */
  | {
      readonly mechanism: 'high-gmac';
      /** Length of the random challenge CtoS, 8–64. Default 16. */
      readonly challengeLength?: number;
      /** Supplies CtoS instead of the random generator (tests with published vectors only). */
      readonly challenge?: () => Uint8Array;
    };

/** The client's keys and identities for ciphering and HLS-GMAC. */
export interface ClientSecurity {
  /** The client (head-end) system title, 8 bytes: the calling-AP-title and the nonce prefix. */
  readonly systemTitle: Uint8Array;
  /** The meter's system title as the head-end's registry knows it; the AARE must carry exactly this one. */
  readonly serverSystemTitle: Uint8Array;
  /** The meter's global unicast encryption key and authentication key. */
  readonly keys: AssociationKeys;
  /** Source of outgoing invocation counters; persists each one before handing it out. */
  readonly invocationCounter: InvocationCounterStore;
  /**
   * The meter's last accepted counters, shared across sessions so a response replayed from an
   * earlier session is refused too. Default: a fresh guard for this client.
   */
  readonly incomingCounters?: InvocationCounterGuard;
  /** Key id for `incomingCounters` (a re-key starts a new sequence). Default `guek`. */
  readonly keyId?: string;
  /** Default true: application context LN with ciphering, every APDU glo-ciphered with SC 0x30. */
  readonly ciphered?: boolean;
  /** Counter at which `onInvocationCounterAlarm` fires once. Default 0xF0000000. */
  readonly invocationCounterAlarmAt?: number;
  /** Told once when the outgoing counter passes the alarm threshold: plan the key change. */
  readonly onInvocationCounterAlarm?: (alarm: InvocationCounterAlarm) => void;
}

/** Options of `DlmsClient`. */
export interface DlmsClientOptions {
  readonly transport: DlmsTransport;
  /** Default `{ mechanism: 'lowest' }`. */
  readonly authentication?: ClientAuthentication;
  /** Needed for ciphering and for HLS-GMAC. */
  readonly security?: ClientSecurity;
  /** proposed-conformance. Default: get, set, action, selective-access, multiple-references, block-transfer-with-get-or-read (and general-block-transfer with `generalBlockTransfer`). */
  readonly conformance?: Conformance;
  /** Also propose general-block-transfer in the default conformance block. */
  readonly generalBlockTransfer?: boolean;
  /** client-max-receive-pdu-size. Default 65535. */
  readonly maxReceivePduSize?: number;
  /** Time for each request/response round trip. Default 30000 ms. */
  readonly requestTimeoutMs?: number;
  /** Time the RLRE may take before `release()` gives up waiting (some meters never answer). Default 2000 ms. */
  readonly releaseTimeoutMs?: number;
  /** Caps on what the meter may send (APDU size, blocks, nesting). */
  readonly limits?: Partial<DecodeLimits>;
  /** Our receive window for general-block-transfer, 1–63. Default 1 (acknowledge every block). */
  readonly gbtWindow?: number;
  readonly provider?: DlmsCryptoProvider;
}

/** Where the client is: `closed` once the transport is gone or a security failure ended the session. */
export type ClientState = 'idle' | 'associating' | 'associated' | 'closed';

const DEFAULT_CONFORMANCE = ['get', 'set', 'action', 'selective-access', 'multiple-references', 'block-transfer-with-get-or-read'] as const;
const GBT_TAG = 0xe0;
const EXCEPTION_RESPONSE_TAG = 0xd8;
const CONFIRMED_SERVICE_ERROR_TAG = 0x0e;
const GLO_CONFIRMED_SERVICE_ERROR_TAG = 0x2e;
const GLO_INITIATE_RESPONSE_TAG = 0x28;

/** What one request expects back: the response family. */
type Family = 'get' | 'set' | 'action';
type GetResponseApdu = Extract<XdlmsApdu, { type: `get-response-${string}` }>;

/**
 * The head-end side of one association with one meter (Green Book 9.3, Blue Book 4.4.4), over any
 * `DlmsTransport`. `associate()` runs AARQ/AARE and, with HLS-GMAC, passes 3 and 4; then `get`,
 * `getWithList`, `set` and `action` run one at a time (calls made meanwhile wait their turn) with
 * invoke ids 0–15 and per-round-trip timeouts; `release()` sends RLRQ.
 *
 * Security rules (dlms-hes research §3): with ciphering every APDU is glo-ciphered with suite 0,
 * SC 0x30; every ciphered answer must authenticate and carry an invocation counter above the last
 * one accepted from that meter; the meter's system title must be the expected one; f(CtoS) is
 * verified in constant time. A security failure after the association closes the transport: the
 * link can no longer be trusted. Refusals by the meter are values (`GetResult`, …) or
 * `SessionError`s with `refusal` set; malformed input is `PROTOCOL`.
 */
export class DlmsClient {
  private stateValue: ClientState = 'idle';
  private info: AssociationInfo | undefined;
  private invokeId = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly transport: DlmsTransport;
  private readonly security: ClientSecurity | undefined;
  private readonly counters: CounterSource | undefined;
  private readonly guard: InvocationCounterGuard;
  private readonly ciphered: boolean;
  private readonly authentication: ClientAuthentication;
  private readonly provider: DlmsCryptoProvider;
  private readonly initiateRequest: InitiateRequest;
  private gbtBlockNumber = 0;

  constructor(private readonly options: DlmsClientOptions) {
    this.transport = options.transport;
    this.security = options.security;
    this.authentication = options.authentication ?? { mechanism: 'lowest' };
    this.ciphered = this.security !== undefined && this.security.ciphered !== false;
    this.provider = options.provider ?? nodeCryptoProvider;
    if (this.authentication.mechanism === 'high-gmac' && this.security === undefined) {
      throw new SessionError('STATE', 'HLS-GMAC needs `security` (system titles, keys and an invocation counter store)');
    }
    const sec = this.security;
    if (sec !== undefined) {
      if (sec.systemTitle.length !== 8 || sec.serverSystemTitle.length !== 8) throw new SessionError('STATE', 'system titles are 8 bytes');
      this.counters = new CounterSource(sec.invocationCounter, sec.invocationCounterAlarmAt, sec.onInvocationCounterAlarm);
    }
    this.guard = sec?.incomingCounters ?? new InvocationCounterGuard();
    const maxPdu = options.maxReceivePduSize ?? 0xffff;
    if (!Number.isInteger(maxPdu) || maxPdu < 64 || maxPdu > 0xffff) throw new SessionError('STATE', `maxReceivePduSize ${maxPdu} is outside 64..65535`);
    this.initiateRequest = {
      type: 'initiate-request',
      proposedDlmsVersionNumber: 6,
      proposedConformance:
        options.conformance ?? conformanceFromNames(options.generalBlockTransfer ? [...DEFAULT_CONFORMANCE, 'general-block-transfer'] : DEFAULT_CONFORMANCE),
      clientMaxReceivePduSize: maxPdu,
    };
  }

  get state(): ClientState {
    return this.stateValue;
  }

  /** What the association agreed on, once `associate()` has succeeded. */
  get association(): AssociationInfo | undefined {
    return this.stateValue === 'associated' ? this.info : undefined;
  }

  /**
   * Open the association: AARQ → AARE, then for HLS-GMAC pass 3 (our f(StoC) in
   * reply_to_HLS_authentication) and pass 4 (the meter's f(CtoS), verified). Rejects with
   * `REFUSED` or `AUTHENTICATION_FAILED` (the meter said no; `refusal` tells why), `SECURITY`
   * (wrong system title, tag failure), `REPLAY`, `TIMEOUT`, `PROTOCOL`. After a failure the
   * client is idle again and the transport stays open; close it, since the meter may still hold
   * a half-open association.
   */
  associate(): Promise<AssociationInfo> {
    return this.serialize(async () => {
      if (this.stateValue !== 'idle') throw new SessionError('STATE', `associate() needs an idle client, not ${this.stateValue}`);
      this.stateValue = 'associating';
      try {
        const info = await this.runAssociation();
        this.stateValue = 'associated';
        return info;
      } catch (e) {
        if (this.stateValue === 'associating') this.stateValue = this.transport.closed ? 'closed' : 'idle';
        this.info = undefined;
        throw e;
      }
    });
  }

  /**
   * Read one attribute, with selective access if given. Long answers are fetched block by block
   * (get-request-next) or through general-block-transfer, within `limits`.
   */
  get(descriptor: CosemAttributeDescriptor, access?: SelectiveAccessDescriptor): Promise<GetResult> {
    return this.serialize(async () => {
      this.requireAssociated('get');
      const invokeId = this.nextInvokeId();
      const response = await this.exchange(getRequest(descriptor, { invokeId, ...(access !== undefined ? { access } : {}) }), 'get', invokeId);
      if (response.type === 'get-response-normal') return toGetResult(response.result);
      if (response.type === 'get-response-with-datablock') {
        const joined = await this.collectDatablocks(response, invokeId);
        if (!joined.ok) return joined;
        return { ok: true, value: this.decodeValue(joined.bytes) };
      }
      throw new SessionError('PROTOCOL', `a get-request-normal was answered with ${response.type}`);
    });
  }

  /** Read several attributes in one request (get-request-with-list); one result per item, in order. */
  getWithList(items: readonly { readonly descriptor: CosemAttributeDescriptor; readonly access?: SelectiveAccessDescriptor }[]): Promise<GetResult[]> {
    return this.serialize(async () => {
      this.requireAssociated('getWithList');
      if (items.length === 0) return [];
      const invokeId = this.nextInvokeId();
      const request: XdlmsApdu = {
        type: 'get-request-with-list',
        invokeIdAndPriority: { invokeId, confirmed: true, highPriority: true },
        descriptors: items.map((i) => ({ descriptor: i.descriptor, ...(i.access !== undefined ? { accessSelection: i.access } : {}) })),
      };
      const response = await this.exchange(request, 'get', invokeId);
      let results: GetResult[];
      if (response.type === 'get-response-with-list') results = response.results.map(toGetResult);
      else if (response.type === 'get-response-with-datablock') {
        const joined = await this.collectDatablocks(response, invokeId);
        if (!joined.ok) return items.map(() => joined);
        results = this.decodeResultList(joined.bytes);
      } else throw new SessionError('PROTOCOL', `a get-request-with-list was answered with ${response.type}`);
      if (results.length !== items.length) throw new SessionError('PROTOCOL', `asked for ${items.length} attributes, got ${results.length} results`);
      return results;
    });
  }

  /** Write one attribute. A refusal (`read-write-denied`, …) is `{ ok: false, reason }`. */
  set(descriptor: CosemAttributeDescriptor, value: DlmsData, access?: SelectiveAccessDescriptor): Promise<SetResult> {
    return this.serialize(async () => {
      this.requireAssociated('set');
      const invokeId = this.nextInvokeId();
      const response = await this.exchange(setRequest(descriptor, value, { invokeId, ...(access !== undefined ? { access } : {}) }), 'set', invokeId);
      if (response.type !== 'set-response-normal') throw new SessionError('PROTOCOL', `a set-request-normal was answered with ${response.type}`);
      return response.result === 'success' ? { ok: true } : { ok: false, reason: response.result };
    });
  }

  /** Invoke one method. A refusal is `{ ok: false, reason }` with the Action-Result. */
  action(descriptor: CosemMethodDescriptor, parameters?: DlmsData): Promise<ActionOutcome> {
    return this.serialize(async () => {
      this.requireAssociated('action');
      return this.invoke(descriptor, parameters);
    });
  }

  /**
   * Release the association with RLRQ (with ciphering, carrying a glo-initiate-request that proves
   * it is us). Waits `releaseTimeoutMs` for the RLRE; a meter that never answers RLRQ
   * (dlms-cosem#80) gives `{ answered: false }` rather than an error. The transport stays open.
   */
  release(): Promise<ReleaseOutcome> {
    return this.serialize(() => this.runRelease());
  }

  /** Release if associated (tolerating any failure), then close the transport. Never rejects. */
  close(): Promise<void> {
    return this.serialize(async () => {
      if (this.stateValue === 'associated') await this.runRelease().catch(() => undefined);
      this.stateValue = 'closed';
      await this.transport.close();
    }).catch(() => undefined);
  }

  // ------------------------------------------------------------------------------------------
  // Association
  // ------------------------------------------------------------------------------------------

  private async runAssociation(): Promise<AssociationInfo> {
    const auth = this.authentication;
    const sec = this.security;
    const context = this.ciphered ? 'logical-name-with-ciphering' : 'logical-name';
    // Pass 1 (Green Book 9.2.7.4): CtoS travels in the AARQ.
    let ctos: Uint8Array | undefined;
    if (auth.mechanism === 'high-gmac') {
      ctos = auth.challenge?.() ?? generateChallenge(auth.challengeLength ?? 16, this.provider);
      if (ctos.length < 8 || ctos.length > 64) throw new SessionError('STATE', `the HLS challenge CtoS is ${ctos.length} bytes; 8 to 64 are allowed`);
    }
    const authenticationValue = auth.mechanism === 'low' ? auth.password : ctos;
    const callingApTitle = sec !== undefined && (this.ciphered || auth.mechanism === 'high-gmac') ? sec.systemTitle : undefined;
    const common = {
      context,
      mechanism: auth.mechanism,
      ...(callingApTitle !== undefined ? { callingApTitle } : {}),
      ...(authenticationValue !== undefined ? { authenticationValue } : {}),
    } as const;
    const aarq = this.ciphered
      ? buildAarq({ ...common, userInformation: await this.protect(encodeInitiateRequest(this.initiateRequest)) })
      : buildAarq({ ...common, initiateRequest: this.initiateRequest });
    await this.sendApdu(encodeApdu(aarq));
    const aare = await this.receiveAare(this.deadline());
    // Pass 2: the AARE, with StoC when HLS is used.
    const { initiateResponse, serverSystemTitle, stoc } = this.checkAare(aare, context);
    const info: AssociationInfo = {
      context,
      mechanism: auth.mechanism,
      ciphered: this.ciphered,
      conformance: initiateResponse.negotiatedConformance,
      serverMaxReceivePduSize: initiateResponse.serverMaxReceivePduSize === 0 ? 0xffff : initiateResponse.serverMaxReceivePduSize,
      dlmsVersion: initiateResponse.negotiatedDlmsVersionNumber,
      ...(serverSystemTitle !== undefined ? { serverSystemTitle } : {}),
    };
    this.info = info;
    if (auth.mechanism === 'high-gmac' && sec !== undefined && ctos !== undefined && stoc !== undefined && serverSystemTitle !== undefined) {
      await this.hlsPasses3And4(sec, ctos, stoc, serverSystemTitle);
    }
    return info;
  }

  private async receiveAare(deadline: number): Promise<Aare> {
    const raw = await this.receiveRaw(deadline, 'the AARE');
    let apdu: Apdu;
    try {
      apdu = decodeApdu(raw, this.options.limits);
    } catch (e) {
      throw fromDlmsError(e, 'the answer to the AARQ is malformed');
    }
    if (apdu.type === 'exception-response') throw new SessionError('REFUSED', describeException(apdu), { refusal: { type: 'exception-response', response: apdu } });
    if (apdu.type === 'confirmed-service-error') {
      throw new SessionError('REFUSED', describeConfirmedServiceError(apdu), { refusal: { type: 'confirmed-service-error', error: apdu } });
    }
    if (apdu.type !== 'aare') throw new SessionError('PROTOCOL', `the AARQ was answered with ${apdu.type}, not an AARE`);
    return apdu;
  }

  /** Green Book 9.3.2: check everything the AARE says before trusting any of it. */
  private checkAare(aare: Aare, context: AssociationInfo['context']): { initiateResponse: InitiateResponse; serverSystemTitle?: Uint8Array; stoc?: Uint8Array } {
    const sec = this.security;
    const hls = this.authentication.mechanism === 'high-gmac';
    if (aare.result !== 'accepted') {
      const serviceError = this.aareServiceError(aare);
      const d = aare.resultSourceDiagnostic;
      throw new SessionError(isAuthenticationRefusal(d, serviceError) ? 'AUTHENTICATION_FAILED' : 'REFUSED', describeAareRefusal(aare.result, d, serviceError), {
        refusal: { type: 'aare', result: aare.result, diagnostic: d, ...(serviceError !== undefined ? { serviceError } : {}) },
      });
    }
    if (aare.applicationContextName !== context) {
      throw new SessionError('PROTOCOL', `the AARE accepts application context ${JSON.stringify(aare.applicationContextName)}, but ${context} was proposed`);
    }
    let serverSystemTitle: Uint8Array | undefined;
    if (sec !== undefined && (this.ciphered || hls)) {
      const title = aare.respondingApTitle;
      if (title === undefined) throw new SessionError('SECURITY', 'the AARE carries no responding-AP-title: the meter did not say who it is');
      // dlms-hes research §3.3: tie the system title to the meter identity held by the head-end.
      if (!bytesEqual(title, sec.serverSystemTitle)) {
        throw new SessionError(
          'SECURITY',
          `the meter answered with system title ${hex(title)}, but ${hex(sec.serverSystemTitle)} was expected: another meter, or a clone or impostor`,
        );
      }
      serverSystemTitle = title;
    }
    let stoc: Uint8Array | undefined;
    if (hls) {
      const d = aare.resultSourceDiagnostic;
      if (d.source !== 'acse-service-user' || d.diagnostic !== 'authentication-required') {
        throw new SessionError('PROTOCOL', `an HLS AARE must say authentication-required, not ${d.source}: ${String(d.diagnostic)}`);
      }
      if (aare.mechanismName !== undefined && aare.mechanismName !== 'high-gmac') {
        throw new SessionError('PROTOCOL', `the AARE names mechanism ${JSON.stringify(aare.mechanismName)}, but high-gmac was proposed`);
      }
      const value = aare.respondingAuthenticationValue;
      if (value?.type !== 'charstring' || value.value.length < 8 || value.value.length > 64) {
        throw new SessionError('PROTOCOL', 'the AARE carries no challenge StoC of 8 to 64 bytes');
      }
      stoc = value.value;
    }
    const initiateResponse = this.aareInitiateResponse(aare, serverSystemTitle);
    if (initiateResponse.vaaName !== 0x0007) throw new SessionError('PROTOCOL', `the meter offers vaa-name 0x${initiateResponse.vaaName.toString(16)}, not an LN association`);
    return { initiateResponse, ...(serverSystemTitle !== undefined ? { serverSystemTitle } : {}), ...(stoc !== undefined ? { stoc } : {}) };
  }

  private aareInitiateResponse(aare: Aare, serverSystemTitle: Uint8Array | undefined): InitiateResponse {
    if (!this.ciphered) {
      if (aare.initiateResponse === undefined) throw new SessionError('PROTOCOL', 'the AARE carries no InitiateResponse');
      return aare.initiateResponse;
    }
    const ui = aare.userInformation;
    if (ui === undefined || ui[0] !== GLO_INITIATE_RESPONSE_TAG || serverSystemTitle === undefined) {
      throw new SessionError('SECURITY', 'a ciphered association must be answered with a glo-initiate-response');
    }
    let plaintext: Uint8Array;
    try {
      plaintext = this.unprotectFromServer(ui, serverSystemTitle);
    } catch (e) {
      if (e instanceof SessionError && e.code === 'SECURITY') {
        throw new SessionError('AUTHENTICATION_FAILED', `the meter's glo-initiate-response does not verify under our keys: the EK/AK differ from the meter's (${e.message})`, { cause: e });
      }
      throw e;
    }
    try {
      return decodeInitiateResponse(plaintext, this.options.limits);
    } catch (e) {
      throw fromDlmsError(e, 'the deciphered InitiateResponse is malformed');
    }
  }

  /** A confirmed-service-error in a rejecting AARE, plain or (if it deciphers) glo-. */
  private aareServiceError(aare: Aare): ConfirmedServiceError | undefined {
    const ui = aare.userInformation;
    if (ui === undefined) return undefined;
    try {
      let plain = ui;
      if (ui[0] === GLO_CONFIRMED_SERVICE_ERROR_TAG) {
        const sec = this.security;
        if (sec === undefined) return undefined;
        plain = unprotectApdu(ui, {
          systemTitle: aare.respondingApTitle ?? sec.serverSystemTitle,
          ...sec.keys,
          policy: { requireAuthentication: true },
          provider: this.provider,
        }).plaintext;
      }
      if (plain[0] !== CONFIRMED_SERVICE_ERROR_TAG) return undefined;
      const apdu = decodeApdu(plain, this.options.limits);
      return apdu.type === 'confirmed-service-error' ? apdu : undefined;
    } catch {
      // A refusal we cannot read is still a refusal: the AARE's result and diagnostic say enough.
      return undefined;
    }
  }

  /** Green Book 9.2.7.4, passes 3 and 4. */
  private async hlsPasses3And4(sec: ClientSecurity, ctos: Uint8Array, stoc: Uint8Array, serverSystemTitle: Uint8Array): Promise<void> {
    const counters = this.requireCounters();
    // 3. f(StoC) takes its own invocation counter: the same counter as the ACTION that carries it
    //    would reuse a GCM nonce under EK (some meters expect this, Gurux
    //    IncreaseInvocationCounterForGMacAuthentication).
    const fStoC = hlsGmacResponse({
      systemTitle: sec.systemTitle,
      invocationCounter: await counters.next(),
      challenge: stoc,
      ...sec.keys,
      provider: this.provider,
    });
    const outcome = await this.invoke(REPLY_TO_HLS_AUTHENTICATION, { type: 'octet-string', value: fStoC });
    if (!outcome.ok) {
      throw new SessionError(
        'AUTHENTICATION_FAILED',
        `the meter refused our f(StoC) in HLS pass 3 (${String(outcome.reason)}): the keys (EK/AK) or our system title do not match the meter's`,
        { refusal: { type: 'hls-pass-3', result: outcome.reason } },
      );
    }
    const value = outcome.value;
    if (value?.type !== 'octet-string') throw new SessionError('PROTOCOL', 'HLS pass 4: reply_to_HLS_authentication returned no f(CtoS) octet-string');
    // 4. The meter's f(CtoS), recomputed with its system title from the AARE and compared in constant time.
    try {
      verifyHlsGmacResponse({ peerSystemTitle: serverSystemTitle, challenge: ctos, response: value.value, ...sec.keys, provider: this.provider });
    } catch (e) {
      throw new SessionError(
        'AUTHENTICATION_FAILED',
        `the meter's f(CtoS) in HLS pass 4 does not verify: it does not hold this meter's keys (an impostor?) or its system title is not ${hex(serverSystemTitle)}`,
        { cause: e },
      );
    }
  }

  private async runRelease(): Promise<ReleaseOutcome> {
    if (this.stateValue !== 'associated') throw new SessionError('STATE', `release() needs an association, the client is ${this.stateValue}`);
    try {
      const rlrq = this.ciphered
        ? { type: 'rlrq' as const, reason: 'normal' as const, userInformation: await this.protect(encodeInitiateRequest(this.initiateRequest)) }
        : { type: 'rlrq' as const, reason: 'normal' as const };
      await this.sendApdu(encodeApdu(rlrq));
      const deadline = Date.now() + (this.options.releaseTimeoutMs ?? 2000);
      for (;;) {
        let raw: Uint8Array;
        try {
          raw = await this.receiveRaw(deadline, 'the RLRE');
        } catch (e) {
          if (e instanceof SessionError && (e.code === 'TIMEOUT' || e.code === 'CLOSED')) return { answered: false };
          throw e;
        }
        let apdu: Apdu;
        try {
          apdu = decodeApdu(raw, this.options.limits);
        } catch {
          continue;
        }
        if (apdu.type === 'rlre') return { answered: true, ...(apdu.reason !== undefined ? { reason: apdu.reason } : {}) };
      }
    } finally {
      this.stateValue = this.transport.closed ? 'closed' : 'idle';
      this.info = undefined;
    }
  }

  // ------------------------------------------------------------------------------------------
  // Requests
  // ------------------------------------------------------------------------------------------

  private async invoke(descriptor: CosemMethodDescriptor, parameters: DlmsData | undefined): Promise<ActionOutcome> {
    const invokeId = this.nextInvokeId();
    const response = await this.exchange(actionRequest(descriptor, parameters, { invokeId }), 'action', invokeId);
    if (response.type !== 'action-response-normal') throw new SessionError('PROTOCOL', `an action-request-normal was answered with ${response.type} (long return values are not supported)`);
    const { result, returnParameters } = response.response;
    if (result !== 'success') return { ok: false, reason: result };
    if (returnParameters === undefined) return { ok: true };
    if (returnParameters.type === 'data') return { ok: true, value: returnParameters.value };
    // Success with a Data-Access-Result as return value: the method ran but its result is refused.
    return { ok: false, reason: ACTION_RESULT.name(DATA_ACCESS_RESULT.value(returnParameters.value)) };
  }

  /** Send a request and wait for the response with the same invoke id; stale answers are skipped. */
  private async exchange(request: XdlmsApdu, family: 'get', invokeId: number): Promise<GetResponseApdu>;
  private async exchange(request: XdlmsApdu, family: 'set', invokeId: number): Promise<Extract<XdlmsApdu, { type: `set-response-${string}` }>>;
  private async exchange(request: XdlmsApdu, family: 'action', invokeId: number): Promise<Extract<XdlmsApdu, { type: `action-response-${string}` }>>;
  private async exchange(request: XdlmsApdu, family: Family, invokeId: number): Promise<XdlmsApdu> {
    const plain = encodeApdu(request);
    const bytes = this.ciphered ? await this.protect(plain) : plain;
    const limit = this.info?.serverMaxReceivePduSize ?? 0xffff;
    if (bytes.length > limit) throw new SessionError('LIMIT', `the ${request.type} is ${bytes.length} bytes; the meter accepts at most ${limit}`);
    await this.sendApdu(bytes);
    const deadline = this.deadline();
    for (;;) {
      const apdu = await this.receiveResponse(deadline);
      if (!apdu.type.startsWith(`${family}-response-`) || !('invokeIdAndPriority' in apdu) || apdu.invokeIdAndPriority.invokeId !== invokeId) continue;
      return apdu;
    }
  }

  /** Service-specific block transfer (Green Book 9.3): get-request-next after each block, until the last. */
  private async collectDatablocks(first: GetResponseWithDatablock, invokeId: number): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; reason: DataAccessResult }> {
    const reassembler = new DataBlockReassembler(this.options.limits);
    let response: GetResponseApdu = first;
    for (;;) {
      if (response.type !== 'get-response-with-datablock') throw new SessionError('PROTOCOL', `a block transfer was continued with ${response.type}`);
      const block = response.datablock;
      if (block.result.type === 'data-access-result') return { ok: false, reason: block.result.value };
      let joined;
      try {
        joined = reassembler.push({ lastBlock: block.lastBlock, blockNumber: block.blockNumber, rawData: block.result.value });
      } catch (e) {
        throw fromDlmsError(e, 'the block transfer broke off');
      }
      if (joined.type === 'complete') return { ok: true, bytes: joined.bytes };
      response = await this.exchange(getRequestNext(reassembler.lastBlockNumber, { invokeId }), 'get', invokeId);
    }
  }

  /** One response APDU, reassembled from general-block-transfer if need be, deciphered and decoded. */
  private async receiveResponse(deadline: number): Promise<XdlmsApdu> {
    let raw = await this.receiveRaw(deadline, 'the response');
    if (raw[0] === GBT_TAG) raw = await this.receiveGeneralBlocks(raw, deadline);
    const plain = this.ciphered ? this.unprotectResponse(raw) : raw;
    let apdu: Apdu;
    try {
      apdu = decodeApdu(plain, this.options.limits);
    } catch (e) {
      throw fromDlmsError(e, 'the meter sent a malformed response');
    }
    if (apdu.type === 'exception-response') throw new SessionError('REFUSED', describeException(apdu), { refusal: { type: 'exception-response', response: apdu } });
    if (apdu.type === 'confirmed-service-error') {
      throw new SessionError('REFUSED', describeConfirmedServiceError(apdu), { refusal: { type: 'confirmed-service-error', error: apdu } });
    }
    if (apduFamily(plain[0] as number) !== 'xdlms' || apdu.type === 'general-block-transfer') {
      throw new SessionError('PROTOCOL', `the meter sent ${apdu.type} where a response was expected`);
    }
    return apdu as XdlmsApdu;
  }

  /**
   * General block transfer (Green Book 9.3, "general block transfer"): join the blocks, acknowledging
   * after each block that closes a window (streaming bit clear) with our window and the last block
   * received; a block out of order is dropped and the acknowledgement asks for the rest again.
   */
  private async receiveGeneralBlocks(first: Uint8Array, deadline: number): Promise<Uint8Array> {
    const reassembler = new GeneralBlockTransferReassembler(this.options.limits);
    let raw = first;
    for (;;) {
      let apdu: Apdu;
      try {
        apdu = decodeApdu(raw, this.options.limits);
      } catch (e) {
        throw fromDlmsError(e, 'a general-block-transfer block is malformed');
      }
      if (apdu.type !== 'general-block-transfer') throw new SessionError('PROTOCOL', `${apdu.type} arrived in the middle of a general block transfer`);
      if (apdu.blockNumber === reassembler.lastBlockNumber + 1) {
        let joined;
        try {
          joined = reassembler.push(apdu);
        } catch (e) {
          throw fromDlmsError(e, 'the general block transfer broke off');
        }
        if (joined.type === 'complete') return joined.bytes;
      }
      if (!apdu.streaming || apdu.lastBlock) {
        this.gbtBlockNumber = (this.gbtBlockNumber + 1) & 0xffff;
        await this.sendApdu(
          encodeApdu({
            type: 'general-block-transfer',
            lastBlock: true,
            streaming: false,
            window: this.options.gbtWindow ?? 1,
            blockNumber: this.gbtBlockNumber,
            blockNumberAck: reassembler.lastBlockNumber,
            blockData: new Uint8Array(0),
          }),
        );
      }
      raw = await this.receiveRaw(deadline, 'the next general-block-transfer block');
      if (raw[0] !== GBT_TAG) throw new SessionError('PROTOCOL', 'a general block transfer was interrupted by another APDU');
    }
  }

  /**
   * Every answer on a ciphered association must authenticate under the meter's keys and carry an
   * invocation counter above the last one accepted. Plain exception-response and
   * confirmed-service-error pass (a meter that cannot decipher cannot cipher its refusal either);
   * they only ever end a request, never deliver data.
   */
  private unprotectResponse(raw: Uint8Array): Uint8Array {
    const tag = raw[0] as number;
    if (tag === EXCEPTION_RESPONSE_TAG || tag === CONFIRMED_SERVICE_ERROR_TAG) return raw;
    if (apduFamily(tag) !== 'ciphered') {
      throw new SessionError('SECURITY', `the meter sent an unprotected APDU (tag 0x${tag.toString(16).padStart(2, '0')}) on a ciphered association`);
    }
    const title = this.info?.serverSystemTitle ?? this.security?.serverSystemTitle;
    if (title === undefined) throw new SessionError('STATE', 'no server system title to decipher with');
    return this.unprotectFromServer(raw, title);
  }

  private unprotectFromServer(raw: Uint8Array, serverSystemTitle: Uint8Array): Uint8Array {
    const sec = this.requireSecurity();
    let opened;
    try {
      opened = unprotectApdu(raw, {
        systemTitle: serverSystemTitle,
        ...sec.keys,
        // Green Book 9.2.7.2.4: without this, clearing the A bit in transit would skip the tag check.
        policy: { requireAuthentication: true, suite: 0 },
        ...(this.options.limits !== undefined ? { limits: this.options.limits } : {}),
        provider: this.provider,
      });
    } catch (e) {
      if (e instanceof DlmsError && e.code === 'AUTH_TAG_INVALID') {
        throw new SessionError('SECURITY', 'a response failed its GCM tag check: the keys differ from the meter’s, or the APDU was altered in transit', { cause: e });
      }
      throw fromDlmsError(e, 'a ciphered response could not be opened');
    }
    if (!bytesEqual(opened.systemTitle, serverSystemTitle)) {
      throw new SessionError('SECURITY', `a response was ciphered by system title ${hex(opened.systemTitle)}, not by the meter ${hex(serverSystemTitle)}`);
    }
    try {
      this.guard.accept(serverSystemTitle, opened.invocationCounter, sec.keyId ?? 'guek');
    } catch (e) {
      throw new SessionError('REPLAY', `a response from ${hex(serverSystemTitle)} reuses an old invocation counter (${opened.invocationCounter}): a replayed APDU, or a meter that reset its counter`, {
        cause: e,
      });
    }
    return opened.plaintext;
  }

  // ------------------------------------------------------------------------------------------
  // Plumbing
  // ------------------------------------------------------------------------------------------

  private async protect(plain: Uint8Array): Promise<Uint8Array> {
    const sec = this.requireSecurity();
    const invocationCounter = await this.requireCounters().next();
    return protectApdu(plain, {
      kind: 'glo',
      securityControl: SC_AUTHENTICATED_ENCRYPTED,
      systemTitle: sec.systemTitle,
      invocationCounter,
      ...sec.keys,
      provider: this.provider,
    });
  }

  private async sendApdu(bytes: Uint8Array): Promise<void> {
    try {
      await this.transport.send(bytes);
    } catch (e) {
      throw e instanceof SessionError ? e : new SessionError('CLOSED', 'the transport failed', { cause: e });
    }
  }

  private async receiveRaw(deadline: number, what: string): Promise<Uint8Array> {
    const timeoutMs = deadline - Date.now();
    if (timeoutMs <= 0) throw new SessionError('TIMEOUT', `the meter did not send ${what} in time`);
    try {
      return await this.transport.receive({ timeoutMs });
    } catch (e) {
      if (e instanceof SessionError && e.code === 'TIMEOUT') throw new SessionError('TIMEOUT', `the meter did not send ${what} within ${this.requestTimeoutMs()} ms`, { cause: e });
      throw e;
    }
  }

  private decodeValue(bytes: Uint8Array): DlmsData {
    try {
      return decodeDataBytes(bytes, this.options.limits);
    } catch (e) {
      throw fromDlmsError(e, 'the value joined from the blocks is malformed');
    }
  }

  /** The raw data of a long get-response-with-list: SEQUENCE OF Get-Data-Result (Green Book 9.5). */
  private decodeResultList(bytes: Uint8Array): GetResult[] {
    try {
      const r = new ByteReader(bytes);
      const n = r.length('the result count');
      if (n > r.remaining) throw new SessionError('PROTOCOL', `the result list claims ${n} results in ${r.remaining} bytes`);
      const out: GetResult[] = [];
      for (let i = 0; i < n; i++) {
        const choice = r.u8('a Get-Data-Result choice');
        if (choice === 0) out.push({ ok: true, value: decodeData(r, this.options.limits) });
        else if (choice === 1) out.push(refusal(DATA_ACCESS_RESULT.read(r)));
        else throw new SessionError('PROTOCOL', `0x${choice.toString(16)} is not a Get-Data-Result choice`);
      }
      r.expectEnd('the result list');
      return out;
    } catch (e) {
      throw fromDlmsError(e, 'the result list joined from the blocks is malformed');
    }
  }

  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = this.chain.then(async () => {
      try {
        return await task();
      } catch (e) {
        this.afterFailure(e);
        throw e;
      }
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** A security failure ends the session (the link is not trusted any more); a dead transport too. */
  private afterFailure(e: unknown): void {
    if (!(e instanceof SessionError)) return;
    if (e.code === 'CLOSED' || this.transport.closed) {
      this.stateValue = 'closed';
      return;
    }
    if ((e.code === 'SECURITY' || e.code === 'REPLAY') && this.stateValue === 'associated') {
      this.stateValue = 'closed';
      void this.transport.close();
    }
  }

  private requireAssociated(what: string): void {
    if (this.stateValue !== 'associated') throw new SessionError('STATE', `${what}() needs an association; the client is ${this.stateValue}`);
  }

  private requireSecurity(): ClientSecurity {
    if (this.security === undefined) throw new SessionError('STATE', 'ciphering needs `security`');
    return this.security;
  }

  private requireCounters(): CounterSource {
    if (this.counters === undefined) throw new SessionError('STATE', 'ciphering needs an invocation counter store');
    return this.counters;
  }

  private nextInvokeId(): number {
    this.invokeId = (this.invokeId + 1) & 0x0f;
    return this.invokeId;
  }

  private requestTimeoutMs(): number {
    return this.options.requestTimeoutMs ?? 30_000;
  }

  private deadline(): number {
    return Date.now() + this.requestTimeoutMs();
  }
}

function refusal(reason: DataAccessResult): GetResult {
  return { ok: false, reason };
}

function toGetResult(r: GetDataResult): GetResult {
  if (r.type === 'data') return { ok: true, value: r.value };
  if (r.value === 'success') throw new SessionError('PROTOCOL', 'a Get-Data-Result carries data-access-result success but no data');
  return refusal(r.value);
}
