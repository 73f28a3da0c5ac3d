/**
 * `npm run bench -- --only peers` (issue 13): Confab against the chat server a team would write by
 * hand (socketio-peer-server.ts), the same workload against each in one run: senders POST (or
 * send over their socket) one message after another into a DM whose recipient holds a socket, at
 * 1, 10 and 100 senders, each sender a user of its own and again four users sharing the senders
 * (each sender on its own connection). The peer runs four times: as written (its commits not
 * flushed), flushed on every commit (`synchronous=FULL`), the promise Confab's ack makes,
 * flushed with its HTTP routes on Fastify (what Confab's framework costs a request), and flushed
 * keeping Confab's other promises on the send path (idempotency, a gap-free order per DM, a log
 * to resume from: what those guarantees cost a hand-written server). Prints
 * sends/s, send p50/p99 and delivery p50/p99 side by side with the ratios, and saves them in
 * bench/results/peers-*.json. Every server is up for the whole run and each level's rounds go to
 * them in turn, so the ratios compare the same minutes of the machine.
 *
 * Two floors run the same workload in the same run (floor-server.ts): one with no store (what the
 * machine and the load generator carry at all) and one that only appends and fdatasyncs before it
 * answers (the ceiling of any server whose ack means on disk). Then an open loop offers
 * --latency-rate sends/s over sockets to every target, beside the bare fsync'd commit's p99 of the
 * same run (part 6's yardstick).
 *
 * `--peer-targets`, `--peer-levels`, `--peer-paths` and `--peer-users` narrow a run to some servers, levels and
 * paths (to A/B two builds of Confab at one load); such a run never replaces peers-latest.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import type { Options } from '../options.js';
import type { PeerTargetName } from '../peer-selection.js';
import { RESULTS_DIR } from '../report.js';
import { round, sleep } from '../stats.js';
import { runSqliteBaseline } from '../baselines.js';
import { type PeerTarget, startConfabTarget, startFloor, startSocketIoPeer } from './targets.js';
import { type LevelResult, type OpenLoopResult, type SendPath, runLevel, runOpenLoop } from './workload.js';
import { type Load, loadKey, loadLabel, loadsOf, roundOrder, senderPlan } from './plan.js';

/** Sends a second each open-loop sender offers: half of Confab's per-user send limit (1,200 a minute). */
const OPEN_LOOP_PER_SENDER = 10;
/** The pause before each round, for what the server of the round before does just after it. */
const SETTLE_MS = 250;

/** By path, then by load (loadKey: `100`, or `100/4u` for 100 senders signed in as 4 users). */
type Results = Record<SendPath, Record<string, LevelResult & { rounds?: number[]; users?: number }>> & { openLoop: OpenLoopResult };

interface OpenLoop {
  rate: number;
  durationSec: number;
  pairs: number;
}

interface Plan {
  loads: readonly Load[];
  paths: readonly SendPath[];
  perSender: number;
  /** Measured rounds per level, after one that is not counted. */
  rounds: number;
  /** Sends one sender makes over each path, one at a time, before any level is measured. */
  sequentialWarmUp: number;
  open: OpenLoop;
}

/** Warm-up, before any level: neither side is measured cold (JIT, caches). */
async function warmUp(target: PeerTarget, plan: Plan): Promise<void> {
  // Every pair sends a few over each path.
  for (const sendPath of plan.paths) await runLevel(target, sendPath, target.pairs.length, 5, `warm-${sendPath}`);
  // Then one sender alone, one send at a time, from the pair kept for it (the last): those big
  // concurrent batches do not run a batch of one, and a fresh Confab took ~5,000 sequential sends
  // to reach its steady latency (bench/README.md), so its one-sender levels were measured partly cold.
  const warmPair = target.pairs.length - 1;
  for (const sendPath of plan.paths) await runLevel(target, sendPath, 1, plan.sequentialWarmUp, `warm-one-${sendPath}`, warmPair);
}

/**
 * Every level, the servers taking turns round by round (`roundOrder`), so that a host that slows
 * for a minute slows each server's rounds alike: run one after the other, a server's whole phase
 * took minutes, and the same build's figures moved by up to 40 % between them (bench/README.md).
 */
