import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DbError, codeForSqlstate, isDbError, toDbError } from './index.ts';

test('SQLSTATEs map to stable codes, by exact code and then by class', () => {
  const table: [string, string][] = [
    ['23505', 'UNIQUE_VIOLATION'],
    ['23503', 'FOREIGN_KEY_VIOLATION'],
    ['23502', 'NOT_NULL_VIOLATION'],
    ['23514', 'CHECK_VIOLATION'],
    ['23P01', 'INTEGRITY_VIOLATION'],
    ['22P02', 'INVALID_DATA'],
    ['22012', 'INVALID_DATA'],
    ['40001', 'SERIALIZATION'],
    ['40P01', 'DEADLOCK'],
    ['42501', 'PERMISSION_DENIED'],
    ['42P01', 'UNDEFINED_OBJECT'],
    ['42703', 'UNDEFINED_OBJECT'],
    ['42601', 'SYNTAX'],
    ['55P03', 'LOCK_TIMEOUT'],
    ['57014', 'QUERY_CANCELED'],
    ['57P01', 'CONNECTION'],
    ['08006', 'CONNECTION'],
    ['25P02', 'TRANSACTION_ABORTED'],
    ['P0001', 'QUERY'],
    ['XX000', 'QUERY'],
  ];
  for (const [sqlstate, code] of table) assert.equal(codeForSqlstate(sqlstate), code, sqlstate);
});

test('PGlite and postgres.js errors map alike, without the statement parameters', () => {
  // The fields each driver sets (PGlite: pg-protocol DatabaseError; postgres.js: PostgresError).
  const pglite = Object.assign(new Error('duplicate key value violates unique constraint "meter_keys_fingerprint_key"'), {
    code: '23505',
    constraint: 'meter_keys_fingerprint_key',
    table: 'meter_keys',
    detail: 'Key (fingerprint)=(\\x01) already exists.',
    query: 'INSERT INTO meter_keys …',
    params: ['wrapped-key-bytes'],
  });
  const postgresJs = Object.assign(new Error('duplicate key value violates unique constraint "meter_keys_fingerprint_key"'), {
    code: '23505',
    constraint_name: 'meter_keys_fingerprint_key',
    table_name: 'meter_keys',
    detail: 'Key (fingerprint)=(\\x01) already exists.',
    parameters: ['wrapped-key-bytes'],
  });
  const a = toDbError(pglite);
  const b = toDbError(postgresJs);
  for (const e of [a, b]) {
    assert.ok(e instanceof DbError);
    assert.equal(e.code, 'UNIQUE_VIOLATION');
    assert.equal(e.sqlstate, '23505');
    assert.equal(e.constraint, 'meter_keys_fingerprint_key');
    assert.equal(e.table, 'meter_keys');
    assert.equal(e.cause, undefined);
    assert.ok(!JSON.stringify({ ...e, message: e.message }).includes('wrapped-key-bytes'));
  }
  assert.deepEqual({ ...a, message: a.message }, { ...b, message: b.message });
  const nn = toDbError({ code: '23502', column_name: 'name', message: 'null value' });
  assert.equal(nn.column, 'name');
});

test('socket failures are CONNECTION, unknown failures DRIVER, a DbError passes through', () => {
  for (const code of ['ECONNREFUSED', 'CONNECTION_CLOSED', 'CONNECT_TIMEOUT', 'CONNECTION_ENDED']) {
    const e = toDbError(Object.assign(new Error('down'), { code }));
    assert.equal(e.code, 'CONNECTION');
    assert.ok(e.cause);
  }
  assert.equal(toDbError(new Error('wasm trap')).code, 'DRIVER');
  assert.equal(toDbError('a string').code, 'DRIVER');
  assert.equal(toDbError({ code: 'SOMETHING' }).message, 'driver error without a message');
  const same = new DbError('CLOSED', 'closed');
  assert.equal(toDbError(same), same);
  assert.ok(isDbError(same));
  assert.ok(isDbError(same, 'CLOSED', 'CONNECTION'));
  assert.ok(!isDbError(same, 'CONNECTION'));
  assert.ok(!isDbError(new Error('x')));
  assert.equal(new DbError('SERIALIZATION', 'x').retryable, true);
  assert.equal(new DbError('DEADLOCK', 'x').retryable, true);
  assert.equal(new DbError('UNIQUE_VIOLATION', 'x').retryable, false);
});
