import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe as nodeDescribe, test as nodeTest } from 'node:test';
import type { TestFn } from 'node:test';
import {
  DbError,
  defineMigration,
  deleteExpiredReadings,
  ensureReadingsPartitions,
  insertReadingsIdempotent,
  loadMigrations,
  migrate,
  readLatestReadings,
  retentionCutoff,
} from './index.ts';
import type { CopyValue, Database, DbErrorCode, ReadingRow, SqlParam } from './index.ts';

/**
 * The shared driver suite (style.md item 10): every engine behind {@link Database} must pass it
 * unchanged. `open` returns a fresh, empty database; the suite migrates it, runs everything on
 * that one instance (tests use disjoint tables and metering points) and closes it.
 */
export function registerDriverSuite(name: string, open: () => Promise<Database>): void {
  // node:test tracks the promises these return itself.
  const test = (title: string, fn: TestFn): void => void nodeTest(title, fn);
  void nodeDescribe(`db driver suite: ${name}`, () => {
    let db: Database;

    before(async () => {
      db = await open();
      await migrate(db);
      await db.exec(`
        CREATE TABLE suite_items (
          id     integer PRIMARY KEY,
          name   text NOT NULL,
          parent integer REFERENCES suite_items (id),
          qty    integer CONSTRAINT suite_items_qty_positive CHECK (qty >= 0)
        );
        CREATE TABLE suite_copy (id integer PRIMARY KEY, t text, n bigint, num numeric, ts timestamptz, j jsonb, b bytea, flag boolean);
        CREATE TABLE suite_insert (LIKE suite_copy);
        CREATE TABLE suite_counter (id integer PRIMARY KEY, n integer NOT NULL);
        INSERT INTO suite_counter VALUES (1, 0);
      `);
    });

    after(async () => {
      await db.close();
    });

    test('placeholders and types come back the same on every driver', async () => {
      const big = 2n ** 62n + 1n;
      const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
      const at = new Date('2024-10-27T00:59:59.123Z');
      const { rows } = await db.query<Record<string, unknown>>(
        `SELECT $1::int8 AS i8, $2::int8 AS i8n, $3::int8 AS i8s, $4::numeric AS num, $5::numeric AS numn,
                $6::timestamptz AS ts, $7::jsonb AS j, $8::bytea AS b, $9::bytea AS b0, $10::text AS nul,
                $11::bool AS t, $12::int4 AS i4, $13::float8 AS f8, $14::text AS txt, $15::text[] AS arr,
                $16::int8[] AS arr8, $2::int8 + $2::int8 AS reused, $17::date AS d,
                '2024-03-01 12:34:56.789'::timestamp AS ts_no_zone, count(*) AS cnt, count(*)::int AS cnt_int`,
        [big, 42, '707057500000000013', '12345678901234567890.123456789', 1.5, at, { a: [1, 'x'], nested: { b: null } }, bytes,
          new Uint8Array(0), null, true, -7, 0.1, 'æøå Ω 😀 "quoted"', ['a', 'b c', 'd"e', 'f\\g', '{}'], [1n, 2n], '2024-02-29'],
      );
      const r = rows[0];
      assert.ok(r);
      assert.equal(r['i8'], big.toString());
      assert.equal(r['i8n'], '42');
      assert.equal(r['i8s'], '707057500000000013');
      assert.equal(r['num'], '12345678901234567890.123456789');
      assert.equal(r['numn'], '1.5');
      assert.ok(r['ts'] instanceof Date);
      assert.equal(r['ts'].toISOString(), at.toISOString());
      assert.deepEqual(r['j'], { a: [1, 'x'], nested: { b: null } });
      assert.ok(r['b'] instanceof Uint8Array);
      assert.deepEqual(Array.from(r['b']), Array.from(bytes));
      assert.equal((r['b0'] as Uint8Array).length, 0);
      assert.equal(r['nul'], null);
      assert.equal(r['t'], true);
      assert.equal(r['i4'], -7);
      assert.equal(r['f8'], 0.1);
      assert.equal(r['txt'], 'æøå Ω 😀 "quoted"');
      assert.deepEqual(r['arr'], ['a', 'b c', 'd"e', 'f\\g', '{}']);
      assert.deepEqual(r['arr8'], ['1', '2']);
      assert.equal(r['reused'], '84');
      assert.equal((r['d'] as Date).toISOString(), '2024-02-29T00:00:00.000Z');
      assert.equal((r['ts_no_zone'] as Date).toISOString(), '2024-03-01T12:34:56.789Z');
      assert.equal(r['cnt'], '1');
      assert.equal(r['cnt_int'], 1);

      // Sessions run in UTC on both engines.
      const tz = await db.query<{ tz: string }>('SELECT current_setting($1) AS tz', ['TimeZone']);
      assert.equal(tz.rows[0]?.tz, 'UTC');
      await rejectsWith(db.query('SELECT $1::text', [undefined as unknown as SqlParam]), 'INVALID_ARGUMENT');
    });

    test('rowCount and command for reads and writes', async () => {
      const ins = await db.query<{ id: number }>('INSERT INTO suite_items (id, name) VALUES (1, $1), (2, $2) RETURNING id', ['one', 'two']);
      assert.deepEqual(ins.rows, [{ id: 1 }, { id: 2 }]);
      assert.equal(ins.rowCount, 2);
      assert.equal(ins.command, 'INSERT');
      const upd = await db.query('UPDATE suite_items SET qty = 5 WHERE id <= $1', [2]);
      assert.equal(upd.rowCount, 2);
      assert.equal(upd.command, 'UPDATE');
      assert.deepEqual(upd.rows, []);
      const sel = await db.query<{ id: number; name: string; qty: number }>('SELECT id, name, qty FROM suite_items ORDER BY id');
      assert.deepEqual(sel.rows, [
        { id: 1, name: 'one', qty: 5 },
        { id: 2, name: 'two', qty: 5 },
      ]);
      assert.equal(sel.rowCount, 2);
      assert.equal(sel.command, 'SELECT');
    });

    test('server errors map to the same DbError codes', async () => {
      const dup = await rejectsWith(db.query("INSERT INTO suite_items (id, name) VALUES (1, 'again')"), 'UNIQUE_VIOLATION');
      assert.equal(dup.sqlstate, '23505');
      assert.equal(dup.constraint, 'suite_items_pkey');
      assert.equal(dup.table, 'suite_items');
      assert.match(dup.detail ?? '', /Key \(id\)=\(1\) already exists/);
      assert.equal(dup.retryable, false);
      const fk = await rejectsWith(db.query("INSERT INTO suite_items (id, name, parent) VALUES (10, 'orphan', 999)"), 'FOREIGN_KEY_VIOLATION');
      assert.equal(fk.constraint, 'suite_items_parent_fkey');
      const nn = await rejectsWith(db.query('INSERT INTO suite_items (id, name) VALUES (11, NULL)'), 'NOT_NULL_VIOLATION');
      assert.equal(nn.column, 'name');
      const ck = await rejectsWith(db.query("INSERT INTO suite_items (id, name, qty) VALUES (12, 'neg', -1)"), 'CHECK_VIOLATION');
      assert.equal(ck.constraint, 'suite_items_qty_positive');
      await rejectsWith(db.query('SELEC 1'), 'SYNTAX');
      await rejectsWith(db.query('SELECT * FROM suite_no_such_table'), 'UNDEFINED_OBJECT');
      await rejectsWith(db.query('SELECT no_such_column FROM suite_items'), 'UNDEFINED_OBJECT');
      await rejectsWith(db.query("SELECT 'abc'::int"), 'INVALID_DATA');
      await rejectsWith(db.query('SELECT 1/0'), 'INVALID_DATA');
      const raw = await rejectsWith(db.exec("DO $$ BEGIN RAISE EXCEPTION 'custom failure' USING ERRCODE = 'P0001'; END $$"), 'QUERY');
      assert.equal(raw.sqlstate, 'P0001');
      assert.match(raw.message, /custom failure/);
      // Nothing of the statement's parameters rides along on the error.
      const withSecret = await rejectsWith(db.query("INSERT INTO suite_items (id, name) VALUES (1, $1)", ['secret-key-material']), 'UNIQUE_VIOLATION');
      assert.ok(!JSON.stringify({ ...withSecret, message: withSecret.message, cause: withSecret.cause }).includes('secret-key-material'));
    });

    test('transactions commit, roll back and rethrow the callback error unchanged', async () => {
      await db.transaction(async (tx) => {
        assert.equal(tx.depth, 1);
        await tx.query("INSERT INTO suite_items (id, name) VALUES (100, 'committed')");
      });
      const boom = new Error('boom');
      const thrown = await db
        .transaction(async (tx) => {
          await tx.query("INSERT INTO suite_items (id, name) VALUES (101, 'rolled back')");
          throw boom;
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      assert.equal(thrown, boom);
      const { rows } = await db.query<{ id: number }>('SELECT id FROM suite_items WHERE id IN (100, 101) ORDER BY id');
      assert.deepEqual(rows, [{ id: 100 }]);
      const value = await db.transaction(async (tx) => (await tx.query<{ n: number }>('SELECT 7 AS n')).rows[0]?.n);
      assert.equal(value, 7);
    });

    test('nested transactions are savepoints', async () => {
      await db.transaction(async (tx) => {
        await tx.query("INSERT INTO suite_items (id, name) VALUES (110, 'outer before')");
        await assert.rejects(
          tx.transaction(async (inner) => {
            assert.equal(inner.depth, 2);
            await inner.query("INSERT INTO suite_items (id, name) VALUES (111, 'inner')");
            await inner.transaction(async (deeper) => {
              assert.equal(deeper.depth, 3);
              await deeper.query("INSERT INTO suite_items (id, name) VALUES (112, 'deeper')");
            });
            // A failing statement inside the savepoint: the savepoint rolls back, the outer goes on.
            await inner.query("INSERT INTO suite_items (id, name) VALUES (110, 'duplicate')");
          }),
          (e: unknown) => e instanceof DbError && e.code === 'UNIQUE_VIOLATION',
        );
        const kept = await tx.transaction(async (inner) => {
          await inner.query("INSERT INTO suite_items (id, name) VALUES (113, 'inner kept')");
          return 'ok';
        });
        assert.equal(kept, 'ok');
        await tx.query("INSERT INTO suite_items (id, name) VALUES (114, 'outer after')");
      });
      const { rows } = await db.query<{ id: number }>('SELECT id FROM suite_items WHERE id BETWEEN 110 AND 119 ORDER BY id');
      assert.deepEqual(rows.map((r) => r.id), [110, 113, 114]);
    });

    test('misuse of handles is refused before it can deadlock or leak', async () => {
      let leaked: Parameters<Parameters<Database['transaction']>[0]>[0] | undefined;
      await db.transaction(async (tx) => {
        leaked = tx;
        // The database handle inside a transaction.
        await rejectsWith(db.query('SELECT 1'), 'TRANSACTION_MISUSE');
        await rejectsWith(db.transaction(() => Promise.resolve(undefined)), 'TRANSACTION_MISUSE');
        // The outer handle while a nested transaction runs.
        await tx.transaction(async () => {
          await rejectsWith(tx.query('SELECT 1'), 'TRANSACTION_MISUSE');
        });
        // The transaction is still fine: nothing was sent.
        await tx.query('SELECT 1');
        await rejectsWith(tx.transaction(() => Promise.resolve(undefined), { isolation: 'serializable' }), 'INVALID_ARGUMENT');
      });
      assert.ok(leaked);
      await rejectsWith(leaked.query('SELECT 1'), 'TRANSACTION_MISUSE');
    });

    test('a swallowed failure aborts the transaction and COMMIT says so', async () => {
      await rejectsWith(
        db.transaction(async (tx) => {
          await tx.query("INSERT INTO suite_items (id, name) VALUES (120, 'lost')");
          await tx.query('SELECT 1/0').catch(() => undefined);
          await rejectsWith(tx.query('SELECT 1'), 'TRANSACTION_ABORTED');
        }),
        'TRANSACTION_ABORTED',
      );
      const { rows } = await db.query('SELECT id FROM suite_items WHERE id = 120');
      assert.equal(rows.length, 0);
    });

    test('isolation levels', async () => {
      for (const isolation of ['read committed', 'repeatable read', 'serializable'] as const) {
        const level = await db.transaction(async (tx) => (await tx.query<{ l: string }>('SELECT current_setting($1) AS l', ['transaction_isolation'])).rows[0]?.l, { isolation });
        assert.equal(level, isolation);
      }
    });

    test('COPY writes awkward text exactly as parameterised INSERT does', async () => {
      const bytes = Uint8Array.from({ length: 256 }, (_, i) => 255 - i);
      const texts = [
        'tab\there',
        'new\nline\r\nCRLF\rCR',
        'back\\slash \\N \\t \\\\ literal',
        '',
        null,
        'æøå ÆØÅ Ω 😀 𝄞 ünïcödé',
        '\\',
        'trailing backslash\\',
        'ends with tab\t',
        '\\.',
        '\\N',
        'NULL',
        ' leading and trailing spaces ',
        '"quotes" and \'apostrophes\' and , ; |',
      ];
      const rows: CopyValue[][] = texts.map((t, i) => [
        i + 1,
        t,
        i === 0 ? 2n ** 63n - 1n : i % 3 === 0 ? null : -i,
        i % 2 === 0 ? '-0.000000000000000000001' : 1e6 + i / 8,
        i === 4 ? null : new Date(Date.UTC(2024, 2, 31, 1, 2, 3, i)),
        i === 4 ? null : { s: t ?? 'null text', tab: 'a\tb', nl: 'c\nd', bs: 'e\\f', q: 'g"h', n: i, arr: [1, null, 'x'] },
        i === 4 ? null : i === 5 ? new Uint8Array(0) : bytes.subarray(i),
        i === 4 ? null : i % 2 === 0,
      ]);
      const count = await db.copyIn('suite_copy', ['id', 't', 'n', 'num', 'ts', 'j', 'b', 'flag'], rows);
      assert.equal(count, rows.length);
      for (const r of rows) {
        await db.query('INSERT INTO suite_insert VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', r);
      }
      const copied = await db.query('SELECT * FROM suite_copy ORDER BY id');
      const inserted = await db.query('SELECT * FROM suite_insert ORDER BY id');
      assert.deepEqual(copied.rows, inserted.rows);
      assert.deepEqual(copied.rows.map((r) => r['t']), texts);
      assert.equal(copied.rows[0]?.['n'], '9223372036854775807');
      assert.deepEqual(Array.from(copied.rows[2]?.['b'] as Uint8Array), Array.from(bytes.subarray(2)));
      assert.deepEqual((copied.rows[1]?.['j'] as Record<string, unknown>)['nl'], 'c\nd');
      assert.equal((copied.rows[5]?.['b'] as Uint8Array).length, 0);
      assert.equal(await db.copyIn('suite_copy', ['id'], []), 0);
    });

    test('COPY refuses bad input before sending and maps server errors', async () => {
      await rejectsWith(db.copyIn('suite_copy', ['id', 't'], [[1000, 'x'], [1001]]), 'INVALID_ARGUMENT');
      await rejectsWith(db.copyIn('suite_copy; DROP TABLE suite_copy', ['id'], [[1]]), 'INVALID_ARGUMENT');
      await rejectsWith(db.copyIn('suite_copy', ['Id'], [[1]]), 'INVALID_ARGUMENT');
      await rejectsWith(db.copyIn('suite_copy', [], [[]]), 'INVALID_ARGUMENT');
      await rejectsWith(db.copyIn('suite_copy', ['id', 'j'], [[1000, [1, 2] as unknown as CopyValue]]), 'INVALID_ARGUMENT');
      await rejectsWith(db.copyIn('suite_copy', ['id', 'ts'], [[1000, new Date(Number.NaN)]]), 'INVALID_ARGUMENT');
      await rejectsWith(db.copyIn('suite_copy', ['id'], [[1000], [1001], [1]]), 'UNIQUE_VIOLATION');
      await rejectsWith(db.copyIn('suite_copy', ['id', 'n'], [[1000, 'not a number']]), 'INVALID_DATA');
      await rejectsWith(db.copyIn('suite_no_such_table', ['id'], [[1]]), 'UNDEFINED_OBJECT');
      const { rows } = await db.query('SELECT id FROM suite_copy WHERE id >= 1000');
      assert.equal(rows.length, 0, 'a failed COPY writes nothing');
      // The connection is usable after a failed COPY.
      assert.equal((await db.query<{ n: number }>('SELECT 1 AS n')).rows[0]?.n, 1);
    });

    test('COPY inside a transaction rolls back with it', async () => {
      await assert.rejects(
        db.transaction(async (tx) => {
          assert.equal(await tx.copyIn('suite_copy', ['id', 't'], [[2000, 'in tx'], [2001, 'in tx']]), 2);
          assert.equal((await tx.query('SELECT id FROM suite_copy WHERE id >= 2000')).rowCount, 2);
          throw new Error('undo');
        }),
        /undo/,
      );
      assert.equal((await db.query('SELECT id FROM suite_copy WHERE id >= 2000')).rowCount, 0);
    });

    test('migrations: applied once, checksummed, all or nothing', async () => {
      const again = await migrate(db);
      assert.deepEqual(again.applied, []);
      const shipped = loadMigrations();
      assert.deepEqual(shipped.map((m) => m.version), shipped.map((_, i) => i + 1));
      assert.equal(again.version, shipped.length);

      const table = 'suite_migrations';
      const m1 = defineMigration(1, 'create_a', 'CREATE TABLE suite_mig_a (x int);');
      const m2 = defineMigration(2, 'create_b', 'CREATE TABLE suite_mig_b (x int);\nINSERT INTO suite_mig_b VALUES (1);');
      assert.deepEqual((await migrate(db, { migrations: [m1], table })).applied, [{ version: 1, name: 'create_a' }]);
      assert.deepEqual((await migrate(db, { migrations: [m1], table })).applied, []);
      // A changed file, a renamed one, and a database newer than the code are refused.
      const changed = await rejectsWith(migrate(db, { migrations: [defineMigration(1, 'create_a', 'CREATE TABLE suite_mig_a (x bigint);')], table }), 'MIGRATION');
      assert.match(changed.message, /changed after it was applied/);
      await rejectsWith(migrate(db, { migrations: [defineMigration(1, 'renamed', m1.sql)], table }), 'MIGRATION');
      await rejectsWith(migrate(db, { migrations: [], table }), 'MIGRATION');
      // Line endings do not change the checksum.
      assert.equal(defineMigration(1, 'create_a', m1.sql.replace(/\n/g, '\r\n')).checksum, m1.checksum);

      // A failing migration leaves nothing behind, not even the ones before it in the same run.
      const bad = defineMigration(3, 'fails', 'CREATE TABLE suite_mig_c (x int);\nSELECT 1/0;');
      const failed = await rejectsWith(migrate(db, { migrations: [m1, m2, bad], table }), 'MIGRATION');
      assert.equal(failed.sqlstate, '22012');
      assert.match(failed.message, /0003_fails/);
      const exist = await db.query<{ b: string | null; c: string | null }>("SELECT to_regclass('suite_mig_b')::text AS b, to_regclass('suite_mig_c')::text AS c");
      assert.deepEqual(exist.rows, [{ b: null, c: null }]);
      const { rows } = await db.query<{ version: number }>(`SELECT version FROM ${table} ORDER BY version`);
      assert.deepEqual(rows, [{ version: 1 }]);

      // Concurrent runs apply each migration once (advisory lock on PostgreSQL, the mutex on PGlite).
      const results = await Promise.all([1, 2, 3].map(() => migrate(db, { migrations: [m1, m2], table })));
      assert.equal(results.reduce((n, r) => n + r.applied.length, 0), 1);
      assert.deepEqual(results.map((r) => r.version), [2, 2, 2]);
      // A missing migration older than the newest applied one is refused.
      const skipped = 'suite_migrations_gap';
      await migrate(db, { migrations: [defineMigration(2, 'second', 'SELECT 1;')], table: skipped });
      await rejectsWith(migrate(db, { migrations: [defineMigration(1, 'first', 'SELECT 1;'), defineMigration(2, 'second', 'SELECT 1;')], table: skipped }), 'MIGRATION');
    });

    test('readings: the primary key refuses a second value under the same version', async () => {
      const mp = '707057500000001001';
      const at = new Date('2025-01-10T10:15:00Z');
      await ensureReadingsPartitions(db, { from: new Date('2025-01-01Z'), to: new Date('2025-03-01Z') });
      const insert = (version: number, value: number | null, quality = 'measured', start = at) =>
        db.query(
          `INSERT INTO readings (metering_point_id, quantity, resolution, interval_start, version, value, quality, source)
           VALUES ($1, 'active-import', 'PT15M', $2, $3, $4, $5, 'collect')`,
          [mp, start, version, value, quality],
        );
      await insert(1, 1200);
      const dup = await rejectsWith(insert(1, 1300), 'UNIQUE_VIOLATION');
      assert.match(dup.constraint ?? '', /pkey/);
      await insert(2, 1250, 'corrected');
      await rejectsWith(insert(3, 5, 'missing'), 'CHECK_VIOLATION');
      await rejectsWith(insert(3, null, 'measured'), 'CHECK_VIOLATION');
      await rejectsWith(insert(1, 5, 'measured', new Date('2025-01-10T10:20:00Z')), 'CHECK_VIOLATION');
      await rejectsWith(insert(0, 5), 'CHECK_VIOLATION');
      await insert(1, null, 'missing', new Date('2025-01-10T10:30:00Z'));
      const latest = await readLatestReadings(db, { meteringPointId: mp, quantity: 'active-import', resolution: 'PT15M' }, { from: at, to: new Date('2025-01-10T11:00:00Z') });
      assert.deepEqual(
        latest.map((r) => [r.intervalStart.toISOString(), r.version, r.value, r.quality]),
        [
          ['2025-01-10T10:15:00.000Z', 2, 1250, 'corrected'],
          ['2025-01-10T10:30:00.000Z', 1, null, 'missing'],
        ],
      );
      assert.equal(latest[0]?.meteringPointId, mp);
      const versions = await db.query('SELECT version FROM readings WHERE metering_point_id = $1 AND interval_start = $2', [mp, at]);
      assert.equal(versions.rowCount, 2, 'the corrected value is a new version; the first stays');
    });

    test('readings land in their UTC month partition, far-off ones in the default partition', async () => {
      const mp = '707057500000001002';
      await ensureReadingsPartitions(db, { from: new Date('2025-01-01Z'), to: new Date('2025-03-01Z') });
      const starts = ['2025-01-31T22:45:00Z', '2025-01-31T23:45:00Z', '2025-02-01T00:00:00Z', '2027-06-15T00:00:00Z'].map((s) => new Date(s));
      const rows: ReadingRow[] = starts.map((intervalStart, i) => ({
        meteringPointId: mp,
        quantity: 'active-export',
        resolution: 'PT15M',
        intervalStart,
        version: 1,
        value: i,
        quality: 'measured',
        source: 'push',
      }));
      await insertReadingsIdempotent(db, rows);
      const where = async () =>
        (
          await db.query<{ p: string; s: Date }>(
            'SELECT tableoid::regclass::text AS p, interval_start AS s FROM readings WHERE metering_point_id = $1 ORDER BY interval_start',
            [mp],
          )
        ).rows.map((r) => [r.p, r.s.toISOString()]);
      // Oslo's February starts at 2025-01-31T23:00Z, but partitions are UTC months.
      assert.deepEqual(await where(), [
        ['readings_p2025_01', '2025-01-31T22:45:00.000Z'],
        ['readings_p2025_01', '2025-01-31T23:45:00.000Z'],
        ['readings_p2025_02', '2025-02-01T00:00:00.000Z'],
        ['readings_default', '2027-06-15T00:00:00.000Z'],
      ]);
      // Creating the month later moves its rows out of the default partition.
      assert.deepEqual(await ensureReadingsPartitions(db, { from: new Date('2027-06-10Z'), to: new Date('2027-06-20Z') }), ['readings_p2027_06']);
      assert.deepEqual(await ensureReadingsPartitions(db, { from: new Date('2027-06-10Z'), to: new Date('2027-06-20Z') }), []);
      assert.deepEqual((await where())[3], ['readings_p2027_06', '2027-06-15T00:00:00.000Z']);
      const back = await readLatestReadings(db, { meteringPointId: mp, quantity: 'active-export', resolution: 'PT15M' }, { from: new Date('2025-01-01Z'), to: new Date('2028-01-01Z') });
      assert.deepEqual(back.map((r) => r.value), [0, 1, 2, 3]);
    });

    test('idempotent ingestion: a redelivered batch never duplicates a value', async () => {
      const mp = '707057500000001003';
      const day = Date.parse('2025-01-20T00:00:00Z');
      const batch = (from: number, count: number, value = (i: number) => i * 10): ReadingRow[] =>
        Array.from({ length: count }, (_, k) => ({
          meteringPointId: mp,
          quantity: 'active-import',
          resolution: 'PT15M',
          intervalStart: new Date(day + (from + k) * 900_000),
          version: 1,
          value: value(from + k),
          quality: 'measured',
          source: 'collect',
        }));
      const first = batch(0, 96);
      assert.deepEqual(await insertReadingsIdempotent(db, first), { inserted: 96, skipped: 0, conflicting: 0, path: 'copy' });
      assert.deepEqual(await insertReadingsIdempotent(db, first), { inserted: 0, skipped: 96, conflicting: 0, path: 'staged' });
      // An overlapping re-read: half old, half new.
      assert.deepEqual(await insertReadingsIdempotent(db, batch(48, 96)), { inserted: 48, skipped: 48, conflicting: 0, path: 'staged' });
      // Same key, different value: skipped, reported, and the stored value stays.
      const changed = batch(10, 2, (i) => (i === 10 ? 999_999 : i * 10));
      assert.deepEqual(await insertReadingsIdempotent(db, changed), { inserted: 0, skipped: 2, conflicting: 1, path: 'staged' });
      // A key twice in one batch.
      const twice = [...batch(200, 1), ...batch(200, 1)];
      assert.deepEqual(await insertReadingsIdempotent(db, twice), { inserted: 1, skipped: 1, conflicting: 0, path: 'staged' });
      const { rows } = await db.query<{ n: number; v: string }>('SELECT count(*)::int AS n, sum(value)::text AS v FROM readings WHERE metering_point_id = $1', [mp]);
      assert.equal(rows[0]?.n, 145);
      assert.equal(rows[0]?.v, String(Array.from({ length: 144 }, (_, i) => i * 10).reduce((a, b) => a + b, 0) + 2000));

      // Inside a caller's transaction: several batches, both paths, and all undone with it.
      const other = '707057500000001004';
      const receivedAt = new Date('2025-01-21T06:00:00.123Z');
      await assert.rejects(
        db.transaction(async (tx) => {
          const b = batch(0, 4).map((r) => ({ ...r, meteringPointId: other, receivedAt }));
          assert.equal((await insertReadingsIdempotent(tx, b)).inserted, 4);
          assert.deepEqual(await insertReadingsIdempotent(tx, b), { inserted: 0, skipped: 4, conflicting: 0, path: 'staged' });
          assert.deepEqual(await insertReadingsIdempotent(tx, [...b, ...batch(4, 2).map((r) => ({ ...r, meteringPointId: other }))]), {
            inserted: 2,
            skipped: 4,
            conflicting: 0,
            path: 'staged',
          });
          const got = await tx.query<{ r: Date }>('SELECT received_at AS r FROM readings WHERE metering_point_id = $1 ORDER BY interval_start LIMIT 1', [other]);
          assert.equal(got.rows[0]?.r.toISOString(), receivedAt.toISOString());
          throw new Error('undo');
        }),
        /undo/,
      );
      assert.equal((await db.query('SELECT 1 FROM readings WHERE metering_point_id = $1', [other])).rowCount, 0);
      assert.deepEqual(await insertReadingsIdempotent(db, []), { inserted: 0, skipped: 0, conflicting: 0, path: 'copy' });
    });

    test('concurrent transactions: no lost update, no dirty read', async () => {
      const bump = () =>
        db.transaction(async (tx) => {
          const { rows } = await tx.query<{ n: number }>('SELECT n FROM suite_counter WHERE id = 1 FOR UPDATE');
          await sleep(20);
          await tx.query('UPDATE suite_counter SET n = $1 WHERE id = 1', [(rows[0]?.n ?? 0) + 1]);
        });
      await Promise.all([bump(), bump(), bump()]);
      assert.equal((await db.query<{ n: number }>('SELECT n FROM suite_counter WHERE id = 1')).rows[0]?.n, 3);

      let inserted!: () => void;
      const insertedSignal = new Promise<void>((resolve) => (inserted = resolve));
      const writer = db.transaction(async (tx) => {
        await tx.query("INSERT INTO suite_items (id, name) VALUES (300, 'uncommitted')");
        inserted();
        await sleep(50);
        throw new Error('never committed');
      });
      await insertedSignal;
      const seen = await db.query('SELECT id FROM suite_items WHERE id = 300');
      await assert.rejects(writer, /never committed/);
      assert.equal(seen.rowCount, 0);
    });

    test('serializable transactions that race fail with SERIALIZATION (retryable)', async (t) => {
      if (!db.capabilities.concurrentTransactions) {
        t.skip('this engine runs one transaction at a time');
        return;
      }
      await db.exec('CREATE TABLE suite_oncall (name text PRIMARY KEY, on_call boolean NOT NULL); INSERT INTO suite_oncall VALUES ($$a$$, true), ($$b$$, true);');
      let arrived = 0;
      let release!: () => void;
      const bothRead = new Promise<void>((resolve) => (release = resolve));
      // Write skew (PostgreSQL manual 13.2.3): each sees two on call and takes one off.
      const offDuty = (name: string) =>
        db.transaction(
          async (tx) => {
            const { rows } = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM suite_oncall WHERE on_call');
            if (++arrived === 2) release();
            await bothRead;
            if ((rows[0]?.n ?? 0) >= 2) await tx.query('UPDATE suite_oncall SET on_call = false WHERE name = $1', [name]);
          },
          { isolation: 'serializable' },
        );
      const results = await Promise.allSettled([offDuty('a'), offDuty('b')]);
      const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
      assert.equal(failures.length, 1);
      assert.ok(failures[0] instanceof DbError && failures[0].code === 'SERIALIZATION' && failures[0].retryable);
    });

    test('append-only tables refuse UPDATE, DELETE and TRUNCATE; the chain cannot fork', async () => {
      const zero = new Uint8Array(32);
      const h1 = new Uint8Array(32).fill(1);
      const h2 = new Uint8Array(32).fill(2);
      const entry = (prev: Uint8Array, hash: Uint8Array) =>
        db.query(
          `INSERT INTO audit_log (at, actor, action, object_type, object_id, before, after, prev_hash, hash)
           VALUES (now(), 'operator:kari', 'meter.approve', 'meter', '1', $1, $2, $3, $4)`,
          [{ state: 'pending' }, { state: 'approved' }, prev, hash],
        );
      await entry(zero, h1);
      await entry(h1, h2);
      const fork = await rejectsWith(entry(h1, new Uint8Array(32).fill(3)), 'UNIQUE_VIOLATION');
      assert.equal(fork.constraint, 'audit_log_prev_hash_key');
      await rejectsWith(db.query("UPDATE audit_log SET actor = 'mallory'"), 'PERMISSION_DENIED');
      await rejectsWith(db.query('DELETE FROM audit_log WHERE hash = $1', [h2]), 'PERMISSION_DENIED');
      await rejectsWith(db.exec('TRUNCATE audit_log'), 'PERMISSION_DENIED');
      const { rows } = await db.query<{ after: unknown; prev_hash: Uint8Array }>('SELECT after, prev_hash FROM audit_log ORDER BY id');
      assert.equal(rows.length, 2);
      assert.deepEqual(rows[1]?.after, { state: 'approved' });
      assert.deepEqual(Array.from(rows[1]?.prev_hash ?? []), Array.from(h1));

      await db.query("INSERT INTO security_events (kind, severity, system_title, remote_address) VALUES ('unknown-system-title', 'warning', $1, '127.0.0.1:4059')", [
        Uint8Array.from([0x4b, 0x46, 0x4d, 1, 2, 3, 4, 5]),
      ]);
      await rejectsWith(db.query("UPDATE security_events SET severity = 'info'"), 'PERMISSION_DENIED');
      await rejectsWith(db.query('DELETE FROM security_events'), 'PERMISSION_DENIED');
    });

    test('meters, keys and invocation counters guard themselves', async () => {
      const title = Uint8Array.from([0x4b, 0x46, 0x4d, 0, 0, 0, 0, 1]);
      const { rows } = await db.query<{ id: string; metering_point_id: string; state: string }>(
        "INSERT INTO meters (system_title, serial_number, vendor, metering_point_id) VALUES ($1, 'S1', 'Kaifa', $2) RETURNING id, metering_point_id, state",
        [title, '707057500000000013'],
      );
      const meter = rows[0];
      assert.ok(meter);
      assert.equal(meter.metering_point_id, '707057500000000013');
      assert.equal(meter.state, 'pending');
      await rejectsWith(db.query("INSERT INTO meters (system_title, serial_number, vendor) VALUES ($1, 'S2', 'Kaifa')", [title]), 'UNIQUE_VIOLATION');
      await rejectsWith(db.query("INSERT INTO meters (system_title, serial_number, vendor) VALUES ($1, 'S3', 'Kaifa')", [title.subarray(1)]), 'CHECK_VIOLATION');
      const live = await rejectsWith(
        db.query("INSERT INTO meters (system_title, serial_number, vendor, metering_point_id) VALUES ($1, 'S4', 'Aidon', $2)", [Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), '707057500000000013']),
        'UNIQUE_VIOLATION',
      );
      assert.equal(live.constraint, 'meters_metering_point_live_key');

      const key = (kind: string, version: number, state: string, fingerprint: Uint8Array, meterId: string = meter.id) =>
        db.query<{ id: string }>(
          "INSERT INTO meter_keys (meter_id, kind, version, state, ciphertext, wrapping_key_id, fingerprint) VALUES ($1, $2, $3, $4, $5, 'kek-1', $6) RETURNING id",
          [meterId, kind, version, state, new Uint8Array(60).fill(version), fingerprint],
        );
      const ek = (await key('EK', 1, 'ACTIVE', new Uint8Array(32).fill(0xe1))).rows[0];
      assert.ok(ek);
      await key('AK', 1, 'ACTIVE', new Uint8Array(32).fill(0xa1));
      const twoActive = await rejectsWith(key('EK', 2, 'ACTIVE', new Uint8Array(32).fill(0xe2)), 'UNIQUE_VIOLATION');
      assert.equal(twoActive.constraint, 'meter_keys_one_active_key');
      const reused = await rejectsWith(key('EK', 2, 'NEW', new Uint8Array(32).fill(0xa1)), 'UNIQUE_VIOLATION');
      assert.equal(reused.constraint, 'meter_keys_fingerprint_key');
      await rejectsWith(key('EK', 1, 'NEW', new Uint8Array(32).fill(0xee), '999999'), 'FOREIGN_KEY_VIOLATION');

      await db.query('INSERT INTO invocation_counters (key_id) VALUES ($1)', [ek.id]);
      await db.query('UPDATE invocation_counters SET outgoing = outgoing + 5, last_incoming = 7 WHERE key_id = $1', [ek.id]);
      const down = await rejectsWith(db.query('UPDATE invocation_counters SET outgoing = 4 WHERE key_id = $1', [ek.id]), 'CHECK_VIOLATION');
      assert.equal(down.constraint, 'invocation_counters_monotonic');
      await rejectsWith(db.query('UPDATE invocation_counters SET last_incoming = 6 WHERE key_id = $1', [ek.id]), 'CHECK_VIOLATION');
      await rejectsWith(db.query('DELETE FROM invocation_counters WHERE key_id = $1', [ek.id]), 'CHECK_VIOLATION');
      await rejectsWith(db.query('UPDATE invocation_counters SET outgoing = 4294967296 WHERE key_id = $1', [ek.id]), 'CHECK_VIOLATION');
      const counter = await db.query<{ outgoing: string; last_incoming: string }>('SELECT outgoing, last_incoming FROM invocation_counters WHERE key_id = $1', [ek.id]);
      assert.deepEqual(counter.rows, [{ outgoing: '5', last_incoming: '7' }]);
    });

    test('retention drops whole months past three years and deletes the rest', async () => {
      const now = new Date('2090-06-15T12:00:00Z');
      const cutoff = retentionCutoff(now);
      assert.equal(cutoff.toISOString(), '2087-06-15T12:00:00.000Z');
      await ensureReadingsPartitions(db, { from: new Date('2087-04-01Z'), to: new Date('2087-08-01Z') });
      const mp = '707057500000001005';
      const starts = ['2087-04-10T00:00:00Z', '2087-04-30T23:45:00Z', '2087-06-15T11:45:00Z', '2087-06-15T12:00:00Z', '2087-07-01T00:00:00Z', '2001-01-01T00:00:00Z'];
      await insertReadingsIdempotent(
        db,
        starts.map((s, i) => ({ meteringPointId: mp, quantity: 'reactive-import', resolution: 'PT15M', intervalStart: new Date(s), version: 1, value: i, quality: 'measured', source: 'import' })),
      );
      const before = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM readings WHERE interval_start < $1', [cutoff]);
      const result = await deleteExpiredReadings(db, { now });
      assert.equal(result.cutoff.toISOString(), cutoff.toISOString());
      assert.deepEqual(result.droppedPartitions.find((p) => p.name === 'readings_p2087_04'), { name: 'readings_p2087_04', rows: 2 });
      assert.ok(!result.droppedPartitions.some((p) => p.name === 'readings_p2087_06' || p.name === 'readings_default'));
      assert.equal(result.totalRows, before.rows[0]?.n);
      assert.ok(result.deletedRows >= 2);
      const left = await db.query<{ s: Date }>('SELECT interval_start AS s FROM readings WHERE metering_point_id = $1 ORDER BY interval_start', [mp]);
      assert.deepEqual(left.rows.map((r) => r.s.toISOString()), ['2087-06-15T12:00:00.000Z', '2087-07-01T00:00:00.000Z']);
      assert.equal((await db.query('SELECT 1 FROM readings WHERE interval_start < $1', [cutoff])).rowCount, 0);
      const again = await deleteExpiredReadings(db, { now });
      assert.deepEqual([again.droppedPartitions.length, again.totalRows], [0, 0]);
    });

    test('a closed database refuses work (last: closes the suite database)', async () => {
      await db.close();
      await db.close();
      await rejectsWith(db.query('SELECT 1'), 'CLOSED');
      await rejectsWith(db.transaction(() => Promise.resolve(undefined)), 'CLOSED');
      await rejectsWith(db.copyIn('suite_copy', ['id'], [[1]]), 'CLOSED');
    });
  });
}

async function rejectsWith(p: Promise<unknown>, code: DbErrorCode): Promise<DbError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DbError && e.code === code) return e;
    throw new assert.AssertionError({ message: `expected DbError ${code}, got ${e instanceof DbError ? `${e.code}: ${e.message}` : String(e)}`, actual: e, expected: code });
  }
  throw new assert.AssertionError({ message: `expected DbError ${code}, but it resolved`, expected: code });
}
