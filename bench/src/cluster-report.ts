/**
 * The store comparison's report (cluster.ts): the figures of every system side by side, one
 * column each, what the machine's CPU went to, what the PostgreSQL sessions waited on, and the
 * saved JSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DeliveryResult } from './delivery.js';
import type { FanoutResult } from './fanout.js';
import type { LatencyResult } from './latency.js';
import type { PostgresWaits } from './postgres-waits.js';
import { RESULTS_DIR, type newReport } from './report.js';
import type { Resources } from './measurement.js';
import type { ThroughputResult } from './throughput.js';

export interface TargetResult {
  label: string;
  store: string;
  nodes: number;
  setup: { users: number; registerSec: number };
  throughput?: ThroughputResult;
  latency?: LatencyResult;
  fanout?: FanoutResult;
  delivery?: DeliveryResult;
  /** What the PostgreSQL sessions waited on during each send phase (PostgreSQL only). */
  postgresWaits?: { throughput?: PostgresWaits; latency?: PostgresWaits };
}

export interface ScaleOutReport {
  schema: 1;
  kind: 'scale-out';
  startedAt: string;
  finishedAt: string;
  totalSec: number;
  quick: boolean;
  machine: ReturnType<typeof newReport>['machine'];
  options: Record<string, unknown>;
  targets: TargetResult[];
  notes: string[];
}

export function notesFor(report: ScaleOutReport): string[] {
  const notes: string[] = [];
  notes.push(
    `every process shares this machine's ${report.machine.cores} cores: the nodes, the database servers, Redis and the load generator ` +
      'compete for them, so a column shows what its store costs here, not the capacity of separate machines',
  );
  for (const t of report.targets) {
    const name = columnName(t);
    if (t.latency?.saturated) notes.push(`${name}: the latency phase stopped early, the nodes fell too far behind the offered rate`);
    if (t.fanout && t.fanout.lost > 0) notes.push(`${name}: fan-out lost ${t.fanout.lost} deliveries`);
    if (t.delivery && t.delivery.lost > 0) notes.push(`${name}: the delivery phase lost ${t.delivery.lost} deliveries`);
    const throughputErrors = t.throughput ? Object.keys(t.throughput.errors).length + t.throughput.unacknowledgedAfterDrain : 0;
    if (throughputErrors > 0)
      notes.push(
        `${name}: throughput errors ${JSON.stringify(t.throughput!.errors)}, unacknowledged ${t.throughput!.unacknowledgedAfterDrain}`,
      );
  }
  return notes;
}

