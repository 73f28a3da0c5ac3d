import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqliteBaseline } from './baselines.js';
import type { FanoutResult } from './fanout.js';
import type { LatencyResult } from './latency.js';
import type { Options } from './options.js';
import type { StormResult } from './storm-result.js';
import { DEFAULT_MIX, type MixedResult, sameMix } from './mixed.js';
import type { ThroughputResult } from './throughput.js';
import type { SearchBenchResult } from './search.js';
import { type UploadPhaseResult, uploadBar } from './upload.js';
import { type LoginPhaseResult, loginBar } from './login.js';
import { type IdlePhaseResult, idleBar } from './idle.js';

export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

/** The bars from the issue. */
export const BARS = {
  sendsPerSec: { min: 5000, aim: 10_000 },
  /** Issue 11: search over 1,000,000 stored messages on SQLite. */
  searchP99Ms: { max: 50, messages: 1_000_000 },
  p99AckMsAt: { rate: 2000, max: 20 },
  fanoutVsBareWs: { min: 0.8 },
  /** Never lose a message: after the storm every client holds each acknowledged message exactly once. */
  stormLostOrDuplicated: { max: 0 },
} as const;

export interface Bar {
  name: string;
  target: string;
  measured: number | null;
  unit: string;
  pass: boolean | null;
}

export interface BenchReport {
  schema: 1;
  startedAt: string;
  finishedAt: string;
  totalSec: number;
  quick: boolean;
  machine: { cores: number; cpuModel: string; node: string; platform: string; arch: string; memoryGiB: number };
  options: Record<string, unknown>;
  baselines: { sqlite?: SqliteBaseline; bareWsFanout?: FanoutResult };
  confab: {
    setup?: { users: number; registerSec: number; conversations: number; connectSec: Record<string, number> };
    throughput?: ThroughputResult;
    /** The throughput loop with replies, reactions, edits and deletes mixed in (mixed.ts). */
    mixed?: MixedResult;
    latency?: LatencyResult;
    fanout?: FanoutResult;
    storm?: StormResult;
    /** Full-text search over a big SQLite store (search.ts). */
    search?: SearchBenchResult;
    /** Delivery p99 with and without a concurrent 25 MiB upload (upload.ts). */
    upload?: UploadPhaseResult;
    /** Delivery p99 with and without 50 logins/s (login.ts). */
    login?: LoginPhaseResult;
    /** Server RSS per idle socket and delivery among them (idle.ts). */
    idle?: IdlePhaseResult;
  };
  ratios: {
    fanoutVsBareWs: number | null;
    sendsVsSqliteSingleRowCommits: number | null;
    sendsVsSqliteBatchedRows: number | null;
    /** Mixed-workload acks/s over plain-send acks/s, both measured in this run (issue 10: at least 0.75). */
    mixedVsPlainSends?: number | null;
  };
  bars: Bar[];
  notes: string[];
}

export function newReport(options: Options, startedAt: Date): BenchReport {
  const cpus = os.cpus();
  return {
    schema: 1,
    startedAt: startedAt.toISOString(),
    finishedAt: '',
    totalSec: 0,
    quick: options.quick,
    machine: {
      cores: cpus.length,
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      node: process.version,
      platform: os.platform(),
      arch: os.arch(),
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    },
    // The scale-out comparison's URLs are left out: they may carry passwords.
    options: { ...options, phases: [...options.phases], postgresUrl: undefined, redisUrl: undefined },
    baselines: {},
    confab: {},
    ratios: { fanoutVsBareWs: null, sendsVsSqliteSingleRowCommits: null, sendsVsSqliteBatchedRows: null },
    bars: [],
    notes: [],
  };
}

const ratio = (a: number | undefined, b: number | undefined) =>
  a !== undefined && b !== undefined && b > 0 ? Math.round((100 * a) / b) / 100 : null;

