/**
 * `npm run faults`: the delivery guarantee, proven on this machine. Starts real processes —
 * Confab nodes from the built server, a PostgreSQL cluster, a Redis and an nginx of its own (never
 * the shared ones), TCP proxies — plays each fault while clients send and receive, prints a table
 * (docs/guarantees.md) and exits non-zero if any acknowledged message was lost or duplicated, a
 * recovery took longer than its bound, or a 5xx came that is not documented for the fault.
 */
import { arch, cpus, totalmem } from 'node:os';
import { cleanupSync } from '../child-processes.js';
import { stopAllMariadb } from './mariadb.js';
import { stopAllPostgres } from './postgres.js';
import { type Verdict, formatTable, judge } from './report.js';
import { type NodeStore, ON_SQLITE, type ScenarioContext } from './scenario-runner.js';
import { SCENARIOS } from './scenarios.js';
import { type ClusterDatabase, ClusterStack, type OwnDatabase, startDatabase } from './stacks.js';

const USAGE = `npm run faults [-- options]
  --only <a,b,…>   run these scenarios only (${SCENARIOS.map((s) => s.name).join(', ')})
  --quick          smaller groups, a 10 s black hole and an 8 s stall (about a third of the time)
  --list           list the scenarios and exit
  --timeout <s>    give up after this many seconds (default 1800)
  --cluster-database postgres|mariadb
                   what the cluster scenarios other than postgres-restart and mariadb-restart run
                   their three nodes on (default postgres)
  --node-database sqlite|postgres|mariadb
                   what the single-node scenarios other than sqlite-kill9 (reconnect-storm,
                   blackhole, slow-consumer) run their node on: SQLite in its data directory, or a
                   database server of the suite's own, shared by them (default sqlite)
`;

const log = (text: string) => process.stdout.write(`· ${text}\n`);

