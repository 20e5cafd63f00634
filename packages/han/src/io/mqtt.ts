import { connect as mqttConnect } from 'mqtt';
import type { IClientOptions, IClientPublishOptions, MqttClient } from 'mqtt';
import type { HanReaderStats } from '../pipeline/types.ts';
import type { DottedObis, HanReading, HanValue, HanVendor } from '../reading/index.ts';
import type { HaDiscoveryMessage, HanMeterInfo, HanTopics } from './ha-discovery.ts';
import {
  hourlyDiscovery,
  hourlyTopic,
  obisDiscovery,
  stateTopic,
  statusDiscovery,
  statusTopic,
  tariffDiscovery,
  tariffTopic,
  valueTopic,
} from './ha-discovery.ts';
import type { HanValueJson } from './format.ts';
import { valueJson } from './format.ts';

/**
 * The hourly topic's body. Energy in Wh (integers stay exact); times ISO 8601 with the
 * Europe/Oslo offset.
 */
export interface HanHourlyMessage {
  /** Start of the current hour. */
  readonly hourStart: string;
  /** Active energy imported so far in the current hour. */
  readonly energyWh: number;
  /** Projection for the whole current hour, `null` until there is enough data. */
  readonly projectedWh: number | null;
  /** The last complete hour, from List 3 counter deltas, when known. */
  readonly lastHour: { readonly hourStart: string; readonly energyWh: number } | null;
  /** What this hour must stay below to keep the month's capacity step (`null`: top step). */
  readonly limitWh?: number | null;
  /** Whether the projection reaches `limitWh`: at this rate the month moves up a step. */
  readonly exceedsLimit?: boolean;
}

/** The capacity-tariff topic's body: the running month's basis and the step it falls in. */
export interface HanTariffMessage {
  /** `YYYY-MM` in Oslo time. */
  readonly month: string;
  /** Mean of the top-3 daily maximum hourly energies (Wh, numerically the mean kW × 1000). */
  readonly basisWh: number;
  /** 1-based step of the configured step table. */
  readonly step: number;
  /** Human label of the step, e.g. `5–10 kW`. */
  readonly stepLabel?: string;
  /** The hours behind the basis: one per day, the highest. */
  readonly peaks: readonly { readonly hourStart: string; readonly energyWh: number }[];
}

/** The status topic's body (retained). `state` drives HA availability; the rest is diagnostics. */
export interface HanStatusMessage {
  readonly state: 'online' | 'offline';
  readonly frames?: number;
  readonly readings?: number;
  readonly checksumErrors?: number;
  readonly bytesDropped?: number;
  readonly errors?: Readonly<Record<string, number>>;
  readonly lastSeen?: string | null;
  /** The serial line, when the publisher is told (`open`, `down`). */
  readonly serial?: 'open' | 'down';
  /** Meters seen, by id. */
  readonly meters?: readonly string[];
}

/** The state topic's body: the meter's latest value of every OBIS code seen (see {@link HanMqttPublisher}). */
export interface HanStateMessage {
  readonly meterId: string;
  readonly vendor: HanVendor;
  readonly meterType: string | null;
  readonly listVersion: string | null;
  /** List and time of the latest frame. */
  readonly list: number | null;
  readonly timestamp: string;
  /** Every value seen, each with the time of the frame it came from. */
  readonly obis: Readonly<Record<string, HanValueJson & { readonly timestamp: string }>>;
}

/** What the publisher reports about its connection. */
export type HanMqttEvent =
  | { readonly type: 'connected' }
  | { readonly type: 'offline' }
  | { readonly type: 'reconnecting' }
  | { readonly type: 'error'; readonly message: string };

/** Options of {@link HanMqttPublisher}. */
export interface HanMqttOptions {
  /** Broker URL, `mqtt://host:1883` (credentials may be in the URL or below). */
  readonly url: string;
  /** Topic prefix, default `openams/han`. One prefix per HAN line: the status topic is per reader. */
  readonly prefix?: string;
  /** Home Assistant's discovery prefix, default `homeassistant`. */
  readonly discoveryPrefix?: string;
  /** Announce sensors with HA MQTT discovery (default true). */
  readonly discovery?: boolean;
  /** Also publish every value on `<prefix>/<meterId>/obis/<code>` as plain text (default false). */
  readonly perValueTopics?: boolean;
  readonly clientId?: string;
  readonly username?: string;
  readonly password?: string;
  /** Delay between reconnect attempts (MQTT.js `reconnectPeriod`), default 1000 ms. */
  readonly reconnectPeriodMs?: number;
  /** Least time between two status messages, default 10 s. */
  readonly statusIntervalMs?: number;
  /** At most this many meters are remembered (default 16); the least recently seen goes first. */
  readonly maxMeters?: number;
  readonly onEvent?: (event: HanMqttEvent) => void;
  readonly now?: () => Date;
  /** MQTT.js `connect`, replaceable in tests. */
  readonly connect?: (url: string, options: IClientOptions) => MqttClient;
}

