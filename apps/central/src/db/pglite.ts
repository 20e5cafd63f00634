import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Results } from '@electric-sql/pglite';
import { createDatabase } from './database.ts';
import type { Driver, DriverSession, ReservedSession } from './database.ts';
import type { Database, QueryResult, SqlParam } from './driver.ts';
import { toDbError } from './errors.ts';
import { parseUtcTimestamp } from './types.ts';

/** Where `npm start` keeps its embedded database unless told otherwise. */
export const DEFAULT_PGLITE_DIR = './data/pglite';

/** Options of {@link openPglite}. */
export interface PgliteOptions {
  /** A directory for the data files (created if missing). Omitted: in memory, gone on close — for tests. */
  readonly dataDir?: string;
}

// PGlite's own defaults read int8 as a JS number (silently losing precision above 2^53, which a
// metering-point id is); int8 is a string here as on postgres.js. OIDs: PostgreSQL pg_type.dat.
const INT8 = 20;
const TIMESTAMP = 1114;

/** One mutex for the single backend: a transaction holds it from BEGIN to COMMIT. */
class Mutex {
  #tail: Promise<void> = Promise.resolve();

  async lock(): Promise<() => void> {
    let unlock!: () => void;
    const next = new Promise<void>((resolve) => (unlock = resolve));
    const previous = this.#tail;
    this.#tail = previous.then(() => next);
    await previous;
    return unlock;
  }
}

function result(r: Results<Record<string, unknown>>): QueryResult<Record<string, unknown>> {
  return { rows: r.rows, rowCount: r.rowCount ?? r.affectedRows ?? r.rows.length, command: r.command ?? '' };
}

function sessionOn(pg: PGlite): DriverSession {
  return {
    // PGlite's typings take any[]; SqlParam values are all ones its serializers know.
    query: async (sql, params) => result(await pg.query<Record<string, unknown>>(sql, params as SqlParam[])),
    exec: async (sql) => {
      await pg.exec(sql);
    },
    // PGlite has no COPY FROM STDIN; it reads COPY input from the virtual device /dev/blob,
    // filled from the `blob` query option (pglite.dev/docs/api, "blob" and the COPY example).
    copyIn: async (target, chunks) => {
      await pg.query(`COPY ${target} FROM '/dev/blob'`, [], { blob: new Blob(chunks as string[]) });
    },
  };
}

/**
 * PGlite, the default engine: PostgreSQL compiled to WebAssembly, in this process, with one
 * backend. Statements and transactions therefore take turns (a mutex), which also gives the
 * isolation PGlite's own `query()` does not (it would run a statement from outside a transaction
 * inside it). Sessions run in UTC.
 */
export async function openPglite(options: PgliteOptions = {}): Promise<Database> {
  let pg: PGlite;
  try {
    if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true });
    pg = await PGlite.create(options.dataDir, { parsers: { [INT8]: (x: string) => x, [TIMESTAMP]: parseUtcTimestamp } });
    await pg.exec("SET TimeZone = 'UTC'");
  } catch (e) {
    throw toDbError(e);
  }
  const mutex = new Mutex();
  const direct = sessionOn(pg);
  const exclusive = <A extends unknown[], R>(f: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const unlock = await mutex.lock();
      try {
        return await f(...args);
      } finally {
        unlock();
      }
    };
  const driver: Driver = {
    dialect: 'pglite',
    capabilities: { partitioning: true, concurrentTransactions: false, persistent: options.dataDir !== undefined },
    pool: { query: exclusive(direct.query), exec: exclusive(direct.exec), copyIn: exclusive(direct.copyIn) },
    reserve: async (): Promise<ReservedSession> => {
      const unlock = await mutex.lock();
      return { ...direct, release: unlock };
    },
    close: async () => {
      const unlock = await mutex.lock();
      try {
        await pg.close();
      } finally {
        unlock();
      }
    },
  };
  return createDatabase(driver);
}
