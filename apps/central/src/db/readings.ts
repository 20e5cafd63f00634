import type { Quality, QuantityKind, Resolution } from '@openams/core';
import type { CopyValue, Queryable } from './driver.ts';
import { isDbError } from './errors.ts';

/** Where a reading's version came from (enum `reading_source`). */
export type ReadingSource = 'collect' | 'push' | 'vee' | 'manual' | 'import';

/** One version of one interval's value, as stored in `readings`. */
export interface ReadingRow {
  /** The 18-digit GSRN (a `MeteringPointId`). */
  readonly meteringPointId: string;
  readonly quantity: QuantityKind;
  readonly resolution: Resolution;
  /** Start of the interval (UTC instant, on the resolution's grid). */
  readonly intervalStart: Date;
  /** 1 for the first value of an interval, +1 for each correction. */
  readonly version: number;
  /** Energy in Wh (active) or varh (reactive), a safe integer; null only for `missing`. */
  readonly value: number | null;
  readonly quality: Quality;
  readonly source: ReadingSource;
  /** Default: the transaction's start (`now()`). */
  readonly receivedAt?: Date;
}

/** What {@link insertReadingsIdempotent} did with a batch. */
export interface IdempotentInsertResult {
  /** Rows stored now. */
  readonly inserted: number;
  /** Rows whose key (metering point, quantity, resolution, interval, version) was already stored. */
  readonly skipped: number;
  /**
   * Skipped rows whose value or quality differs from the one stored before this batch: not a
   * redelivery but a second, different value under the same version — the caller should raise
   * it (VEE). (A key twice within one batch is skipped but not compared.)
   */
  readonly conflicting: number;
  /** `copy`: the batch went straight in; `staged`: it overlapped stored rows and went through the staging table. */
  readonly path: 'copy' | 'staged';
}

const COLUMNS = ['metering_point_id', 'interval_start', 'value', 'quantity', 'resolution', 'quality', 'source', 'version'] as const;
const KEY = 'metering_point_id, quantity, resolution, interval_start, version';

/** COPY columns and rows; received_at only when some row sets it (else the column default, now()). */
function copyInput(rows: readonly ReadingRow[], now: Date | undefined): { columns: readonly string[]; values: Iterable<readonly CopyValue[]> } {
  const values = rows.map((r): CopyValue[] => [r.meteringPointId, r.intervalStart, r.value, r.quantity, r.resolution, r.quality, r.source, r.version]);
  if (now === undefined) return { columns: COLUMNS, values };
  rows.forEach((r, i) => values[i]?.push(r.receivedAt ?? now));
  return { columns: [...COLUMNS, 'received_at'], values };
}

/**
 * Stores a batch of readings so that delivering it again never duplicates a value: rows whose
 * key is already stored are skipped (and counted; `conflicting` counts those whose value
 * differs). Corrections must come with a higher `version`.
 *
 * How: the batch is first COPYed straight into `readings` inside a savepoint — the common case
 * (new values) costs one COPY. If any row's key exists, COPY fails with a unique violation, the
 * savepoint rolls it back, and the batch is COPYed into a session-local staging table (a
 * temporary table, created once per connection, emptied at commit); one statement then probes
 * each staged key, inserts the absent rows (`INSERT … SELECT … ON CONFLICT DO NOTHING`) and
 * counts the conflicting ones. Redeliveries and overlapping re-reads usually collide on their
 * first row, so the failed attempt costs little.
 *
 * Runs in a transaction of its own, or as a savepoint of `db` when that is a transaction.
 */
