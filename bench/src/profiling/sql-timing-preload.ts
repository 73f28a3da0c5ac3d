/**
 * `--import` preload for the Confab server process: times every SQLite statement of its main
 * thread and writes the table when the process exits, to $CONFAB_SQL_TIMING_FILE or
 * /tmp/confab-sql-timing-<pid>.txt:
 *
 *   npm run bench -- --only peers --peer-targets confab --peer-levels 100 --peer-paths socket \
 *     --server-node-args="--import=./bench/dist/profiling/sql-timing-preload.js"
 *
 * With $CONFAB_SQL_TIMING_SNAPSHOT set, SIGUSR2 writes every statement timed so far to that file
 * as JSON (`[{ key, calls, totalUs }]`) and starts over: a warm-up left out, a window measured
 * (`bench/sql-per-send.mjs`).
 *
 * The wrapper costs about a microsecond a statement; compare figures taken with it to each other.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import { type DatabaseClass, SqlTimings, timeStatements } from './sql-timing.js';

if (isMainThread) {
  // The very module the server loads (one CommonJS cache per process).
  const require = createRequire(new URL('../../../packages/server/package.json', import.meta.url));
  const timings = new SqlTimings();
  timeStatements(require('better-sqlite3') as DatabaseClass, timings);
  const snapshot = process.env['CONFAB_SQL_TIMING_SNAPSHOT'];
  if (snapshot !== undefined)
    process.on('SIGUSR2', () => {
      writeFileSync(snapshot, JSON.stringify(timings.top(Number.MAX_SAFE_INTEGER)));
      timings.reset();
    });
  process.on('exit', () => {
    writeFileSync(process.env['CONFAB_SQL_TIMING_FILE'] ?? `/tmp/confab-sql-timing-${process.pid}.txt`, timings.report());
  });
}
