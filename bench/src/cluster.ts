/**
 * `npm run bench -- --nodes N`: the scale-out comparison. The same workloads as the single-node
 * run (closed-loop throughput, open-loop ack latency, fan-out) against N nodes sharing PostgreSQL
 * and Redis, with the clients spread over the nodes, and against one node on SQLite; plus the
 * delivery latency from senders on one node to receivers on the others. Printed side by side and
 * saved as bench/results/<timestamp>-nodes<N>[-quick].json.
 *
 * The comparison makes a schema of its own (confab_bench_<id>) and a Redis prefix of its own, and
 * removes both at the end (an interrupted run leaves the schema named in its log).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SendChannel } from './channel.js';
import { makeClusterSpace } from './cluster-space.js';
import { type DeliveryResult, runDelivery } from './delivery.js';
import { type FanoutResult, runFanout } from './fanout.js';
import { type LatencyResult, runLatency } from './latency.js';
import { type Options, fanoutOptions, latencyOptions, throughputOptions } from './options.js';
import { RESULTS_DIR, newReport } from './report.js';
import { type ConfabProcess, type Measurement, type Resources, startConfab, startMeasurement } from './server-process.js';
import { type BenchUser, createGroups, registerUsers } from './setup.js';
import { closeSockets, openSockets } from './sockets.js';
import { round } from './stats.js';
import { type ThroughputResult, runThroughput } from './throughput.js';
import { type PostgresWaits, PostgresWaitSampler } from './postgres-waits.js';
import { machineCpuMeter } from './machine-cpu.js';

type Log = (text: string) => void;

/** One system under test: its nodes, and how to remove everything it made. */
interface Target {
  label: string;
  store: string;
  nodes: ConfabProcess[];
  /** Where the nodes' PostgreSQL sessions can be watched (`postgres-waits.ts`), for a cluster. */
  sessions?: { url: string; applicationName: string };
  cleanup(): Promise<void>;
}

export interface TargetResult {
  label: string;
  store: string;
  nodes: number;
  setup: { users: number; registerSec: number };
  throughput?: ThroughputResult;
  latency?: LatencyResult;
  fanout?: FanoutResult;
  delivery?: DeliveryResult;
  /** What the PostgreSQL sessions waited on during each send phase (a cluster only). */
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

/** Messages per second offered in the delivery phase: a latency measurement, far from saturation. */
const DELIVERY_RATE = 50;

export async function runScaleOut(options: Options, log: Log, onCrash: (error: Error) => void): Promise<void> {
  const started = new Date();
  const { machine } = newReport(options, started);
  const report: ScaleOutReport = {
    schema: 1,
    kind: 'scale-out',
    startedAt: started.toISOString(),
    finishedAt: '',
    totalSec: 0,
    quick: options.quick,
    machine,
    options: {
      ...options,
      phases: [...options.phases],
      postgresUrl: redactUrl(options.postgresUrl),
      redisUrl: redactUrl(options.redisUrl),
    },
    targets: [],
    notes: [],
  };
  log(
    `scale-out comparison: ${options.nodes} nodes on PostgreSQL + Redis, then 1 node on SQLite; ${machine.cores} cores, Node ${machine.node}`,
  );
  const clusters = [() => startCluster(options, log, onCrash, options.postgresUrl)];
  if (options.mysqlUrl !== null) clusters.push(() => startCluster(options, log, onCrash, options.mysqlUrl!));
  for (const start of [...clusters, () => startSingle(options, onCrash)]) {
    const target = await start();
    try {
      report.targets.push(await measureTarget(target, options, log));
    } finally {
      log(`stopping ${target.label}`);
      await target.cleanup();
    }
  }
  const finished = new Date();
  report.finishedAt = finished.toISOString();
  report.totalSec = Math.round((finished.getTime() - started.getTime()) / 1000);
  report.notes.push(...notesFor(report));
  process.stdout.write(formatScaleOut(report));
  if (options.save) log(`saved ${saveScaleOut(report)}`);
}

// ---- the two systems under test ----

async function startCluster(options: Options, log: Log, onCrash: (error: Error) => void, databaseUrl: string): Promise<Target> {
  const space = await makeClusterSpace(databaseUrl, options.redisUrl, log);
  const mysqlCluster = /^(mysql|mariadb):/.test(databaseUrl);
  // Started together: the first migrates, the others wait on its advisory lock.
  const started = await Promise.allSettled(
    Array.from({ length: options.nodes }, () => startConfab(onCrash, options.serverNodeArgs, space.env)),
  );
  const nodes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const cleanup = async () => {
    for (const node of nodes) await node.stop();
    await space.cleanup();
  };
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await cleanup();
    throw failed.reason;
  }
  for (const node of nodes) log(`  node pid ${node.child.pid} at ${node.baseUrl}`);
  return {
    label: `${options.nodes} nodes`,
    store: mysqlCluster ? 'MySQL + Redis' : 'PostgreSQL + Redis',
    nodes,
    // The wait sampler reads PostgreSQL's pg_stat_activity: none on MySQL.
    ...(mysqlCluster ? {} : { sessions: { url: options.postgresUrl, applicationName: space.applicationName } }),
    cleanup,
  };
}

