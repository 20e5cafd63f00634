import type { HanEvent, HanReaderLike } from '../pipeline/types.ts';
import type { HanReading } from '../reading/index.ts';
import type { HanHourlyMessage, HanMqttPublisher, HanTariffMessage } from './mqtt.ts';
import type { HanSerialSourceOptions, HanSerialStatus } from './serial.ts';
import { HanSerialSource } from './serial.ts';
import { formatQuantities } from './format.ts';

/** Derived values for one reading: what to publish on the hourly and tariff topics, if anything. */
export interface HanDerivedUpdate {
  readonly hourly?: HanHourlyMessage;
  /** The month's capacity-tariff basis so far, once an hour has been measured. */
  readonly tariff?: HanTariffMessage;
  /** Whether `tariff` changed with this reading (only then is it published). */
  readonly tariffChanged?: boolean;
}

/**
 * The derived-value trackers behind the live loop (hourly energy, hour projection, capacity
 * tariff). {@link HanDerivedValues} implements it with `src/derived/`; tests pass a fake.
 */
export interface HanDerivedSource {
  update(reading: HanReading, receivedAt: Date): HanDerivedUpdate;
}

/** Options of {@link HanLive}. */
export interface HanLiveOptions {
  readonly serial: Omit<HanSerialSourceOptions, 'reader' | 'onEvent' | 'onStatus'>;
  readonly reader: HanReaderLike;
  readonly mqtt?: HanMqttPublisher;
  readonly derived?: HanDerivedSource;
  /** Each reading with its derived values (the CLI prints the live line here). */
  readonly onReading?: (reading: HanReading, derived: HanDerivedUpdate, receivedAt: Date) => void;
  /** Each error event of the reader (checksum errors, unknown lists …). */
  readonly onError?: (event: Extract<HanEvent, { type: 'error' }>, receivedAt: Date) => void;
  readonly onSerialStatus?: (status: HanSerialStatus) => void;
}

/**
 * The live HAN loop: serial line → reader → derived values → MQTT. One object, started and
 * stopped once; every side effect (port, broker, clock) belongs to the parts it is given.
 */
export class HanLive {
  readonly source: HanSerialSource;
  private readonly options: HanLiveOptions;
  private lastMeterId: string | undefined;

  constructor(options: HanLiveOptions) {
    this.options = options;
    this.source = new HanSerialSource({
      ...options.serial,
      reader: options.reader,
      onEvent: (event, at) => this.onEvent(event, at),
      onStatus: (status) => {
        if (status.type === 'open') options.mqtt?.setSerialState('open');
        else if (status.type === 'disconnected' || status.type === 'open-failed') options.mqtt?.setSerialState('down');
        options.onSerialStatus?.(status);
      },
    });
  }

  /** Opens the serial port (retrying in the background if it is not there yet). */
  start(): Promise<void> {
    return this.source.start();
  }

  /** Stops reading, then publishes the final status and disconnects from the broker. */
  async stop(): Promise<void> {
    await this.source.stop();
    this.options.mqtt?.updateStats(this.options.reader.stats, { force: true });
    await this.options.mqtt?.close();
  }

  private onEvent(event: HanEvent, receivedAt: Date): void {
    switch (event.type) {
      case 'reading': {
        const reading = event.reading;
        const derived = this.options.derived?.update(reading, receivedAt) ?? {};
        const mqtt = this.options.mqtt;
        if (mqtt) {
          mqtt.publishReading(reading);
          const meterId = reading.meterId ?? this.lastMeterId;
          if (meterId !== undefined) {
            if (derived.hourly) mqtt.publishHourly(meterId, derived.hourly);
            if (derived.tariff && derived.tariffChanged) mqtt.publishTariff(meterId, derived.tariff);
          }
        }
        if (reading.meterId !== undefined) this.lastMeterId = reading.meterId;
        this.options.onReading?.(reading, derived, receivedAt);
        break;
      }
      case 'error':
        this.options.onError?.(event, receivedAt);
        break;
    }
    this.options.mqtt?.updateStats(this.options.reader.stats);
  }
}

/**
 * The compact live line of `openams han read`: meter time, list, power, I/U per phase, then the
 * hour so far with its projection and the month's capacity step when known, e.g.
 * `09:44:40 L2  P+ 546 W  P- 0 W  …  I 0.78/1.83/2.06 A  U 232.0/0.0/234.8 V  hour 0.123 kWh → 0.540 kWh  step 2 (2–5 kW)`.
 */
export function formatLiveLine(reading: HanReading, derived: HanDerivedUpdate = {}): string {
  // The wall-clock part of the ISO timestamp: the meter's own clock (or the receive time).
  const time = /T(\d{2}:\d{2}:\d{2})/.exec(reading.timestamp)?.[1] ?? reading.timestamp;
  const parts = [`${time} L${reading.list ?? '?'}`, formatQuantities(reading)];
  const h = derived.hourly;
  if (h) {
    const proj = h.projectedWh !== null ? ` \u2192 ${(h.projectedWh / 1000).toFixed(3)} kWh` : '';
    parts.push(`hour ${(h.energyWh / 1000).toFixed(3)} kWh${proj}${h.exceedsLimit ? ' (above the step limit)' : ''}`);
  }
  const t = derived.tariff;
  if (t) parts.push(`step ${t.step}${t.stepLabel ? ` (${t.stepLabel})` : ''}`);
  return parts.filter((p) => p !== '').join('  ');
}