const num = (v: number | null | undefined) => (v === null || v === undefined ? '–' : Math.round(v).toLocaleString('en-US'));
const ms = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`);
const pct = (r: Resources | undefined) => (r?.cpu.serverPct === null || r === undefined ? '–' : `${r.cpu.serverPct}%`);
const idle = (r: Resources | undefined) => (r?.machine ? `${r.machine.idlePct}%` : '–');
/** The machine-CPU groups of cluster.ts's measurement, in the order printed. */
export const CPU_GROUPS = ['nodes', 'PostgreSQL', 'MariaDB', 'Redis', 'load generator', 'other'];
const gaps = (r: Resources | undefined) =>
  r?.server && Number.isFinite(r.server.gapsClosedByBus) ? `${num(r.server.gapsClosedByBus)} / ${num(r.server.gapFills)}` : '–';
const columnName = (t: TargetResult) => `${t.label}, ${t.store}`;

/** One column per system, in the order they ran. */
export function formatScaleOut(report: ScaleOutReport): string {
  const { targets } = report;
  const width = 52;
  const cells = targets.map((t) => Math.max(24, columnName(t).length + 2));
  const title = targets.every((t) => t.nodes === 1) ? 'Confab store comparison, one node each' : 'Confab scale-out comparison';
  const lines: string[] = [
    '',
    `${title}${report.quick ? ' (quick)' : ''} — ${report.machine.cores} cores (${report.machine.cpuModel}), Node ${report.machine.node}, ${report.totalSec} s`,
    '',
    `  ${''.padEnd(width)} ${targets.map((t, i) => columnName(t).padEnd(cells[i]!)).join(' ')}`.trimEnd(),
  ];
  const row = (label: string, value: (t: TargetResult) => string) => {
    lines.push(`  ${label.padEnd(width)} ${targets.map((t, i) => value(t).padEnd(cells[i]!)).join(' ')}`.trimEnd());
  };
  const first = <T>(pick: (t: TargetResult) => T | undefined) => targets.map(pick).find((v) => v !== undefined);
  const t = first((x) => x.throughput);
  const l = first((x) => x.latency);
  const f = first((x) => x.fanout);
  const d = first((x) => x.delivery);
  if (t) {
    row(`durable sends/s (${t.clients} clients, window ${t.window})`, (x) => `${num(x.throughput?.acksPerSec)} acks/s`);
    row('  closed-loop ack p99', (x) => ms(x.throughput?.ackLatencyMs?.p99));
    row('  CPU of the Confab processes (100% = one core)', (x) => pct(x.throughput?.resources));
    row('  the machine idle', (x) => idle(x.throughput?.resources));
  }
  if (l) {
    row(
      `ack p99, open loop at ${num(l.offeredPerSec)} sends/s offered`,
      (x) => `${ms(x.latency?.ackLatencyMs?.p99)}${x.latency?.saturated ? ' (saturated)' : ''}`,
    );
    row('  ack p50', (x) => ms(x.latency?.ackLatencyMs?.p50));
    row('  achieved', (x) => `${num(x.latency?.achievedAcksPerSec)} acks/s`);
    row('  the machine idle', (x) => idle(x.latency?.resources));
    row('  live gaps closed by the bus / read from the log', (x) => gaps(x.latency?.resources));
  }
  if (f) {
    row(`fan-out deliveries/s (${f.sockets} sockets, window ${f.window})`, (x) => `${num(x.fanout?.deliveriesPerSec)} /s`);
    row('  send → receive p99', (x) => ms(x.fanout?.latencyMs?.p99));
    row('  CPU of the Confab processes', (x) => pct(x.fanout?.resources));
  }
  if (d) {
    row(
      `delivery p99, ${d.groups} senders on node 1 → ${d.receivers} receivers`,
      (x) => `${ms(x.delivery?.latencyMs?.p99)} ${x.delivery?.crossNode ? '(other nodes)' : '(same node)'}`,
    );
    row(`  p50, at ${d.offeredPerSec} msgs/s (${num(d.offeredPerSec * (d.receivers / d.groups))} deliveries/s)`, (x) =>
      ms(x.delivery?.latencyMs?.p50),
    );
    row('  lost', (x) => num(x.delivery?.lost));
  }
  const machineLines = targets.flatMap((target) =>
    (['throughput', 'latency'] as const).flatMap((phase) => {
      const machine = target[phase]?.resources.machine;
      if (!machine) return [];
      const groups = CPU_GROUPS.map((group) => `${group} ${machine.byGroup[group] ?? 0}`).join(', ');
      return [`    ${`${columnName(target)}, ${phase}:`.padEnd(44)} busy ${machine.busyPct} (idle ${machine.idlePct} %): ${groups}`];
    }),
  );
  if (machineLines.length > 0) {
    lines.push('', "  The machine's CPU by process, each send phase (% of one core; every core busy = 100 × cores):", ...machineLines);
  }
  for (const target of targets) {
    for (const [phase, waits] of Object.entries(target.postgresWaits ?? {})) {
      lines.push(
        '',
        `  PostgreSQL sessions of the ${target.label}, ${phase} phase (${waits.meanBusySessions} busy on average, ${waits.rounds} samples):`,
      );
      for (const w of waits.top) lines.push(`    ${`${Math.round(w.share * 100)}%`.padStart(4)}  ${w.wait.padEnd(42)} ${w.statement}`);
    }
  }
  if (report.notes.length > 0) {
    lines.push('');
    for (const note of report.notes) lines.push(`note: ${note}`);
  }
  lines.push('');
  return lines.join('\n');
}

/** `<stamp>-nodes<N>[-quick].json`, N the most nodes any column ran (1: a store comparison). */
export function saveScaleOut(report: ScaleOutReport): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = report.startedAt.slice(0, 19).replace(/:/g, '-') + 'Z';
  const nodes = Math.max(0, ...report.targets.map((t) => t.nodes));
  const file = path.join(RESULTS_DIR, `${stamp}-nodes${nodes}${report.quick ? '-quick' : ''}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable URL>';
  }
}