function fatal(error: unknown): never {
  process.stderr.write(`\nfaults: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  stopAllPostgres();
  stopAllMariadb();
  cleanupSync();
  process.exit(1);
}

interface Options {
  only: Set<string> | undefined;
  quick: boolean;
  list: boolean;
  timeoutSec: number;
  clusterDatabase: ClusterDatabase;
  nodeDatabase: 'sqlite' | ClusterDatabase;
}

function parse(args: readonly string[]): Options {
  const options: Options = {
    only: undefined,
    quick: false,
    list: false,
    timeoutSec: 1800,
    clusterDatabase: 'postgres',
    nodeDatabase: 'sqlite',
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--quick') options.quick = true;
    else if (arg === '--list') options.list = true;
    else if (arg === '--cluster-database') {
      const value = args[++i];
      if (value !== 'postgres' && value !== 'mariadb') throw new Error(`--cluster-database: postgres or mariadb, got ${value}`);
      options.clusterDatabase = value;
    } else if (arg === '--node-database') {
      const value = args[++i];
      if (value !== 'sqlite' && value !== 'postgres' && value !== 'mariadb')
        throw new Error(`--node-database: sqlite, postgres or mariadb, got ${value}`);
      options.nodeDatabase = value;
    } else if (arg === '--only' || arg === '--timeout') {
      const value = args[++i];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      if (arg === '--timeout') options.timeoutSec = Number(value);
      else {
        options.only = new Set(value.split(','));
        const unknown = [...options.only].filter((name) => !SCENARIOS.some((s) => s.name === name));
        if (unknown.length > 0) throw new Error(`unknown scenario: ${unknown.join(', ')}`);
      }
    } else throw new Error(`unknown option: ${arg}`);
  }
  return options;
}

async function main(): Promise<void> {
  let options: Options;
  try {
    options = parse(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options.list) {
    for (const s of SCENARIOS) process.stdout.write(`${s.name.padEnd(18)} ${s.title}\n`);
    return;
  }
  setTimeout(() => fatal(new Error(`the run exceeded --timeout ${options.timeoutSec} s`)), options.timeoutSec * 1000).unref();
  process.on('SIGINT', () => fatal(new Error('interrupted')));
  process.on('SIGTERM', () => fatal(new Error('terminated')));

  const started = new Date();
  const machine = `${cpus().length} cores (${arch()}), ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}`;
  log(`${machine}${options.quick ? '; quick sizes' : ''}; clusters on ${options.clusterDatabase}, single nodes on ${options.nodeDatabase}`);
  const crashes: string[] = [];
  const clusters = new Map<ClusterDatabase, Promise<ClusterStack>>();
  let nodeDatabase: Promise<OwnDatabase> | undefined;
  const chosen = options.nodeDatabase;
  const context: ScenarioContext = {
    quick: options.quick,
    runId: Date.now().toString(36),
    log,
    onCrash: (error) => {
      crashes.push(error.message.split('\n').slice(0, 12).join('\n'));
      log(`!! ${error.message.split('\n')[0]}`);
    },
    cluster: async (database = options.clusterDatabase) => {
      // One stack up at a time: two clusters of three nodes would share two cores.
      for (const [other, stack] of clusters) {
        if (other === database) continue;
        clusters.delete(other);
        await (await stack.catch(() => undefined))?.close();
      }
      const started = clusters.get(database) ?? ClusterStack.start(context.onCrash, log, database);
      clusters.set(database, started);
      return started;
    },
    nodeStore: async (): Promise<NodeStore> => {
      if (chosen === 'sqlite') return ON_SQLITE;
      nodeDatabase ??= startDatabase(chosen, log);
      const own = await nodeDatabase;
      return {
        label: chosen === 'mariadb' ? 'MariaDB' : 'PostgreSQL',
        env: { DATABASE_URL: own.url, JWT_SECRET: 'the fault suite shares this secret between its nodes' },
        // Only the first node migrates the empty database; MariaDB's steps take tens of seconds on a busy machine.
        startTimeoutMs: chosen === 'mariadb' ? 240_000 : 60_000,
      };
    },
  };

  const verdicts: Verdict[] = [];
  for (const scenario of SCENARIOS.filter((s) => options.only === undefined || options.only.has(s.name))) {
    log(`${scenario.name}: ${scenario.title}`);
    const t0 = performance.now();
    const crashesBefore = crashes.length;
    try {
      const outcome = await scenario.run(context);
      const verdict = judge(scenario, outcome, crashes.slice(crashesBefore), performance.now() - t0);
      verdicts.push(verdict);
      for (const note of outcome.notes) log(`  ${note}`);
      for (const failure of verdict.failures) log(`  FAILED: ${failure}`);
      const r = outcome.tally.recoveryMs;
      log(
        `  ${verdict.failures.length === 0 ? 'pass' : 'FAIL'}: ${outcome.tally.acknowledged} acknowledged, recovered in ${r === null ? 'never' : `${(r / 1000).toFixed(1)} s`}`,
      );
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`  FAILED to run: ${message}`);
      verdicts.push({ scenario, outcome: undefined, failures: [`did not run to the end: ${message}`], wallMs: performance.now() - t0 });
    }
  }
  for (const cluster of clusters.values()) await (await cluster.catch(() => undefined))?.close();
  (await nodeDatabase?.catch(() => undefined))?.stop();
  stopAllPostgres(); // one a failed cluster start left running
  stopAllMariadb();

  const failed = verdicts.filter((v) => v.failures.length > 0);
  const wall = (Date.now() - started.getTime()) / 1000;
  process.stdout.write(`\n${formatTable(verdicts)}\n\n`);
  process.stdout.write(`${started.toISOString()} · ${machine} · ${wall.toFixed(0)} s${options.quick ? ' · quick' : ''}\n`);
  if (failed.length > 0) {
    process.stdout.write(`\n${failed.length} of ${verdicts.length} scenarios FAILED:\n`);
    for (const v of failed) process.stdout.write(`- ${v.scenario.name}: ${v.failures.join('; ')}\n`);
    process.exitCode = 1;
  } else process.stdout.write(`\nall ${verdicts.length} scenarios kept the promise\n`);
}

// Exits once the table is out: a connection or timer some library keeps must not hold the run open.
main()
  .then(() => {
    cleanupSync();
    process.exit();
  })
  .catch(fatal);
