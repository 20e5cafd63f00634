import { InvocationCounterGuard } from '@openams/dlms';
import type { ControlMode, ControlState } from '@openams/dlms';
import { applyPendingKeys } from '../cosem/index.ts';
import type { EventRecord, ImageTransferState, LimiterState, MeterKeySet, MeterState, PushSettings, SupplyLedger } from '../cosem/index.ts';

/** What a new meter's state starts from; a core only records how a meter differs from it. */
export interface CoreDefaults {
  readonly firmwareVersion: string;
  readonly installedAtMs: number;
}

/** The parts of a meter's state few meters ever have, kept as they are (references, no copies). */
interface RareCore {
  firmwareVersion?: string;
  clock?: readonly [offsetMs: number, driftPpm: number, driftFromMs: number];
  profiles?: readonly [period1S: number, period2S: number, start1Ms: number, start2Ms: number];
  keys?: MeterKeySet;
  keyChanges?: number;
  incoming?: Record<string, number>;
  events?: EventRecord[];
  supply?: SupplyLedger;
  limiter?: LimiterState;
  image?: ImageTransferState;
  push?: PushSettings[];
}

/** `incomingKey` values besides an interned key id. */
const NO_INCOMING = -1;
const RARE_INCOMING = -2;

/**
 * The persistent core of every meter of a fleet while the meter itself is evicted: what a real
 * meter keeps in non-volatile memory and the simulation cannot recompute from the seed — the
 * invocation counters (outgoing, and the last accepted from each head-end system title), the
 * breaker state and mode, the flags (power, clock valid, DST, failing activation), and, only for
 * the meters that have them, changed keys, clock offset and drift, profile periods, the event
 * log tail, supply gaps, limiter, image transfer and push settings.
 *
 * The common part is columnar: typed arrays indexed by meter (22 bytes a meter: flags,
 * breaker, outgoing counter, one incoming counter and its head-end's interned system title), so
 * a fleet of 100,000 keeps 2.2 MB whatever the meters did. The rare part is a sparse map.
 */
export class MeterCoreStore {
  private readonly present: Uint8Array;
  private readonly flags: Uint8Array;
  private readonly control: Uint8Array;
  private readonly outgoing: Float64Array;
  private readonly incomingKey: Int32Array;
  private readonly incomingCounter: Float64Array;
  private readonly rare = new Map<number, RareCore>();
  /** Incoming counter keys (`<client system title hex>/<key id>`): a fleet talks to a handful of head-ends. */
  private readonly keyNames: string[] = [];
  private readonly keyIds = new Map<string, number>();

  constructor(readonly size: number) {
    this.present = new Uint8Array(size);
    this.flags = new Uint8Array(size);
    this.control = new Uint8Array(size);
    this.outgoing = new Float64Array(size);
    this.incomingKey = new Int32Array(size).fill(NO_INCOMING);
    this.incomingCounter = new Float64Array(size);
  }

  /** Whether meter `index` has a saved core (it was made at least once). */
  has(index: number): boolean {
    return this.present[index] === 1;
  }

  /** How many meters have a core with rare parts. */
  get rareCount(): number {
    return this.rare.size;
  }

  /** Bytes of the columns (the rare map is counted by the heap, not here). */
  get columnBytes(): number {
    return this.present.byteLength + this.flags.byteLength + this.control.byteLength + this.outgoing.byteLength + this.incomingKey.byteLength + this.incomingCounter.byteLength;
  }

  private keyId(name: string): number {
    let id = this.keyIds.get(name);
    if (id === undefined) {
      id = this.keyNames.length;
      this.keyNames.push(name);
      this.keyIds.set(name, id);
    }
    return id;
  }

