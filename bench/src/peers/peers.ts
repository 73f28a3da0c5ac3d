/**
 * `npm run bench -- --only peers` (issue 13): Confab against the chat server a team would write by
 * hand (socketio-peer-server.ts), the same workload against each in one run: senders POST (or
 * send over their socket) one message after another into a DM whose recipient holds a socket, at
 * 1, 10 and 100 senders. Prints sends/s, send p50/p99 and delivery p50/p99 side by side with the
 * ratio, and saves them in bench/results/peers-*.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import type { Options } from '../options.js';
import { RESULTS_DIR } from '../report.js';
import { round } from '../stats.js';
import { type PeerTarget, startConfabTarget, startFloor, startSocketIoPeer } from './targets.js';
import { type LevelResult, type SendPath, runLevel } from './workload.js';

const LEVELS = [1, 10, 100] as const;
const PATHS: readonly SendPath[] = ['rest', 'socket'];

type Results = Record<SendPath, Record<number, LevelResult>>;

async function measure(target: PeerTarget, perSender: number, log: (text: string) => void): Promise<Results> {
  // Warm-up: every pair sends a few over each path, so neither side is measured cold (JIT, caches).
  for (const sendPath of PATHS) await runLevel(target, sendPath, target.pairs.length, 5, `warm-${sendPath}`);
  const results = { rest: {}, socket: {} } as Results;
  // Every path and level sends from pairs of its own: a sender reused across levels would meet
  // Confab's per-user send limit (1,200 a minute), which `npm start` keeps on.
  let firstPair = 0;
  for (const sendPath of PATHS) {
    for (const senders of LEVELS) {
      const result = await runLevel(target, sendPath, senders, perSender, `${sendPath}-${senders}`, firstPair);
      firstPair += senders;
      results[sendPath][senders] = result;
      log(
        `  ${target.name}, ${sendPath}, ${senders} sender(s): ${result.sendsPerSec} sends/s, send p50 ${result.send?.p50} ms, delivery p99 ${result.delivery?.p99} ms${result.lost > 0 ? `, ${result.lost} not delivered` : ''}`,
      );
    }
  }
  return results;
}

const ratio = (ours: number | undefined, theirs: number | undefined) =>
  ours === undefined || theirs === undefined || theirs === 0 ? '–' : `${round(ours / theirs, 2)}×`;

/** Every target's figures side by side; the ratios against the peer are Confab's and the durable floor's. */
function table(measured: Measured): string {
  const { peer, floor, durableFloor, confab } = measured;
  const rows = [
    '| path | senders | figure | Socket.IO peer | floor (no store) | durable floor | Confab | Confab / peer | durable floor / peer |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const sendPath of PATHS) {
    for (const senders of LEVELS) {
      const at = (results: Results) => results[sendPath][senders]!;
      const figures: [string, (r: LevelResult) => number | undefined][] = [
        ['sends/s', (r) => r.sendsPerSec],
        ['send p50 ms', (r) => r.send?.p50],
        ['send p99 ms', (r) => r.send?.p99],
        ['delivery p50 ms', (r) => r.delivery?.p50],
        ['delivery p99 ms', (r) => r.delivery?.p99],
      ];
      for (const [figure, read] of figures) {
        const [p, f, d, c] = [peer, floor, durableFloor, confab].map((results) => read(at(results)));
        rows.push(
          `| ${sendPath} | ${senders} | ${figure} | ${p ?? '–'} | ${f ?? '–'} | ${d ?? '–'} | ${c ?? '–'} | ${ratio(c, p)} | ${ratio(d, p)} |`,
        );
      }
    }
  }
  return rows.join('\n');
}

interface Measured {
  peer: Results;
  /** No store: what the machine and the load generator carry at all. */
  floor: Results;
  /** Only an fdatasync'd append before each answer: the ceiling of any server whose ack means on disk. */
  durableFloor: Results;
  confab: Results;
}

export async function runPeers(options: Options, log: (text: string) => void, fatal: (error: unknown) => never): Promise<void> {
  const perSender = options.quick ? 50 : 200;
  const pairs = PATHS.length * LEVELS.reduce((sum, level) => sum + level, 0);
  log(`peers: ${pairs} DM pairs per server, ${perSender} messages per sender at ${LEVELS.join(', ')} senders, over REST and sockets`);
  const run = async (target: PeerTarget) => {
    const results = await measure(target, perSender, log);
    await target.stop();
    return results;
  };
  const measured: Measured = {
    peer: await run(await startSocketIoPeer(pairs, fatal)),
    floor: await run(await startFloor(pairs, false, fatal)),
    durableFloor: await run(await startFloor(pairs, true, fatal)),
    confab: await run(await startConfabTarget(pairs, fatal, options.serverNodeArgs)),
  };
  const lost = Object.values(measured)
    .flatMap((results: Results) => PATHS.flatMap((p) => LEVELS.map((l) => results[p][l]!.lost)))
    .reduce((a, b) => a + b, 0);
  process.stdout.write(
    `\n${table(measured)}\n\n${lost === 0 ? 'every acknowledged message was delivered' : `${lost} messages not delivered`}\n`,
  );
  if (!options.save) return;
  mkdirSync(RESULTS_DIR, { recursive: true });
  const at = new Date();
  const file = path.join(RESULTS_DIR, `peers-${at.toISOString().replace(/[:.]/g, '-')}.json`);
  const machine = { cores: os.cpus().length, node: process.version, loadAverage: os.loadavg() };
  writeFileSync(file, `${JSON.stringify({ at: at.toISOString(), machine, perSender, ...measured }, null, 2)}\n`);
  writeFileSync(
    path.join(RESULTS_DIR, 'peers-latest.json'),
    `${JSON.stringify({ at: at.toISOString(), machine, perSender, ...measured }, null, 2)}\n`,
  );
  log(`saved ${file}`);
}
