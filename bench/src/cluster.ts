/**
 * `npm run bench -- --nodes N` and `--stores <list>`: the store and scale-out comparison. The same
 * workloads as the single-node run (closed-loop throughput, open-loop ack latency, fan-out)
 * against each planned system (store-plan.ts): N nodes sharing PostgreSQL or MySQL/MariaDB and
 * Redis, with the clients spread over the nodes, or one node on each store; plus the delivery
 * latency from senders on one node to receivers on the others. Printed side by side and saved as
 * bench/results/<timestamp>-nodes<N>[-quick].json (cluster-report.ts).
 *
 * Each database system gets a schema (a database on MySQL) of its own, confab_bench_<id>, and a
 * Redis prefix of its own, removed at the end (an interrupted run leaves the schema named in its log).
 */
import { SendChannel } from './channel.js';
import { makeClusterSpace } from './cluster-space.js';
import { type ScaleOutReport, type TargetResult, formatScaleOut, notesFor, redactUrl, saveScaleOut } from './cluster-report.js';
import { type DeliveryResult, runDelivery } from './delivery.js';
import { type FanoutResult, runFanout } from './fanout.js';
import { runLatency } from './latency.js';
import { type Options, fanoutOptions, latencyOptions, throughputOptions } from './options.js';
import { newReport } from './report.js';
import { type Measurement, type Resources, startMeasurement } from './measurement.js';
import { type ConfabProcess, startConfab } from './server-process.js';
import { type BenchUser, createGroups, registerUsers } from './setup.js';
import { closeSockets, openSockets } from './sockets.js';
import { round } from './stats.js';
import { runThroughput } from './throughput.js';
import { type PostgresWaits, PostgresWaitSampler } from './postgres-waits.js';
import { machineCpuMeter } from './machine-cpu.js';
import { type TargetPlan, comparisonPlan } from './store-plan.js';

type Log = (text: string) => void;

/** One system under test: its nodes, and how to remove everything it made. */
interface Target {
  label: string;
  store: string;
  nodes: ConfabProcess[];
  /** Where the nodes' PostgreSQL sessions can be watched (`postgres-waits.ts`), PostgreSQL only. */
  sessions?: { url: string; applicationName: string };
  cleanup(): Promise<void>;
}

/** Messages per second offered in the delivery phase: a latency measurement, far from saturation. */
const DELIVERY_RATE = 50;

export async function runScaleOut(options: Options, log: Log, onCrash: (error: Error) => void): Promise<void> {
  const plan = comparisonPlan(options);
  if (plan === null) throw new Error('runScaleOut: neither --nodes above 1 nor --stores');
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
      mysqlUrl: options.mysqlUrl === null ? null : redactUrl(options.mysqlUrl),
      redisUrl: redactUrl(options.redisUrl),
    },
    targets: [],
    notes: [],
  };
  const planned = plan.map((p) => `${p.nodes} node${p.nodes > 1 ? 's' : ''} on ${p.store}${p.bus === 'redis' ? ' + Redis' : ''}`);
  log(`store comparison: ${planned.join(', then ')}; ${machine.cores} cores, Node ${machine.node}`);
  for (const entry of plan) {
    const target = await startTarget(entry, options, log, onCrash);
    try {
      report.targets.push(await measureTarget(target, options, log));
    } finally {
      log(`stopping ${target.label} (${target.store})`);
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

// ---- the systems under test ----

async function startTarget(plan: TargetPlan, options: Options, log: Log, onCrash: (error: Error) => void): Promise<Target> {
  const label = `${plan.nodes} node${plan.nodes > 1 ? 's' : ''}`;
  if (plan.url === null) {
    const node = await startConfab(onCrash, options.serverNodeArgs);
    return { label, store: 'SQLite', nodes: [node], cleanup: () => node.stop() };
  }
  const space = await makeClusterSpace(plan.url, plan.bus === 'redis' ? options.redisUrl : null, log);
  // Started together: the first migrates, the others wait on its advisory lock.
  const started = await Promise.allSettled(
    Array.from({ length: plan.nodes }, () => startConfab(onCrash, options.serverNodeArgs, space.env)),
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
    label,
    store: `${space.engine}${plan.bus === 'redis' ? ' + Redis' : ''}`,
    nodes,
    // The wait sampler reads PostgreSQL's pg_stat_activity: none on MySQL.
    ...(plan.store === 'postgres' ? { sessions: { url: plan.url, applicationName: space.applicationName } } : {}),
    cleanup,
  };
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
    if (comm.startsWith('mariadbd') || comm.startsWith('mysqld')) return 'MariaDB';
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
