import type { Database } from './driver.ts';
import { migrate } from './migrate.ts';
import type { MigrationResult } from './migrate.ts';
import { ensureReadingsPartitions } from './partitions.ts';
import { DEFAULT_PGLITE_DIR, openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';

/** Storage settings, parsed once by the app's entry point (which reads DATABASE_URL). */
export interface DatabaseConfig {
  /** PostgreSQL connection URL; when absent, embedded PGlite is used. */
  readonly databaseUrl?: string;
  /** PGlite data directory (default `./data/pglite`); `':memory:'` for a throwaway database. */
  readonly dataDir?: string;
  /** PostgreSQL pool size (default 10). */
  readonly poolSize?: number;
}

/** The open database and what start-up did to it. */
export interface OpenedDatabase {
  readonly db: Database;
  readonly migrations: MigrationResult;
  /** Readings partitions created at start-up. */
  readonly partitionsCreated: readonly string[];
}

/** Months of readings partitions created ahead of `now` at start-up (and by the daily job). */
export const PARTITION_MONTHS_AHEAD = 3;

/** The partition window the start-up and the daily job keep: last month to {@link PARTITION_MONTHS_AHEAD} ahead. */
export function partitionWindow(now: Date): { from: Date; to: Date } {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  return { from: new Date(Date.UTC(y, m - 1, 1)), to: new Date(Date.UTC(y, m + PARTITION_MONTHS_AHEAD + 1, 1)) };
}

/**
 * Opens the configured database, applies pending migrations and creates the readings partitions
 * around `now`. PostgreSQL when `databaseUrl` is set, else PGlite in `dataDir`.
 */
export async function openDatabase(config: DatabaseConfig, now: Date): Promise<OpenedDatabase> {
  const db =
    config.databaseUrl !== undefined
      ? await openPostgres({ url: config.databaseUrl, ...(config.poolSize !== undefined ? { max: config.poolSize } : {}) })
      : await openPglite(config.dataDir === ':memory:' ? {} : { dataDir: config.dataDir ?? DEFAULT_PGLITE_DIR });
  try {
    const migrations = await migrate(db);
    const partitionsCreated = await ensureReadingsPartitions(db, partitionWindow(now));
    return { db, migrations, partitionsCreated };
  } catch (e) {
    await db.close().catch(() => undefined);
    throw e;
  }
}