async function startSingle(options: Options, onCrash: (error: Error) => void): Promise<Target> {
  const node = await startConfab(onCrash, options.serverNodeArgs);
  return { label: '1 node', store: 'SQLite', nodes: [node], cleanup: () => node.stop() };
}

// ---- the workloads ----

async function measureTarget(target: Target, options: Options, log: Log): Promise<TargetResult> {
  const { nodes } = target;
  const count = Math.max(options.clients, options.fanoutMembers);
  log(`${target.label} (${target.store}): registering ${count} users`);
  const registering = performance.now();
  const users = await registerUsers(nodes[0]!.baseUrl, count, options.registerConcurrency);
  const result: TargetResult = {
    label: target.label,
    store: target.store,
    nodes: nodes.length,
    setup: { users: count, registerSec: round((performance.now() - registering) / 1000, 1) },
  };
  const measure = () => clusterMeasurement(nodes);
  // Client i connects to node i mod N: every node serves its share, as behind a balancer.
  const nodeOf = (i: number) => nodes[i % nodes.length]!;
  if (options.phases.has('throughput') || options.phases.has('latency')) {
    // The send phases' windows also sample what the PostgreSQL sessions wait on.
    const sessions = target.sessions;
    let waits: PostgresWaits | undefined;
    const watched = sessions
      ? async (): Promise<Measurement> => {
          const sampler = await PostgresWaitSampler.start(sessions.url, sessions.applicationName);
          const inner = await measure().catch(async (error: unknown) => {
            await sampler.stop();
            throw error;
          });
          return {
            async stop() {
              const resources = await inner.stop();
              waits = await sampler.stop();
              return resources;
            },
          };
        }
      : measure;
    await sendWorkloads(result, users, nodeOf, options, watched, log, (phase) => {
      if (waits) result.postgresWaits = { ...result.postgresWaits, [phase]: waits };
      waits = undefined;
    });
  }
  if (options.phases.has('fanout')) {
    result.fanout = await fanoutWorkload(users, nodeOf, options, measure, log);
    result.delivery = await deliveryWorkload(users, nodes, options, measure, log);
  }
  return result;
}

async function sendWorkloads(
  result: TargetResult,
  users: BenchUser[],
  nodeOf: (i: number) => ConfabProcess,
  options: Options,
  measure: () => Promise<Measurement>,
  log: Log,
  /** Called after each phase (its measurement has stopped). */
  after: (phase: 'throughput' | 'latency') => void,
): Promise<void> {
  const clients = users.slice(0, options.clients);
  const groups = Array.from({ length: options.conversations }, (_, g) => clients.filter((u) => u.index % options.conversations === g));
  const conversationIds = await createGroups(groups, 'bench');
  const sockets = await openSockets(
    clients.map((u, i) => nodeOf(i).wsUrl(u.accessToken)),
    options.client,
    options.connectConcurrency,
  );
  const channels = sockets.map((ws, i) => new SendChannel(ws, i, conversationIds[i % options.conversations]!, 't', options.bodyBytes));
  try {
    if (options.phases.has('throughput')) {
      log(`  throughput: ${clients.length} clients, window ${options.window}, ${options.durationSec} s`);
      result.throughput = await runThroughput(channels, throughputOptions(options), measure);
      log(`    ${result.throughput.acksPerSec} acks/s`);
      after('throughput');
    }
    if (options.phases.has('latency')) {
      log(`  latency: open loop at ${options.latencyRate} sends/s, ${options.latencyDurationSec} s`);
      for (const channel of channels) channel.setTag('l');
      result.latency = await runLatency(channels, latencyOptions(options), measure);
      log(`    p99 ${result.latency.ackLatencyMs?.p99} ms`);
      after('latency');
    }
  } finally {
    await closeSockets(sockets);
  }
}

