import { addDays, osloDate, osloDayInterval } from '@openams/core';
import type { OsloDate } from '@openams/core';
import {
  CLOCK_CAPTURE_OBJECT,
  attributeDescriptor,
  encodeCosemDateTime,
  cosemDateTimeFromDate,
  encodeWrapperFrame,
  encodeXdlmsApdu,
  parseObis,
  protectApdu,
  rangeDescriptor,
  SECURITY_SUITE,
} from '@openams/dlms';
import type { DlmsData, LongInvokeIdAndPriority, Obis } from '@openams/dlms';
import { connectTcp } from '@openams/dlms-session';
import type { ServerRequestContext } from '@openams/dlms-session';
import { EVENT_LOGS, HES_PUSH_SETUP_OBIS, LOAD_PROFILE_OBIS, LOGICAL_DEVICE_NAME_OBIS, METER_FLAGS, MeterInvocationCounterStore, activeKeys, meterDateTime, osloDeviation } from '../cosem/index.ts';
import type { EventLogName } from '../cosem/index.ts';
import { hashText, uniform } from '../faults/index.ts';
import { FleetError } from './errors.ts';
import type { Fleet, FleetMeter } from './fleet.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Where and how a fleet pushes (`openams sim --push-to host:port`). */
export interface FleetPushOptions {
  readonly host: string;
  readonly port: number;
  /**
   * The daily push goes out at local midnight + `windowStartMinutes` + a delay drawn per meter in
   * `[0, windowMinutes)`, as the push setup's randomisation_start_interval staggers a real
   * fleet so the head-end is not hit by every meter at once. Defaults 10 and 360 (00:10–06:10).
   */
  readonly windowStartMinutes?: number;
  readonly windowMinutes?: number;
  /** Also push an alarm when the fault layer records a power failure or a tamper event. Default true. */
  readonly alarms?: boolean;
  /** Pushes in flight at once. Default 64. */
  readonly concurrency?: number;
  /** How often the schedule is looked at (real ms). Default 250. */
  readonly tickMs?: number;
  /** Wrapper destination wPort of the head-end's push listener. Default 1 (the management client, as Gurux's push listener expects). */
  readonly destinationWport?: number;
  /** Give up a push connection after this long (real ms). Default 10,000. */
  readonly connectTimeoutMs?: number;
}

/** What a push carries: the daily profile, or an alarm for events of one log since `sinceMs` (meter time). */
export type PushContent = { readonly type: 'daily'; readonly date: OsloDate } | { readonly type: 'alarm'; readonly log: EventLogName; readonly sinceMs: number };

const MANAGEMENT: ServerRequestContext = { clientSap: 1, mechanism: 'high-gmac', access: 'read-write', ciphered: true };
const LN = (obis: Obis): DlmsData => ({ type: 'octet-string', value: Uint8Array.from(obis.split(/[-:.]/).map(Number)) });

function dateTimeData(ms: number): DlmsData {
  return { type: 'octet-string', value: encodeCosemDateTime(cosemDateTimeFromDate(new Date(ms), { deviation: osloDeviation(ms, true) })) };
}

/**
 * The data-notification body a meter pushes (Green Book 9.3 DataNotification; Blue Book Push
 * setup): first the values of the head-end push setup's push_object_list — its logical name,
 * the logical device name, the clock — then what this push is about:
 *
 * - daily: the load profile's logical name (1-0:99.2.0.255) and its entries of the Oslo day
 *   `date` (read with a range: from the first quarter-hour's end to midnight), so a head-end that
 *   only listens gets every value a poll would;
 * - alarm: the event log's logical name and its {clock, code} entries since `sinceMs`, the
 *   layout meter gateways use for event pushes (e.g. Elvaco CMe3100's event push).
 */
export function pushBody(meter: FleetMeter, content: PushContent): DlmsData {
  const handler = meter.handler();
  const read = (classId: number, obis: Obis, attribute: number, access?: Parameters<typeof handler.get>[1]): DlmsData => {
    const r = handler.get(attributeDescriptor(classId, obis, attribute), access, MANAGEMENT);
    return r.type === 'data' ? r.value : { type: 'null-data' };
  };
  const head: DlmsData[] = [LN(HES_PUSH_SETUP_OBIS), read(1, LOGICAL_DEVICE_NAME_OBIS, 2), read(8, parseObis('0-0:1.0.0.255'), 2)];
  if (content.type === 'daily') {
    const day = osloDayInterval(content.date);
    const period = meter.state.profile2PeriodS * 1000;
    const access = rangeDescriptor({ restrictingObject: CLOCK_CAPTURE_OBJECT, from: dateTimeData(day.start.getTime() + period), to: dateTimeData(day.end.getTime()) });
    return { type: 'structure', value: [...head, LN(LOAD_PROFILE_OBIS[2]), read(7, LOAD_PROFILE_OBIS[2], 2, access)] };
  }
  const log = EVENT_LOGS[content.log].obis;
  const access = rangeDescriptor({ restrictingObject: CLOCK_CAPTURE_OBJECT, from: dateTimeData(content.sinceMs), to: dateTimeData(meter.meterTime().getTime()) });
  return { type: 'structure', value: [...head, LN(log), read(7, log, 2, access)] };
}

