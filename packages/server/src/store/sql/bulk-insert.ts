import { CompiledQuery, type InsertObject, SqliteAdapter } from 'kysely';
import type { Database } from '../schema.js';
import type { Db } from './rows.js';

/**
 * A multi-row INSERT for the group commit's hot tables (messages, events, notifications), built
 * without Kysely's query builder. The builder makes an operation node per value and freezes each:
 * for a batch of 400 messages of 23 columns that was a fifth of the batch's JavaScript, and much
 * of the garbage the collector then took 15 % of the event loop to clear. Here the statement's
 * text depends only on the table, the columns and the row count (so the SQLite driver's statement
 * cache reuses it) and the values go in one flat array, bound as Kysely would bind them.
 *
 * Every row must give the same columns a value to bind: a batch with a gap (never in the hot
 * paths) or an SQL expression (PostgreSQL's search vector of a message) goes through the builder.
 */
export async function insertBulk<T extends keyof Database & string>(
  db: Db,
  table: T,
  rows: readonly InsertObject<Database, T>[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!).filter((c) => (rows[0] as Record<string, unknown>)[c] !== undefined);
  const params: unknown[] = [];
  for (const row of rows) {
    const values = row as Record<string, unknown>;
    let defined = 0;
    for (const key in values) if (values[key] !== undefined) defined += 1;
    if (defined !== columns.length) return builderInsert(db, table, rows);
    for (const column of columns) {
      const value = values[column];
      if (value === undefined || (typeof value === 'object' && value !== null && !(value instanceof Uint8Array))) {
        return builderInsert(db, table, rows);
      }
      params.push(value);
    }
  }
  await db.executeQuery(CompiledQuery.raw(statementText(db, table, columns, rows.length), params));
}

async function builderInsert<T extends keyof Database & string>(
  db: Db,
  table: T,
  rows: readonly InsertObject<Database, T>[],
): Promise<void> {
  // The builder's own typing cannot follow a generic table name; the rows are that table's.
  await db
    .insertInto(table)
    .values(rows as never)
    .execute();
}

const texts = new Map<string, string>();

/** `insert into "t" ("a", "b") values (?, ?), (?, ?)` (`$1`, `$2`… on PostgreSQL), made once per shape. */
function statementText(db: Db, table: string, columns: readonly string[], rowCount: number): string {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  const key = `${sqlite ? 's' : 'p'}|${table}|${columns.join(',')}|${rowCount}`;
  let text = texts.get(key);
  if (text !== undefined) return text;
  const width = columns.length;
  const tuples: string[] = [];
  for (let r = 0; r < rowCount; r++) {
    const marks = sqlite ? new Array<string>(width).fill('?') : columns.map((_, c) => `$${r * width + c + 1}`);
    tuples.push(`(${marks.join(', ')})`);
  }
  text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values ${tuples.join(', ')}`;
  // Shapes are few (a handful of tables, chunks of at most 500 rows); bounded all the same.
  if (texts.size >= 2000) texts.clear();
  texts.set(key, text);
  return text;
}
