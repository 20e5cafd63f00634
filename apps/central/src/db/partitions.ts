import { quoteIdentifier } from './copy-text.ts';
import type { Queryable } from './driver.ts';

/** A grid company may keep customer data at most 3 years (domain.md §2, avregningsforskriften). */
export const READINGS_RETENTION_YEARS = 3;

/** A partition of `readings`. */
export interface ReadingsPartition {
  readonly name: string;
  /** Inclusive lower bound; null for the default partition. */
  readonly from: Date | null;
  /** Exclusive upper bound; null for the default partition. */
  readonly to: Date | null;
  readonly isDefault: boolean;
}

/** The partitions of `readings`, oldest first, the default partition last. */
export async function listReadingsPartitions(db: Queryable): Promise<ReadingsPartition[]> {
  const { rows } = await db.query<{ name: string; range_from: Date | null; range_to: Date | null; is_default: boolean }>(
    'SELECT name, range_from, range_to, is_default FROM readings_partitions ORDER BY is_default, range_from',
  );
  return rows.map((r) => ({ name: r.name, from: r.range_from, to: r.range_to, isDefault: r.is_default }));
}

/**
 * Makes sure monthly partitions (UTC months) exist for every month overlapping [from, to);
 * returns the names of those it created. Rows already in the default partition for such a month
 * move into the new partition. Call at start-up and daily with a few months of lead, e.g.
 * `{ from: now − 1 month, to: now + 3 months }`.
 */
export async function ensureReadingsPartitions(db: Queryable, range: { readonly from: Date; readonly to: Date }): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>('SELECT readings_ensure_partitions($1, $2) AS name', [range.from, range.to]);
  return rows.map((r) => r.name);
}

/** What {@link deleteExpiredReadings} removed, for the caller to log. */
export interface RetentionResult {
  /** Values with an interval starting before this instant were removed. */
  readonly cutoff: Date;
  /** Whole monthly partitions dropped, with the rows each held. */
  readonly droppedPartitions: readonly { readonly name: string; readonly rows: number }[];
  /** Rows deleted one by one (from the month straddling the cutoff and the default partition). */
  readonly deletedRows: number;
  /** All rows removed. */
  readonly totalRows: number;
}

/** `now` minus `years` calendar years, in UTC. */
export function retentionCutoff(now: Date, years: number = READINGS_RETENTION_YEARS): Date {
  const d = new Date(now.getTime());
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d;
}

/**
 * Deletes readings (every version) whose interval started more than `years` (default 3) before
 * `now` (domain.md §2). Whole monthly partitions entirely before the cutoff are dropped, which is
 * instant and leaves no dead rows; the rest (the month straddling the cutoff, stragglers in the
 * default partition) is deleted row by row. One transaction: all or nothing.
 *
 * Dropping a partition takes an ACCESS EXCLUSIVE lock on `readings` for a moment, so run it off
 * peak (daily is enough). The row count of a dropped partition is exact (a count before the drop).
 */
export async function deleteExpiredReadings(db: Queryable, options: { readonly now: Date; readonly years?: number }): Promise<RetentionResult> {
  const cutoff = retentionCutoff(options.now, options.years);
  return db.transaction(async (tx) => {
    const { rows: expired } = await tx.query<{ name: string }>(
      'SELECT name FROM readings_partitions WHERE NOT is_default AND range_to <= $1 ORDER BY range_from',
      [cutoff],
    );
    const droppedPartitions: { name: string; rows: number }[] = [];
    for (const { name } of expired) {
      const table = quoteIdentifier(name);
      const { rows } = await tx.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
      await tx.exec(`DROP TABLE ${table}`);
      droppedPartitions.push({ name, rows: Number(rows[0]?.n ?? 0) });
    }
    const deleted = await tx.query('DELETE FROM readings WHERE interval_start < $1', [cutoff]);
    const dropped = droppedPartitions.reduce((sum, p) => sum + p.rows, 0);
    return { cutoff, droppedPartitions, deletedRows: deleted.rowCount, totalRows: dropped + deleted.rowCount };
  });
}
