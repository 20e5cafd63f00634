import { CONTROL_MODE } from '@openams/dlms';
import type { ControlMode, ControlState } from '@openams/dlms';
import type { MeterIdentity } from '../identity/index.ts';
import {
  CosemModelError,
  METER_FLAGS,
  MeterState,
  activeKeys,
  appendEvent,
  applyPendingKeys,
  configureLimiter,
  createCosemHandler,
  disconnectTrigger,
  evaluateLimiter,
  EVENT_CODES,
  meterNow,
  pressDisconnectButton,
  registersAt,
  setMeterClock,
  updateSupply,
} from '../cosem/index.ts';
import type { CosemMeter, DisconnectOutcome, EventCode, EventLogName, LimiterState, MeterEnvironment, MeterKeySet, MeterObjectHandler, RegisterTuple } from '../cosem/index.ts';

/** Options of `VirtualMeter`. */
export interface VirtualMeterOptions {
  readonly identity: MeterIdentity;
  /** Shared by the whole fleet. */
  readonly env: MeterEnvironment;
  /** When the meter was installed: its load profiles hold entries from here on. */
  readonly installedAt: Date;
  /** Disconnect control_mode, 0–6. Default 1 (remote disconnect; remote reconnect arms, the customer closes). */
  readonly controlMode?: ControlMode;
}

/**
 * One virtual meter: its identity, its compact state, and the COSEM object model over them
 * (`handler()` for `DlmsServer`, `serveMeter` to run it on a transport). Measurements come from
 * the environment's `MeterDataSource` and time from its `SimClock`, so nothing time-dependent is
 * stored. The methods below are what the fleet and its fault layer do to a meter from outside
 * DLMS: power, clock faults, the customer's button, tamper events, firmware faults.
 */
export class VirtualMeter implements CosemMeter {
  readonly identity: MeterIdentity;
  readonly env: MeterEnvironment;
  readonly state: MeterState;

  constructor(options: VirtualMeterOptions) {
    const mode = options.controlMode ?? CONTROL_MODE.mode1;
    if (!Number.isInteger(mode) || mode < 0 || mode > 6) throw new CosemModelError('INVALID_ARGUMENT', `control mode ${mode} is outside 0..6`);
    this.identity = options.identity;
    this.env = options.env;
    this.state = new MeterState(options.identity.firmwareVersion, mode, options.installedAt.getTime());
  }

  /** The COSEM object handler for one connection (`connection` identifies it; see `createCosemHandler`). */
  handler(connection: object = {}): MeterObjectHandler {
    return createCosemHandler(this, connection);
  }

  /** Advance the meter to the clock's now: evaluates the limiter. The fleet calls it periodically. */
  tick(): void {
    evaluateLimiter(this);
  }

  // ------------------------------------------------------------------------------------------
  // Reading the state

  /** The meter clock's reading now (true time + offset + drift). */
  meterTime(): Date {
    return new Date(meterNow(this));
  }

  /** Registers A+, A−, R+, R− now (Wh, varh), as 1-0:x.8.0.255 show them. */
  registers(): RegisterTuple {
    return registersAt(this, this.env.clock.now().getTime());
  }

  get firmwareVersion(): string {
    return this.state.firmwareVersion;
  }

  get controlState(): ControlState {
    return this.state.controlState;
  }

  get poweredOn(): boolean {
    return (this.state.flags & METER_FLAGS.poweredOn) !== 0;
  }

  /** The keys associations that start now must use. */
  keys(): MeterKeySet {
    return activeKeys(this.identity, this.state.security);
  }

  // ------------------------------------------------------------------------------------------
  // Faults and the physical world

  /** Set the clock's offset from true time now (ms); drift restarts from now. No event: the meter does not know. */
  setClockOffset(offsetMs: number): void {
    const now = this.env.clock.now().getTime();
    this.state.clockOffsetMs = offsetMs;
    this.state.clockDriftFromMs = now;
  }

  /** Let the clock drift by `ppm` parts per million from now on, keeping its current reading. */
  setClockDrift(ppm: number): void {
    const now = this.env.clock.now().getTime();
    this.state.clockOffsetMs = meterNow(this) - now;
    this.state.clockDriftFromMs = now;
    this.state.clockDriftPpm = ppm;
  }

  /** Set the clock as a head-end would (events 4 and 5 logged). */
  setClock(meterTime: Date): void {
    setMeterClock(this, meterTime.getTime());
  }

  /** Mark the clock invalid (lost time after a long outage): status bits on the clock and on profile entries. */
  invalidateClock(): void {
    this.state.flags |= METER_FLAGS.clockInvalid;
    appendEvent(this.state, 'standard', EVENT_CODES.clockInvalid, meterNow(this));
  }

  /** Mains off (main fuse, outage): power down logged, no profile entries and no energy until `powerOn`. */
  powerOff(): void {
    if (!this.poweredOn) return;
    this.state.flags &= ~METER_FLAGS.poweredOn;
    appendEvent(this.state, 'powerFailure', EVENT_CODES.powerDown, meterNow(this));
    updateSupply(this, this.env.clock.now().getTime());
  }

  /** Mains back: power up logged; the next profile entry carries the power-down status bit. */
  powerOn(): void {
    if (this.poweredOn) return;
    this.state.flags |= METER_FLAGS.poweredOn;
    appendEvent(this.state, 'powerFailure', EVENT_CODES.powerUp, meterNow(this));
    updateSupply(this, this.env.clock.now().getTime());
  }

  /** The customer presses the disconnector button (closes an armed breaker; opens it in modes 1, 2, 5). */
  pressButton(): DisconnectOutcome {
    return pressDisconnectButton(this);
  }

  /** A local disconnect or reconnect, as a meter function other than the limiter would do. */
  localDisconnect(reconnect = false): DisconnectOutcome {
    return disconnectTrigger(this, reconnect ? 'local_reconnect' : 'local_disconnect');
  }

  /** Append an event (tamper, cover open, strong field, …) stamped with the meter's time. */
  logEvent(log: EventLogName, code: EventCode): void {
    appendEvent(this.state, log, code, meterNow(this));
  }

  /** Fault: the next image activations fail (status activation failed), or succeed again. */
  failFirmwareActivation(fail = true): void {
    this.state.flags = fail ? this.state.flags | METER_FLAGS.failActivation : this.state.flags & ~METER_FLAGS.failActivation;
  }

  /** Configure the limiter without DLMS (fleet defaults, tests). */
  configureLimiter(settings: Partial<Pick<LimiterState, 'thresholdNormal' | 'thresholdEmergency' | 'minOverS' | 'minUnderS'>>): void {
    configureLimiter(this, settings);
  }

  /** Put keys transferred by key_transfer in force now (normally when that association ends). */
  applyPendingKeys(): boolean {
    return applyPendingKeys(this.state.security);
  }
}