/** Fills in ratios and bars once every phase has run. */
export function finish(report: BenchReport, finishedAt: Date): void {
  report.finishedAt = finishedAt.toISOString();
  report.totalSec = Math.round((finishedAt.getTime() - Date.parse(report.startedAt)) / 1000);
  const { sqlite, bareWsFanout } = report.baselines;
  const { throughput, mixed, latency, fanout, storm } = report.confab;
  report.ratios = {
    fanoutVsBareWs: ratio(fanout?.deliveriesPerSec, bareWsFanout?.deliveriesPerSec),
    sendsVsSqliteSingleRowCommits: ratio(throughput?.acksPerSec, sqlite?.singleRow.commitsPerSec),
    sendsVsSqliteBatchedRows: ratio(throughput?.acksPerSec, sqlite?.batched.rowsPerSec),
    // Against the plain sends interleaved with the mix (mixed.ts), not the throughput phase's.
    // The bar's ratio is the bar's mix's alone (`--mix` prices other mixes).
    ...(mixed && sameMix(mixed.mix, DEFAULT_MIX) ? { mixedVsPlainSends: mixed.control.ratio } : {}),
  };
  const sends = throughput?.acksPerSec ?? null;
  const p99 = latency?.ackLatencyMs?.p99 ?? null;
  const latencyValid = latency !== undefined && !latency.saturated && latency.offeredPerSec === BARS.p99AckMsAt.rate;
  const fan = report.ratios.fanoutVsBareWs;
  report.bars = [
    {
      name: 'acknowledged durable sends/s',
      target: `≥ ${BARS.sendsPerSec.min} (aim ${BARS.sendsPerSec.aim})`,
      measured: sends,
      unit: 'acks/s',
      pass: sends === null ? null : sends >= BARS.sendsPerSec.min,
    },
    {
      name: `p99 ack latency at ${BARS.p99AckMsAt.rate} sends/s offered`,
      target: `< ${BARS.p99AckMsAt.max} ms`,
      measured: p99,
      unit: 'ms',
      pass: p99 === null || !latencyValid ? null : p99 < BARS.p99AckMsAt.max && latency.unacknowledged === 0,
    },
    {
      name: 'fan-out deliveries/s vs bare ws broadcast',
      target: `≥ ${BARS.fanoutVsBareWs.min}×`,
      measured: fan,
      unit: '×',
      pass: fan === null ? null : fan >= BARS.fanoutVsBareWs.min && (fanout?.lost ?? 0) === 0,
    },
    stormBar(storm),
    searchBar(report.confab.search),
    ...(report.confab.upload ? [uploadBar(report.confab.upload)] : []),
    ...(report.confab.login ? [loginBar(report.confab.login)] : []),
    ...(report.confab.idle ? [idleBar(report.confab.idle)] : []),
  ];
  if (latency && latency.offeredPerSec !== BARS.p99AckMsAt.rate) {
    report.notes.push(`latency was measured at ${latency.offeredPerSec}/s, not the bar's ${BARS.p99AckMsAt.rate}/s: its bar is not judged`);
  }
  if (latency?.saturated) report.notes.push('the latency phase stopped early: the server fell too far behind the offered rate');
  if (fanout && fanout.lost > 0) report.notes.push(`Confab fan-out lost ${fanout.lost} deliveries`);
  if (bareWsFanout && bareWsFanout.lost > 0) report.notes.push(`bare ws fan-out lost ${bareWsFanout.lost} deliveries`);
  if (storm && (storm.lost > 0 || storm.duplicates > 0)) {
    report.notes.push(
      `the reconnect storm lost ${storm.lost} and duplicated ${storm.duplicates} of ${storm.expectedDeliveries} deliveries`,
    );
  }
  if (storm && storm.allCaughtUpMs === null) {
    report.notes.push(`the reconnect storm timed out: not every client caught up (${storm.neverReconnected} never reconnected)`);
  }
  if (storm && (storm.unacknowledged > 0 || Object.keys(storm.sendErrors).length > 0)) {
    report.notes.push(`storm sends: ${storm.unacknowledged} unacknowledged, errors ${JSON.stringify(storm.sendErrors)}`);
  }
}

function searchBar(search: SearchBenchResult | undefined): Bar {
  const measured = search?.p99Ms ?? null;
  return {
    name: `search p99 over ${BARS.searchP99Ms.messages.toLocaleString('en-US')} messages (worst query)`,
    target: `< ${BARS.searchP99Ms.max} ms`,
    measured,
    unit: 'ms',
    // Judged only over a store of the bar's size.
    pass: !search || measured === null || search.messages < BARS.searchP99Ms.messages ? null : measured < BARS.searchP99Ms.max,
  };
}

function stormBar(storm: StormResult | undefined): Bar {
  const measured = storm ? storm.lost + storm.duplicates : null;
  return {
    name: 'reconnect storm: deliveries lost + duplicated',
    target: `= ${BARS.stormLostOrDuplicated.max}`,
    measured,
    unit: 'deliveries',
    // Judged only when something was owed and every client got the chance to catch up.
    pass: !storm || storm.acked === 0 ? null : measured! <= BARS.stormLostOrDuplicated.max && storm.allCaughtUpMs !== null,
  };
}

/** Writes <timestamp>.json (or <timestamp>-quick.json) and, for full runs, latest.json. */
export function save(report: BenchReport): string[] {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = report.startedAt.slice(0, 19).replace(/:/g, '-') + 'Z';
  const names = [report.quick ? `${stamp}-quick.json` : `${stamp}.json`];
  // A run of the idle phase alone must not replace the whole run's latest.json.
  const phases = report.options['phases'] as string[];
  const idleAlone = phases.length === 1 && phases[0] === 'idle';
  const idleName = report.options['idleStore'] === 'postgres' ? 'idle-postgres-latest.json' : 'idle-latest.json';
  if (!report.quick) names.push(idleAlone ? idleName : 'latest.json');
  const text = `${JSON.stringify(report, null, 2)}\n`;
  return names.map((name) => {
    const file = path.join(RESULTS_DIR, name);
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
    return file;
  });
}