async function measureLevels(targets: readonly PeerTarget[], plan: Plan, log: (text: string) => void): Promise<Results[]> {
  const results = targets.map(() => ({ rest: {}, socket: {} }) as Results);
  // Every path and load sends from pairs of its own (senderPlan), the same in each of its rounds,
  // so no sender's conversation grows longer than another's.
  let firstPair = 0;
  for (const sendPath of plan.paths) {
    for (const load of plan.loads) {
      const { senders } = load;
      const rounds: LevelResult[][] = targets.map(() => []);
      // One round not counted, then the measured ones: at 18,000 sends/s a round of 200 per sender
      // lasts a tenth of a second, and the first one at a level runs partly cold (the peer's first
      // round at 10 senders ran at a quarter of its later ones).
      for (let round = 0; round <= plan.rounds; round++) {
        for (const t of roundOrder(round, targets.length)) {
          // What a server does just after a round (Confab's search indexer and WAL checkpoint, each
          // every 100 ms) is let finish before the next server's round begins.
          await sleep(SETTLE_MS);
          const result = await runLevel(targets[t]!, sendPath, senders, plan.perSender, `${sendPath}-${loadKey(load)}-${round}`, firstPair);
          if (round > 0) rounds[t]!.push(result);
        }
      }
      firstPair += senders;
      targets.forEach((target, t) => {
        const result = { ...medianRound(rounds[t]!), users: load.users };
        results[t]![sendPath][loadKey(load)] = result;
        log(
          `  ${target.name}, ${sendPath}, ${loadLabel(load)} sender(s): ${result.sendsPerSec} sends/s (rounds ${result.rounds?.join(', ')}), send p50 ${result.send?.p50} ms, delivery p99 ${result.delivery?.p99} ms, CPU ${cpuText(result)}${result.lost > 0 ? `, ${result.lost} not delivered` : ''}`,
        );
      });
    }
  }
  // The open loop's senders come after every level's; one server at a time (each floods the machine).
  for (const [t, target] of targets.entries()) {
    const openLoop = await runOpenLoop(target, plan.open.rate, plan.open.durationSec, firstPair, plan.open.pairs);
    results[t]!.openLoop = openLoop;
    log(`  ${target.name}, open loop at ${plan.open.rate}/s over sockets: ack p50 ${openLoop.ack?.p50} ms, p99 ${openLoop.ack?.p99} ms`);
  }
  return results;
}

/**
 * The round with the median sends/s, whole (its latencies with it), carrying every round's rate
 * and the messages not delivered in any round.
 */
function medianRound(rounds: readonly LevelResult[]): LevelResult & { rounds: number[] } {
  const sorted = [...rounds].sort((a, b) => a.sendsPerSec - b.sendsPerSec);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return { ...median, rounds: rounds.map((r) => r.sendsPerSec), lost: rounds.reduce((sum, r) => sum + r.lost, 0) };
}

/** The server's and the generator's CPU (% of one core) and the machine's idle share, as the table shows them. */
const cpuText = (r: LevelResult) =>
  r.cpu
    ? `server ${Math.round(r.cpu.serverPct)} %, generator ${Math.round(r.cpu.generatorPct)} %, idle ${Math.round(r.cpu.idlePct)} %`
    : '–';

const ratio = (ours: number | undefined, theirs: number | undefined) =>
  ours === undefined || theirs === undefined || theirs === 0 ? '–' : `${round(ours / theirs, 2)}×`;

/**
 * Every target's figures side by side; the ratios are Confab's against the peer as written and
 * against the flushed peer (equal guarantees), and the durable floor's against the flushed peer.
 */
