/**
 * One sender against a fresh `confab serve`, round after round (issue 41 item 2): how a server's
 * send latency and CPU change over its first thousands of sends. The server is started as the
 * `peers` phase starts it (SQLite, RATE_LIMITS=off, one DM pair, the recipient on a socket); the
 * sender sends one message at a time; each round prints sends/s, send and delivery p50/p90/p99/p99.9,
 * the server's CPU a send (every thread, and its main thread alone), and the size of its log.
 *
 *   npm run build
 *   node bench/fresh-server-rounds.mjs [rest|socket] [sends a round 2000] [rounds 4]
 *
 * The first round (half as long) is a warm-up. Server settings come from the environment
 * (`SQLITE_WAL_RESERVE=false node bench/fresh-server-rounds.mjs`); `NODE_ARGS` adds Node flags to
 * the server (`NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"`); `MARKS=1` prints when each round
 * began (epoch ms) and when the server stopped, to cut such a profile by round. Linux only (`/proc`).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { startConfabTarget } from './dist/peers/targets.js';

const [sendPath = 'rest', sendsArg = '2000', roundsArg = '4'] = process.argv.slice(2);
if (sendPath !== 'rest' && sendPath !== 'socket') {
  process.stderr.write('usage: node bench/fresh-server-rounds.mjs [rest|socket] [sends a round] [rounds]\n');
  process.exit(2);
}
const SENDS = Number(sendsArg);
const ROUNDS = Number(roundsArg);
const log = (text) => process.stdout.write(`${text}\n`);
const nodeArgs = (process.env.NODE_ARGS ?? '').split(' ').filter(Boolean);

const target = await startConfabTarget(
  [0],
  (error) => {
    process.stderr.write(`the server failed: ${error.stack ?? error}\n`);
    process.exit(1);
  },
  nodeArgs,
);
const pair = target.pairs[0];

/** Milliseconds of CPU (100 Hz ticks) of a `/proc` stat file: user + system. */
const ticksMs = (file) => {
  const fields = readFileSync(file, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const cpuMs = () => ticksMs(`/proc/${target.pid}/stat`);
const mainMs = () => ticksMs(`/proc/${target.pid}/task/${target.pid}/stat`);
const logSize = () => {
  const wal = readdirSync(target.dataDir).find((name) => name.endsWith('-wal'));
  return wal === undefined ? 'none' : `${(statSync(path.join(target.dataDir, wal)).size / 1_048_576).toFixed(1)} MiB`;
};
const quantiles = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return [0.5, 0.9, 0.99, 0.999].map((q) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))].toFixed(2)).join(' / ');
};

async function round(count, tag) {
  const sentAt = new Map();
  const deliveries = [];
  const sends = [];
  target.onDelivered = (body) => {
    const at = sentAt.get(body);
    if (at !== undefined) deliveries.push(performance.now() - at);
  };
  const [cpuBefore, mainBefore] = [cpuMs(), mainMs()];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const body = `${tag} ${i}`;
    const at = performance.now();
    sentAt.set(body, at);
    await (sendPath === 'rest' ? pair.sendRest(body) : pair.sendSocket(body));
    sends.push(performance.now() - at);
  }
  const wall = performance.now() - started;
  const [cpu, main] = [cpuMs() - cpuBefore, mainMs() - mainBefore];
  const deadline = Date.now() + 5000;
  while (deliveries.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  log(
    `${tag.padEnd(6)} ${((count * 1000) / wall).toFixed(0).padStart(5)} sends/s  send p50/90/99/99.9 ${quantiles(sends)} ms  ` +
      `delivery ${quantiles(deliveries)} ms  CPU ${((cpu * 1000) / count).toFixed(0)} µs a send (main thread ${((main * 1000) / count).toFixed(0)})  ` +
      `log ${logSize()}${deliveries.length < count ? `  ${count - deliveries.length} not delivered` : ''}`,
  );
}

log(`${sendPath}, one sender, rounds of ${SENDS}; the log after set-up: ${logSize()}`);
const marks = [['warm', Date.now()]];
await round(Math.ceil(SENDS / 2), 'warm');
for (let r = 1; r <= ROUNDS; r++) {
  marks.push([`r${r}`, Date.now()]);
  await round(SENDS, `r${r}`);
}
marks.push(['end', Date.now()]);
await target.stop();
if (process.env.MARKS) log(`marks ${JSON.stringify({ marks, stopped: Date.now() })}`);
process.exit(0);