/**
 * The ciphered push APDU: a data-notification (unconfirmed; high priority for alarms) in
 * general-glo-ciphering with the meter's system title, security suite 0, authenticated and
 * encrypted under the meter's keys and its next outgoing invocation counter (persisted first),
 * so the head-end identifies the meter by the keys that decrypt it, not by a claim
 * (dlms-hes research §3.4).
 */
export async function pushApdu(meter: FleetMeter, content: PushContent): Promise<Uint8Array> {
  const counter = await new MeterInvocationCounterStore(meter.state.security).next();
  const iip: LongInvokeIdAndPriority = { invokeId: counter & 0xffffff, selfDescriptive: false, breakOnError: false, confirmed: false, highPriority: content.type === 'alarm' };
  const now = meter.meterTime().getTime();
  const plain = encodeXdlmsApdu({
    type: 'data-notification',
    longInvokeIdAndPriority: iip,
    dateTime: meterDateTime(now, (meter.state.flags & METER_FLAGS.dstEnabled) !== 0),
    body: pushBody(meter, content),
  });
  const keys = activeKeys(meter.identity, meter.state.security);
  return protectApdu(plain, {
    kind: 'general-glo',
    securityControl: { suite: SECURITY_SUITE.aesGcm128, authenticated: true, encrypted: true, broadcastKey: false },
    systemTitle: meter.identity.systemTitle,
    invocationCounter: counter,
    encryptionKey: keys.encryptionKey,
    authenticationKey: keys.authenticationKey,
  });
}

/** One scheduled push: meter, device (1 = its clone), when. */
interface Due {
  readonly at: number;
  readonly index: number;
  readonly device: 0 | 1;
  readonly content: PushContent;
}

/**
 * Meters that dial the head-end (`openams sim --push-to host:port`): each meter (and each clone
 * device, with its own counters) pushes its daily profile once a day, staggered over the push
 * window, and — with faults on — an alarm when a power failure or tamper event is recorded.
 * Each push is one TCP connection carrying one wrapper frame (source wPort 1, the meter's
 * management logical device) with the ciphered data-notification. A meter whose link is down at
 * that moment does not push (counted as a push failure and as the fault). The schedule of a day
 * is computed once (meter order by push time); time is the fleet's simulated clock.
 */
