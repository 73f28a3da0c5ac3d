/**
 * Every SQL statement a SQLite send runs, per send (issue 41 item 2): which statements a REST send
 * costs, how many of each a send, and their time, for one build of Confab at one load.
 *
 *   npm run build
 *   node bench/sql-per-send.mjs [senders 1] [sends per sender 2000]
 *
 * The server is `confab serve` as the peers phase starts it (SQLite, RATE_LIMITS=off, a DM pair
 * per sender, the recipient on a socket) with the bench's statement timer preloaded
 * (`bench/dist/profiling/sql-timing-preload.js`: `hrtime` around every call, by statement text).
 * After 8,000 sends of warm-up (the WAL then reused: README, "a fresh server's log") the timer
 * starts over (its SIGUSR2 snapshot), the senders send one message after another, and a second
 * snapshot is the window. Printed: per statement, how many a send and µs a send, the costliest
 * first. What runs between the calls (the query builder, promises) is not in them.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const senders = Number(process.argv[2] ?? 1);
const each = Number(process.argv[3] ?? 2000);
const work = mkdtempSync(path.join(tmpdir(), 'confab-sql-per-send-'));
const file = path.join(work, 'snapshot.json');
// The server inherits the environment: where its SIGUSR2 snapshots go.
process.env['CONFAB_SQL_TIMING_SNAPSHOT'] = file;
process.env['CONFAB_SQL_TIMING_FILE'] = path.join(work, 'at-exit.txt');

const { startConfabTarget } = await import(pathToFileURL(path.join(root, 'bench/dist/peers/targets.js')).href);
const target = await startConfabTarget(
  Array.from({ length: senders }, (_, i) => i),
  (error) => {
    throw error;
  },
  [`--import=${path.join(root, 'bench/dist/profiling/sql-timing-preload.js')}`],
);
target.onDelivered = () => {};
const send = (n) =>
  Promise.all(
    target.pairs.map(async (pair, p) => {
      for (let i = 0; i < n; i++) await pair.sendRest(`message ${p} ${i}`);
    }),
  );
/** The statements timed since the last snapshot. */
const snapshot = async () => {
  rmSync(file, { force: true });
  process.kill(target.pid, 'SIGUSR2');
  for (let waited = 0; waited < 5000; waited += 50) {
    try {
      return JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error('the server wrote no snapshot');
};

await send(Math.ceil(8000 / senders));
await snapshot();
const started = performance.now();
await send(each);
const seconds = (performance.now() - started) / 1000;
const rows = await snapshot();
await target.stop();
rmSync(work, { recursive: true });

const sends = senders * each;
process.stdout.write(
  `${sends} REST sends from ${senders} sender(s), ${Math.round(sends / seconds)}/s; per send: statements, µs, the statement\n`,
);
for (const { key, calls, totalUs } of rows) {
  if (calls / sends < 0.001) continue;
  process.stdout.write(`${(calls / sends).toFixed(3).padStart(7)} ${(totalUs / sends).toFixed(1).padStart(7)}  ${key}\n`);
}
const total = rows.reduce((sum, r) => sum + r.totalUs, 0);
process.stdout.write(`SQL in all: ${(total / sends).toFixed(1)} µs a send\n`);