async function fanoutWorkload(
  users: BenchUser[],
  nodeOf: (i: number) => ConfabProcess,
  options: Options,
  measure: () => Promise<Measurement>,
  log: Log,
): Promise<FanoutResult> {
  const members = users.slice(0, options.fanoutMembers);
  const [groupId] = await createGroups([members], 'fan-out');
  // The sender (member 0) on the first node; the members spread over every node.
  const sockets = await openSockets(
    members.map((u, i) => nodeOf(i).wsUrl(u.accessToken)),
    options.client,
    options.connectConcurrency,
  );
  try {
    log(`  fan-out: ${members.length} sockets, ${options.fanoutMessages} messages, window ${options.fanoutWindow}`);
    const result = await runFanout(
      {
        sockets,
        triggerFrame: (payload, k) =>
          `{"type":"message.send","id":"f${k}","conversationId":"${groupId}","clientId":"fo-${k}","body":"${payload}"}`,
      },
      fanoutOptions(options),
      measure,
    );
    log(`    ${result.deliveriesPerSec} deliveries/s`);
    return result;
  } finally {
    await closeSockets(sockets);
  }
}

/**
 * Delivery latency: one group per conversation slot, its sender on the first node and its
 * receivers spread over the other nodes (all on the one node when there is only one), messages
 * offered at a modest fixed rate; each delivery's send → receipt time.
 */
async function deliveryWorkload(
  users: BenchUser[],
  nodes: readonly ConfabProcess[],
  options: Options,
  measure: () => Promise<Measurement>,
  log: Log,
): Promise<DeliveryResult> {
  const groupCount = options.conversations;
  const perGroup = Math.max(1, Math.floor((Math.min(users.length, options.fanoutMembers) - groupCount) / groupCount));
  const senders = users.slice(0, groupCount);
  const receivers = Array.from({ length: groupCount }, (_, g) => users.slice(groupCount + g * perGroup, groupCount + (g + 1) * perGroup));
  const conversationIds = await createGroups(
    senders.map((sender, g) => [sender, ...receivers[g]!]),
    'delivery',
  );
  const others = nodes.length > 1 ? nodes.slice(1) : nodes;
  const senderSockets = await openSockets(
    senders.map((u) => nodes[0]!.wsUrl(u.accessToken)),
    options.client,
    options.connectConcurrency,
  );
  const receiverSockets = await Promise.all(
    receivers.map((group) =>
      openSockets(
        group.map((u, i) => others[i % others.length]!.wsUrl(u.accessToken)),
        options.client,
        options.connectConcurrency,
      ),
    ),
  );
  try {
    log(
      `  delivery: ${groupCount} senders on node 1, ${groupCount * perGroup} receivers on ${nodes.length > 1 ? 'the other nodes' : 'the same node'}, ${DELIVERY_RATE} msgs/s`,
    );
    const result = await runDelivery(senderSockets, receiverSockets, conversationIds, {
      rate: DELIVERY_RATE,
      warmupMs: options.warmupSec * 1000,
      durationMs: options.latencyDurationSec * 1000,
      drainTimeoutMs: 10_000,
      measure,
    });
    result.crossNode = nodes.length > 1;
    log(`    p99 ${result.latencyMs?.p99} ms, lost ${result.lost}`);
    return result;
  } finally {
    await closeSockets([...senderSockets, ...receiverSockets.flat()]);
  }
}

/**
 * One measurement window over every node: their CPU summed, their counters summed, and the whole
 * machine's CPU by kind of process (nodes, PostgreSQL, Redis, the load generator).
 */
async function clusterMeasurement(nodes: readonly ConfabProcess[]): Promise<Measurement> {
  const each = await Promise.all(nodes.map((node) => startMeasurement(node.child, node.baseUrl, { machine: false })));
  const nodePids = new Set(nodes.map((node) => node.child.pid));
  const machine = machineCpuMeter((pid, comm) => {
    if (nodePids.has(pid)) return 'nodes';
    if (pid === process.pid) return 'load generator';
    if (comm.startsWith('postgres')) return 'PostgreSQL';
    if (comm.startsWith('redis-server')) return 'Redis';
    return undefined;
  });
  return {
    async stop(): Promise<Resources> {
      const machineCpu = machine.stop();
      const all = await Promise.all(each.map((m) => m.stop()));
      const cpu = all.map((r) => r.cpu.serverPct);
      const servers = all.map((r) => r.server);
      const sum = (pick: (s: NonNullable<Resources['server']>) => number) => servers.reduce((n, s) => n + pick(s!), 0);
      const server = servers.every((s) => s !== null)
        ? {
            messagesStored: sum((s) => s.messagesStored),
            commitBatches: sum((s) => s.commitBatches),
            framesDelivered: sum((s) => s.framesDelivered),
            gapFills: sum((s) => s.gapFills),
            gapsClosedByBus: sum((s) => s.gapsClosedByBus),
            storedBefore: sum((s) => s.storedBefore),
            meanBatch: sum((s) => s.commitBatches) > 0 ? round(sum((s) => s.messagesStored) / sum((s) => s.commitBatches), 1) : null,
          }
        : null;
      return {
        cpu: {
          loadGeneratorPct: all[0]!.cpu.loadGeneratorPct,
          serverPct: cpu.every((c) => c !== null)
            ? round(
                cpu.reduce((n, c) => n + c!, 0),
                1,
              )
            : null,
        },
        server,
        machine: machineCpu,
      };
    },
  };
}

