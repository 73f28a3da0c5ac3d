/**
 * `npm run bench -- --nodes N` and `--stores <list>`: the store and scale-out comparison. The same
 * workloads as the single-node run (closed-loop throughput, open-loop ack latency, fan-out)
 * against each planned system (store-plan.ts): N nodes sharing PostgreSQL or MySQL/MariaDB and
 * Redis, with the clients spread over the nodes, or one node on each store; plus the delivery
 * latency from senders on one node to receivers on the others. Printed side by side and saved as
 * bench/results/<timestamp>-nodes<N>[-quick].json (cluster-report.ts). The workloads are in
 * cluster-workloads.ts, the measurement window over every node in cluster-measurement.ts.
 *
 * Each database system gets a schema (a database on MySQL) of its own, confab_bench_<id>, and a
 * Redis prefix of its own, removed at the end (an interrupted run leaves the schema named in its log).
 */
import { makeClusterSpace } from './cluster-space.js';
import { clusterMeasurement } from './cluster-measurement.js';
import { type ScaleOutReport, type TargetResult, formatScaleOut, notesFor, redactUrl, saveScaleOut } from './cluster-report.js';
import { deliveryWorkload, fanoutWorkload, sendWorkloads } from './cluster-workloads.js';
import type { Options } from './options.js';
import { newReport } from './report.js';
import type { Measurement } from './measurement.js';
import { type ConfabProcess, startConfab } from './server-process.js';
import { registerUsers } from './setup.js';
import { round } from './stats.js';
import { type PostgresWaits, PostgresWaitSampler } from './postgres-waits.js';
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
