import { registerDriverSuite } from './driver.suite.ts';
import { openTestPglite } from './testing.ts';

registerDriverSuite('pglite (in memory)', openTestPglite);
