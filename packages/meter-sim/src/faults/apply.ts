import type { SimClock } from '../clock/index.ts';
import type { VirtualMeter } from '../meter/index.ts';
import { lastDstChange } from './plan.ts';
import type { MeterFaultEvent, MeterFaultTraits } from './plan.ts';

/** Every fault the simulator injects, as the fleet's summary counts them. */
export const FAULT_KINDS = [
  'never-communicating',
  'signal-loss',
  'concentrator-outage',
  'power-off',
  'head-end-drop',
  'missing-entry',
  'duplicate-entry',
  'corrupt-entry',
  'clock-drift',
  'dst-glitch',
  'tamper',
  'clone-session',
  'firmware-activation-failure',
  'slow-link',
] as const;

/** One of `FAULT_KINDS`. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Told each time a fault is injected (a session refused, an entry dropped, an event logged, …). */
export type FaultCounter = (kind: FaultKind, count?: number) => void;

const DAY = 86_400_000;

/**
 * A meter's clock: the fleet's simulated time, except while the fault layer replays something
 * that happened earlier (`pin`). A meter records events with its own time, so replaying a main
 * fuse switched off yesterday at 14:02 through `VirtualMeter.powerOff()` with the clock pinned to
 * that instant puts exactly that in its power-failure log and its supply ledger.
 */
export class PinnableClock implements SimClock {
  private pinned: number | undefined;

  constructor(private readonly base: SimClock) {}

  now(): Date {
    return this.pinned !== undefined ? new Date(this.pinned) : this.base.now();
  }

  /** Until `unpin`, `now()` is `ms`. */
  pin(ms: number): void {
    this.pinned = ms;
  }

  unpin(): void {
    this.pinned = undefined;
  }
}

/**
 * Give a meter its lifelong faults when the fleet first makes it, as of true instant `syncMs`
 * (the start of its fault history): a firmware whose activation will fail, clock drift since its
 * last clock set (`driftSinceDays` before), and for a meter that misses DST changes, the hour
 * it is off since the last change before `syncMs`.
 */
export function applyMeterTraits(meter: VirtualMeter, traits: MeterFaultTraits, clock: PinnableClock, syncMs: number, onFault?: FaultCounter): void {
  try {
    if (traits.failsFirmwareActivation) {
      meter.failFirmwareActivation(true);
      onFault?.('firmware-activation-failure');
    }
    if (traits.clockDriftPpm !== 0) {
      clock.pin(syncMs - traits.driftSinceDays * DAY);
      meter.setClockDrift(traits.clockDriftPpm);
      onFault?.('clock-drift');
    }
    if (traits.dstGlitch) {
      const change = lastDstChange(syncMs);
      applyMeterEvents(meter, clock, [{ at: change.at, type: 'dst-glitch', shiftMs: change.shiftMs }], onFault);
    }
  } finally {
    clock.unpin();
  }
}

/**
 * Replay fault events on a meter, each at its instant (`FaultPlan.events` gives them in order):
 * the main fuse through `powerOff`/`powerOn` (power-failure log, no profile entries and no energy
 * while off), tamper codes into the fraud detection log, a missed DST change as a jump of the
 * clock's offset (drift so far kept).
 */
export function applyMeterEvents(meter: VirtualMeter, clock: PinnableClock, events: readonly MeterFaultEvent[], onFault?: FaultCounter): void {
  try {
    for (const e of events) {
      clock.pin(e.at);
      switch (e.type) {
        case 'power-off':
          meter.powerOff();
          onFault?.('power-off');
          break;
        case 'power-on':
          meter.powerOn();
          break;
        case 'tamper':
          meter.logEvent('fraud', e.code);
          onFault?.('tamper');
          break;
        case 'dst-glitch':
          meter.setClockOffset(meter.meterTime().getTime() - e.at + e.shiftMs);
          onFault?.('dst-glitch');
          break;
      }
    }
  } finally {
    clock.unpin();
  }
}
