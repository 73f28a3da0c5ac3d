/**
 * Import throughput and memory (issue 37): builds a Slack workspace export of N messages (threads,
 * reactions, mentions, Slack markup) as a real zip, then runs `confab import slack` on it as an
 * operator would, into a fresh SQLite data directory (and a PostgreSQL schema with
 * ENGINES=sqlite,postgres), and reports wall time, messages per second and the import process's
 * peak RSS (VmHWM). Run at two sizes to see whether memory grows with the export.
 *
 *   npm run build
 *   MESSAGES=100000 node bench/import-throughput.mjs
 *   MESSAGES=400000 ENGINES=sqlite,postgres node bench/import-throughput.mjs
 *   MESSAGES=1000000 HEAP_MB=128 node bench/import-throughput.mjs   # the import's V8 heap capped
 *
 * Results go to bench/results/import-throughput-<date>-<messages>[-heap<MB>].json.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import yazl from 'yazl';

const log = (text) => process.stdout.write(`${text}\n`);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MESSAGES = Number(process.env.MESSAGES ?? 100_000);
const CHANNELS = Number(process.env.CHANNELS ?? 50);
const USERS = Number(process.env.USERS ?? 200);
const PER_DAY = 500;
const ENGINES = (process.env.ENGINES ?? 'sqlite').split(',');
// Caps the import process's heap only (NODE_OPTIONS would cap this generator too).
const HEAP_MB = process.env.HEAP_MB ? Number(process.env.HEAP_MB) : null;
const DATABASE_URL = process.env.CONFAB_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DAY1 = 1_704_103_200;

const work = mkdtempSync(path.join(os.tmpdir(), 'confab-import-bench-'));
const zipPath = path.join(work, 'slack.zip');

/** The export: USERS people, CHANNELS public channels, MESSAGES messages spread over days, one in ten a thread reply, one in five with a reaction. */
async function writeExport() {
  const zip = new yazl.ZipFile();
  const json = (value) => Buffer.from(JSON.stringify(value));
  const users = Array.from({ length: USERS }, (_, i) => ({
    id: `U${i}`,
    name: `person${i}`,
    real_name: `Person ${i}`,
    profile: { email: `person${i}@bench.test`, display_name: `Person ${i}` },
  }));
  zip.addBuffer(json(users), 'users.json');
  const channels = Array.from({ length: CHANNELS }, (_, c) => ({
    id: `C${c}`,
    name: `channel-${c}`,
    created: DAY1 - 86400,
    creator: 'U0',
    members: users.filter((_, i) => i % CHANNELS === c || i < 20).map((u) => u.id),
    topic: { value: `Topic ${c}` },
  }));
  zip.addBuffer(json(channels), 'channels.json');
  for (const name of ['groups.json', 'dms.json', 'mpims.json']) zip.addBuffer(json([]), name);
  const perChannel = Math.ceil(MESSAGES / CHANNELS);
  let written = 0;
  for (const channel of channels) {
    const members = channel.members;
    for (let day = 0; day * PER_DAY < perChannel && written < MESSAGES; day++) {
      const messages = [];
      let root = null;
      for (let k = 0; k < PER_DAY && day * PER_DAY + k < perChannel && written < MESSAGES; k++, written++) {
        const at = DAY1 + day * 86400 + k * 60;
        const ts = `${at}.000000`;
        const user = members[(k * 7 + day) % members.length];
        const message = {
          type: 'message',
          user,
          text: `message ${written} from <@${user}> about <https://example.com/${k}|the plan> in <#${channel.id}|${channel.name}>, see you *tomorrow*`,
          ts,
        };
        if (k % 10 === 0) root = ts;
        else if (k % 10 === 5 && root) message.thread_ts = root;
        if (k % 5 === 0) message.reactions = [{ name: '+1', users: [members[0]], count: 1 }];
        messages.push(message);
      }
      const date = new Date((DAY1 + day * 86400) * 1000).toISOString().slice(0, 10);
      zip.addBuffer(json(messages), `${channel.name}/${date}.json`);
    }
  }
  zip.end();
  await finished(zip.outputStream.pipe(createWriteStream(zipPath)));
  return written;
}

/** Runs the import CLI; resolves with its wall time and peak RSS (the kernel's high-water mark, polled). */
function runImport(env) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [path.join(root, 'packages/server/bin/confab.js'), 'import', 'slack', zipPath], {
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        ...(HEAP_MB ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=${HEAP_MB}`.trim() } : {}),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let peakKib = 0;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    const poll = setInterval(() => {
      try {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (hwm) peakKib = Math.max(peakKib, Number(hwm[1]));
      } catch {
        // exited between polls
      }
    }, 100);
    child.on('exit', (code) => {
      clearInterval(poll);
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) return reject(new Error(`import exited ${code}: ${stderr}`));
      resolve({ seconds, peakRssMiB: Math.round(peakKib / 1024), record: JSON.parse(stdout).import });
    });
  });
}

async function postgresSchema() {
  const name = `bench_import_${Date.now()}`;
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query(`create schema ${name}`);
  await client.end();
  const url = new URL(DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${name}`);
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: DATABASE_URL });
      await c.connect();
      await c.query(`drop schema ${name} cascade`);
      await c.end();
    },
  };
}

const writing = performance.now();
const made = await writeExport();
const zipMiB = statSync(zipPath).size / 1_048_576;
const writeSeconds = (performance.now() - writing) / 1000;
log(`export: ${made} messages, ${USERS} users, ${CHANNELS} channels, ${zipMiB.toFixed(1)} MiB zipped in ${writeSeconds.toFixed(1)} s`);
const results = [];
for (const engine of ENGINES) {
  const dataDir = mkdtempSync(path.join(work, `data-${engine}-`));
  const schema = engine === 'postgres' ? await postgresSchema() : null;
  const env = { DATA_DIR: dataDir, ...(schema ? { DATABASE_URL: schema.url, JWT_SECRET: 'a bench secret of thirty-two characters' } : {}) };
  const load = os.loadavg().map((n) => n.toFixed(1));
  const run = await runImport(env);
  const messages = run.record.counts.messages + run.record.counts.replies;
  const line = {
    engine,
    messages,
    users: run.record.counts.users,
    reactions: run.record.counts.reactions,
    seconds: Number(run.seconds.toFixed(1)),
    messagesPerSecond: Math.round(messages / run.seconds),
    peakRssMiB: run.peakRssMiB,
    exportMiB: Number(zipMiB.toFixed(1)),
    errors: run.record.errors.length,
    loadAverage: load,
    loadAverageAfter: os.loadavg().map((n) => n.toFixed(1)),
  };
  log(JSON.stringify(line));
  results.push(line);
  await schema?.drop();
}
mkdirSync(path.join(root, 'bench/results'), { recursive: true });
const suffix = HEAP_MB ? `-heap${HEAP_MB}` : '';
const out = path.join(root, 'bench/results', `import-throughput-${new Date().toISOString().slice(0, 10)}-${MESSAGES}${suffix}.json`);
const summary = { date: new Date().toISOString(), cores: os.cpus().length, heapMiB: HEAP_MB, results };
writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`);
log(`written to ${path.relative(root, out)}`);
rmSync(work, { recursive: true, force: true });
