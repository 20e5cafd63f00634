/**
 * Rate measurement for benchmarks on noisy machines: candidate and baseline run in alternating
 * rounds within the same process, and each side's median round is reported, so a burst of
 * background load hits both about equally. Ratios, not absolute times, are what benches report.
 */
export interface RateResult {
  /** Operations per second, median over rounds. */
  readonly rate: number;
  readonly rounds: readonly number[];
}

function timeRound(fn: () => unknown, minMs: number): number {
  let ops = 0;
  let sink: unknown;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  // Check the clock every 64 calls so timing overhead stays out of the measured work.
  while (elapsed < minMs) {
    for (let i = 0; i < 64; i++) sink = fn();
    ops += 64;
    elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  }
  if (sink === Symbol.for('never')) console.log(sink);
  return (ops / elapsed) * 1000;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Alternate `candidate` and `baseline` for `rounds` rounds of at least `roundMs` each. */
export function compareRates(
  candidate: () => unknown,
  baseline: () => unknown,
  options: { rounds?: number; roundMs?: number; warmupMs?: number } = {},
): { candidate: RateResult; baseline: RateResult; ratio: number } {
  // BENCH_QUICK=1 (used by bench.test.ts) only checks that a bench runs end to end.
  const quick = process.env.BENCH_QUICK === '1';
  const { rounds = quick ? 1 : 9, roundMs = quick ? 10 : 300, warmupMs = quick ? 5 : 300 } = options;
  timeRound(candidate, warmupMs);
  timeRound(baseline, warmupMs);
  const c: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < rounds; i++) {
    c.push(timeRound(candidate, roundMs));
    b.push(timeRound(baseline, roundMs));
  }
  const cr = median(c);
  const br = median(b);
  return { candidate: { rate: cr, rounds: c }, baseline: { rate: br, rounds: b }, ratio: cr / br };
}
