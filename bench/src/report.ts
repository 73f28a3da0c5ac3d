import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqliteBaseline } from './baselines.js';
import type { FanoutResult } from './fanout.js';
import type { LatencyResult } from './latency.js';
import type { Options } from './options.js';
import type { Resources } from './server-process.js';
import { type Summary, round } from './stats.js';
import type { StormResult } from './storm.js';
import { DEFAULT_MIX, type MixedResult, describeMix, sameMix } from './mixed.js';
import type { ThroughputResult } from './throughput.js';
import type { SearchBenchResult } from './search.js';
import { type UploadPhaseResult, formatUpload, uploadBar } from './upload.js';
import { type LoginPhaseResult, formatLogin, loginBar } from './login.js';
import { type IdlePhaseResult, formatIdle, idleBar } from './idle.js';

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

// ---- the printed summary ----

const n = (v: number | null | undefined) => (v === null || v === undefined ? '–' : Math.round(v).toLocaleString('en-US'));
const ms = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`);
const dist = (s: Summary | null | undefined) => (s ? `p50 ${ms(s.p50)}  p90 ${ms(s.p90)}  p99 ${ms(s.p99)}  max ${ms(s.max)}` : '–');
const verdict = (pass: boolean | null) => (pass === null ? 'n/a' : pass ? 'PASS' : 'FAIL');

function cpu(r: Resources | undefined): string {
  if (!r) return '';
  const server = r.cpu.serverPct === null ? '?' : `${r.cpu.serverPct}%`;
  const batch = r.server ? `; commit batch mean ${r.server.meanBatch ?? '–'} msgs; ${n(r.server.storedBefore)} msgs stored before` : '';
  const idle = r.machine ? `, machine idle ${r.machine.idlePct}%` : '';
  return `CPU (100% = one core): server ${server}, load generator ${r.cpu.loadGeneratorPct}%${idle}${batch}`;
}

export function format(report: BenchReport): string {
  const lines: string[] = [];
  const { machine, baselines, confab, ratios } = report;
  const add = (label: string, value: string) => lines.push(`  ${label.padEnd(50)} ${value}`);
  const detail = (text: string) => lines.push(`  ${''.padEnd(50)} ${text}`);
  lines.push('');
  lines.push(
    `Confab benchmark${report.quick ? ' (quick)' : ''} — ${machine.cores} cores (${machine.cpuModel}), Node ${machine.node}, ${machine.platform}/${machine.arch}, ${report.totalSec} s`,
  );
  lines.push('');
  lines.push('Physical-limit references');
  if (baselines.sqlite) {
    const s = baselines.sqlite;
    add('bare SQLite single-row commits (WAL, FULL)', `${n(s.singleRow.commitsPerSec)} commits/s`);
    detail(`each commit ${dist(s.singleRow.latencyMs)}`);
    add(
      `bare SQLite batched, ${s.batched.batchSize} rows/commit`,
      `${n(s.batched.rowsPerSec)} rows/s (${n(s.batched.commitsPerSec)} commits/s)`,
    );
  }
  const bare = baselines.bareWsFanout;
  if (bare) {
    add(
      `bare ws broadcast, ${bare.sockets} sockets, ${bare.frameBytes} B frames`,
      `${n(bare.deliveriesPerSec)} deliveries/s  (${bare.messagesPerSec} msgs/s)`,
    );
    detail(`latency ${dist(bare.latencyMs)}`);
    detail(cpu(bare.resources));
  }
  lines.push('');
  lines.push('Confab (server in its own process; clients share the machine)');
  const [sendBar, latencyBar, fanoutBar, stormBarResult] = report.bars;
  const t = confab.throughput;
  if (t) {
    add(
      `durable sends, ${t.clients} clients / ${t.conversations} groups / window ${t.window}`,
      `${n(t.acksPerSec)} acks/s   bar ${sendBar?.target}: ${verdict(sendBar?.pass ?? null)}`,
    );
    detail(
      `= ${ratios.sendsVsSqliteSingleRowCommits ?? '–'}× bare single-row commits, ${ratios.sendsVsSqliteBatchedRows ?? '–'}× bare batched rows`,
    );
    detail(`per second: ${t.acksPerSecSeries.map(n).join(' ')}`);
    detail(`closed-loop ack latency ${dist(t.ackLatencyMs)}`);
    detail(cpu(t.resources));
    if (Object.keys(t.errors).length > 0 || t.unacknowledgedAfterDrain > 0) {
      detail(`errors ${JSON.stringify(t.errors)}, unacknowledged ${t.unacknowledgedAfterDrain}`);
    }
  }
  const x = confab.mixed;
  if (x) {
    const standard = sameMix(x.mix, DEFAULT_MIX);
    add(
      `mixed workload (${describeMix(x.mix)}), same clients`,
      `${n(x.acksPerSec)} acks/s   = ${x.control.ratio ?? '–'}× plain sends (${standard ? 'bar ≥ 0.75×' : "not the bar's mix"})`,
    );
    // What one action of the mix's other kinds costs, in plain sends: the mix costs 1/ratio sends per action.
    const share = x.mix.reply + x.mix.reaction + x.mix.edit + x.mix.delete;
    const ratio = x.control.ratio;
    if (ratio !== null && ratio > 0 && share > 0)
      detail(`each action other than a plain send costs ${round(1 + (1 / ratio - 1) / share, 2)} plain sends on average`);
    detail(
      `interleaved 1 s slices: mix ${n(x.control.mixedAcksPerSec)} acks/s against plain sends ${n(x.control.plainAcksPerSec)} acks/s` +
        (t ? ` (the throughput phase: ${n(t.acksPerSec)})` : ''),
    );
    if (x.control.interval)
      detail(`ratio's 95% interval over ${x.control.pairs} slice pairs: ${x.control.interval[0]}–${x.control.interval[1]}×`);
    detail(
      `acks by kind: ${Object.entries(x.acksByKind)
        .map(([k, v]) => `${k} ${n(v)}`)
        .join(', ')}`,
    );
    detail(`per second: ${x.acksPerSecSeries.map(n).join(' ')}`);
    detail(`closed-loop ack latency ${dist(x.ackLatencyMs)}`);
    for (const [kind, summary] of Object.entries(x.ackLatencyByKindMs)) detail(`  ${kind}: ${dist(summary ?? null)}`);
    detail(cpu(x.resources));
    if (Object.keys(x.errors).length > 0 || x.unacknowledgedAfterDrain > 0) {
      detail(`errors ${JSON.stringify(x.errors)}, unacknowledged ${x.unacknowledgedAfterDrain}`);
    }
  }
  const l = confab.latency;
  if (l) {
    add(
      `ack latency, open loop at ${n(l.offeredPerSec)} sends/s offered`,
      `p99 ${ms(l.ackLatencyMs?.p99)}   bar ${latencyBar?.target}: ${verdict(latencyBar?.pass ?? null)}`,
    );
    detail(`${dist(l.ackLatencyMs)}  (achieved ${n(l.achievedAcksPerSec)} acks/s)`);
    const bareP99 = baselines.sqlite?.singleRow.latencyMs?.p99;
    if (bareP99 !== undefined && l.ackLatencyMs) {
      detail(`= ${(l.ackLatencyMs.p99 / bareP99).toFixed(1)}× the bare single-row commit's p99 (${ms(bareP99)}; issue 13 asks ≤ 4×)`);
    }
    detail(`p99 per second (ms): ${l.p99PerSecondMs.map((v) => v.toFixed(1)).join(' ')}`);
    detail(`generator send lag p99 ${ms(l.sendLagMs?.p99)}; unacknowledged ${l.unacknowledged}${l.saturated ? '; SATURATED' : ''}`);
    detail(cpu(l.resources));
  }
  const f = confab.fanout;
  if (f) {
    add(
      `fan-out, ${f.sockets} sockets, ${f.frameBytes} B frames, window ${f.window}`,
      `${n(f.deliveriesPerSec)} deliveries/s  (${f.messagesPerSec} msgs/s)`,
    );
    detail(`= ${ratios.fanoutVsBareWs ?? '–'}× bare ws broadcast   bar ${fanoutBar?.target}: ${verdict(fanoutBar?.pass ?? null)}`);
    detail(`send→receive latency ${dist(f.latencyMs)}`);
    detail(cpu(f.resources));
    if (f.lost > 0 || f.aborted) detail(`lost ${f.lost}${f.aborted ? `; aborted: ${f.aborted}` : ''}`);
  }
  if (confab.storm) formatStorm(confab.storm, stormBarResult, add, detail);
  if (confab.search)
    formatSearch(
      confab.search,
      report.bars.find((b) => b.name.startsWith('search p99')),
      add,
      detail,
    );
  if (confab.upload)
    formatUpload(
      confab.upload,
      report.bars.find((b) => b.name.includes('25 MiB upload')),
      add,
      detail,
    );
  if (confab.login)
    formatLogin(
      confab.login,
      report.bars.find((b) => b.name.includes('logins/s')),
      add,
      detail,
    );
  if (confab.idle)
    formatIdle(
      confab.idle,
      report.bars.find((b) => b.name.includes('idle socket')),
      add,
      detail,
    );
  if (report.notes.length > 0) {
    lines.push('');
    for (const note of report.notes) lines.push(`note: ${note}`);
  }
  lines.push('');
  return lines.join('\n');
}