function table(measured: Measured, plan: Plan): string {
  const { peer, flushedPeer, flushedOnFastify, guaranteedPeer, floor, durableFloor, confab } = measured;
  const targets = [peer, flushedPeer, flushedOnFastify, guaranteedPeer, floor, durableFloor, confab];
  const rows = [
    "| path | senders | figure | Socket.IO peer | the peer, flushed | flushed, on Fastify | flushed, with Confab's guarantees | floor (no store) | durable floor | Confab | Confab / peer | Confab / flushed peer | on Fastify / flushed peer | with guarantees / flushed peer | durable floor / flushed peer |",
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const sendPath of plan.paths) {
    for (const load of plan.loads) {
      const senders = loadLabel(load);
      const at = (results: Results | undefined) => results?.[sendPath][loadKey(load)];
      const figures: [string, (r: LevelResult) => number | undefined][] = [
        ['sends/s', (r) => r.sendsPerSec],
        ['send p50 ms', (r) => r.send?.p50],
        ['send p99 ms', (r) => r.send?.p99],
        ['delivery p50 ms', (r) => r.delivery?.p50],
        ['delivery p99 ms', (r) => r.delivery?.p99],
      ];
      for (const [figure, read] of figures) {
        const [p, pf, ff, pg, f, d, c] = targets.map((results) => {
          const result = at(results);
          return result === undefined ? undefined : read(result);
        });
        rows.push(
          `| ${sendPath} | ${senders} | ${figure} | ${p ?? '–'} | ${pf ?? '–'} | ${ff ?? '–'} | ${pg ?? '–'} | ${f ?? '–'} | ${d ?? '–'} | ${c ?? '–'} | ` +
            `${ratio(c, p)} | ${ratio(c, pf)} | ${ratio(ff, pf)} | ${ratio(pg, pf)} | ${ratio(d, pf)} |`,
        );
      }
      // What each server and the generator took while the senders sent, and what the machine had left.
      const cpu = targets.map((results) => {
        const c = at(results)?.cpu;
        return c ? `${Math.round(c.serverPct)} / ${Math.round(c.generatorPct)}, ${Math.round(c.idlePct)}` : '–';
      });
      rows.push(`| ${sendPath} | ${senders} | CPU % server / generator, idle % | ${cpu.join(' | ')} | | | | | |`);
    }
  }
  return rows.join('\n');
}

/** Each target's results; a focused run (`--peer-targets`) leaves the others out. */
interface Measured {
  peer?: Results;
  /** The same peer with `synchronous=FULL`: each commit flushed before it answers. */
  flushedPeer?: Results;
  /** The flushed peer with its HTTP routes on Fastify (schemas, a hook): what Confab's framework costs a request. */
  flushedOnFastify?: Results;
  /** The flushed peer keeping Confab's other promises on the send path: what those cost a hand-written server. */
  guaranteedPeer?: Results;
  /** No store: what the machine and the load generator carry at all. */
  floor?: Results;
  /** Only an fdatasync'd append before each answer: the ceiling of any server whose ack means on disk. */
  durableFloor?: Results;
  confab?: Results;
}

/**
 * Part 6's figure for every target: the open loop's ack p50 and p99, and the p99 against the
 * bare fsync'd single-row commit's p99, measured at the start of the same run.
 */
function openLoopTable(measured: Measured, commitP99: number | undefined): string {
  const { peer, flushedPeer, flushedOnFastify, guaranteedPeer, floor, durableFloor, confab } = measured;
  const targets = [peer, flushedPeer, flushedOnFastify, guaranteedPeer, floor, durableFloor, confab];
  const row = (figure: string, read: (r: OpenLoopResult) => number | string | undefined) =>
    `| ${figure} | ${targets.map((t) => (t === undefined ? undefined : read(t.openLoop)) ?? '–').join(' | ')} |`;
  return [
    "| open loop over sockets | Socket.IO peer | the peer, flushed | flushed, on Fastify | flushed, with Confab's guarantees | floor (no store) | durable floor | Confab |",
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    row('ack p50 ms', (r) => r.ack?.p50),
    row('ack p99 ms', (r) => r.ack?.p99),
    row(`ack p99 / bare commit p99 (${commitP99 ?? '–'} ms)`, (r) => ratio(r.ack?.p99, commitP99)),
    row('from the actual send: ack p50 / p99 ms', (r) => `${r.ackFromSend?.p50 ?? '–'} / ${r.ackFromSend?.p99 ?? '–'}`),
    row('from the actual send: p99 / bare commit p99', (r) => ratio(r.ackFromSend?.p99, commitP99)),
    row("the generator's send lag p50 / p99 ms", (r) => `${r.sendLag?.p50 ?? '–'} / ${r.sendLag?.p99 ?? '–'}`),
    row('unacknowledged', (r) => r.unacknowledged),
  ].join('\n');
}

