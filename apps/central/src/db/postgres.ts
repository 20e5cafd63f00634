import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import postgres from 'postgres';
import { quoteIdentifier } from './copy-text.ts';
import { createDatabase } from './database.ts';
import type { Driver, DriverSession, ReservedSession } from './database.ts';
import type { Database, QueryResult, SqlParam } from './driver.ts';
import { DbError, toDbError } from './errors.ts';
import { parseUtcTimestamp } from './types.ts';

/** Options of {@link openPostgres}. */
export interface PostgresOptions {
  /** `postgres://user:password@host:port/database` (DATABASE_URL). */
  readonly url: string;
  /** Pool size: connections open at most (default 10). A transaction holds one until it ends. */
  readonly max?: number;
  /**
   * Put every object in this schema (it must exist): `search_path` is set to it on every
   * connection. Default: the server's search_path (normally `public`). Tests use a throwaway one.
   */
  readonly schema?: string;
  /** `application_name` the server shows in pg_stat_activity (default `openams`). */
  readonly applicationName?: string;
  /** Seconds to wait for a connection (default 10). */
  readonly connectTimeoutSeconds?: number;
  /** Server NOTICE messages (default: ignored; postgres.js would print them). */
  readonly onNotice?: (message: string) => void;
}

type Row = Record<string, unknown>;

// OIDs from PostgreSQL's pg_type.dat.
const BYTEA = 17;
const TIMESTAMP = 1114;

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/**
 * postgres.js tags a JS array with its first element's type (int8 for a bigint, timestamptz for a
 * Date, …) instead of the array type, which the server refuses ("cannot cast type bigint to
 * bigint[]"); elements sent as text leave the type to the server, as PGlite does. A top-level
 * bigint goes as text for the same reason.
 */
function asTextElement(x: unknown): unknown {
  if (typeof x === 'bigint') return x.toString();
  if (typeof x === 'boolean') return x ? 't' : 'f';
  if (x instanceof Date) return x.toISOString();
  if (x instanceof Uint8Array) return `\\x${hex(x)}`;
  if (Array.isArray(x)) return x.map(asTextElement);
  return x;
}

function prepareParams(params: readonly SqlParam[]): postgres.ParameterOrJSON<never>[] {
  return params.map((p) => (typeof p === 'bigint' || Array.isArray(p) ? asTextElement(p) : p)) as postgres.ParameterOrJSON<never>[];
}

function result(r: postgres.RowList<Row[]>): QueryResult<Row> {
  // A plain array: postgres.js's result list is an Array subclass with extra fields.
  return { rows: Array.from(r), rowCount: r.count ?? r.length, command: r.command };
}

function connect(options: PostgresOptions) {
  const onNotice = options.onNotice;
  return postgres(options.url, {
    max: options.max ?? 10,
    connect_timeout: options.connectTimeoutSeconds ?? 10,
    onnotice: onNotice ? (n) => onNotice(String(n['message'] ?? '')) : () => undefined,
    connection: {
      application_name: options.applicationName ?? 'openams',
      TimeZone: 'UTC',
      ...(options.schema !== undefined ? { search_path: options.schema } : {}),
    },
    types: {
      bytea: {
        to: BYTEA,
        from: [BYTEA],
        // A string is an element that prepareParams already wrote in hex form.
        serialize: (x: Uint8Array | string) => (typeof x === 'string' ? x : `\\x${hex(x)}`),
        parse: (x: string) => {
          const b = Buffer.from(x.slice(2), 'hex');
          return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
        },
      },
      timestamp: {
        to: TIMESTAMP,
        from: [TIMESTAMP],
        serialize: (x: Date | string) => (x instanceof Date ? x.toISOString() : x),
        parse: parseUtcTimestamp,
      },
    },
  });
}

type Sql = ReturnType<typeof connect>;

function sessionOn(sql: Sql): DriverSession {
  return {
    query: async (text, params) => result(await sql.unsafe<Row[]>(text, prepareParams(params), { prepare: true })),
    exec: async (text) => {
      await sql.unsafe(text).simple();
    },
    // COPY … FROM STDIN streamed through postgres.js's writable (CopyData messages), with backpressure.
    copyIn: async (target, chunks) => {
      const copy = sql.unsafe(`COPY ${target} FROM STDIN`);
      // postgres.js 3.4.9 never settles the writable when the server refuses the data after
      // CopyDone (porsager/postgres#1173, fix pending in #1183): the pipeline would hang and the
      // connection stay "idle in transaction (aborted)". The error still reaches the query's
      // reject(), which we tap so that it ends the wait.
      const failed = new Promise<never>((_, reject) => {
        const query = copy as unknown as { reject: (e: unknown) => void };
        const original = query.reject;
        query.reject = (e) => {
          reject(toDbError(e));
          original(e);
        };
      });
      failed.catch(() => undefined);
      const stream = await copy.writable();
      await Promise.race([pipeline(Readable.from(chunks), stream), failed]);
    },
  };
}

/**
 * PostgreSQL through postgres.js, for production (DATABASE_URL). Every connection runs in UTC
 * (`TimeZone` startup parameter) so that text forms of timestamps and `date_trunc` agree with
 * PGlite's sessions; int8 is read as a string and bytea as a Uint8Array, as on PGlite.
 */
export async function openPostgres(options: PostgresOptions): Promise<Database> {
  if (options.schema !== undefined) quoteIdentifier(options.schema);
  if (options.max !== undefined && !(Number.isInteger(options.max) && options.max >= 1)) {
    throw new DbError('INVALID_ARGUMENT', `pool size must be a positive integer, got ${options.max}`);
  }
  const sql = connect(options);
  const pool = sessionOn(sql);
  const database = createDatabase({
    dialect: 'postgres',
    capabilities: { partitioning: true, concurrentTransactions: true, persistent: true },
    pool,
    reserve: async (): Promise<ReservedSession> => {
      const reserved = await sql.reserve();
      return { ...sessionOn(reserved), release: () => reserved.release() };
    },
    close: async () => {
      await sql.end({ timeout: 5 });
    },
  } satisfies Driver);
  // Connect now, so that a wrong URL fails here rather than at the first query.
  try {
    await database.query('SELECT 1');
  } catch (e) {
    await sql.end({ timeout: 0 }).catch(() => undefined);
    throw e;
  }
  return database;
}
