/**
 * Every failure the storage layer reports, with a stable machine-readable code. Both drivers map
 * PostgreSQL's SQLSTATE the same way (one table, {@link codeForSqlstate}), so callers branch on
 * `code` and never on a driver's error class.
 *
 * | code | SQLSTATE / source | meaning |
 * |---|---|---|
 * | `UNIQUE_VIOLATION` | 23505 | a row with the same key exists (`constraint` names it) |
 * | `FOREIGN_KEY_VIOLATION` | 23503 | the referenced row is missing, or a referencing row still exists |
 * | `NOT_NULL_VIOLATION` | 23502 | a required column got NULL |
 * | `CHECK_VIOLATION` | 23514 | a CHECK constraint (or a trigger raising `check_violation`, e.g. an invocation counter going down) refused the row |
 * | `INTEGRITY_VIOLATION` | other 23xxx | another integrity constraint (exclusion, restrict) |
 * | `INVALID_DATA` | 22xxx | a value the column's type cannot hold (bad syntax, out of range, invalid byte sequence) |
 * | `SERIALIZATION` | 40001 | a serializable or repeatable-read transaction lost a race: retry it |
 * | `DEADLOCK` | 40P01 | chosen as deadlock victim: retry it |
 * | `PERMISSION_DENIED` | 42501 | not allowed: a revoked privilege, or an append-only table refusing UPDATE/DELETE/TRUNCATE |
 * | `UNDEFINED_OBJECT` | 42P01, 42703, 42704, 42883 | a table, column, type or function that does not exist (usually: not migrated) |
 * | `SYNTAX` | 42601 | the SQL does not parse |
 * | `LOCK_TIMEOUT` | 55P03 | a lock could not be taken in time |
 * | `QUERY_CANCELED` | 57014 | statement timeout or cancel request |
 * | `CONNECTION` | 08xxx, 57P01–57P03, socket errors | the server is unreachable or the connection broke |
 * | `TRANSACTION_ABORTED` | 25P02, or COMMIT answered ROLLBACK | an earlier statement in the transaction failed; the transaction was rolled back |
 * | `TRANSACTION_MISUSE` | — | a transaction handle used after it ended or while a nested one runs, or the database handle used inside a transaction (it would deadlock on PGlite) |
 * | `CLOSED` | — | the database was closed |
 * | `MIGRATION` | — | migrations refused: a changed or unknown applied migration, bad file names, or a failing migration (`sqlstate` set) |
 * | `INVALID_ARGUMENT` | — | a bad identifier, an `undefined` parameter, a COPY value that has no text form, a row of the wrong width |
 * | `QUERY` | any other SQLSTATE | a server error without a more specific code (`sqlstate` tells which) |
 * | `DRIVER` | — | the driver failed in a way that carries no SQLSTATE |
 *
 * A DbError never carries the statement's parameters nor the driver's own error object (both
 * drivers attach the parameters to theirs), so logging one cannot leak values such as key
 * material: only the SQLSTATE, the server's message, detail and the constraint/table names.
 */
export type DbErrorCode =
  | 'UNIQUE_VIOLATION'
  | 'FOREIGN_KEY_VIOLATION'
  | 'NOT_NULL_VIOLATION'
  | 'CHECK_VIOLATION'
  | 'INTEGRITY_VIOLATION'
  | 'INVALID_DATA'
  | 'SERIALIZATION'
  | 'DEADLOCK'
  | 'PERMISSION_DENIED'
  | 'UNDEFINED_OBJECT'
  | 'SYNTAX'
  | 'LOCK_TIMEOUT'
  | 'QUERY_CANCELED'
  | 'CONNECTION'
  | 'TRANSACTION_ABORTED'
  | 'TRANSACTION_MISUSE'
  | 'CLOSED'
  | 'MIGRATION'
  | 'INVALID_ARGUMENT'
  | 'QUERY'
  | 'DRIVER';

/** What the server said about a failure, as far as both drivers report it. */
export interface DbErrorDetails {
  /** The five-character PostgreSQL error code (SQLSTATE). */
  readonly sqlstate?: string;
  /** The constraint that refused the row (unique, foreign key, check, not null). */
  readonly constraint?: string;
  readonly table?: string;
  readonly column?: string;
  /** The server's DETAIL line, e.g. `Key (system_title)=(\x4b464d...) already exists.` */
  readonly detail?: string;
  /** Only for errors without a SQLSTATE (socket errors): the original error. */
  readonly cause?: unknown;
}

