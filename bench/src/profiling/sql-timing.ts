/**
 * Times every SQLite statement a process runs, by statement text, for a profile of where the
 * store's time goes (issue 13: the per-statement table that showed the COMMIT at 46 % of the SQL
 * at 100 socket senders). `sql-timing-preload.ts` installs it in the Confab server process.
 */

/**
 * A statement's text as a key: whitespace collapsed, lists of placeholders and of rows folded,
 * and cut at 100 characters, so that one statement made for batches of every size (a CASE with a
 * branch per row) is one key.
 */
export function statementKey(source: string): string {
  return source
    .replace(/\s+/g, ' ')
    .replace(/(\?, )+\?/g, '?…')
    .replace(/(\([^()]*\))(, \1)+/g, '$1…')
    .trim()
    .slice(0, 100);
}

export class SqlTimings {
  private readonly byKey = new Map<string, { calls: number; totalUs: number }>();

  record(key: string, us: number): void {
    const entry = this.byKey.get(key);
    if (entry === undefined) this.byKey.set(key, { calls: 1, totalUs: us });
    else {
      entry.calls += 1;
      entry.totalUs += us;
    }
  }

  /** Forgets what was timed so far (a warm-up's statements). */
  reset(): void {
    this.byKey.clear();
  }

  /** The statements by total time, most first. */
  top(limit: number): { key: string; calls: number; totalUs: number }[] {
    return [...this.byKey]
      .map(([key, entry]) => ({ key, ...entry }))
      .sort((a, b) => b.totalUs - a.totalUs)
      .slice(0, limit);
  }

  report(limit = 40): string {
    const rows = this.top(limit);
    const total = [...this.byKey.values()].reduce((sum, e) => sum + e.totalUs, 0);
    const lines = rows.map(
      (r) =>
        `${(r.totalUs / 1000).toFixed(0).padStart(8)} ms ${String(r.calls).padStart(8)} × ${(r.totalUs / r.calls).toFixed(1).padStart(7)} µs  ${r.key}`,
    );
    return `SQLite statements: ${(total / 1000).toFixed(0)} ms in all\n${lines.join('\n')}\n`;
  }
}

interface StatementLike {
  run(...args: unknown[]): unknown;
  all(...args: unknown[]): unknown;
  get(...args: unknown[]): unknown;
}

/** better-sqlite3's Database class, as far as timing needs it. */
export interface DatabaseClass {
  prototype: { prepare(source: string): StatementLike };
}

/** Wraps `prepare` so each statement it makes records the time of its every run, all and get. */
export function timeStatements(Database: DatabaseClass, timings: SqlTimings): void {
  const prepare = Database.prototype.prepare;
  Database.prototype.prepare = function (this: unknown, source: string) {
    const statement = prepare.call(this, source);
    const key = statementKey(source);
    for (const method of ['run', 'all', 'get'] as const) {
      const original = statement[method];
      statement[method] = function (this: unknown, ...args: unknown[]) {
        const started = process.hrtime.bigint();
        try {
          return original.apply(this, args);
        } finally {
          timings.record(key, Number(process.hrtime.bigint() - started) / 1000);
        }
      };
    }
    return statement;
  };
}
