import type { MeterIdentity, MeterVendor } from '../identity/index.ts';
import type { SimClock } from '../clock/index.ts';
import type { LoadProfileParams } from '../load/index.ts';
import { hanFrames } from './han-frames.ts';
import type { HanListNumber } from './han-frames.ts';
import { HanOutputError } from './han-output-error.ts';

/**
 * When a vendor pushes (research note han.md §3; NVE letter 27.06.2016):
 * - Aidon: a frame every 2.5 s; the one on each 10-second mark is List 2, the one at XX:00:10 is
 *   List 3, the others List 1.
 * - Kaifa: the same every 2 s.
 * - Kamstrup: List 2 every 10 s (xx:xx:x0) and List 3 at XX:00:05, no List 1.
 * Marks are counted on Oslo time; its offset to UTC is whole hours, so UTC marks are the same.
 */
export interface HanCadence {
  /** Milliseconds between frames of the base grid. */
  readonly periodMs: number;
  /** Offset of List 3 after the full hour. */
  readonly hourlyOffsetMs: number;
}

export const HAN_CADENCE: Readonly<Record<MeterVendor, HanCadence>> = {
  aidon: { periodMs: 2_500, hourlyOffsetMs: 10_000 },
  kaifa: { periodMs: 2_000, hourlyOffsetMs: 10_000 },
  kamstrup: { periodMs: 10_000, hourlyOffsetMs: 5_000 },
};

const HOUR = 3_600_000;

/** The first frame a vendor sends strictly after `afterMs` (epoch ms), and which list it is. */
export function nextHanEmission(vendor: MeterVendor, afterMs: number): { readonly atMs: number; readonly list: HanListNumber } {
  const { periodMs, hourlyOffsetMs } = HAN_CADENCE[vendor];
  const onGrid = (Math.floor(afterMs / periodMs) + 1) * periodMs;
  const hourly = (Math.floor((afterMs - hourlyOffsetMs) / HOUR) + 1) * HOUR + hourlyOffsetMs;
  const atMs = Math.min(onGrid, hourly);
  const list: HanListNumber = atMs === hourly ? 3 : atMs % 10_000 === 0 ? 2 : 1;
  return { atMs, list };
}

/** How many frames a vendor sends in (fromMs, toMs]: the grid points, plus Kamstrup's off-grid hourly list. */
export function framesIn(vendor: MeterVendor, fromMs: number, toMs: number): number {
  const { periodMs, hourlyOffsetMs } = HAN_CADENCE[vendor];
  const grid = Math.floor(toMs / periodMs) - Math.floor(fromMs / periodMs);
  if (hourlyOffsetMs % periodMs === 0) return grid;
  return grid + Math.floor((toMs - hourlyOffsetMs) / HOUR) - Math.floor((fromMs - hourlyOffsetMs) / HOUR);
}

/** One pushed frame. */
export interface HanEmission {
  readonly at: Date;
  readonly list: HanListNumber;
  /** The complete HDLC frame, as it leaves the HAN port. */
  readonly frame: Uint8Array;
}

/** Options of {@link HanEmitter}. */
export interface HanEmitterOptions {
  /** The first instant frames are due from (inclusive); default: the clock's now. */
  readonly start?: Date;
  /**
   * At most this many frames per `poll()`: a HAN port does not queue, so when the simulated clock
   * jumps further ahead the older frames are never sent (counted in `dropped`). Default 1,000.
   */
  readonly maxBacklog?: number;
  /** The meter's load parameters (default: derived from the identity). */
  readonly load?: LoadProfileParams;
}

/**
 * A meter's HAN port: driven by a `SimClock`, it hands out every frame that fell due since the
 * last call, in the vendor's cadence ({@link HAN_CADENCE}), built by `hanFrames`. It keeps two
 * numbers of state; the caller writes the frames wherever the stream goes (file, TCP, pty).
 */
export class HanEmitter {
  private lastMs: number;
  private droppedFrames = 0;
  private readonly maxBacklog: number;

  constructor(
    readonly meter: MeterIdentity,
    private readonly clock: SimClock,
    private readonly options: HanEmitterOptions = {},
  ) {
    const start = (options.start ?? clock.now()).getTime();
    if (!Number.isFinite(start)) throw new HanOutputError('INVALID_OPTION', 'the start instant is an invalid Date');
    const maxBacklog = options.maxBacklog ?? 1000;
    if (!Number.isInteger(maxBacklog) || maxBacklog < 1) throw new HanOutputError('INVALID_OPTION', `maxBacklog must be an integer ≥ 1, got ${maxBacklog}`);
    this.maxBacklog = maxBacklog;
    this.lastMs = start - 1;
  }

  /** Frames that were due but never sent because the clock jumped past them. */
  get dropped(): number {
    return this.droppedFrames;
  }

  /** When the next frame is due, and which list it will be. */
  nextDue(): { readonly at: Date; readonly list: HanListNumber } {
    const n = nextHanEmission(this.meter.vendor, this.lastMs);
    return { at: new Date(n.atMs), list: n.list };
  }

  /** Every frame due in (last call, now], oldest first; at most `maxBacklog` of them. */
  poll(): HanEmission[] {
    const now = this.clock.now().getTime();
    const { periodMs } = HAN_CADENCE[this.meter.vendor];
    // Skip ahead when more than the backlog fell due: only the newest frames are sent.
    const horizon = now - this.maxBacklog * periodMs;
    if (horizon > this.lastMs) {
      this.droppedFrames += framesIn(this.meter.vendor, this.lastMs, horizon);
      this.lastMs = horizon;
    }
    const out: HanEmission[] = [];
    for (;;) {
      const n = nextHanEmission(this.meter.vendor, this.lastMs);
      if (n.atMs > now) break;
      const at = new Date(n.atMs);
      out.push({ at, list: n.list, frame: hanFrames(this.meter, at, n.list, this.options.load ? { load: this.options.load } : {}) });
      this.lastMs = n.atMs;
    }
    return out;
  }
}
