import { AsyncLocalStorage } from 'node:async_hooks';
import { copyTarget, encodeCopyText } from './copy-text.ts';
import type { CopyValue, Database, DbCapabilities, Dialect, QueryResult, SqlParam, Transaction, TransactionOptions } from './driver.ts';
import { DbError, toDbError } from './errors.ts';

/**
 * The session interface each driver implements — the only driver-specific code. Everything else
 * (transactions, savepoints, misuse checks, error mapping, COPY encoding) lives here once, so the
 * two drivers cannot drift apart.
 */
export interface DriverSession {
  readonly query: (sql: string, params: readonly SqlParam[]) => Promise<QueryResult<Record<string, unknown>>>;
  readonly exec: (sql: string) => Promise<void>;
  /** `COPY <target> FROM …` with the text-format `chunks` (see copy-text.ts). */
  readonly copyIn: (target: string, chunks: readonly string[]) => Promise<void>;
}

/** A session pinned to one connection until released. */
export interface ReservedSession extends DriverSession {
  readonly release: () => void;
}

/** What {@link createDatabase} needs from a driver. */
export interface Driver {
  readonly dialect: Dialect;
  readonly capabilities: DbCapabilities;
  /** Runs statements outside a transaction (any pooled connection). */
  readonly pool: DriverSession;
  /** One connection for a transaction; waits while all are busy. */
  readonly reserve: () => Promise<ReservedSession>;
  readonly close: () => Promise<void>;
}

/** Which transaction the current async context runs in, to catch the database handle used inside it. */
interface TxScope {
  readonly owner: object;
  open: boolean;
  /** A nested transaction (savepoint) on this handle is running. */
  nested: boolean;
}

const scopes = new AsyncLocalStorage<TxScope>();

const BEGIN: Readonly<Record<NonNullable<TransactionOptions['isolation']>, string>> = {
  'read committed': 'BEGIN ISOLATION LEVEL READ COMMITTED',
  'repeatable read': 'BEGIN ISOLATION LEVEL REPEATABLE READ',
  serializable: 'BEGIN ISOLATION LEVEL SERIALIZABLE',
};

function checkParams(params: readonly SqlParam[]): void {
  for (let i = 0; i < params.length; i++) {
    if (params[i] === undefined) throw new DbError('INVALID_ARGUMENT', `parameter $${i + 1} is undefined`);
  }
}

async function mapped<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    throw toDbError(e);
  }
}

async function runQuery<T>(session: DriverSession, sql: string, params: readonly SqlParam[]): Promise<QueryResult<T>> {
  checkParams(params);
  return (await mapped(session.query(sql, params))) as QueryResult<T>;
}

async function runCopy(session: DriverSession, table: string, columns: readonly string[], rows: Iterable<readonly CopyValue[]>): Promise<number> {
  const target = copyTarget(table, columns);
  const encoded = encodeCopyText(rows, columns.length);
  if (encoded.rows === 0) return 0;
  await mapped(session.copyIn(target, encoded.chunks));
  return encoded.rows;
}

class TransactionHandle implements Transaction {
  readonly #session: DriverSession;
  readonly #scope: TxScope;
  readonly depth: number;

  constructor(session: DriverSession, scope: TxScope, depth: number) {
    this.#session = session;
    this.#scope = scope;
    this.depth = depth;
  }

