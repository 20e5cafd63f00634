import type { Obis } from '@openams/dlms';
import type { DlmsTransport, ServerEvent } from '@openams/dlms-session';
import type { SimClock } from '../clock/index.ts';
import type { CosemMeter, MeterDataSource, MeterEnvironment, MeterObjectHandler, ProfileValueMode } from '../cosem/index.ts';
import { DroppingLink, FaultPlan, NO_FAULTS, PinnableClock, SlowLink, applyMeterEvents, applyMeterTraits, checkFaultConfig, withProfileFaults } from '../faults/index.ts';
import type { FaultConfig, FaultKind, LinkDownCause } from '../faults/index.ts';
import { MAX_FLEET_SIZE, generateMeterIdentity } from '../fleet-identity/index.ts';
import type { MeterIdentityOptions } from '../fleet-identity/index.ts';
import type { MeterIdentity, MeterVendor } from '../identity/index.ts';
import { installInstant } from '../load/index.ts';
import { VirtualMeter, serveMeter } from '../meter/index.ts';
import type { VirtualMeterOptions } from '../meter/index.ts';
import { MeterCoreStore } from './core-store.ts';
import { FleetDirectory } from './directory.ts';
import { FleetError } from './errors.ts';
import { LOAD_MODEL_SOURCE } from './load-source.ts';
import { FleetStats } from './stats.ts';
import { fleetVendorKeys } from './vendor-keys.ts';

const DAY = 86_400_000;

/** Options of `Fleet.create`. */
export interface FleetOptions {
  /** The fleet seed: the same seed gives the same meters, keys and faults. */
  readonly seed: string;
  /** Number of meters, 1 … 10,000,000. */
  readonly meters: number;
  /** Simulated time (`AcceleratedClock` for a demo, `ManualClock` in tests). */
  readonly clock: SimClock;
  /** Default `NO_FAULTS`; `DEFAULT_FAULTS` for domain.md's rates. */
  readonly faults?: FaultConfig;
  /** Vendor and phase mix (`generateMeterIdentity`). */
  readonly identity?: MeterIdentityOptions;
  /** Default: the seeded load model (`LOAD_MODEL_SOURCE`). */
  readonly dataSource?: MeterDataSource;
  /** When each meter was installed. Default: the load model's install day (`installInstant`). */
  readonly installedAt?: (identity: MeterIdentity) => Date;
  /** Vendor firmware keys the meters trust. Default: `fleetVendorKeys(seed)`. */
  readonly firmwareKeys?: Readonly<Partial<Record<MeterVendor, Uint8Array>>>;
  readonly profileValues?: ProfileValueMode;
  /** Accept only this head-end system title on the management client (default: any that deciphers). */
  readonly headEndSystemTitle?: Uint8Array;
  /** server-max-receive-pdu-size of every meter. Default 1024. */
  readonly maxReceivePduSize?: number;
  /** Put a meter back to its core after this long without a connection (real ms). Default 30,000. */
  readonly idleMs?: number;
  /** Keep at most this many meters made at once; the least recently used idle ones go first. Default 20,000. */
  readonly maxLive?: number;
  /** How far before the start a new meter's fault history begins (true ms). Default 15 days: the longest main-fuse-off. */
  readonly historyMs?: number;
  /** Told how far building the directory is, while `create` runs. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Options of `Fleet.serve`. */
export interface FleetServeOptions {
  /** Told every association event of the session, after the fleet counted it. */
  readonly onEvent?: (event: ServerEvent) => void;
}

/** A meter of the fleet as it is while made: a `VirtualMeter` with the fleet's fault hooks. */
export class FleetMeter extends VirtualMeter {
  /** 0 for the meter, 1 for its clone (same system title and keys, a state of its own). */
  readonly device: 0 | 1;
  /** The meter's clock: fleet time, pinned while past faults are replayed. */
  readonly clock: PinnableClock;
  private readonly profileFaults: { readonly plan: FaultPlan; readonly onFault: (kind: FaultKind) => void } | undefined;

  constructor(options: VirtualMeterOptions & { readonly device: 0 | 1; readonly clock: PinnableClock; readonly profileFaults?: { readonly plan: FaultPlan; readonly onFault: (kind: FaultKind) => void } }) {
    super(options);
    this.device = options.device;
    this.clock = options.clock;
    this.profileFaults = options.profileFaults;
  }

