/**
 * A resume with nothing missed, two builds of Confab (or more) side by side on one seeded store
 * (issue 41 item 3). On a shared machine a build's times move by tens of percent within minutes,
 * so every build's server runs at once and the resumes alternate between them: each round resumes
 * `per round` times on each in turn (the order reversed every other round). A resume is a socket with
 * `since` = a cursor at the log's head (read from a plain connect just before) and `heads=moved`,
 * as the SDK resumes; its time is the upgrade request → `ready`, and every one must replay nothing.
 *
 *   node bench/resume-ab.mjs <root A> <root B> [<root C> …] sqlite:<file> | postgres:<schema> [rounds 20] [per round 5]
 *
 * A root is a worktree (or a copy) with `bench/dist` and `packages/server/dist` built. The store is
 * one `--only grow --grow-keep` left (bench/README.md): a SQLite file (each build gets a copy of its
 * own) or a PostgreSQL schema on the bench's database (both builds are nodes of one cluster on it,
 * with Redis). The user is `grow0`. Printed per build: p50 / p90 / min over every resume, and the
 * load average before and after.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const storeAt = args.findIndex((a) => /^(sqlite|postgres):/.test(a));
const roots = args.slice(0, Math.max(storeAt, 0));
const [storeArg, roundsArg = '20', perRoundArg = '5'] = args.slice(storeAt);
if (storeAt < 2) {
  process.stderr.write('usage: node bench/resume-ab.mjs <root A> <root B> sqlite:<file> | postgres:<schema> [rounds] [per round]\n');
  process.exit(2);
}
const rounds = Number(roundsArg);
const perRound = Number(perRoundArg);
const [engine, where] = [storeArg.slice(0, storeArg.indexOf(':')), storeArg.slice(storeArg.indexOf(':') + 1)];
const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const quantile = (values, q) => [...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))];
const postgresUrl = process.env.CONFAB_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const shared = { JWT_SECRET: randomBytes(32).toString('hex') };
if (engine === 'postgres') {
  const url = new URL(postgresUrl);
  url.searchParams.set('options', `-c search_path=${where}`);
  Object.assign(shared, {
    DATABASE_URL: url.toString(),
    DATABASE_POOL_SIZE: '8',
    REDIS_URL: process.env.CONFAB_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_CHANNEL_PREFIX: `confab-resume-ab:${randomBytes(4).toString('hex')}:`,
  });
}

const builds = [];
const dirs = [];
for (const [i, root] of roots.entries()) {
  const name = String.fromCharCode(65 + i);
  const benchDist = path.join(path.resolve(root), 'bench/dist');
  const { startConfab } = await import(pathToFileURL(path.join(benchDist, 'server-process.js')).href);
  const { resumeOnce } = await import(pathToFileURL(path.join(benchDist, 'grow-measure.js')).href);
  const env = { ...shared };
  if (engine === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), `confab-resume-ab-${name}-`));
    copyFileSync(where, path.join(dir, 'confab.sqlite3'));
    dirs.push(dir);
    env.DATA_DIR = dir;
  }
  const confab = await startConfab(
    (error) => {
      process.stderr.write(`server ${name} failed: ${error.stack ?? error}\n`);
      process.exit(1);
    },
    [],
    env,
  );
  const login = await fetch(`${confab.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'grow0', password: 'bench-password-not-secret' }),
  });
  if (login.status !== 200) throw new Error(`login on ${name}: ${login.status} ${await login.text()}`);
  const { accessToken } = await login.json();
  builds.push({ name, root, confab, resumeOnce, url: confab.wsUrl(accessToken), times: [] });
}

/** A cursor at the head: what a plain connect's `ready` says. */
async function headCursor(build) {
  const frames = [];
  const ws = new (await import('ws')).default(build.url);
  return new Promise((resolve, reject) => {
    ws.on('message', (raw) => {
      const frame = JSON.parse(raw.toString('utf8'));
      frames.push(frame.type);
      if (frame.type !== 'ready') return;
      ws.close();
      resolve(frame.cursor);
    });
    ws.on('error', reject);
  });
}

const started = new Date().toISOString();
const loadBefore = loadAverage();
for (const build of builds) for (let i = 0; i < 3; i++) await build.resumeOnce(`${build.url}&since=${await headCursor(build)}&heads=moved`); // warm-up
for (let round = 0; round < rounds; round++) {
  for (const build of round % 2 === 0 ? builds : [...builds].reverse()) {
    for (let i = 0; i < perRound; i++) {
      const cursor = await headCursor(build);
      const run = await build.resumeOnce(`${build.url}&since=${encodeURIComponent(cursor)}&heads=moved`);
      if (run.reset !== null || run.replayed !== 0) throw new Error(`${build.name}: reset ${run.reset}, replayed ${run.replayed}`);
      build.times.push(run.ms);
    }
  }
}
process.stdout.write(
  `resume with nothing missed, ${engine}, ${started} → ${new Date().toISOString()}, load ${loadBefore} → ${loadAverage()}\n`,
);
for (const b of builds) {
  const f = (q) => quantile(b.times, q).toFixed(1);
  process.stdout.write(`${b.name} (${b.root}): ${b.times.length} resumes, p50 ${f(0.5)} ms, p90 ${f(0.9)}, min ${f(0)}\n`);
}
for (const b of builds) await b.confab.stop();
for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
process.exit(0);
