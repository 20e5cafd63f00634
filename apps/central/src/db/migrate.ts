import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { quoteIdentifier } from './copy-text.ts';
import type { Database, Transaction } from './driver.ts';
import { DbError, toDbError } from './errors.ts';

/** One migration: a plain SQL file `NNNN_name.sql`. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /** SHA-256 (hex) of the SQL with line endings normalised, so a Windows checkout matches. */
  readonly checksum: string;
}

/** What {@link migrate} did. */
export interface MigrationResult {
  /** Migrations applied by this call, in order. */
  readonly applied: readonly { readonly version: number; readonly name: string }[];
  /** The highest version now applied (0 for none). */
  readonly version: number;
}

/** Options of {@link migrate}. */
export interface MigrateOptions {
  /** Default: this module's `migrations/` folder. */
  readonly migrations?: readonly Migration[];
  /** Bookkeeping table (default `schema_migrations`); tests use their own. */
  readonly table?: string;
}

const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** The migrations shipped with this module. */
export const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

/** A migration from its parts (tests build their own). */
export function defineMigration(version: number, name: string, sql: string): Migration {
  const checksum = createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
  return { version, name, sql, checksum };
}

/**
 * Reads `NNNN_name.sql` files from `dir` in version order. Refuses (`MIGRATION`) a `.sql` file
 * with another name, two files with one number, and gaps: versions run 1, 2, 3, … so that two
 * branches adding the same number collide here and not in production.
 */
export function loadMigrations(dir: URL = MIGRATIONS_DIR): Migration[] {
  const migrations: Migration[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
    const m = FILE.exec(file);
    if (!m) throw new DbError('MIGRATION', `migration file '${file}' is not named NNNN_lower_case_name.sql`);
    migrations.push(defineMigration(Number(m[1]), m[2] ?? '', readFileSync(new URL(file, dir), 'utf8')));
  }
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new DbError('MIGRATION', `migration ${String(m.version).padStart(4, '0')}_${m.name} should be number ${i + 1}: versions run 1, 2, 3, … without gaps or repeats`);
  });
  return migrations;
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/** Advisory-lock class for migrations (any constant; the object id is the schema + table). */
const LOCK_CLASS = 7301;

function label(m: { version: number; name: string }): string {
  return `${String(m.version).padStart(4, '0')}_${m.name}`;
}

/**
 * Brings the schema up to date: in ONE transaction, takes an advisory lock (so that two processes
 * starting together migrate one after the other), creates the bookkeeping table if needed,
 * checks every applied migration against its file, and applies the missing ones in order. Any
 * failure rolls everything back: the database is either fully migrated or as it was.
 *
 * Refuses to go on (`MIGRATION`) when an applied migration's file changed (checksum), was
 * renamed, or is unknown to this code (the database is newer than the code), and when a
 * missing migration is older than the newest applied one.
 */
export async function migrate(db: Database, options: MigrateOptions = {}): Promise<MigrationResult> {
  const migrations = [...(options.migrations ?? loadMigrations())].sort((a, b) => a.version - b.version);
  const tableName = options.table ?? 'schema_migrations';
  const table = quoteIdentifier(tableName);
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1, hashtext(current_schema() || $2))', [LOCK_CLASS, `.${tableName}`]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS ${table} (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await tx.query<AppliedRow>(`SELECT version, name, checksum FROM ${table} ORDER BY version`);
    const known = new Map(migrations.map((m) => [m.version, m]));
    for (const row of rows) {
      const m = known.get(row.version);
      if (!m) throw new DbError('MIGRATION', `the database has migration ${label(row)}, which this code does not know: it was migrated by a newer version`);
      if (m.name !== row.name) throw new DbError('MIGRATION', `migration ${row.version} was applied as '${row.name}' but the file is now '${label(m)}'`);
      if (m.checksum !== row.checksum) throw new DbError('MIGRATION', `migration ${label(m)} changed after it was applied (checksum); add a new migration instead of editing it`);
    }
    const newest = rows.length > 0 ? (rows[rows.length - 1]?.version ?? 0) : 0;
    const done = new Set(rows.map((r) => r.version));
    const pending = migrations.filter((m) => !done.has(m.version));
    const applied: { version: number; name: string }[] = [];
    for (const m of pending) {
      if (m.version < newest) throw new DbError('MIGRATION', `migration ${label(m)} is older than the newest applied one (${newest}) but was never applied`);
      await apply(tx, table, m);
      applied.push({ version: m.version, name: m.name });
    }
    return { applied, version: Math.max(newest, ...applied.map((a) => a.version)) };
  });
}

async function apply(tx: Transaction, table: string, m: Migration): Promise<void> {
  try {
    await tx.exec(m.sql);
  } catch (e) {
    const cause = toDbError(e);
    throw new DbError('MIGRATION', `migration ${label(m)} failed: ${cause.message}`, {
      ...(cause.sqlstate !== undefined ? { sqlstate: cause.sqlstate } : {}),
      ...(cause.detail !== undefined ? { detail: cause.detail } : {}),
    });
  }
  await tx.query(`INSERT INTO ${table} (version, name, checksum) VALUES ($1, $2, $3)`, [m.version, m.name, m.checksum]);
}
