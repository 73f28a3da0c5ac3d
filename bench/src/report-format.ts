import type { Bar, BenchReport } from './report.js';
import type { Resources } from './measurement.js';
import { type Summary, round } from './stats.js';
import type { StormResult } from './storm-result.js';
import { DEFAULT_MIX, describeMix, sameMix } from './mixed.js';
import type { SearchBenchResult } from './search.js';
import { formatUpload } from './upload.js';
import { formatLogin } from './login.js';
import { formatIdle } from './idle.js';

// The printed summary of a run (report.ts builds and saves the report itself).

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
    `${s.seedSec === null ? 'seeded before (cached)' : `seeded in ${s.seedSec} s`} (bulk SQL, the search triggers on and each chunk indexed); ${n(s.databaseMiB)} MiB; rank window ${s.rankWindow}`,
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