export class FleetPusher {
  private readonly options: Required<FleetPushOptions>;
  private readonly seed: number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private day: number | undefined;
  private schedule: Due[] = [];
  private next = 0;
  private lastMs: number;
  private readonly queue: Due[] = [];
  private inFlight = 0;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly fleet: Fleet,
    options: FleetPushOptions,
  ) {
    this.options = {
      windowStartMinutes: 10,
      windowMinutes: 360,
      alarms: true,
      concurrency: 64,
      tickMs: 250,
      destinationWport: 1,
      connectTimeoutMs: 10_000,
      ...options,
    };
    const o = this.options;
    if (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535) throw new FleetError('INVALID_OPTION', `the push port must be 1..65535, got ${o.port}`);
    if (!(o.windowMinutes > 0) || !(o.concurrency >= 1) || !(o.tickMs > 0)) throw new FleetError('INVALID_OPTION', 'windowMinutes, concurrency and tickMs must be positive');
    this.seed = hashText(`openams/meter-sim/push/v1|${fleet.seed}`);
    this.lastMs = fleet.clock.now().getTime();
    fleet.onPushRequest = (meter) => void this.deliver({ at: fleet.clock.now().getTime(), index: meter.identity.index, device: meter.device, content: this.dailyContent() });
  }

  private dailyContent(): PushContent {
    return { type: 'daily', date: addDays(osloDate(this.fleet.clock.now()), -1) };
  }

  /** When meter `index` (device `device`) pushes on the Oslo day starting at `dayStart`. */
  pushTime(index: number, device: 0 | 1, dayStart: number): number {
    const o = this.options;
    return dayStart + (o.windowStartMinutes + uniform(this.seed, index, device) * o.windowMinutes) * MINUTE;
  }

  /** Start pushing from now on (pushes due before now are not sent). */
  start(): void {
    if (this.timer !== undefined) return;
    this.lastMs = this.fleet.clock.now().getTime();
    this.timer = setInterval(() => this.tick(), this.options.tickMs);
    this.tick();
  }

  /** Stop scheduling, drop what is queued, and wait for the pushes in flight. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
    await this.idle();
  }

  /** Resolves once nothing is queued or in flight. */
  idle(): Promise<void> {
    if (this.inFlight === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Pushes queued or in flight. */
  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  private buildDay(dayStart: number, date: OsloDate): void {
    const fleet = this.fleet;
    const out: Due[] = [];
    const content: PushContent = { type: 'daily', date: addDays(date, -1) };
    for (let i = 0; i < fleet.size; i++) {
      out.push({ at: this.pushTime(i, 0, dayStart), index: i, device: 0, content });
      if (fleet.plan.traits(i).cloned) out.push({ at: this.pushTime(i, 1, dayStart), index: i, device: 1, content });
    }
    const dayEnd = dayStart + DAY + 2 * 3_600_000;
    if (this.options.alarms) {
      const r = fleet.plan.rates;
      if (r.powerOffPerDay > 0 || r.coverOpenPerDay > 0 || r.magneticFieldPerDay > 0) {
        for (let i = 0; i < fleet.size; i++) {
          for (const e of fleet.plan.events(i, dayStart, dayEnd)) {
            if (e.type === 'dst-glitch') continue;
            const log: EventLogName = e.type === 'tamper' ? 'fraud' : 'powerFailure';
            // A meter without power cannot push its power-down: it pushes when power returns.
            if (e.type === 'power-off') continue;
            out.push({ at: e.at + MINUTE, index: i, device: 0, content: { type: 'alarm', log, sinceMs: e.at - 5 * MINUTE } });
          }
        }
      }
    }
    out.sort((a, b) => a.at - b.at);
    this.schedule = out;
    this.next = 0;
  }

  /** Move the schedule to now: queue what fell due since the last tick, day by day. */
  tick(): void {
    const now = this.fleet.clock.now().getTime();
    // After a jump of more than a week (a test moving a manual clock), only the last day counts.
    const from = Math.max(this.lastMs, now - 7 * DAY);
    this.lastMs = now;
    let date = osloDate(new Date(from));
    for (;;) {
      const { start, end } = osloDayInterval(date);
      if (this.day !== start.getTime()) {
        this.day = start.getTime();
        this.buildDay(this.day, date);
        while (this.next < this.schedule.length && (this.schedule[this.next] as Due).at <= from) this.next++;
      }
      while (this.next < this.schedule.length && (this.schedule[this.next] as Due).at <= now) this.queue.push(this.schedule[this.next++] as Due);
      if (end.getTime() > now) break;
      date = addDays(date, 1);
    }
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < this.options.concurrency && this.queue.length > 0) void this.deliver(this.queue.shift() as Due);
  }

  /** Push one notification now; resolves true when it was delivered. */
  async deliver(due: Due): Promise<boolean> {
    const fleet = this.fleet;
    this.inFlight++;
    try {
      const down = fleet.linkDown(due.index);
      if (down !== undefined) {
        fleet.stats.fault(down);
        fleet.stats.pushFailures++;
        return false;
      }
      if (due.device === 1) fleet.stats.fault('clone-session');
      const meter = fleet.acquire(due.index, due.device);
      let apdu: Uint8Array;
      try {
        apdu = await pushApdu(meter, due.content);
      } finally {
        fleet.release(meter);
      }
      const frame = encodeWrapperFrame({ source: 1, destination: this.options.destinationWport, apdu });
      const socket = await connectTcp(this.options.host, this.options.port, { timeoutMs: this.options.connectTimeoutMs });
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.end(frame, () => resolve());
      });
      socket.destroySoon();
      fleet.stats.pushes++;
      fleet.stats.pushBytes += frame.length;
      return true;
    } catch {
      fleet.stats.pushFailures++;
      return false;
    } finally {
      this.inFlight--;
      this.pump();
      if (this.inFlight === 0 && this.queue.length === 0) for (const w of this.waiters.splice(0)) w();
    }
  }

  /** Push `content` from meter `index` now (tests, the head-end invoking push). */
  pushNow(index: number, content: PushContent, device: 0 | 1 = 0): Promise<boolean> {
    return this.deliver({ at: this.fleet.clock.now().getTime(), index, device, content });
  }
}