type Line = (text: string) => void;

function formatSearch(s: SearchBenchResult, bar: Bar | undefined, add: (label: string, value: string) => void, detail: Line): void {
  add(
    `search, ${n(s.messages)} msgs stored (${n(s.searchableMessages)} mine, ${s.searcherConversations}/${s.conversations} groups)`,
    `worst p99 ${ms(s.p99Ms)}   bar ${bar?.target}: ${verdict(bar?.pass ?? null)}`,
  );
  detail(
    `${s.seedSec === null ? 'seeded before (cached)' : `seeded in ${s.seedSec} s`} (bulk SQL, FTS5 triggers on); ${n(s.databaseMiB)} MiB; rank window ${s.rankWindow}`,
  );
  detail(`load average (1 min) ${s.loadAverage[0]} before the queries, ${s.loadAverage[1]} after`);
  for (const q of s.queries) detail(`${`${q.label} "${q.q.trim()}" (${n(q.matchesForSearcher)} mine)`.padEnd(44)} ${dist(q.latencyMs)}`);
}

function formatStorm(s: StormResult, bar: Bar | undefined, add: (label: string, value: string) => void, detail: Line): void {
  const after = (v: number | null) => (v === null ? 'never (timed out)' : `${ms(v)} after the drop`);
  add(
    `reconnect storm, ${n(s.clients)} clients / ${s.conversations} groups, ${n(s.offeredPerSec)} msgs/s`,
    `all caught up ${after(s.allCaughtUpMs)}   bar lost+dup ${bar?.target}: ${verdict(bar?.pass ?? null)}`,
  );
  detail(`lost ${n(s.lost)}, duplicates ${n(s.duplicates)} of ${n(s.expectedDeliveries)} deliveries owed`);
  detail(`out of order ${s.outOfOrder}; prev-chain breaks ${s.chainBreaks}; resets ${s.resets}`);
  detail(`all ready again ${after(s.allReadyMs)}; per client ${dist(s.readyMs)}`);
  detail(`caught up (every message acked before the sender stopped, at ${ms(s.senderStoppedMs)}): ${dist(s.caughtUpMs)}`);
  detail(`recovered (every message acked before its own ready): ${dist(s.recoveredMs)}`);
  detail(`events replayed ${n(s.eventsReplayed)} (max ${n(s.replayedPerClientMax)} per client); outage ${s.outageSec} s`);
  const errors = Object.keys(s.sendErrors).length > 0 ? `, errors ${JSON.stringify(s.sendErrors)}` : '';
  detail(`sends ${n(s.sends)}, acked ${n(s.acked)}, unacknowledged ${s.unacknowledged}${errors}`);
  detail(`send→ack before the drop ${dist(s.ackLatencyMs.steady)}`);
  detail(`send→ack from the drop on ${dist(s.ackLatencyMs.storm)}`);
  detail(`presence frames received from the drop on ${n(s.presenceFramesInStorm)}`);
  detail(`reconnect attempts failed ${s.failedAttempts}; unexpected closes ${s.unexpectedCloses}; never reconnected ${s.neverReconnected}`);
  detail(`(set-up: the first connection of every client took ${s.firstConnectSec} s)`);
  detail(`steady flow  ${cpu(s.steady)}`);
  detail(`storm        ${cpu(s.storm)}`);
}