// ---- the report ----

function notesFor(report: ScaleOutReport): string[] {
  const notes: string[] = [];
  const nodes = report.targets[0]?.nodes ?? 0;
  notes.push(
    `every process shares this machine's ${report.machine.cores} cores: ${nodes} nodes, PostgreSQL, Redis and the load generator ` +
      'compete for them, so the cluster column shows the cost of coordination here, not the capacity of separate machines',
  );
  for (const t of report.targets) {
    if (t.latency?.saturated) notes.push(`${t.label}: the latency phase stopped early, the nodes fell too far behind the offered rate`);
    if (t.fanout && t.fanout.lost > 0) notes.push(`${t.label}: fan-out lost ${t.fanout.lost} deliveries`);
    if (t.delivery && t.delivery.lost > 0) notes.push(`${t.label}: the delivery phase lost ${t.delivery.lost} deliveries`);
    const throughputErrors = t.throughput ? Object.keys(t.throughput.errors).length + t.throughput.unacknowledgedAfterDrain : 0;
    if (throughputErrors > 0)
      notes.push(
        `${t.label}: throughput errors ${JSON.stringify(t.throughput!.errors)}, unacknowledged ${t.throughput!.unacknowledgedAfterDrain}`,
      );
  }
  return notes;
}

const num = (v: number | null | undefined) => (v === null || v === undefined ? '–' : Math.round(v).toLocaleString('en-US'));
const ms = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`);
const pct = (r: Resources | undefined) => (r?.cpu.serverPct === null || r === undefined ? '–' : `${r.cpu.serverPct}%`);
const idle = (r: Resources | undefined) => (r?.machine ? `${r.machine.idlePct}%` : '–');
const GROUPS = ['nodes', 'PostgreSQL', 'Redis', 'load generator', 'other'];
const gaps = (r: Resources | undefined) =>
  r?.server && Number.isFinite(r.server.gapsClosedByBus) ? `${num(r.server.gapsClosedByBus)} / ${num(r.server.gapFills)}` : '–';

export function formatScaleOut(report: ScaleOutReport): string {
  const [a, b] = report.targets;
  const column = (t: TargetResult | undefined) => (t ? `${t.label}, ${t.store}` : '–');
  const width = 52;
  const cell = 30;
  const lines: string[] = [
    '',
    `Confab scale-out comparison${report.quick ? ' (quick)' : ''} — ${report.machine.cores} cores (${report.machine.cpuModel}), Node ${report.machine.node}, ${report.totalSec} s`,
    '',
    `  ${''.padEnd(width)} ${column(a).padEnd(cell)} ${column(b)}`,
  ];
  const row = (label: string, value: (t: TargetResult) => string) => {
    lines.push(`  ${label.padEnd(width)} ${(a ? value(a) : '–').padEnd(cell)} ${b ? value(b) : '–'}`);
  };
  const t = a?.throughput ?? b?.throughput;
  const l = a?.latency ?? b?.latency;
  const f = a?.fanout ?? b?.fanout;
  const d = a?.delivery ?? b?.delivery;
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
  const machineLines = report.targets.flatMap((target) =>
    (['throughput', 'latency'] as const).flatMap((phase) => {
      const machine = target[phase]?.resources.machine;
      if (!machine) return [];
      const groups = GROUPS.map((group) => `${group} ${machine.byGroup[group] ?? 0}`).join(', ');
      return [`    ${`${target.label}, ${phase}:`.padEnd(32)} busy ${machine.busyPct} (idle ${machine.idlePct} %): ${groups}`];
    }),
  );
  if (machineLines.length > 0) {
    lines.push('', "  The machine's CPU by process, each send phase (% of one core; every core busy = 100 × cores):", ...machineLines);
  }
  for (const target of report.targets) {
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

function saveScaleOut(report: ScaleOutReport): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = report.startedAt.slice(0, 19).replace(/:/g, '-') + 'Z';
  const nodes = report.targets[0]?.nodes ?? 0;
  const file = path.join(RESULTS_DIR, `${stamp}-nodes${nodes}${report.quick ? '-quick' : ''}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable URL>';
  }
}