  /** The meter's handler, with its load-profile entry faults. */
  override handler(connection: object = {}): MeterObjectHandler {
    const h = super.handler(connection);
    const f = this.profileFaults;
    return f === undefined ? h : withProfileFaults(h, f.plan, this.identity.index, f.onFault);
  }
}

/** `Fleet.admit`'s answer: the link is down (and why), or the session number to serve. */
export type Admission = { readonly type: 'down'; readonly cause: LinkDownCause } | { readonly type: 'up'; readonly session: number };

interface Live {
  readonly meter: FleetMeter;
  refs: number;
  lastUsed: number;
}

/**
 * A fleet of virtual meters in one process. Meter `index` is made from `(seed, index)` when it is
 * first needed — a connection, a push, a test — and put back to a compact core
 * (`MeterCoreStore`) when idle, so a fleet of 100,000 costs a few megabytes until its meters are
 * used, and only the meters in use cost more (numbers in this folder's README). Load
 * profiles are computed from the seed, never stored.
 *
 * Faults (`FaultPlan`) are applied when a meter is made or used: its lifelong traits once, then
 * every recorded fault between the last use and now (main fuse off and on, tamper events, missed
 * DST changes), each at its own instant; a connection to a meter that is unreachable at that
 * moment gets no answer; profile reads show the meter's entry faults; a cloned meter answers
 * every other connection from a second device with its own counters.
 */
export class Fleet {
  readonly seed: string;
  readonly size: number;
  readonly clock: SimClock;
  readonly stats = new FleetStats();
  readonly plan: FaultPlan;
  readonly directory: FleetDirectory;
  /** The true instant the fleet started at. */
  readonly startMs: number;
  /** Set by a push front: called when a head-end invokes push (method 1) on a meter's push setup. */
  onPushRequest: ((meter: FleetMeter, pushSetup: Obis) => void) | undefined;
  private readonly options: FleetOptions;
  private readonly env: Omit<MeterEnvironment, 'clock'>;
  private readonly core: MeterCoreStore;
  private cloneCore: MeterCoreStore | undefined;
  private readonly syncedUntil: Float64Array;
  private readonly sessions: Uint32Array;
  private readonly live = new Map<number, Live>();
  private readonly idleMs: number;
  private readonly maxLive: number;
  private readonly historyMs: number;
  private readonly entryFaults: boolean;
  private sweeper: ReturnType<typeof setInterval> | undefined;

  private constructor(options: FleetOptions, directory: FleetDirectory) {
    this.options = options;
    this.seed = options.seed;
    this.size = options.meters;
    this.clock = options.clock;
    this.directory = directory;
    this.plan = new FaultPlan(options.seed, options.faults ?? NO_FAULTS);
    this.startMs = options.clock.now().getTime();
    this.idleMs = options.idleMs ?? 30_000;
    this.maxLive = options.maxLive ?? 20_000;
    this.historyMs = options.historyMs ?? 15 * DAY;
    this.core = new MeterCoreStore(this.size);
    this.syncedUntil = new Float64Array(this.size);
    this.sessions = new Uint32Array(this.size);
    const keys = options.firmwareKeys ?? Object.fromEntries(Object.entries(fleetVendorKeys(options.seed)).map(([v, k]) => [v, k.publicKey]));
    this.env = {
      dataSource: options.dataSource ?? LOAD_MODEL_SOURCE,
      firmwareKeys: keys,
      ...(options.profileValues !== undefined ? { profileValues: options.profileValues } : {}),
      onPush: (meter: CosemMeter, pushSetup: Obis) => {
        if (meter instanceof FleetMeter) this.onPushRequest?.(meter, pushSetup);
      },
    };
    const r = this.plan.rates;
    const c = this.plan.config;
    this.entryFaults = r.missingEntryShare + c.duplicateEntryShare + c.corruptEntryShare > 0;
  }

  /**
   * Make a fleet: checks the options and builds the system-title directory (every meter's
   * identity generated once, about 3 µs each; `onProgress` is told as it goes). Throws
   * `FleetError` INVALID_OPTION, `FaultConfigError` for a bad fault configuration.
   */
  static async create(options: FleetOptions): Promise<Fleet> {
    const n = options.meters;
    if (!Number.isInteger(n) || n < 1 || n > MAX_FLEET_SIZE) throw new FleetError('INVALID_OPTION', `meters must be an integer 1..${MAX_FLEET_SIZE}, got ${n}`);
    if (typeof options.seed !== 'string' || options.seed === '') throw new FleetError('INVALID_OPTION', 'the fleet seed must be a non-empty string');
    for (const [name, v] of [
      ['idleMs', options.idleMs],
      ['maxLive', options.maxLive],
      ['historyMs', options.historyMs],
    ] as const) {
      if (v !== undefined && (!Number.isFinite(v) || v < 0)) throw new FleetError('INVALID_OPTION', `${name} must be a number ≥ 0, got ${v}`);
    }
    // A bad fault configuration fails before the directory is built, not after.
    if (options.faults !== undefined) checkFaultConfig(options.faults);
    const directory = await FleetDirectory.build(options.seed, n, options.identity, options.onProgress);
    const fleet = new Fleet(options, directory);
    if (fleet.idleMs > 0) {
      fleet.sweeper = setInterval(() => fleet.evictIdle(), Math.max(1000, fleet.idleMs / 2));
      fleet.sweeper.unref();
    }
    return fleet;
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) throw new FleetError('NO_SUCH_METER', `meter ${index} is not in this fleet of ${this.size}`);
  }