export async function insertReadingsIdempotent(db: Queryable, rows: readonly ReadingRow[]): Promise<IdempotentInsertResult> {
  if (rows.length === 0) return { inserted: 0, skipped: 0, conflicting: 0, path: 'copy' };
  return db.transaction(async (tx) => {
    let now: Date | undefined;
    if (rows.some((r) => r.receivedAt !== undefined)) {
      const { rows: clock } = await tx.query<{ now: Date }>('SELECT now() AS now');
      now = clock[0]?.now;
    }
    const input = copyInput(rows, now);
    try {
      const inserted = await tx.transaction((sp) => sp.copyIn('readings', input.columns, input.values));
      return { inserted, skipped: 0, conflicting: 0, path: 'copy' as const };
    } catch (e) {
      if (!isDbError(e, 'UNIQUE_VIOLATION')) throw e;
    }
    // ON COMMIT DELETE ROWS keeps the table (no catalog churn per batch) but never its rows past
    // the commit; within a caller's transaction an earlier batch may still be there.
    await tx.exec('CREATE TEMP TABLE IF NOT EXISTS readings_staging (LIKE readings INCLUDING DEFAULTS) ON COMMIT DELETE ROWS');
    await tx.exec('DELETE FROM readings_staging');
    await tx.copyIn('readings_staging', input.columns, input.values);
    // One pass: probe each staged row's key (LATERAL … LIMIT 1 forces an index probe; the
    // temporary table has no statistics, and a hash or merge join would read a whole month of
    // readings), insert the absent ones, count the present ones whose value differs. ON CONFLICT
    // still guards against a key twice in the batch and against a concurrent writer. JIT is
    // off for the rest of the transaction: it costs more than this plan's run time.
    await tx.query("SELECT set_config('jit', 'off', true)");
    const { rows: counts } = await tx.query<{ inserted: number; conflicting: number }>(
      `WITH probe AS (
         SELECT s.*, r.value AS stored_value, r.quality AS stored_quality, r.quality IS NOT NULL AS stored
         FROM readings_staging s
         LEFT JOIN LATERAL (
           SELECT r.value, r.quality FROM readings r
           WHERE r.metering_point_id = s.metering_point_id AND r.quantity = s.quantity AND r.resolution = s.resolution
             AND r.interval_start = s.interval_start AND r.version = s.version
           LIMIT 1) r ON true
       ), inserted AS (
         INSERT INTO readings (${COLUMNS.join(', ')}, received_at)
         SELECT ${COLUMNS.join(', ')}, received_at FROM probe WHERE NOT stored
         ON CONFLICT (${KEY}) DO NOTHING
         RETURNING 1
       )
       SELECT (SELECT count(*)::int FROM inserted) AS inserted,
              count(*) FILTER (WHERE stored AND (stored_value IS DISTINCT FROM value OR stored_quality <> quality))::int AS conflicting
       FROM probe`,
    );
    const inserted = counts[0]?.inserted ?? 0;
    return { inserted, skipped: rows.length - inserted, conflicting: counts[0]?.conflicting ?? 0, path: 'staged' as const };
  });
}

/** The latest version of each interval of one series in [from, to), in time order (from `readings_latest`). */
export async function readLatestReadings(
  db: Queryable,
  series: { readonly meteringPointId: string; readonly quantity: QuantityKind; readonly resolution: Resolution },
  range: { readonly from: Date; readonly to: Date },
): Promise<ReadingRow[]> {
  const { rows } = await db.query<{
    metering_point_id: string;
    interval_start: Date;
    value: string | null;
    quantity: QuantityKind;
    resolution: Resolution;
    quality: Quality;
    source: ReadingSource;
    version: number;
    received_at: Date;
  }>(
    `SELECT metering_point_id, interval_start, value, quantity, resolution, quality, source, version, received_at
     FROM readings_latest
     WHERE metering_point_id = $1 AND quantity = $2 AND resolution = $3 AND interval_start >= $4 AND interval_start < $5
     ORDER BY interval_start`,
    [series.meteringPointId, series.quantity, series.resolution, range.from, range.to],
  );
  return rows.map((r) => ({
    meteringPointId: r.metering_point_id,
    quantity: r.quantity,
    resolution: r.resolution,
    intervalStart: r.interval_start,
    version: r.version,
    value: r.value === null ? null : Number(r.value),
    quality: r.quality,
    source: r.source,
    receivedAt: r.received_at,
  }));
}
