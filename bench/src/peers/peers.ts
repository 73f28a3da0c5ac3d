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
import { type PeerTarget, startConfabTarget, startSocketIoPeer } from './targets.js';
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

function table(peer: Results, confab: Results): string {
  const rows = ['| path | senders | figure | Socket.IO peer | Confab | Confab / peer |', '| --- | --- | --- | --- | --- | --- |'];
  for (const sendPath of PATHS) {
    for (const senders of LEVELS) {
      const p = peer[sendPath][senders]!;
      const c = confab[sendPath][senders]!;
      const figures: [string, number | undefined, number | undefined][] = [
        ['sends/s', p.sendsPerSec, c.sendsPerSec],
        ['send p50 ms', p.send?.p50, c.send?.p50],
        ['send p99 ms', p.send?.p99, c.send?.p99],
        ['delivery p50 ms', p.delivery?.p50, c.delivery?.p50],
        ['delivery p99 ms', p.delivery?.p99, c.delivery?.p99],
      ];
      for (const [figure, theirs, ours] of figures)
        rows.push(`| ${sendPath} | ${senders} | ${figure} | ${theirs ?? '–'} | ${ours ?? '–'} | ${ratio(ours, theirs)} |`);
    }
  }
  return rows.join('\n');
}

export async function runPeers(options: Options, log: (text: string) => void, fatal: (error: unknown) => never): Promise<void> {
  const perSender = options.quick ? 50 : 200;
  const pairs = PATHS.length * LEVELS.reduce((sum, level) => sum + level, 0);
  log(`peers: ${pairs} DM pairs per server, ${perSender} messages per sender at ${LEVELS.join(', ')} senders, over REST and sockets`);
  const peerTarget = await startSocketIoPeer(pairs, fatal);
  const peer = await measure(peerTarget, perSender, log);
  await peerTarget.stop();
  const confabTarget = await startConfabTarget(pairs, fatal, options.serverNodeArgs);
  const confab = await measure(confabTarget, perSender, log);
  await confabTarget.stop();
  const lost = [...PATHS].flatMap((p) => LEVELS.map((l) => confab[p][l]!.lost + peer[p][l]!.lost)).reduce((a, b) => a + b, 0);
  process.stdout.write(
    `\n${table(peer, confab)}\n\n${lost === 0 ? 'every acknowledged message was delivered' : `${lost} messages not delivered`}\n`,
  );
  if (!options.save) return;
  mkdirSync(RESULTS_DIR, { recursive: true });
  const at = new Date();
  const file = path.join(RESULTS_DIR, `peers-${at.toISOString().replace(/[:.]/g, '-')}.json`);
  const machine = { cores: os.cpus().length, node: process.version, loadAverage: os.loadavg() };
  writeFileSync(file, `${JSON.stringify({ at: at.toISOString(), machine, perSender, peer, confab }, null, 2)}\n`);
  writeFileSync(
    path.join(RESULTS_DIR, 'peers-latest.json'),
    `${JSON.stringify({ at: at.toISOString(), machine, perSender, peer, confab }, null, 2)}\n`,
  );
  log(`saved ${file}`);
}
