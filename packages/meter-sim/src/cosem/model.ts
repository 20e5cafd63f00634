import type { Obis } from '@openams/dlms';
import type { SimClock } from '../clock/index.ts';
import type { MeterIdentity, MeterVendor } from '../identity/index.ts';
import type { MeterDataSource } from './data-source.ts';
import type { MeterState } from './state.ts';

/** How load-profile entries carry energy. */
export type ProfileValueMode =
  /** The cumulative register at the end of each interval (IDIS load profile 1, Aidon/Kaifa/Kamstrup in Norway): the default. */
  | 'cumulative'
  /** The energy of the interval itself, with the columns pointing at 1-0:x.29.0.255 (some vendors' profiles). */
  | 'delta';

/**
 * What the meters of one fleet share: the simulated clock, the load model, the vendors' firmware
 * signing keys, the profile style. One object for the whole fleet, so none of it costs memory
 * per meter.
 */
export interface MeterEnvironment {
  readonly clock: SimClock;
  readonly dataSource: MeterDataSource;
  /** Each vendor's firmware signing public key, P-256 X‖Y (64 bytes), as the meter holds it. */
  readonly firmwareKeys: Readonly<Partial<Record<MeterVendor, Uint8Array>>>;
  /** Default 'cumulative'. */
  readonly profileValues?: ProfileValueMode;
  /** Told when a client invokes push (method 1) on a push setup; the fleet does the sending. */
  readonly onPush?: (meter: CosemMeter, pushSetup: Obis) => void;
}

/**
 * One meter as its COSEM objects see it: who it is, what it remembers, and the shared
 * environment. `VirtualMeter` (meter/) is the implementation the fleet uses.
 */
export interface CosemMeter {
  readonly identity: MeterIdentity;
  readonly state: MeterState;
  readonly env: MeterEnvironment;
}

/** The true instant now, ms. */
export function trueNow(m: CosemMeter): number {
  return m.env.clock.now().getTime();
}
