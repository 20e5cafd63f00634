import { CapacityTariffTracker, HourProjector, HourlyEnergyTracker, isMeasuredHour } from '../derived/index.ts';
import type { CapacityTariffOptions, HourProjectorOptions, HourlyEnergyOptions, MonthlyCapacity } from '../derived/index.ts';
import { isHanError } from '../errors/index.ts';
import type { HanReading } from '../reading/index.ts';
import type { HanDerivedSource, HanDerivedUpdate } from './live.ts';
import type { HanHourlyMessage, HanTariffMessage } from './mqtt.ts';

/** Options of {@link HanDerivedValues}: those of the three trackers of `src/derived/`. */
export interface HanDerivedValuesOptions {
  readonly hourly?: HourlyEnergyOptions;
  readonly tariff?: CapacityTariffOptions;
  readonly projection?: HourProjectorOptions;
  /** Told when a tracker refuses a reading (a `HanError`); the live loop goes on. */
  readonly onNote?: (note: string) => void;
}

interface MeterTrackers {
  readonly hourly: HourlyEnergyTracker;
  readonly projector: HourProjector;
  readonly tariff: CapacityTariffTracker;
  lastHour: HanHourlyMessage['lastHour'];
  lastTariffJson: string | undefined;
  tariffMessage: HanTariffMessage | undefined;
}

/** The MQTT/CLI form of a month's capacity basis. */
export function tariffMessage(m: MonthlyCapacity): HanTariffMessage {
  return {
    month: m.month,
    basisWh: Math.round(m.basisKw * 1000),
    step: m.step.index + 1,
    stepLabel: m.step.label,
    peaks: m.topDays.map((d) => ({ hourStart: d.hourStart, energyWh: d.importWh })),
  };
}

/**
 * The derived values of `src/derived/` behind the live loop, per meter: List 3 counters →
 * hourly energy (`HourlyEnergyTracker`, booked by the meter clock) → the month's capacity basis
 * (`CapacityTariffTracker`); List 1/2 power → the current hour so far and its projection
 * (`HourProjector`, timed by receive time). Readings without a meter id (List 1) go to the last
 * meter seen; before any meter id they give nothing.
 */
export class HanDerivedValues implements HanDerivedSource {
  private readonly options: HanDerivedValuesOptions;
  private readonly meters = new Map<string, MeterTrackers>();
  private lastMeterId: string | undefined;

  constructor(options: HanDerivedValuesOptions = {}) {
    this.options = options;
  }

  update(reading: HanReading, receivedAt: Date): HanDerivedUpdate {
    const meterId = reading.meterId ?? this.lastMeterId;
    if (meterId === undefined) return {};
    this.lastMeterId = meterId;
    const m = this.trackers(meterId);
    try {
      for (const e of m.hourly.push(reading)) {
        m.tariff.add(e);
        if (isMeasuredHour(e)) m.lastHour = { hourStart: e.hourStart, energyWh: e.importWh };
        for (const note of e.notes) this.options.onNote?.(note);
      }
      m.projector.push(reading, receivedAt);
    } catch (e) {
      if (!isHanError(e)) throw e;
      this.options.onNote?.(`${e.code}: ${e.message}`);
    }
    const hourly = this.hourlyMessage(m);
    const month = m.tariff.current;
    let tariffChanged = false;
    if (month) {
      const msg = tariffMessage(month);
      const json = JSON.stringify(msg);
      tariffChanged = json !== m.lastTariffJson;
      m.lastTariffJson = json;
      m.tariffMessage = msg;
    }
    return {
      ...(hourly ? { hourly } : {}),
      ...(m.tariffMessage ? { tariff: m.tariffMessage, tariffChanged } : {}),
    };
  }

  private hourlyMessage(m: MeterTrackers): HanHourlyMessage | undefined {
    let p;
    try {
      p = m.projector.projection({ tariff: m.tariff });
    } catch (e) {
      if (!isHanError(e)) throw e;
      p = m.projector.projection();
    }
    if (!p) return undefined;
    return {
      hourStart: p.hourStart,
      energyWh: Math.round(p.energySoFarWh + p.uncoveredEstimateWh),
      projectedWh: Math.round(p.projectedWh),
      lastHour: m.lastHour,
      ...(p.limit ? { limitWh: p.limit.limitWh, exceedsLimit: p.limit.exceeds } : {}),
    };
  }

  private trackers(meterId: string): MeterTrackers {
    let m = this.meters.get(meterId);
    if (!m) {
      m = {
        hourly: new HourlyEnergyTracker(this.options.hourly),
        projector: new HourProjector(this.options.projection),
        tariff: new CapacityTariffTracker(this.options.tariff),
        lastHour: null,
        lastTariffJson: undefined,
        tariffMessage: undefined,
      };
      this.meters.set(meterId, m);
    }
    return m;
  }
}