interface MeterState {
  info: HanMeterInfo;
  listVersion: string | null;
  list: number | null;
  timestamp: string;
  obis: Map<string, HanValueJson & { timestamp: string }>;
  hourly?: HanHourlyMessage;
  tariff?: HanTariffMessage;
}

const RETAINED_QOS1: IClientPublishOptions = { qos: 1, retain: true };
const RETAINED_QOS0: IClientPublishOptions = { qos: 0, retain: true };

function checksumErrors(stats: HanReaderStats): number {
  return stats.errors['CHECKSUM_MISMATCH'] ?? 0;
}

/**
 * Publishes HAN readings and derived values over MQTT (MQTT.js), with Home Assistant discovery.
 *
 * Topics: `<prefix>/<meterId>/state` (JSON, retained), `<prefix>/<meterId>/hourly`,
 * `<prefix>/<meterId>/tariff`, optional `<prefix>/<meterId>/obis/<code>`, and
 * `<prefix>/status` (retained; the broker publishes `{"state":"offline"}` there as our last
 * will). Discovery configs go to `<discoveryPrefix>/sensor/<unique_id>/config`, retained.
 *
 * A frame of List 1 carries only active power, List 2 adds currents and voltages, List 3 energy:
 * the state topic therefore merges them, keeping the latest value of every OBIS code with the
 * time of its frame, so a Home Assistant template never points at a key that a shorter list left
 * out. A sensor is announced when its value is first seen: a 1-phase meter gets no L2/L3 sensors.
 * Readings without a meter id (Aidon and Kaifa List 1) belong to the last meter id seen.
 *
 * While the broker is unreachable nothing is queued: MQTT.js would buffer every QoS 0 publish
 * without bound (`queueQoSZero`), so the publisher skips publishing and keeps only the latest
 * state, hourly and tariff message per meter. On every (re)connect it publishes the status,
 * every discovery config and that latest state again — a broker restarted without persistence
 * has lost its retained messages. It does the same when Home Assistant announces itself on
 * `<discoveryPrefix>/status` (HA's birth message), so a restarted HA gets its sensors back.
 */
export class HanMqttPublisher {
  readonly topics: HanTopics;
  private readonly client: MqttClient;
  private readonly options: HanMqttOptions;
  private readonly meters = new Map<string, MeterState>();
  private readonly now: () => Date;
  private lastMeterId: string | undefined;
  private stats: HanReaderStats | undefined;
  private serial: 'open' | 'down' | undefined;
  private lastStatusAt = 0;
  private closed = false;
  private firstConnect: Promise<void>;

  constructor(options: HanMqttOptions) {
    this.options = options;
    this.topics = { prefix: trimSlashes(options.prefix ?? 'openams/han'), discoveryPrefix: trimSlashes(options.discoveryPrefix ?? 'homeassistant') };
    this.now = options.now ?? (() => new Date());
    const will = { topic: statusTopic(this.topics), payload: Buffer.from(JSON.stringify({ state: 'offline' } satisfies HanStatusMessage)), qos: 1 as const, retain: true };
    const clientOptions: IClientOptions = {
      reconnectPeriod: options.reconnectPeriodMs ?? 1000,
      connectTimeout: 10_000,
      // Never buffer QoS 0 publishes while offline: see the class comment.
      queueQoSZero: false,
      clean: true,
      will,
      ...(options.clientId ? { clientId: options.clientId } : {}),
      ...(options.username !== undefined ? { username: options.username } : {}),
      ...(options.password !== undefined ? { password: options.password } : {}),
    };
    this.client = (options.connect ?? mqttConnect)(options.url, clientOptions);
    this.firstConnect = new Promise((resolve) => this.client.once('connect', () => resolve()));
    this.client.on('connect', () => {
      options.onEvent?.({ type: 'connected' });
      this.onConnect();
    });
    this.client.on('offline', () => options.onEvent?.({ type: 'offline' }));
    this.client.on('reconnect', () => options.onEvent?.({ type: 'reconnecting' }));
    this.client.on('error', (e) => options.onEvent?.({ type: 'error', message: e.message }));
    this.client.on('message', (topic, payload) => {
      if (topic === `${this.topics.discoveryPrefix}/status` && payload.toString() === 'online') this.republish();
    });
  }