  #check(): void {
    if (!this.#scope.open) throw new DbError('TRANSACTION_MISUSE', 'this transaction has ended; use it only inside its callback');
    if (this.#scope.nested) throw new DbError('TRANSACTION_MISUSE', 'a nested transaction is running on this handle; use the nested handle');
  }

  async query<T = Record<string, unknown>>(sql: string, params: readonly SqlParam[] = []): Promise<QueryResult<T>> {
    this.#check();
    return runQuery<T>(this.#session, sql, params);
  }

  async exec(sql: string): Promise<void> {
    this.#check();
    await mapped(this.#session.exec(sql));
  }

  async copyIn(table: string, columns: readonly string[], rows: Iterable<readonly CopyValue[]>): Promise<number> {
    this.#check();
    return runCopy(this.#session, table, columns, rows);
  }

  async transaction<R>(fn: (tx: Transaction) => Promise<R>, options?: TransactionOptions): Promise<R> {
    this.#check();
    if (options?.isolation !== undefined) throw new DbError('INVALID_ARGUMENT', 'a nested transaction (savepoint) cannot set its own isolation level');
    // Names only need to be unique along the chain of open savepoints: siblings run one after another.
    const savepoint = `openams_sp_${this.depth}`;
    await mapped(this.#session.exec(`SAVEPOINT ${savepoint}`));
    const scope: TxScope = { owner: this.#scope.owner, open: true, nested: false };
    this.#scope.nested = true;
    try {
      const result = await scopes.run(scope, () => fn(new TransactionHandle(this.#session, scope, this.depth + 1)));
      scope.open = false;
      this.#scope.nested = false;
      await mapped(this.#session.exec(`RELEASE SAVEPOINT ${savepoint}`));
      return result;
    } catch (e) {
      scope.open = false;
      this.#scope.nested = false;
      // If this fails too the connection is gone; the outer transaction will report that.
      await this.#session.exec(`ROLLBACK TO SAVEPOINT ${savepoint}; RELEASE SAVEPOINT ${savepoint}`).catch(() => undefined);
      throw e;
    }
  }
}

class DatabaseHandle implements Database {
  readonly #driver: Driver;
  #closed = false;

  constructor(driver: Driver) {
    this.#driver = driver;
  }

  get dialect(): Dialect {
    return this.#driver.dialect;
  }

  get capabilities(): DbCapabilities {
    return this.#driver.capabilities;
  }

  #check(): void {
    if (this.#closed) throw new DbError('CLOSED', 'the database is closed');
    const scope = scopes.getStore();
    if (scope !== undefined && scope.owner === this && scope.open) {
      throw new DbError('TRANSACTION_MISUSE', 'the database handle was used inside a transaction; use the transaction handle (on PGlite this would deadlock)');
    }
  }

  async query<T = Record<string, unknown>>(sql: string, params: readonly SqlParam[] = []): Promise<QueryResult<T>> {
    this.#check();
    return runQuery<T>(this.#driver.pool, sql, params);
  }

  async exec(sql: string): Promise<void> {
    this.#check();
    await mapped(this.#driver.pool.exec(sql));
  }

  async copyIn(table: string, columns: readonly string[], rows: Iterable<readonly CopyValue[]>): Promise<number> {
    this.#check();
    return runCopy(this.#driver.pool, table, columns, rows);
  }

  async transaction<R>(fn: (tx: Transaction) => Promise<R>, options?: TransactionOptions): Promise<R> {
    this.#check();
    const session = await mapped(this.#driver.reserve());
    const scope: TxScope = { owner: this, open: true, nested: false };
    try {
      await mapped(session.exec(BEGIN[options?.isolation ?? 'read committed']));
      let result: R;
      try {
        result = await scopes.run(scope, () => fn(new TransactionHandle(session, scope, 1)));
      } catch (e) {
        scope.open = false;
        await session.exec('ROLLBACK').catch(() => undefined);
        throw e;
      }
      scope.open = false;
      const commit = await mapped(session.query('COMMIT', []));
      // A transaction in which a statement failed (and the error was swallowed) ends in ROLLBACK.
      if (commit.command === 'ROLLBACK') {
        throw new DbError('TRANSACTION_ABORTED', 'the transaction was rolled back at COMMIT because a statement in it had failed');
      }
      return result;
    } finally {
      scope.open = false;
      session.release();
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await mapped(this.#driver.close());
  }
}

/** Wraps a driver into the app's {@link Database}. */
export function createDatabase(driver: Driver): Database {
  return new DatabaseHandle(driver);
}
