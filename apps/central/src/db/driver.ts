/**
 * The one database interface the whole app uses, whichever engine is underneath (PGlite or
 * PostgreSQL). Repositories take a {@link Queryable} so that they run the same inside or outside a
 * transaction.
 */

/**
 * A statement parameter. Results come back as the same JS types on both drivers:
 *
 * | PostgreSQL | in (parameter) | out (row field) |
 * |---|---|---|
 * | `int2`, `int4`, `float4`, `float8` | number | number |
 * | `int8` | bigint, number or a digit string | **string** (lossless; cast in SQL, e.g. `count(*)::int`, when a number is wanted) |
 * | `numeric` | string or number | string |
 * | `timestamptz`, `timestamp`, `date` | Date or ISO-8601 string | Date (a `timestamp` without zone is read as UTC) |
 * | `jsonb`, `json` | a plain object | the parsed value |
 * | `bytea` | Uint8Array | Uint8Array |
 * | `bool` | boolean | boolean |
 * | `text`, enums | string | string |
 * | arrays (`text[]`, `int8[]`, …) | a JS array | a JS array |
 * | NULL | null | null |
 *
 * `undefined` is refused (`INVALID_ARGUMENT`) rather than silently sent as NULL. A JS array is
 * always a PostgreSQL array; to pass a JSON array, pass `JSON.stringify(x)`. Arrays of an enum
 * type need a cast through text: `$1::text[]::quantity_kind[]`.
 */
export type SqlParam = string | number | bigint | boolean | Date | Uint8Array | null | readonly SqlParam[] | JsonObject;

/** A JSON object parameter (sent as `json`/`jsonb`). */
export interface JsonObject {
  readonly [key: string]: unknown;
}

/**
 * A value for {@link Queryable.copyIn}, written in COPY's text format: strings are escaped (tab,
 * newline, carriage return, backslash), `null` is `\N`, Date is ISO-8601 UTC, Uint8Array is
 * bytea hex, bigint and number are decimal, boolean is `t`/`f`, a plain object is JSON.
 */
export type CopyValue = string | number | bigint | boolean | Date | Uint8Array | null | JsonObject;

/** What a statement returned. */
export interface QueryResult<T> {
  readonly rows: T[];
  /** Rows returned (SELECT) or affected (INSERT, UPDATE, DELETE). */
  readonly rowCount: number;
  /** The command tag's verb: `SELECT`, `INSERT`, `COPY`, … */
  readonly command: string;
}

/** Transaction isolation (PostgreSQL manual 13.2). PGlite runs one transaction at a time, so every level behaves as serializable there. */
export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable';

/** Options of a top-level transaction. */
export interface TransactionOptions {
  readonly isolation?: IsolationLevel;
}

/** Something statements can run on: the database, or a transaction on it. */
export interface Queryable {
  /** One statement with `$1…$n` placeholders. Rows are typed by the caller; nothing checks `T`. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly SqlParam[]): Promise<QueryResult<T>>;
  /** Several statements, no parameters (simple-query protocol): migrations and DDL. */
  exec(sql: string): Promise<void>;
  /**
   * Bulk insert with COPY FROM in text format; returns the number of rows written. `table` is a
   * lower-case identifier, optionally schema-qualified; `columns` are lower-case identifiers and
   * every row has exactly one value per column. All rows go in, or none (one statement).
   */
  copyIn(table: string, columns: readonly string[], rows: Iterable<readonly CopyValue[]>): Promise<number>;
  /**
   * Runs `fn` in a transaction: COMMIT when it resolves, ROLLBACK when it throws (the error is
   * rethrown unchanged). On a {@link Transaction} this nests as a SAVEPOINT: a failing inner
   * block rolls back only its own work and the outer transaction goes on.
   */
  transaction<R>(fn: (tx: Transaction) => Promise<R>, options?: TransactionOptions): Promise<R>;
}

/**
 * A running transaction. Only valid inside the callback that received it: use afterwards, or
 * while a nested {@link Queryable.transaction} on it runs, throws `TRANSACTION_MISUSE`.
 */
export interface Transaction extends Queryable {
  /** 1 for a top-level transaction, 2 for a savepoint inside it, and so on. */
  readonly depth: number;
}

/** Which engine runs the SQL. */
export type Dialect = 'pglite' | 'postgres';

/** What the engine underneath can do; the SQL is the same on both. */
export interface DbCapabilities {
  /**
   * Readings are range-partitioned by month. True on both: PGlite is PostgreSQL compiled to
   * WebAssembly and supports declarative partitioning, so one DDL serves both.
   */
  readonly partitioning: boolean;
  /** Several transactions run at once (PostgreSQL). PGlite has one backend: transactions queue. */
  readonly concurrentTransactions: boolean;
  /** Data survives the process (a PGlite data directory or a server), false for in-memory PGlite. */
  readonly persistent: boolean;
}

/**
 * The database handle. Statements on it run outside any transaction (each one on its own, on
 * PostgreSQL possibly on different pooled connections).
 *
 * Inside a {@link Queryable.transaction} callback, use the transaction handle: calling the
 * database handle there throws `TRANSACTION_MISUSE`, because on PGlite (one connection) it would
 * wait for the transaction that waits for it.
 */
export interface Database extends Queryable {
  readonly dialect: Dialect;
  readonly capabilities: DbCapabilities;
  /** Closes the connection(s). Later calls throw `CLOSED`. */
  close(): Promise<void>;
}
