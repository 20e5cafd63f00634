import { randomBytes } from 'node:crypto';
import type { Database } from './driver.ts';
import { migrate } from './migrate.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';

/**
 * Databases for tests, of this module and of the others: an in-memory PGlite, or a throwaway
 * schema on a PostgreSQL server that is dropped again on close (never touching other schemas).
 */

/** An empty in-memory PGlite (not migrated). */
export async function openTestPglite(): Promise<Database> {
  return openPglite();
}

/**
 * A fresh schema `openams_test_<random>` on the server at `url`, with `search_path` pointing at
 * it (not migrated). `close()` drops the schema with everything in it.
 */
export async function openTestPostgres(url: string, options: { readonly max?: number } = {}): Promise<Database> {
  const schema = `openams_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = await openPostgres({ url, max: 1, applicationName: 'openams-test-admin' });
  try {
    await admin.exec(`CREATE SCHEMA ${schema}`);
    const db = await openPostgres({ url, schema, applicationName: 'openams-test', ...(options.max !== undefined ? { max: options.max } : {}) });
    let closing: Promise<void> | undefined;
    return {
      dialect: db.dialect,
      capabilities: db.capabilities,
      query: (sql, params) => db.query(sql, params),
      exec: (sql) => db.exec(sql),
      copyIn: (table, columns, rows) => db.copyIn(table, columns, rows),
      transaction: (fn, opts) => db.transaction(fn, opts),
      close: () =>
        (closing ??= (async () => {
          try {
            await db.close();
          } finally {
            await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => admin.close());
          }
        })()),
    };
  } catch (e) {
    await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await admin.close();
    throw e;
  }
}

/**
 * A migrated test database: PostgreSQL (throwaway schema) when `databaseUrl` is given, else an
 * in-memory PGlite.
 */
export async function openMigratedTestDatabase(databaseUrl?: string): Promise<Database> {
  const db = databaseUrl !== undefined ? await openTestPostgres(databaseUrl) : await openTestPglite();
  await migrate(db);
  return db;
}