  /** The identity of meter `index` (the live meter's own object while it is made). */
  identity(index: number): MeterIdentity {
    this.checkIndex(index);
    return this.live.get(index * 2)?.meter.identity ?? generateMeterIdentity(this.seed, index, this.options.identity);
  }

  /** How many meters are made right now. */
  get liveCount(): number {
    return this.live.size;
  }

  /** The fault counter the fleet's parts report to. */
  readonly countFault = (kind: FaultKind, n = 1): void => this.stats.fault(kind, n);

  /**
   * Make meter `index` (or its clone, `device` 1) if it is not, bring its recorded faults up to
   * now, and hold it until `release`. Tests and fronts use it; a held meter is never evicted.
   */
  acquire(index: number, device: 0 | 1 = 0): FleetMeter {
    this.checkIndex(index);
    const key = index * 2 + device;
    let live = this.live.get(key);
    if (live === undefined) {
      live = { meter: this.materialize(index, device), refs: 0, lastUsed: 0 };
      this.live.set(key, live);
    } else {
      // Most recently used last: the map's order is the eviction order.
      this.live.delete(key);
      this.live.set(key, live);
    }
    live.refs++;
    live.lastUsed = Date.now();
    if (device === 0) this.catchUp(live.meter);
    live.meter.tick();
    return live.meter;
  }

  /** Let go of a meter from `acquire`; idle meters beyond `maxLive` are evicted at once. */
  release(meter: FleetMeter): void {
    const live = this.live.get(meter.identity.index * 2 + meter.device);
    if (live === undefined || live.meter !== meter) return;
    live.refs = Math.max(0, live.refs - 1);
    live.lastUsed = Date.now();
    if (this.live.size > this.maxLive) {
      for (const [key, l] of this.live) {
        if (this.live.size <= this.maxLive) break;
        if (l.refs === 0) this.evict(key, l);
      }
    }
  }

  /** Run `fn` on meter `index` held, then release it. */
  withMeter<T>(index: number, fn: (meter: FleetMeter) => T, device: 0 | 1 = 0): T {
    const meter = this.acquire(index, device);
    try {
      return fn(meter);
    } finally {
      this.release(meter);
    }
  }

  private materialize(index: number, device: 0 | 1): FleetMeter {
    const identity = generateMeterIdentity(this.seed, index, this.options.identity);
    const clock = new PinnableClock(this.clock);
    const installedAt = this.options.installedAt?.(identity) ?? installInstant(identity);
    const meter = new FleetMeter({
      identity,
      env: { ...this.env, clock },
      installedAt,
      device,
      clock,
      ...(this.entryFaults ? { profileFaults: { plan: this.plan, onFault: this.countFault } } : {}),
    });
    const store = device === 0 ? this.core : (this.cloneCore ??= new MeterCoreStore(this.size));
    if (!store.restore(index, meter.state) && device === 0) {
      // A new meter: its lifelong faults, and its fault history from `historyMs` before the start.
      const from = this.startMs - this.historyMs;
      applyMeterTraits(meter, this.plan.traits(index), clock, from, this.countFault);
      this.syncedUntil[index] = from;
    }
    this.stats.materialized++;
    return meter;
  }

  /** Replay what happened to the meter since it was last used (main fuse, tamper, DST). */
  private catchUp(meter: FleetMeter): void {
    const index = meter.identity.index;
    const now = this.clock.now().getTime();
    const from = this.syncedUntil[index] as number;
    if (now <= from) return;
    applyMeterEvents(meter, meter.clock, this.plan.events(index, from, now), this.countFault);
    this.syncedUntil[index] = now;
  }

  private evict(key: number, live: Live): void {
    const m = live.meter;
    const store = m.device === 0 ? this.core : (this.cloneCore ??= new MeterCoreStore(this.size));
    store.save(m.identity.index, m.state, { firmwareVersion: m.identity.firmwareVersion, installedAtMs: this.installedAtMs(m.identity) });
    this.live.delete(key);
    this.stats.evicted++;
  }

  private installedAtMs(identity: MeterIdentity): number {
    return (this.options.installedAt?.(identity) ?? installInstant(identity)).getTime();
  }

  /** Put every meter idle for `idleMs` or longer (default: the fleet's) back to its core. Returns how many. */
  evictIdle(idleMs = this.idleMs): number {
    const now = Date.now();
    let n = 0;
    for (const [key, live] of this.live) {
      if (live.refs === 0 && now - live.lastUsed >= idleMs) {
        this.evict(key, live);
        n++;
      }
    }
    return n;
  }

