import { type ExerciseOptions, type ExerciseResult, exercise } from './exercise.js';
import type { ClusterDatabase, ClusterStack } from './stacks.js';
import { SingleStack } from './stacks.js';

/**
 * The faults of `npm run faults`. Each says what it breaks, how long recovery may take (the bound
 * docs/guarantees.md promises) and which 5xx answers are documented for it; everything else
 * (which clients, how many, how fast) is the exercise's.
 */
export interface ScenarioContext {
  quick: boolean;
  /** Unique per run: user names must not collide on the shared cluster. */
  runId: string;
  log: (text: string) => void;
  onCrash: (error: Error) => void;
  /** The shared cluster on this database (by default the one `--cluster-database` names), started at its first use. */
  cluster: (database?: ClusterDatabase) => Promise<ClusterStack>;
  /** What the single-node scenarios other than sqlite-kill9 run their node on (`--node-database`), started at its first use. */
  nodeStore: () => Promise<NodeStore>;
}

/** A single node's store: SQLite in its data directory (no env), or the suite's own database server. */
export interface NodeStore {
  label: string;
  env: Record<string, string>;
  /** A first start on an empty MariaDB database migrates it, tens of seconds on a busy machine (decision 0026). */
  startTimeoutMs: number;
}

export const ON_SQLITE: NodeStore = { label: 'SQLite', env: {}, startTimeoutMs: 60_000 };

export interface ScenarioOutcome extends ExerciseResult {
  /** 5xx answers seen (REST senders, and nginx's log for the cluster), by status. */
  fiveXx: Map<string, number>;
}

export interface Scenario {
  name: string;
  title: string;
  /** The recovery bound, ms. */
  boundMs: number;
  /** 5xx statuses documented for this fault. */
  allowed5xx: readonly string[];
  run(context: ScenarioContext): Promise<ScenarioOutcome>;
}
const restFiveXx = (result: ExerciseResult) => new Map([...result.failures].filter(([key]) => /^5\d\d$/.test(key)));

/**
 * A scenario on a fresh node of its own, clients through a TCP proxy: on SQLite, or with `chosen`
 * on the store `--node-database` names (SQLite by default).
 */
export async function onSingleNode(
  context: ScenarioContext,
  name: string,
  env: Record<string, string>,
  options: (stack: SingleStack) => Omit<ExerciseOptions, 'log' | 'prefix'> | Promise<Omit<ExerciseOptions, 'log' | 'prefix'>>,
  store: 'sqlite' | 'chosen' = 'chosen',
): Promise<ScenarioOutcome> {
  const nodeStore = store === 'sqlite' ? ON_SQLITE : await context.nodeStore();
  const stack = await SingleStack.start(name, { ...nodeStore.env, ...env }, context.onCrash, nodeStore.startTimeoutMs);
  try {
    const result = await exercise({ ...(await options(stack)), log: context.log, prefix: `${name.replace(/\W/g, '')}${context.runId}u` });
    const [gapFills, repairs] = await Promise.all([
      stack.node.metric('confab_ws_gap_fills_total'),
      stack.node.metric('confab_live_check_repairs_total'),
    ]);
    result.notes.push(`the node ran on ${nodeStore.label}; it filled ${gapFills} gaps from the log, ${repairs} found by its live check`);
    return { ...result, fiveXx: restFiveXx(result) };
  } finally {
    await stack.close();
  }
}

/** A scenario on the shared three-node cluster, clients through nginx. */
export async function onCluster(
  context: ScenarioContext,
  name: string,
  options: (stack: ClusterStack) => Omit<ExerciseOptions, 'log' | 'prefix' | 'entryFor'>,
  database?: ClusterDatabase,
): Promise<ScenarioOutcome> {
  const stack = await context.cluster(database);
  await stack.ensureAllUp();
  const logOffset = stack.accessLogLength;
  const errorLogOffset = stack.errorLogLength;
  try {
    const result = await exercise({
      ...options(stack),
      entryFor: () => stack.url,
      log: context.log,
      prefix: `${name.replace(/\W/g, '')}${context.runId}u`,
    });
    const fiveXx = restFiveXx(result);
    // nginx saw every request, the SDK's gap fills and sign-ups included: its count wins.
    for (const [status, n] of stack.fiveXxSince(logOffset)) fiveXx.set(status, Math.max(n, fiveXx.get(status) ?? 0));
    // What nginx said about each 5xx, so one that is not documented can be explained from the run itself.
    if (fiveXx.size > 0) result.notes.push(...stack.fiveXxEvidence(logOffset, errorLogOffset));
    return { ...result, fiveXx };
  } finally {
    await stack.ensureAllUp();
  }
}
