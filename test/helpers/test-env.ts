/**
 * Loaded into the test runner and every test process (`--import` in `npm test`): trawl processes
 * the tests start keep their rule cache in the temp directory, never in the user's ~/.cache.
 */
import os from 'node:os';
import path from 'node:path';

process.env['TRAWL_CACHE_DIR'] ??= path.join(os.tmpdir(), `trawl-test-cache-${os.userInfo().uid}`);