  /** Whether the broker connection is up right now. */
  get connected(): boolean {
    return this.client.connected;
  }

  /** Resolves on the first successful connection (MQTT.js keeps retrying until then). */
  ready(): Promise<void> {
    return this.firstConnect;
  }

  /** Publishes one reading: merges it into the meter's state and announces new sensors. */
  publishReading(reading: HanReading): void {
    const meterId = reading.meterId ?? this.lastMeterId;
    if (meterId === undefined) return; // a List 1 frame before the first List 2: no meter to put it on yet
    this.lastMeterId = meterId;
    const m = this.meter(meterId, reading.vendor, reading.meterType);
    if (reading.listVersion !== undefined) m.listVersion = reading.listVersion;
    m.list = reading.list ?? null;
    m.timestamp = reading.timestamp;
    const fresh: string[] = [];
    for (const [code, v] of Object.entries(reading.obis) as [DottedObis, HanValue][]) {
      if (!m.obis.has(code)) fresh.push(code);
      m.obis.set(code, { ...valueJson(v), timestamp: reading.timestamp });
    }
    if (!this.client.connected) return;
    if (this.options.discovery !== false) {
      for (const code of fresh) {
        const d = obisDiscovery(this.topics, m.info, code);
        if (d) this.publishDiscovery(d);
      }
    }
    this.publish(stateTopic(this.topics, meterId), JSON.stringify(stateMessage(m)), RETAINED_QOS0);
    if (this.options.perValueTopics) {
      for (const [code, v] of Object.entries(reading.obis) as [DottedObis, HanValue][]) {
        this.publish(valueTopic(this.topics, meterId, code), String(v.text ?? v.value), RETAINED_QOS0);
      }
    }
  }

  /** Publishes the hourly-energy message of a meter (the latest one is kept for reconnects). */
  publishHourly(meterId: string, message: HanHourlyMessage): void {
    const m = this.meters.get(meterId);
    if (!m) return;
    const first = m.hourly === undefined;
    m.hourly = message;
    if (!this.client.connected) return;
    if (first && this.options.discovery !== false) for (const d of hourlyDiscovery(this.topics, m.info)) this.publishDiscovery(d);
    this.publish(hourlyTopic(this.topics, meterId), JSON.stringify(message), RETAINED_QOS0);
  }

  /** Publishes the capacity-tariff message of a meter (the latest one is kept for reconnects). */
  publishTariff(meterId: string, message: HanTariffMessage): void {
    const m = this.meters.get(meterId);
    if (!m) return;
    const first = m.tariff === undefined;
    m.tariff = message;
    if (!this.client.connected) return;
    if (first && this.options.discovery !== false) for (const d of tariffDiscovery(this.topics, m.info)) this.publishDiscovery(d);
    this.publish(tariffTopic(this.topics, meterId), JSON.stringify(message), RETAINED_QOS1);
  }

  /** Updates the diagnostics; published at most every `statusIntervalMs` (and on connect). */
  updateStats(stats: HanReaderStats, options: { force?: boolean } = {}): void {
    this.stats = stats;
    const t = this.now().getTime();
    if (!options.force && t - this.lastStatusAt < (this.options.statusIntervalMs ?? 10_000)) return;
    this.publishStatus('online');
  }

  /** Records the serial line's state in the status topic (published at once). */
  setSerialState(state: 'open' | 'down'): void {
    this.serial = state;
    this.publishStatus('online');
  }

  /** The status message as it would be published now. */
  statusMessage(state: 'online' | 'offline'): HanStatusMessage {
    const s = this.stats;
    return {
      state,
      ...(s
        ? {
            frames: s.frames,
            readings: s.readings,
            checksumErrors: checksumErrors(s),
            bytesDropped: s.bytesDropped,
            errors: s.errors,
            lastSeen: s.lastReadingAt ?? null,
          }
        : {}),
      ...(this.serial ? { serial: this.serial } : {}),
      meters: [...this.meters.keys()],
    };
  }

