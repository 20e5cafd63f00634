/**
 * The storage layer of the central system: one SQL schema, one small driver interface, two
 * engines.
 *
 * **Engines.** PGlite (PostgreSQL compiled to WebAssembly, in-process, a data directory on disk;
 * the default, nothing to install) and PostgreSQL through postgres.js (`DATABASE_URL`, a pool).
 * Both run the same plain-SQL migrations and the same queries; everything above this module
 * sees only {@link Database} / {@link Transaction} / {@link Queryable}. The drivers implement
 * one small session interface (`database.ts`); transactions, savepoints, COPY encoding and
 * error mapping exist once, and `driver.suite.ts` is the shared test suite both must pass.
 *
 * **Values.** Same JS types from both (see {@link SqlParam}): int8 comes back as a string
 * (lossless: metering-point ids are 18 digits), numeric as a string, timestamps as Date (UTC
 * sessions on both), bytea as Uint8Array, jsonb parsed. Errors are one {@link DbError} with a
 * stable `code` mapped from SQLSTATE in one table, never carrying statement parameters.
 *
 * **Transactions.** `db.transaction(fn)` runs `fn` with a transaction handle; `tx.transaction`
 * nests as a SAVEPOINT (an inner failure rolls back only the inner block). Using the database
 * handle inside a transaction throws `TRANSACTION_MISUSE`: PGlite has one backend, so it would
 * wait for itself. PGlite runs transactions one at a time; PostgreSQL concurrently.
 *
 * **Bulk writes.** `copyIn` uses COPY in text format on both (PostgreSQL: `COPY … FROM STDIN`
 * streamed; PGlite: `COPY … FROM '/dev/blob'`). Readings go in with
 * {@link insertReadingsIdempotent}: COPY straight in when nothing collides, else COPY into a
 * temporary staging table and `INSERT … ON CONFLICT DO NOTHING`, so a redelivered batch never
 * duplicates a value.
 *
 * **Schema** (`migrations/`, applied by {@link migrate} in one transaction under an advisory
 * lock, each file checksummed): meters and their firmware history; wrapped meter keys with a
 * keyed fingerprint that makes every key unique across the fleet; invocation counters that a
 * trigger keeps monotonic; `readings` (metering point, quantity, resolution, interval start,
 * version — corrections add versions), range-partitioned by UTC month with a default partition
 * on both engines (PGlite supports declarative partitioning, so the DDL is the same), the
 * `readings_latest` view; collection status, progress and jobs; gaps and daily completeness;
 * meter events, alarms; append-only `security_events` and hash-chained `audit_log` (UPDATE,
 * DELETE and TRUNCATE refused by trigger and revoked). Every index is explained in its migration.
 *
 * **Retention.** {@link deleteExpiredReadings} removes readings older than 3 years (domain.md
 * §2) by dropping whole monthly partitions and deleting the rest; {@link ensureReadingsPartitions}
 * creates months ahead. Both are meant for a daily job; the caller logs the counts.
 */
export type { CopyValue, Database, DbCapabilities, Dialect, IsolationLevel, JsonObject, QueryResult, Queryable, SqlParam, Transaction, TransactionOptions } from './driver.ts';
export { DbError, codeForSqlstate, isDbError, toDbError } from './errors.ts';
export type { DbErrorCode, DbErrorDetails } from './errors.ts';
export { DEFAULT_PGLITE_DIR, openPglite } from './pglite.ts';
export type { PgliteOptions } from './pglite.ts';
export { openPostgres } from './postgres.ts';
export type { PostgresOptions } from './postgres.ts';
export { PARTITION_MONTHS_AHEAD, openDatabase, partitionWindow } from './open.ts';
export type { DatabaseConfig, OpenedDatabase } from './open.ts';
export { MIGRATIONS_DIR, defineMigration, loadMigrations, migrate } from './migrate.ts';
export type { MigrateOptions, Migration, MigrationResult } from './migrate.ts';
export { READINGS_RETENTION_YEARS, deleteExpiredReadings, ensureReadingsPartitions, listReadingsPartitions, retentionCutoff } from './partitions.ts';
export type { ReadingsPartition, RetentionResult } from './partitions.ts';
export { insertReadingsIdempotent, readLatestReadings } from './readings.ts';
export type { IdempotentInsertResult, ReadingRow, ReadingSource } from './readings.ts';
export { copyTextValue, encodeCopyText, quoteIdentifier } from './copy-text.ts';
