/**
 * Server CPU per message, two builds of Confab side by side (issue 41 item 2). On a shared machine
 * a build's sends/s moves by tens of percent within minutes, so two builds run at once, each a
 * `confab serve` of its own as the `peers` phase starts it (SQLite, RATE_LIMITS=off, a DM pair per
 * sender, the recipient on a socket), and the load alternates between them in chunks: each round
 * sends a chunk at every load to one, then to the other (the order swapped each round), and
 * counts the server's CPU (`/proc/<pid>/stat`, user + system, every thread) from the chunk's first
 * send to its last delivery. What falls on the machine from elsewhere falls on both builds alike.
 *
 *   npm run build   (in both worktrees)
 *   node bench/cpu-per-send.mjs <root A> <root B> [rounds 8] [sends per sender 250]
 *
 * A root is a worktree (or a copy) with `bench/dist` and `packages/server/dist` built. Loads: one
 * sender (3× the sends, one after another) and ten, over REST and over sockets. Printed per build
 * and load: CPU µs per send (all chunks pooled, then each chunk's), the median chunk's sends/s,
 * the median chunk's send p50 (the POST's answer, or the ack), the p99 of every counted send and
 * the p99 of every counted delivery (its send's start to the frame at the recipient's socket).
 * `LOADS=rest:1,rest:10` runs only those loads. `NODE_ARGS_A` / `NODE_ARGS_B` add Node flags to
 * one build's server: with one root given twice, an A/B of a flag
 * (`NODE_ARGS_B=--no-parallel-scavenge node bench/cpu-per-send.mjs . .`). `BODY_TEXT` is added
 * to every message's body (the bench's own bodies are a dozen characters; a chat message's words
 * cost what a message's search tokens cost). Linux only (`/proc`).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const log = (text) => process.stdout.write(`${text}\n`);
const fail = (text) => process.stderr.write(`${text}\n`);
const [rootA, rootB] = process.argv.slice(2, 4);
if (rootA === undefined || rootB === undefined) {
  fail('usage: node bench/cpu-per-send.mjs <root A> <root B> [rounds] [sends per sender]');
  process.exit(2);
}
const ROUNDS = Number(process.argv[4] ?? 8);
const BODY_TEXT = process.env.BODY_TEXT ? ` ${process.env.BODY_TEXT}` : '';
const PER_SENDER = Number(process.argv[5] ?? 250);
// `LOADS=rest:10,socket:10` picks among them.
const LOADS = [
  ['rest', 1, PER_SENDER * 3],
  ['rest', 10, PER_SENDER],
  ['socket', 1, PER_SENDER * 3],
  ['socket', 10, PER_SENDER],
].filter(([sendPath, senders]) => process.env.LOADS === undefined || process.env.LOADS.split(',').includes(`${sendPath}:${senders}`));

/** Milliseconds of CPU the process has used, every thread (100 Hz ticks: 10 ms steps). */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const flags = (value) => (value ?? '').split(' ').filter(Boolean);
const builds = [
  { name: 'A', root: path.resolve(rootA), nodeArgs: flags(process.env.NODE_ARGS_A) },
  { name: 'B', root: path.resolve(rootB), nodeArgs: flags(process.env.NODE_ARGS_B) },
];
for (const build of builds) {
  // Each root's own bench code, so its server is that root's `packages/server/bin/confab.js`.
  const { startConfabTarget } = await import(pathToFileURL(path.join(build.root, 'bench/dist/peers/targets.js')).href);
  build.target = await startConfabTarget(
    Array.from({ length: 10 }, (_, i) => i),
    (error) => {
      fail(`server ${build.name} failed: ${error.stack ?? error}`);
      process.exit(1);
    },
    build.nodeArgs,
  );
}

let chunkTag = 0;
/** `senders` senders send `each` messages one after another; answers CPU, sends, wall time and send p50. */
async function chunk(target, sendPath, senders, each) {
  const tag = ++chunkTag;
  const total = senders * each;
  let delivered = 0;
  // Each body's send start, so that its delivery to the recipient's socket is timed too.
  const sentAt = new Map();
  const deliveries = [];
  const allDelivered = new Promise((resolve) => {
    target.onDelivered = (body) => {
      const t0 = sentAt.get(body);
      if (t0 !== undefined) deliveries.push(performance.now() - t0);
      if (++delivered === total) resolve();
    };
  });
  const latencies = [];
  const cpuBefore = cpuMs(target.pid);
  const started = performance.now();
  await Promise.all(
    target.pairs.slice(0, senders).map(async (pair, p) => {
      for (let i = 0; i < each; i++) {
        const t0 = performance.now();
        const body = `c${tag} ${p} ${i}${BODY_TEXT}`;
        sentAt.set(body, t0);
        await (sendPath === 'rest' ? pair.sendRest(body) : pair.sendSocket(body));
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const wall = performance.now() - started;
  await allDelivered;
  return { cpu: cpuMs(target.pid) - cpuBefore, sends: total, wall, p50: median(latencies), latencies, deliveries };
}

// A warm-up chunk at every load, not counted (JIT, the statement cache, the first WAL pages).
for (const build of builds)
  for (const [sendPath, senders, each] of LOADS) await chunk(build.target, sendPath, senders, Math.ceil(each / 2));
const results = new Map();
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? builds : [...builds].reverse();
  for (const [sendPath, senders, each] of LOADS) {
    for (const build of order) {
      const key = `${sendPath.padEnd(6)} ${String(senders).padStart(2)} ${build.name}`;
      results.set(key, [...(results.get(key) ?? []), await chunk(build.target, sendPath, senders, each)]);
    }
  }
  log(`round ${round + 1} done ${new Date().toISOString().slice(11, 19)} UTC, load average ${loadAverage()}`);
}
for (const build of builds) log(`${build.name} = ${build.root}${build.nodeArgs.length > 0 ? ` (node ${build.nodeArgs.join(' ')})` : ''}`);
for (const [key, chunks] of [...results].sort(([a], [b]) => a.localeCompare(b))) {
  const cpu = chunks.reduce((sum, c) => sum + c.cpu, 0);
  const sends = chunks.reduce((sum, c) => sum + c.sends, 0);
  const each = chunks.map((c) => ((1000 * c.cpu) / c.sends).toFixed(0)).join(' ');
  const rate = median(chunks.map((c) => (1000 * c.sends) / c.wall));
  const all = chunks.flatMap((c) => c.latencies).sort((a, b) => a - b);
  const p99 = all[Math.min(all.length - 1, Math.floor(all.length * 0.99))];
  const delivered = chunks.flatMap((c) => c.deliveries).sort((a, b) => a - b);
  const deliveryP99 = delivered[Math.min(delivered.length - 1, Math.floor(delivered.length * 0.99))];
  log(
    `${key}  CPU ${((1000 * cpu) / sends).toFixed(0).padStart(5)} µs/send (chunks ${each})  ${rate.toFixed(0)} sends/s  p50 ${median(chunks.map((c) => c.p50)).toFixed(2)} ms  p99 ${p99.toFixed(2)} ms  delivery p99 ${deliveryP99.toFixed(2)} ms`,
  );
}
for (const build of builds) await build.target.stop();
process.exit(0);