  /**
   * Publishes `offline` with the final diagnostics (the last will is only for unclean exits) and
   * disconnects. Safe to call twice.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.client.connected) {
      try {
        await this.client.publishAsync(statusTopic(this.topics), JSON.stringify(this.statusMessage('offline')), RETAINED_QOS1);
      } catch {
        // The broker went away while we were leaving; the last will says offline for us.
      }
    }
    await this.client.endAsync(!this.client.connected);
  }

  private meter(meterId: string, vendor: HanVendor, meterType: string | undefined): MeterState {
    let m = this.meters.get(meterId);
    if (m) {
      this.meters.delete(meterId); // re-insert: Map order is recency
      if ((meterType && m.info.meterType !== meterType) || (vendor !== 'generic' && m.info.vendor !== vendor)) {
        m.info = { meterId, vendor: vendor !== 'generic' ? vendor : m.info.vendor, ...((meterType ?? m.info.meterType) ? { meterType: meterType ?? m.info.meterType } : {}) };
        // The device block changed (e.g. the type arrived with List 2): announce again.
        if (this.client.connected && this.options.discovery !== false) this.publishAllDiscovery(m);
      }
    } else {
      m = { info: { meterId, vendor, ...(meterType ? { meterType } : {}) }, listVersion: null, list: null, timestamp: '', obis: new Map() };
      const max = this.options.maxMeters ?? 16;
      while (this.meters.size >= max) {
        const oldest = this.meters.keys().next().value;
        if (oldest === undefined) break;
        this.meters.delete(oldest);
      }
      if (this.client.connected && this.options.discovery !== false) for (const d of statusDiscovery(this.topics, m.info)) this.publishDiscovery(d);
    }
    this.meters.set(meterId, m);
    return m;
  }

  private onConnect(): void {
    if (this.options.discovery !== false) this.client.subscribe(`${this.topics.discoveryPrefix}/status`, { qos: 1 });
    this.republish();
  }

  /** Status, every discovery config and the latest state of every meter. */
  private republish(): void {
    if (!this.client.connected) return;
    this.publishStatus('online');
    for (const [meterId, m] of this.meters) {
      if (this.options.discovery !== false) this.publishAllDiscovery(m);
      if (m.timestamp !== '') this.publish(stateTopic(this.topics, meterId), JSON.stringify(stateMessage(m)), RETAINED_QOS0);
      if (m.hourly) this.publish(hourlyTopic(this.topics, meterId), JSON.stringify(m.hourly), RETAINED_QOS0);
      if (m.tariff) this.publish(tariffTopic(this.topics, meterId), JSON.stringify(m.tariff), RETAINED_QOS1);
    }
  }

  private publishAllDiscovery(m: MeterState): void {
    const all: HaDiscoveryMessage[] = [...statusDiscovery(this.topics, m.info)];
    for (const code of m.obis.keys()) {
      const d = obisDiscovery(this.topics, m.info, code);
      if (d) all.push(d);
    }
    if (m.hourly) all.push(...hourlyDiscovery(this.topics, m.info));
    if (m.tariff) all.push(...tariffDiscovery(this.topics, m.info));
    for (const d of all) this.publishDiscovery(d);
  }

  private publishDiscovery(d: HaDiscoveryMessage): void {
    this.publish(d.topic, JSON.stringify(d.config), RETAINED_QOS1);
  }

  private publishStatus(state: 'online' | 'offline'): void {
    if (!this.client.connected || this.closed) return;
    this.lastStatusAt = this.now().getTime();
    this.publish(statusTopic(this.topics), JSON.stringify(this.statusMessage(state)), RETAINED_QOS1);
  }

  private publish(topic: string, payload: string, opts: IClientPublishOptions): void {
    this.client.publish(topic, payload, opts, (err) => {
      if (err) this.options.onEvent?.({ type: 'error', message: `publish ${topic}: ${err.message}` });
    });
  }
}

function stateMessage(m: MeterState): HanStateMessage {
  return {
    meterId: m.info.meterId,
    vendor: m.info.vendor,
    meterType: m.info.meterType ?? null,
    listVersion: m.listVersion,
    list: m.list,
    timestamp: m.timestamp,
    obis: Object.fromEntries(m.obis),
  };
}

function trimSlashes(s: string): string {
  return s.replace(/^\/+|\/+$/g, '');
}

/**
 * A broker URL with any password replaced by `***`, for logs (`mqtt://user:***@host:1883`).
 * Unparseable input is returned as `<invalid url>` so nothing secret leaks through an error path.
 */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '<invalid url>';
  }
}
