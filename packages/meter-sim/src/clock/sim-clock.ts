/**
 * The simulator's notion of now. Every meter reads time through one of these, never through
 * `Date.now()`, so tests pin time, and a demo fleet can run a day in minutes.
 */
export interface SimClock {
  /** The simulated instant. */
  now(): Date;
}

/** A clock that stands still until told to move: for tests. */
export class ManualClock implements SimClock {
  private t: number;

  constructor(start: Date) {
    this.t = start.getTime();
  }

  now(): Date {
    return new Date(this.t);
  }

  set(instant: Date): void {
    this.t = instant.getTime();
  }

  advance(ms: number): void {
    this.t += ms;
  }
}

/**
 * Simulated time that runs `speed` times faster than the host clock from `start`: with speed 96 a
 * simulated day passes in 15 minutes. `realNow` is injectable for tests.
 */
export class AcceleratedClock implements SimClock {
  private readonly realStart: number;

  constructor(
    private readonly start: Date,
    private readonly speed: number,
    private readonly realNow: () => number = Date.now,
  ) {
    this.realStart = realNow();
  }

  now(): Date {
    return new Date(this.start.getTime() + (this.realNow() - this.realStart) * this.speed);
  }
}
