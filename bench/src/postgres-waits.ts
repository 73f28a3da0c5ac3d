import pg from 'pg';

/**
 * What the cluster's PostgreSQL sessions are doing while a phase runs (issue 13, part 7: "find
 * what the p99 waits on"): `pg_stat_activity` sampled every `SAMPLE_MS`, each busy session of the
 * nodes (told apart by their `application_name`) counted under what it waits for and the statement
 * it is in. A lock wait names the statement that waits (the lock's holder is another session's
 * transaction); "waiting for the node" is a transaction open on the server while its node has not
 * yet sent the next statement (network, or the node's event loop busy elsewhere).
 */
export interface PostgresWaits {
  /** Sampling rounds, and busy sessions seen per round on average. */
  rounds: number;
  meanBusySessions: number;
  /** The most frequent (wait, statement) pairs, by their share of every busy session seen. */
  top: { wait: string; statement: string; share: number }[];
  /**
   * PostgreSQL's own background work seen meanwhile, not the nodes': the autovacuum workers'
   * `autovacuum: VACUUM …` / `ANALYZE …` (table named), each with the rounds it was seen in.
   */
  autovacuum: { what: string; rounds: number }[];
}

const SAMPLE_MS = 10;
const TOP = 8;

export class PostgresWaitSampler {
  private readonly counts = new Map<string, number>();
  private rounds = 0;
  private seen = 0;
  // Since the last `window()`: a soak reads what the sessions did window by window.
  private windowCounts = new Map<string, number>();
  private windowRounds = 0;
  private windowSeen = 0;
  private readonly vacuums = new Map<string, number>();
  private windowVacuums = new Map<string, number>();
  private running = true;
  private readonly loop: Promise<void>;

  private constructor(
    private readonly client: pg.Client,
    applicationName: string,
  ) {
    this.loop = this.sample(applicationName);
  }

  static async start(url: string, applicationName: string): Promise<PostgresWaitSampler> {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    client.on('error', () => {});
    await client.connect();
    return new PostgresWaitSampler(client, applicationName);
  }

  async stop(): Promise<PostgresWaits> {
    this.running = false;
    await this.loop;
    await this.client.end();
    return summarise(this.counts, this.rounds, this.seen, this.vacuums);
  }

  /** What was seen since the previous call (or the start), and a fresh count from here. */
  window(): PostgresWaits {
    const summary = summarise(this.windowCounts, this.windowRounds, this.windowSeen, this.windowVacuums);
    this.windowCounts = new Map();
    this.windowVacuums = new Map();
    this.windowRounds = 0;
    this.windowSeen = 0;
    return summary;
  }

  /** Samples until stopped; a failed query (PostgreSQL gone) ends the sampling, keeping what was seen. */
  private async sample(applicationName: string): Promise<void> {
    try {
      await this.sampleUntilStopped(applicationName);
    } catch {
      this.running = false;
    }
  }

  private async sampleUntilStopped(applicationName: string): Promise<void> {
    while (this.running) {
      const { rows } = await this.client.query<{
        state: string;
        type: string | null;
        event: string | null;
        query: string;
        locks: boolean;
        vacuum: boolean;
      }>(
        `select state, wait_event_type as type, wait_event as event, left(query, 200) as query, query like '%for update' as locks,
                backend_type = 'autovacuum worker' as vacuum
           from pg_stat_activity
          where (application_name = $1 and state <> 'idle') or (backend_type = 'autovacuum worker' and query like 'autovacuum:%')`,
        [applicationName],
      );
      this.rounds += 1;
      this.windowRounds += 1;
      for (const row of rows) {
        if (row.vacuum) {
          // The table's name without its schema: `autovacuum: VACUUM ANALYZE confab_bench_….messages` → `VACUUM ANALYZE messages`.
          const what = row.query.replace(/^autovacuum:\s*/, '').replace(/\b[\w]+\.(\w+)/, '$1');
          this.vacuums.set(what, (this.vacuums.get(what) ?? 0) + 1);
          this.windowVacuums.set(what, (this.windowVacuums.get(what) ?? 0) + 1);
          continue;
        }
        this.seen += 1;
        this.windowSeen += 1;
        const key = `${waitOf(row.state, row.type, row.event)}\u0000${statementOf(row.query, row.locks)}`;
        this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
        this.windowCounts.set(key, (this.windowCounts.get(key) ?? 0) + 1);
      }
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
    }
  }
}

function summarise(counts: Map<string, number>, rounds: number, seen: number, vacuums: Map<string, number>): PostgresWaits {
  const top = [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP)
    .map(([key, n]) => {
      const [wait, statement] = key.split('\u0000') as [string, string];
      return { wait, statement, share: seen > 0 ? Math.round((1000 * n) / seen) / 1000 : 0 };
    });
  const autovacuum = [...vacuums].sort((a, b) => b[1] - a[1]).map(([what, n]) => ({ what, rounds: n }));
  return { rounds, meanBusySessions: rounds > 0 ? Math.round((100 * seen) / rounds) / 100 : 0, top, autovacuum };
}

function waitOf(state: string, type: string | null, event: string | null): string {
  if (state === 'idle in transaction' || (type === 'Client' && event === 'ClientRead')) return 'waiting for the node (transaction open)';
  if (type === null) return 'running';
  if (type === 'Lock') return `lock wait (${event})`;
  return `${type}: ${event}`;
}

/** The statement's verb and table, e.g. `select … from conversations for update`, `update stream_head`. */
export function statementOf(query: string, locks: boolean): string {
  const text = query.replace(/\s+/g, ' ').trim().toLowerCase();
  const table = (after: RegExp) => after.exec(text)?.[1]?.replaceAll('"', '') ?? '?';
  if (text.startsWith('select')) return `select … from ${table(/ from ("?[\w.]+"?)/)}${locks ? ' for update' : ''}`;
  // The seq reservation: `with locked as materialized (select … for update) update conversations …` (the text may be cut short).
  if (text.startsWith('with'))
    return `with … from ${table(/ from ("?[\w.]+"?)/)}${/ for update\)/.test(text) ? ' for update' : ''}, then a write`;
  if (text.startsWith('insert')) return `insert into ${table(/^insert into ("?[\w.]+"?)/)}`;
  if (text.startsWith('update')) return `update ${table(/^update ("?[\w.]+"?)/)}`;
  if (text.startsWith('delete')) return `delete from ${table(/^delete from ("?[\w.]+"?)/)}`;
  return text.split(' ').slice(0, 2).join(' ');
}
