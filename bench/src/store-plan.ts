/**
 * Which systems the store comparison (cluster.ts) runs, pure so it can be tested: `--nodes N`
 * (N > 1) and/or `--stores <list>` turn the bench into a side-by-side comparison of the send
 * workloads on each store; neither, and the ordinary single-node run goes on.
 */

export const BENCH_STORES = ['sqlite', 'postgres', 'mariadb'] as const;
export type BenchStore = (typeof BENCH_STORES)[number];

/** The machine's own MariaDB (the database named only to connect: the comparison makes one of its own). */
export const DEFAULT_MYSQL_URL = 'mysql://root@127.0.0.1:3306/mysql';

export interface TargetPlan {
  store: BenchStore;
  /** SQLite is one process's file: always one node. */
  nodes: number;
  /** Several nodes need Redis between them; one node runs on the in-memory bus, as `npm start` does. */
  bus: 'redis' | 'memory';
  /** The database server (SQLite: none, a fresh data directory). */
  url: string | null;
}

export interface PlanOptions {
  nodes: number;
  stores: readonly BenchStore[] | null;
  postgresUrl: string;
  mysqlUrl: string | null;
}

/**
 * `--stores sqlite,postgres,mariadb`: each named store, in the order typed, on `--nodes` nodes
 * (SQLite on one). Without `--stores`, `--nodes N` keeps its old meaning: N nodes on PostgreSQL,
 * then on MySQL/MariaDB when `--mysql` is given, then one node on SQLite. Null: no comparison.
 */
export function comparisonPlan(options: PlanOptions): TargetPlan[] | null {
  if (options.stores === null && options.nodes <= 1) return null;
  const stores = options.stores ?? (['postgres', ...(options.mysqlUrl === null ? [] : ['mariadb' as const]), 'sqlite'] as const);
  return stores.map((store) => {
    const nodes = store === 'sqlite' ? 1 : options.nodes;
    return {
      store,
      nodes,
      bus: nodes > 1 ? 'redis' : 'memory',
      url: store === 'sqlite' ? null : store === 'postgres' ? options.postgresUrl : (options.mysqlUrl ?? DEFAULT_MYSQL_URL),
    };
  });
}

/** `--stores`: a comma-separated list of known stores, each once (`mysql` is MariaDB's name here too: the same server kind). */
export function parseStores(text: string): BenchStore[] {
  const asked = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '')
    .map((s) => (s === 'mysql' ? 'mariadb' : s));
  const unknown = asked.filter((s) => !(BENCH_STORES as readonly string[]).includes(s));
  if (asked.length === 0 || unknown.length > 0) throw new Error(`--stores: expected some of ${BENCH_STORES.join(', ')}, got "${text}"`);
  if (new Set(asked).size !== asked.length) throw new Error(`--stores: each store once, got "${text}"`);
  return asked as BenchStore[];
}