export async function runPeers(options: Options, log: (text: string) => void, fatal: (error: unknown) => never): Promise<void> {
  const selection = options.peers;
  const plan: Plan = {
    loads: loadsOf(selection.levels, selection.users),
    paths: selection.paths,
    perSender: options.quick ? 50 : 200,
    rounds: options.quick ? 1 : 3,
    sequentialWarmUp: options.quick ? 300 : 3000,
    open: {
      rate: options.latencyRate,
      durationSec: options.latencyDurationSec,
      pairs: Math.ceil(options.latencyRate / OPEN_LOOP_PER_SENDER),
    },
  };
  const { perSender, rounds, open } = plan;
  // The open loop's pairs, and one more for the sequential warm-up.
  const senderOf = senderPlan(plan.loads, plan.paths.length, open.pairs + 1);
  const pairs = senderOf.length;
  log(`peers: bare SQLite commits for ${options.sqliteDurationSec} s (the open loop's yardstick)`);
  const bareCommits = runSqliteBaseline(options.sqliteDurationSec * 1000, options.sqliteBatch, options.bodyBytes).singleRow;
  log(
    `peers: ${selection.targets.join(', ')}; ${pairs} DM pairs per server, ${perSender} messages per sender at ` +
      `${plan.loads.map(loadLabel).join(', ')} senders, over ${plan.paths.join(' and ')}, the median of ${rounds} rounds after one not counted ` +
      `(each server warmed first by 5 sends from every pair, then ${plan.sequentialWarmUp} from one sender one at a time, per path); ` +
      `then ${open.rate} sends/s offered for ${open.durationSec} s over ${open.pairs} senders' sockets`,
  );
  const starts: Record<PeerTargetName, () => Promise<PeerTarget>> = {
    peer: () => startSocketIoPeer(senderOf, { flushed: false }, fatal, options.peerNodeArgs),
    flushed: () => startSocketIoPeer(senderOf, { flushed: true }, fatal, options.peerNodeArgs),
    fastify: () => startSocketIoPeer(senderOf, { flushed: true, onFastify: true }, fatal, options.peerNodeArgs),
    guaranteed: () => startSocketIoPeer(senderOf, { flushed: true, guarantees: true }, fatal, options.peerNodeArgs),
    floor: () => startFloor(senderOf, false, fatal, options.peerNodeArgs),
    durable: () => startFloor(senderOf, true, fatal, options.peerNodeArgs),
    confab: () => startConfabTarget(senderOf, fatal, options.serverNodeArgs),
  };
  const keys: Record<PeerTargetName, keyof Measured> = {
    peer: 'peer',
    flushed: 'flushedPeer',
    fastify: 'flushedOnFastify',
    guaranteed: 'guaranteedPeer',
    floor: 'floor',
    durable: 'durableFloor',
    confab: 'confab',
  };
  const measured: Measured = {};
  // Every server up at once (started one after another, in the tables' order), each warmed in turn.
  const targets: PeerTarget[] = [];
  try {
    for (const name of selection.targets) targets.push(await starts[name]());
    for (const target of targets) await warmUp(target, plan);
    const results = await measureLevels(targets, plan, log);
    selection.targets.forEach((name, t) => (measured[keys[name]] = results[t]));
  } finally {
    for (const target of targets) await target.stop();
  }
  const ran = Object.values(measured) as Results[];
  const lost = ran
    .flatMap((results) => plan.paths.flatMap((p) => plan.loads.map((l) => results[p][loadKey(l)]!.lost)))
    .reduce((a, b) => a + b, 0);
  const unacknowledged = ran.reduce((sum, results) => sum + results.openLoop.unacknowledged, 0);
  const commitP99 = bareCommits.latencyMs?.p99;
  process.stdout.write(
    `\n${table(measured, plan)}\n\n${lost === 0 ? 'every acknowledged message was delivered' : `${lost} messages not delivered`}\n` +
      `\n${openLoopTable(measured, commitP99)}\n\n` +
      `bare fsync'd single-row commits: ${bareCommits.commitsPerSec}/s, p50 ${bareCommits.latencyMs?.p50} ms, p99 ${commitP99} ms` +
      `${unacknowledged === 0 ? '' : `; ${unacknowledged} open-loop sends never acknowledged`}\n`,
  );
  if (!options.save) return;
  mkdirSync(RESULTS_DIR, { recursive: true });
  const at = new Date();
  const stamp = at.toISOString().replace(/[:.]/g, '-');
  // A focused run is kept under its own name; only a complete one stands for the comparison.
  const file = path.join(RESULTS_DIR, `peers-${stamp}${selection.complete ? '' : '-partial'}.json`);
  const machine = { cores: os.cpus().length, node: process.version, loadAverage: os.loadavg() };
  const saved = `${JSON.stringify({ at: at.toISOString(), machine, selection, perSender, rounds, openLoop: open, bareCommits, ...measured }, null, 2)}\n`;
  writeFileSync(file, saved);
  if (selection.complete) writeFileSync(path.join(RESULTS_DIR, 'peers-latest.json'), saved);
  log(`saved ${file}`);
}