  /** Why meter `index` cannot be reached now, or undefined. */
  linkDown(index: number): LinkDownCause | undefined {
    this.checkIndex(index);
    return this.plan.linkDown(index, this.clock.now().getTime());
  }

  /**
   * Whether a connection to meter `index` gets an answer now: counts the session, and for a meter
   * that is unreachable at this instant (`FaultPlan.linkDown`) the fault. Fronts that must decide
   * before answering anything (HDLC answers SNRM in its link layer) call it, then `serveAdmitted`.
   */
  admit(index: number): Admission {
    this.checkIndex(index);
    const session = this.sessions[index] as number;
    this.sessions[index] = session + 1;
    const cause = this.plan.linkDown(index, this.clock.now().getTime());
    if (cause !== undefined) {
      this.stats.fault(cause);
      return { type: 'down', cause };
    }
    return { type: 'up', session };
  }

  /**
   * Serve one connection to meter `index` until it closes; never rejects. An unreachable meter
   * does not answer: the link stays silent until the head-end gives up (at most
   * `unreachableHoldMs`), or is closed at once (`unreachable: 'close'`). Otherwise see
   * `serveAdmitted`.
   */
  async serve(index: number, transport: DlmsTransport, options: FleetServeOptions = {}): Promise<void> {
    const admission = this.admit(index);
    if (admission.type === 'down') {
      await this.holdUnreachable(transport.whenClosed, () => transport.close());
      return;
    }
    await this.serveAdmitted(index, admission.session, transport, options);
  }

  /**
   * Serve an admitted connection: the meter (for a cloned meter, every other session its clone)
   * answers through its slow-link and head-end-drop faults; the session's events are counted in
   * `stats`. Never rejects.
   */
  async serveAdmitted(index: number, session: number, transport: DlmsTransport, options: FleetServeOptions = {}): Promise<void> {
    const traits = this.plan.traits(index);
    const device = traits.cloned && session % 2 === 1 ? 1 : 0;
    if (device === 1) this.stats.fault('clone-session');
    const meter = this.acquire(index, device);
    let link: DlmsTransport = transport;
    if (traits.slowLink !== undefined) {
      link = new SlowLink(link, traits.slowLink.latencyMs, traits.slowLink.bitsPerSecond);
      this.stats.fault('slow-link');
    }
    const drop = this.plan.headEndDrop(index, session);
    if (drop !== undefined) link = new DroppingLink(link, drop, () => this.stats.fault('head-end-drop'));
    try {
      await serveMeter(meter, link, {
        onEvent: (e) => {
          this.count(e);
          options.onEvent?.(e);
        },
        ...(this.options.maxReceivePduSize !== undefined ? { maxReceivePduSize: this.options.maxReceivePduSize } : {}),
        ...(this.options.headEndSystemTitle !== undefined ? { headEndSystemTitle: this.options.headEndSystemTitle } : {}),
      });
    } finally {
      this.release(meter);
    }
  }

  /**
   * What an unreachable meter's link does (`FaultConfig.unreachable`): stay silent until the
   * head-end closes it or `unreachableHoldMs` passes, then close; or close at once.
   */
  async holdUnreachable(whenClosed: Promise<unknown>, close: () => Promise<void> | void): Promise<void> {
    const { unreachable, unreachableHoldMs } = this.plan.config;
    if (unreachable === 'silent') {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([whenClosed, new Promise<void>((resolve) => (timer = setTimeout(resolve, unreachableHoldMs)))]);
      clearTimeout(timer);
    }
    await close();
  }

  private count(e: ServerEvent): void {
    const s = this.stats;
    switch (e.type) {
      case 'associated':
        s.sessions++;
        if (e.clientSap === 1) s.managementSessions++;
        else if (e.clientSap === 16) s.publicSessions++;
        break;
      case 'association-refused':
        s.refused++;
        break;
      case 'authentication-failure':
        s.authenticationFailures++;
        break;
      case 'replay':
        s.replays++;
        break;
      case 'plain-apdu-refused':
        s.plainRefused++;
        break;
      case 'released':
        s.releases++;
        break;
      case 'deciphering-error':
        break;
    }
  }

  /** Stop the eviction timer and put every idle meter back to its core. */
  close(): void {
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    this.sweeper = undefined;
    this.evictIdle(0);
  }

  /** Bytes the fleet holds for all meters whatever they did: directory, core columns, per-meter counters. */
  get fixedBytes(): number {
    return this.directory.bytes + this.core.columnBytes + (this.cloneCore?.columnBytes ?? 0) + this.syncedUntil.byteLength + this.sessions.byteLength;
  }
}
