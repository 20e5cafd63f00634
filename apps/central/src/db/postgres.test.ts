import { test } from 'node:test';
import { registerDriverSuite } from './driver.suite.ts';
import { openTestPostgres } from './testing.ts';

// CI sets DATABASE_URL (postgres://postgres@127.0.0.1:5432/test); without it the suite is skipped
// so that `npm test` passes on a machine with no server.
const url = process.env['DATABASE_URL'];
if (url === undefined || url === '') {
  test('db driver suite: postgres', { skip: 'DATABASE_URL is not set' }, () => undefined);
} else {
  registerDriverSuite('postgres (throwaway schema)', () => openTestPostgres(url));
}