/** The one error type of the storage layer. */
export class DbError extends Error {
  override readonly name = 'DbError';
  readonly code: DbErrorCode;
  readonly sqlstate: string | undefined;
  readonly constraint: string | undefined;
  readonly table: string | undefined;
  readonly column: string | undefined;
  readonly detail: string | undefined;

  constructor(code: DbErrorCode, message: string, details: DbErrorDetails = {}) {
    super(message, details.cause !== undefined ? { cause: details.cause } : undefined);
    this.code = code;
    this.sqlstate = details.sqlstate;
    this.constraint = details.constraint;
    this.table = details.table;
    this.column = details.column;
    this.detail = details.detail;
  }

  /** Whether running the whole transaction again may succeed (serialization failure, deadlock). */
  get retryable(): boolean {
    return this.code === 'SERIALIZATION' || this.code === 'DEADLOCK';
  }
}

/** Whether `e` is a {@link DbError}, optionally with one of `codes`. */
export function isDbError(e: unknown, ...codes: DbErrorCode[]): e is DbError {
  return e instanceof DbError && (codes.length === 0 || codes.includes(e.code));
}

const EXACT: Readonly<Record<string, DbErrorCode>> = {
  '23505': 'UNIQUE_VIOLATION',
  '23503': 'FOREIGN_KEY_VIOLATION',
  '23502': 'NOT_NULL_VIOLATION',
  '23514': 'CHECK_VIOLATION',
  '40001': 'SERIALIZATION',
  '40P01': 'DEADLOCK',
  '42501': 'PERMISSION_DENIED',
  '42P01': 'UNDEFINED_OBJECT',
  '42703': 'UNDEFINED_OBJECT',
  '42704': 'UNDEFINED_OBJECT',
  '42883': 'UNDEFINED_OBJECT',
  '42601': 'SYNTAX',
  '55P03': 'LOCK_TIMEOUT',
  '57014': 'QUERY_CANCELED',
  '57P01': 'CONNECTION',
  '57P02': 'CONNECTION',
  '57P03': 'CONNECTION',
  '25P02': 'TRANSACTION_ABORTED',
};

/** The code for a PostgreSQL SQLSTATE (PostgreSQL manual, appendix A "Error Codes"). */
export function codeForSqlstate(sqlstate: string): DbErrorCode {
  const exact = EXACT[sqlstate];
  if (exact) return exact;
  // Appendix A: the first two characters are the class.
  switch (sqlstate.slice(0, 2)) {
    case '23':
      return 'INTEGRITY_VIOLATION';
    case '22':
      return 'INVALID_DATA';
    case '08':
      return 'CONNECTION';
    default:
      return 'QUERY';
  }
}

/** Socket-level failures of postgres.js (`ConnectionError.code`) and Node. */
const CONNECTION_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

const SQLSTATE = /^[0-9A-Z]{5}$/;

function stringField(o: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = o[n];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}

/**
 * Maps whatever a driver threw to a {@link DbError}. Recognises errors by shape, not by class, so
 * this file imports no driver: PGlite's `DatabaseError` (fields `code`, `constraint`, `table`,
 * `column`, `detail`) and postgres.js's `PostgresError` (`code`, `constraint_name`, `table_name`,
 * `column_name`, `detail`) both carry the SQLSTATE in `code`. A DbError passes through unchanged.
 */
export function toDbError(e: unknown): DbError {
  if (e instanceof DbError) return e;
  if (typeof e === 'object' && e !== null) {
    const o = e as Record<string, unknown>;
    const message = typeof o['message'] === 'string' ? o['message'] : 'driver error without a message';
    const code = o['code'];
    if (typeof code === 'string' && SQLSTATE.test(code)) {
      const details: { -readonly [K in keyof DbErrorDetails]: DbErrorDetails[K] } = { sqlstate: code };
      const constraint = stringField(o, 'constraint', 'constraint_name');
      const table = stringField(o, 'table', 'table_name');
      const column = stringField(o, 'column', 'column_name');
      const detail = stringField(o, 'detail');
      if (constraint !== undefined) details.constraint = constraint;
      if (table !== undefined) details.table = table;
      if (column !== undefined) details.column = column;
      if (detail !== undefined) details.detail = detail;
      return new DbError(codeForSqlstate(code), message, details);
    }
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) {
      return new DbError('CONNECTION', `database connection failed: ${message}`, { cause: e });
    }
    return new DbError('DRIVER', message, { cause: e });
  }
  return new DbError('DRIVER', String(e));
}
