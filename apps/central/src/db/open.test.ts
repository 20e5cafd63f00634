import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { DbError, listReadingsPartitions, loadMigrations, openDatabase, openPostgres, partitionWindow } from './index.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'openams-db-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

test('openDatabase on a PGlite data directory: migrates once, partitions around now, keeps data', async () => {
  const dataDir = join(tempDir(), 'pglite');
  const now = new Date('2026-01-15T08:00:00Z');
  const first = await openDatabase({ dataDir }, now);
  try {
    assert.equal(first.db.dialect, 'pglite');
    assert.deepEqual(first.db.capabilities, { partitioning: true, concurrentTransactions: false, persistent: true });
    assert.deepEqual(first.migrations.applied.map((m) => m.version), loadMigrations().map((m) => m.version));
    assert.deepEqual(first.partitionsCreated, ['readings_p2025_12', 'readings_p2026_01', 'readings_p2026_02', 'readings_p2026_03', 'readings_p2026_04']);
    await first.db.query("INSERT INTO meters (system_title, serial_number, vendor) VALUES ('\\x4b464d0000000001', 'S1', 'Kaifa')");
  } finally {
    await first.db.close();
  }
  const second = await openDatabase({ dataDir }, new Date('2026-02-02T00:00:00Z'));
  try {
    assert.deepEqual(second.migrations.applied, []);
    assert.deepEqual(second.partitionsCreated, ['readings_p2026_05']);
    assert.equal((await second.db.query('SELECT 1 FROM meters')).rowCount, 1);
    assert.equal((await listReadingsPartitions(second.db)).length, 7);
  } finally {
    await second.db.close();
  }
});

test('the partition window is last month to three months ahead, in UTC months', () => {
  const w = partitionWindow(new Date('2025-01-31T23:30:00Z'));
  assert.equal(w.from.toISOString(), '2024-12-01T00:00:00.000Z');
  assert.equal(w.to.toISOString(), '2025-05-01T00:00:00.000Z');
});

test('an unreachable PostgreSQL is a CONNECTION error at open', async () => {
  await assert.rejects(
    openPostgres({ url: 'postgres://nobody@127.0.0.1:1/none', connectTimeoutSeconds: 2 }),
    (e: unknown) => e instanceof DbError && e.code === 'CONNECTION',
  );
  await assert.rejects(openPostgres({ url: 'postgres://x@127.0.0.1:1/y', max: 0 }), (e: unknown) => e instanceof DbError && e.code === 'INVALID_ARGUMENT');
  await assert.rejects(openPostgres({ url: 'postgres://x@127.0.0.1:1/y', schema: 'Bad Schema' }), (e: unknown) => e instanceof DbError && e.code === 'INVALID_ARGUMENT');
});

test('migration files: named NNNN_name.sql, numbered 1, 2, 3 without gaps', () => {
  const write = (files: Record<string, string>) => {
    const dir = tempDir();
    for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
    return pathToFileURL(`${dir}/`);
  };
  const ok = loadMigrations(write({ '0002_b.sql': 'SELECT 2;', '0001_a.sql': 'SELECT 1;', 'README.md': 'not sql' }));
  assert.deepEqual(ok.map((m) => [m.version, m.name, m.sql]), [
    [1, 'a', 'SELECT 1;'],
    [2, 'b', 'SELECT 2;'],
  ]);
  assert.match(ok[0]?.checksum ?? '', /^[0-9a-f]{64}$/);
  const refused = (files: Record<string, string>, message: RegExp) =>
    assert.throws(() => loadMigrations(write(files)), (e: unknown) => e instanceof DbError && e.code === 'MIGRATION' && message.test(e.message));
  refused({ '0001_a.sql': '', '0003_c.sql': '' }, /should be number 2/);
  refused({ '0001_a.sql': '', '0001_b.sql': '' }, /should be number 2/);
  refused({ '1_a.sql': '' }, /not named/);
  refused({ '0001_Upper.sql': '' }, /not named/);
});