  /** Save meter `index`'s state (keys transferred but not yet in force are put in force first, as at a restart). */
  save(index: number, state: MeterState, defaults: CoreDefaults): void {
    const s = state.security;
    applyPendingKeys(s);
    this.present[index] = 1;
    this.flags[index] = state.flags;
    this.control[index] = state.controlState | (state.controlMode << 4);
    this.outgoing[index] = s.outgoingCounter;
    const r: RareCore = {};
    const incoming = Object.entries(s.incoming?.export() ?? {});
    if (incoming.length === 0) this.incomingKey[index] = NO_INCOMING;
    else if (incoming.length === 1) {
      const [name, counter] = incoming[0] as [string, number];
      this.incomingKey[index] = this.keyId(name);
      this.incomingCounter[index] = counter;
    } else {
      this.incomingKey[index] = RARE_INCOMING;
      r.incoming = Object.fromEntries(incoming);
    }
    if (state.firmwareVersion !== defaults.firmwareVersion) r.firmwareVersion = state.firmwareVersion;
    if (state.clockOffsetMs !== 0 || state.clockDriftPpm !== 0 || state.clockDriftFromMs !== defaults.installedAtMs) r.clock = [state.clockOffsetMs, state.clockDriftPpm, state.clockDriftFromMs];
    if (state.profile1PeriodS !== 3600 || state.profile2PeriodS !== 900 || state.profile1StartMs !== defaults.installedAtMs || state.profile2StartMs !== defaults.installedAtMs) {
      r.profiles = [state.profile1PeriodS, state.profile2PeriodS, state.profile1StartMs, state.profile2StartMs];
    }
    if (s.keys !== undefined) r.keys = s.keys;
    if (s.keyChanges !== 0) r.keyChanges = s.keyChanges;
    if (state.events !== undefined) r.events = state.events;
    if (state.supply !== undefined) r.supply = state.supply;
    if (state.limiter !== undefined) r.limiter = state.limiter;
    if (state.image !== undefined) r.image = state.image;
    if (state.push !== undefined) r.push = state.push;
    if (Object.keys(r).length > 0) this.rare.set(index, r);
    else this.rare.delete(index);
  }

  /** Restore meter `index`'s saved state into `state` (a fresh `MeterState`); false when it has none. */
  restore(index: number, state: MeterState): boolean {
    if (this.present[index] !== 1) return false;
    const s = state.security;
    state.flags = this.flags[index] as number;
    const control = this.control[index] as number;
    state.controlState = (control & 0x0f) as ControlState;
    state.controlMode = (control >> 4) as ControlMode;
    s.outgoingCounter = this.outgoing[index] as number;
    const key = this.incomingKey[index] as number;
    const r = this.rare.get(index);
    if (key >= 0) s.incoming = new InvocationCounterGuard({ [this.keyNames[key] as string]: this.incomingCounter[index] as number });
    else if (key === RARE_INCOMING && r?.incoming !== undefined) s.incoming = new InvocationCounterGuard(r.incoming);
    if (r === undefined) return true;
    if (r.firmwareVersion !== undefined) state.firmwareVersion = r.firmwareVersion;
    if (r.clock !== undefined) [state.clockOffsetMs, state.clockDriftPpm, state.clockDriftFromMs] = r.clock;
    if (r.profiles !== undefined) [state.profile1PeriodS, state.profile2PeriodS, state.profile1StartMs, state.profile2StartMs] = r.profiles;
    if (r.keys !== undefined) s.keys = r.keys;
    if (r.keyChanges !== undefined) s.keyChanges = r.keyChanges;
    state.events = r.events;
    state.supply = r.supply;
    state.limiter = r.limiter;
    state.image = r.image;
    state.push = r.push;
    return true;
  }

  /** The push settings saved for meter `index` (without making it). */
  pushSettings(index: number): PushSettings[] | undefined {
    return this.rare.get(index)?.push;
  }

  /** The outgoing invocation counter saved for meter `index` (0 if it has none). */
  outgoingCounter(index: number): number {
    return this.outgoing[index] as number;
  }
}
