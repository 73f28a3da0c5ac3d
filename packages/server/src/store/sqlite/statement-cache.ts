import type SQLite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** The statement a connection ran last: whether it wrote decides whether its commit must be flushed. */
export interface LastStatement {
  readonly last: SQLite.Statement | undefined;
}

/**
 * Kysely prepares every query anew; better-sqlite3 statements can be reused. Keeping the most
 * recent ones saves the parse and plan of each repeated query (about 8% of the server's CPU
 * under a send load). Safe: the driver runs one statement at a time, to completion.
 *
 * A statement that answers rows answers them through `RowStatement`, which builds each row's
 * object in JavaScript.
 */
export function withStatementCache(connection: SQLite.Database, size = 1000): SqliteDatabase & LastStatement {
  const statements = new Map<string, { statement: SQLite.Statement; kysely: SqliteStatement }>();
  let last: SQLite.Statement | undefined;
  return {
    get last() {
      return last;
    },
    close: () => void connection.close(),
    prepare(sql: string) {
      let entry = statements.get(sql);
      if (entry) {
        statements.delete(sql); // re-inserted last: the map's order is recency
      } else {
        const statement = connection.prepare(sql);
        entry = { statement, kysely: statement.reader ? RowStatement.over(statement) : statement };
        if (statements.size >= size) statements.delete(statements.keys().next().value!);
      }
      statements.set(sql, entry);
      last = entry.statement;
      return entry.kysely;
    },
  };
}

/**
 * A statement that answers rows, read as arrays (better-sqlite3's raw mode) and made into objects
 * by a function compiled for its columns. better-sqlite3 builds an object key by key, which took
 * over half of a read's time (64 messages by id: 560 µs, against 260 µs this way); an object
 * literal with the columns as its keys is built at once, and every row of the statement shares
 * one shape. The rows are the same: one property per column, in order, a later column of the
 * same name replacing an earlier one.
 */
export class RowStatement implements SqliteStatement {
  readonly reader = true;

  private constructor(
    private readonly statement: SQLite.Statement,
    private readonly row: (values: unknown[]) => Record<string, unknown>,
  ) {}

  /** `statement` itself when its columns cannot be keys of a literal (`__proto__` would set the prototype). */
  static over(statement: SQLite.Statement): SqliteStatement {
    const names = statement.columns().map((c) => c.name);
    if (names.includes('__proto__')) return statement;
    const keys = names.map((name, i) => `${JSON.stringify(name)}: v[${i}]`).join(', ');
    // The names come from the database's own description of the statement; JSON.stringify quotes them.
    const row = new Function('v', `return { ${keys} };`) as (values: unknown[]) => Record<string, unknown>;
    return new RowStatement(statement.raw(true), row);
  }

  all(parameters: ReadonlyArray<unknown>): unknown[] {
    const rows = this.statement.all(parameters) as unknown[][];
    const objects: unknown[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) objects[i] = this.row(rows[i]!);
    return objects;
  }

  *iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown> {
    for (const values of this.statement.iterate(parameters) as IterableIterator<unknown[]>) yield this.row(values);
  }

  run(parameters: ReadonlyArray<unknown>): { changes: number | bigint; lastInsertRowid: number | bigint } {
    return this.statement.run(parameters);
  }
}
