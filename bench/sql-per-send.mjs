/**
 * Every SQL statement a SQLite send runs, counted and timed (issue 41 item 2): which statements a
 * REST send costs, how many of each a send, and their time, for one build of Confab at one load.
 *
 *   npm run build
 *   node bench/sql-per-send.mjs [senders 1] [sends per sender 2000]
 *
 * The server is `confab serve` as the peers phase starts it (SQLite, RATE_LIMITS=off, a DM pair
 * per sender, the recipient on a socket), with this file preloaded (`--import`): it wraps
 * better-sqlite3's statement calls (`run`, `get`, `all`, `iterate`) and times each with `hrtime`
 * around the call, by statement text. After 8,000 sends of warm-up (the WAL then reused: README,
 * "a fresh server's log") the counts start from zero, the senders send one message after another,
 * and the server writes what it counted. Printed: per statement, how many a send and µs a send,
 * the costliest first. What runs between the calls (the query builder, promises) is not in them.
 */
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DUMP = 'CONFAB_STATEMENT_COUNTS';

if (process.env[DUMP] !== undefined) installCounters(process.env[DUMP]);
else await main();

/** In the server (preloaded): counts and times every statement call, written to `file` on SIGUSR2 and then reset. */
function installCounters(file) {
  const SQLite = createRequire(path.join(root, 'packages/server/package.json'))('better-sqlite3');
  const scratch = new SQLite(':memory:');
  const Statement = Object.getPrototypeOf(scratch.prepare('select 1'));
  scratch.close();
  let counts = new Map();
  for (const method of ['run', 'get', 'all', 'iterate']) {
    const call = Statement[method];
    Statement[method] = function (...parameters) {
      const started = process.hrtime.bigint();
      try {
        return call.apply(this, parameters);
      } finally {
        const text = this.source.replace(/\s+/g, ' ').trim();
        const seen = counts.get(text) ?? { calls: 0, ns: 0n };
        seen.calls += 1;
        seen.ns += process.hrtime.bigint() - started;
        counts.set(text, seen);
      }
    };
  }
  process.on('SIGUSR2', () => {
    writeFileSync(file, JSON.stringify([...counts].map(([text, { calls, ns }]) => ({ text, calls, us: Number(ns) / 1000 }))));
    counts = new Map();
  });
}

async function main() {
  const senders = Number(process.argv[2] ?? 1);
  const each = Number(process.argv[3] ?? 2000);
  const work = mkdtempSync(path.join(tmpdir(), 'confab-sql-per-send-'));
  const file = path.join(work, 'counts.json');
  process.env[DUMP] = file; // the server inherits the environment: it counts, this process does not
  const { startConfabTarget } = await import(pathToFileURL(path.join(root, 'bench/dist/peers/targets.js')).href);
  const target = await startConfabTarget(
    Array.from({ length: senders }, (_, i) => i),
    (error) => {
      throw error;
    },
    ['--import', fileURLToPath(import.meta.url)],
  );
  target.onDelivered = () => {};
  const send = (n) =>
    Promise.all(
      target.pairs.map(async (pair, p) => {
        for (let i = 0; i < n; i++) await pair.sendRest(`message ${p} ${i}`);
      }),
    );
  const dump = async () => {
    rmSync(file, { force: true });
    process.kill(target.pid, 'SIGUSR2');
    for (let waited = 0; waited < 5000; waited += 50) {
      try {
        return JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    throw new Error('the server wrote no counts');
  };
  await send(Math.ceil(8000 / senders));
  await dump();
  const started = performance.now();
  await send(each);
  const seconds = (performance.now() - started) / 1000;
  const rows = await dump();
  await target.stop();
  rmSync(work, { recursive: true });
  const sends = senders * each;
  const total = rows.reduce((sum, r) => sum + r.us, 0);
  process.stdout.write(
    `${sends} REST sends from ${senders} sender(s), ${Math.round(sends / seconds)}/s; per send: statements, µs, the statement\n`,
  );
  for (const r of rows.sort((a, b) => b.us - a.us)) {
    if (r.calls / sends < 0.001) continue;
    process.stdout.write(`${(r.calls / sends).toFixed(3).padStart(7)} ${(r.us / sends).toFixed(1).padStart(7)}  ${r.text.slice(0, 120)}\n`);
  }
  process.stdout.write(`SQL in all: ${(total / sends).toFixed(1)} µs a send\n`);
}
