import { ensureReadingsPartitions } from './partitions.ts';
import type { Database } from './driver.ts';
import { insertReadingsIdempotent } from './readings.ts';
import type { ReadingRow } from './readings.ts';

/**
 * Measures the ways of writing readings on one database, for `npm run bench -- ingest` and for
 * choosing the ingestion path. Each way writes `rows` fresh readings (distinct metering points,
 * one day of PT15M each) into `readings`; rates are rows per second, the median of the runs.
 */
export interface IngestRates {
  /** Raw COPY into `readings` (the baseline). */
  readonly copy: number;
  /** {@link insertReadingsIdempotent}, first delivery (the COPY path). */
  readonly idempotentFirst: number;
  /** {@link insertReadingsIdempotent}, the same rows again (the staging path, all skipped). */
  readonly idempotentRedelivery: number;
  /** Staging path with all rows new (what an overlapping batch costs at worst). */
  readonly stagedNew: number;
  /** `INSERT … VALUES (…), … ON CONFLICT DO NOTHING`, 1,000 rows a statement. */
  readonly insertValues: number;
  /** `INSERT … SELECT FROM unnest($1::…[], …) ON CONFLICT DO NOTHING`, 10,000 rows a statement. */
  readonly insertUnnest: number;
}

const DAY = Date.UTC(2030, 0, 15);

/** `n` readings: metering points from `firstPoint`, 96 quarter-hours each, on 2030-01-15. */
export function syntheticReadings(n: number, firstPoint: number): ReadingRow[] {
  return Array.from({ length: n }, (_, i) => ({
    meteringPointId: String(707057500000000000n + BigInt((firstPoint + Math.floor(i / 96)) * 10)),
    quantity: 'active-import',
    resolution: 'PT15M',
    intervalStart: new Date(DAY + (i % 96) * 900_000),
    version: 1,
    value: (i * 37) % 2500,
    quality: 'measured',
    source: 'collect',
  }));
}

async function rate(n: number, f: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await f();
  return Math.round(n / ((performance.now() - t) / 1000));
}

const COLUMNS = ['metering_point_id', 'interval_start', 'value', 'quantity', 'resolution', 'quality', 'source', 'version'];
const values = (r: ReadingRow) => [r.meteringPointId, r.intervalStart, r.value, r.quantity, r.resolution, r.quality, r.source, r.version] as const;

/** Runs every way `runs` times (default 3) with `n` rows each, after a warm-up (the database must be migrated). */
export async function measureReadingsIngest(db: Database, n: number, runs = 3): Promise<IngestRates> {
  await ensureReadingsPartitions(db, { from: new Date(DAY), to: new Date(DAY + 86_400_000) });
  const points = Math.ceil(n / 96) + 1;
  let next = 0;
  const fresh = () => syntheticReadings(n, next++ * points);
  const median = async (f: () => Promise<number>): Promise<number> => {
    const xs: number[] = [];
    for (let i = 0; i < runs; i++) xs.push(await f());
    return xs.sort((a, b) => a - b)[Math.floor(runs / 2)] ?? 0;
  };
  const warm = syntheticReadings(Math.min(n, 20_000), 90_000_000);
  await insertReadingsIdempotent(db, warm);
  await insertReadingsIdempotent(db, warm);

  const copy = await median(() => {
    const a = fresh();
    return rate(n, () => db.copyIn('readings', COLUMNS, a.map(values)));
  });
  const idempotentFirst = await median(() => {
    const b = fresh();
    return rate(n, () => insertReadingsIdempotent(db, b));
  });
  const idempotentRedelivery = await median(async () => {
    const b = fresh();
    await insertReadingsIdempotent(db, b);
    return rate(n, () => insertReadingsIdempotent(db, b));
  });
  // One stored row first makes the direct COPY fail at once; the rest are new.
  const stagedNew = await median(() => {
    const c = [warm[0] as ReadingRow, ...fresh().slice(1)];
    return rate(n, () => insertReadingsIdempotent(db, c));
  });
  const insertValues = await median(() => {
    const d = fresh();
    return rate(n, async () => {
      for (let i = 0; i < d.length; i += 1000) {
        const chunk = d.slice(i, i + 1000);
        const tuples = chunk.map((_, j) => `(${Array.from({ length: 8 }, (__, k) => `$${j * 8 + k + 1}`).join(', ')})`);
        await db.query(`INSERT INTO readings (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING`, chunk.flatMap(values));
      }
    });
  });
  const insertUnnest = await median(() => {
    const e = fresh();
    return rate(n, async () => {
      for (let i = 0; i < e.length; i += 10_000) {
        const chunk = e.slice(i, i + 10_000);
        await db.query(
          `INSERT INTO readings (${COLUMNS.join(', ')})
           SELECT * FROM unnest($1::int8[], $2::timestamptz[], $3::int8[], $4::text[]::quantity_kind[], $5::text[]::reading_resolution[],
                                $6::text[]::reading_quality[], $7::text[]::reading_source[], $8::int2[])
           ON CONFLICT DO NOTHING`,
          COLUMNS.map((_, k) => chunk.map((r) => values(r)[k] ?? null)),
        );
      }
    });
  });
  return { copy, idempotentFirst, idempotentRedelivery, stagedNew, insertValues, insertUnnest };
}
