import { CompiledQuery, type InsertObject, MysqlAdapter, SqliteAdapter, type UpdateObject } from 'kysely';
import { mysqlText } from '../mysql/mysql-translation.js';
import type { Database } from '../schema.js';
import type { Db } from './rows.js';

/**
 * The group commit's most frequent statements, built without Kysely's query builder, and the
 * padded `in (…)` lists that keep SQLite's statement texts few (`paddedLists`). The builder
 * makes and freezes an operation node per value, then compiles the tree: under a send load that
 * was about 7 % of the server's CPU, and much of the garbage the collector then spent 12–15 % of
 * the event loop on. Here a statement's text depends only on its table, its columns and its row
 * count, made once (so the SQLite driver's statement cache reuses it too), and the values are
 * bound as Kysely would bind them. A value that is an SQL expression (PostgreSQL's search vector
 * of a message) sends the statement through the builder instead.
 */

/**
 * Multi-row INSERTs (messages, events, notifications), as many statements as the rows need: at
 * most `MAX_ROWS` rows and `MAX_PARAMS` bound values each (SQLite allows 32,766 since 3.32,
 * PostgreSQL 65,535). Every row must give the same columns a value; a batch with a gap (never in
 * the hot paths) goes through the builder, which fills it.
 */
export async function insertBulk<T extends keyof Database & string>(
  db: Db,
  table: T,
  rows: readonly InsertObject<Database, T>[],
): Promise<void> {
  if (rows.length === 0) return;
  const width = Object.values(rows[0]!).filter((v) => v !== undefined).length;
  const max = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / Math.max(1, width))));
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  let i = 0;
  for (const size of sqlite ? roundedChunks(rows.length, max) : evenChunks(rows.length, max)) {
    await insertStatement(db, table, rows.slice(i, i + size));
    i += size;
  }
}

const MAX_ROWS = 500;
const MAX_PARAMS = 32_766;
/** On SQLite, rows per statement are a multiple of this, or fewer than it (`roundedChunks`). */
export const ROW_STEP = 16;

/** `max` rows per statement, the last one what is left. */
export function evenChunks(rows: number, max: number): number[] {
  const sizes: number[] = [];
  for (let left = rows; left > 0; left -= Math.min(max, left)) sizes.push(Math.min(max, left));
  return sizes;
}

/**
 * On SQLite, statement sizes from a small set: at most `max` rows, then a multiple of 16, then
 * fewer than 16. Each row count is a statement of its own text, prepared once and kept by the
 * driver's cache (store/sqlite/statement-cache.ts); preparing a 376-row message insert takes about
 * 1.3 ms. Batch sizes from 1 to 500 made as many texts per table, prepared again whenever a new
 * size came (a server's first minutes spent about 1 % of its CPU there) and, with three tables,
 * more than the cache holds. Now a table has at most 46 texts, and an insert takes two statements
 * where it took one. (PostgreSQL does not keep statements: there a statement more is a round trip more.)
 */
export function roundedChunks(rows: number, max: number): number[] {
  const top = max >= ROW_STEP ? max - (max % ROW_STEP) : max;
  const sizes: number[] = [];
  let left = rows;
  while (left > 0) {
    const size = left >= top ? top : left >= ROW_STEP ? left - (left % ROW_STEP) : left;
    sizes.push(size);
    left -= size;
  }
  return sizes;
}

/**
 * An `in (…)` list in pieces of at most `max` (a multiple of `ROW_STEP`), each padded with its
 * last item to a multiple of `ROW_STEP`, or below that to a power of two: a handful of statement
 * texts for SQLite's cache, as for inserts, not one per list length (a repeated item changes
 * nothing in an `in` list). Short lists get sizes of their own because each padded item is one
 * more probe of the index: the group commit's batch of one asked 16 times for the same
 * (sender, clientId) and the same draft (9.6 against 3.3 µs a lookup, bench/journal.md).
 */
export function paddedLists<T>(items: readonly T[], max: number): T[][] {
  const lists: T[][] = [];
  for (let i = 0; i < items.length; i += max) {
    const list = items.slice(i, i + max);
    const size = paddedSize(list.length);
    while (list.length < size) list.push(list.at(-1)!);
    lists.push(list);
  }
  return lists;
}

/** 1, 2, 4 or 8 below `ROW_STEP`; from there the next multiple of it. */
function paddedSize(length: number): number {
  if (length >= ROW_STEP) return Math.ceil(length / ROW_STEP) * ROW_STEP;
  let size = 1;
  while (size < length) size *= 2;
  return size;
}

/** Distinct ids for reads of many users at once, as `paddedLists`. */
export const paddedIdLists = (ids: Iterable<string>): string[][] => paddedLists([...new Set(ids)], 496);

/** Reads `[key, value]` pairs for many keys, a padded list of keys per statement, grouped by key. */
export async function readGrouped<V>(keys: readonly string[], read: (ids: string[]) => Promise<[string, V][]>): Promise<Map<string, V[]>> {
  const grouped = new Map<string, V[]>();
  for (const ids of paddedIdLists(keys)) {
    for (const [key, value] of await read(ids)) {
      const list = grouped.get(key);
      if (list) list.push(value);
      else grouped.set(key, [value]);
    }
  }
  return grouped;
}

async function insertStatement<T extends keyof Database & string>(
  db: Db,
  table: T,
  rows: readonly InsertObject<Database, T>[],
): Promise<void> {
  const compiled = insertQuery(db, table, rows);
  if (compiled === undefined) return builderInsert(db, table, rows);
  await db.executeQuery(compiled);
}

/**
 * One multi-row INSERT of `rows` as text and values (for `insertBulk`, and for MySQL's batched
 * append, which sends it among other statements); undefined when a row leaves a column out or a
 * value is an SQL expression (the builder's to insert).
 */
export function insertQuery<T extends keyof Database & string>(
  db: Db,
  table: T,
  rows: readonly InsertObject<Database, T>[],
): CompiledQuery | undefined {
  const columns = Object.keys(rows[0]!).filter((c) => (rows[0] as Record<string, unknown>)[c] !== undefined);
  const params: unknown[] = [];
  for (const row of rows) {
    const values = row as Record<string, unknown>;
    let defined = 0;
    for (const key in values) if (values[key] !== undefined) defined += 1;
    if (defined !== columns.length) return undefined;
    for (const column of columns) {
      const value = values[column];
      if (!bindable(value)) return undefined;
      params.push(value);
    }
  }
  return CompiledQuery.raw(statementText(db, table, columns, rows.length), params);
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

/**
 * `update "t" set "a" = ?, "b" = ? where "id" = ?`: a change of one stored row (a reaction, an
 * edit), the text made once per set of columns. Values as for `insertBulk`; an SQL expression
 * among them goes through the builder.
 */
export async function updateById<T extends keyof Database & string>(
  db: Db,
  table: T,
  set: UpdateObject<Database, T>,
  id: string,
): Promise<void> {
  const values = set as Record<string, unknown>;
  const columns = Object.keys(values).filter((c) => values[c] !== undefined);
  if (columns.length === 0) return;
  const params = columns.map((c) => values[c]);
  if (!params.every(bindable)) {
    // As in `builderInsert`: the builder's typing cannot follow a generic table name.
    await db
      .updateTable(table as 'messages')
      .set(set as never)
      .where('id', '=', id)
      .execute();
    return;
  }
  const text = shapedText(
    db,
    `u|${table}|${columns.join(',')}`,
    (mark) => `update "${table}" set ${columns.map((c, i) => `"${c}" = ${mark(i)}`).join(', ')} where "id" = ${mark(columns.length)}`,
  );
  await db.executeQuery(CompiledQuery.raw(text, [...params, id]));
}

/**
 * A statement whose text depends only on its shape (`key`: what it does and how many values it
 * binds), made once per dialect by `build`, which numbers the placeholders with `mark` (`?` on
 * SQLite, `$1`, `$2`… on PostgreSQL). For the group commit's per-batch statements that the
 * builder would build and compile anew each time.
 */
export function shapedText(db: Db, key: string, build: (mark: (index: number) => string) => string): string {
  const engine = placeholders(db);
  const full = `${engine}|${key}`;
  let text = texts.get(full);
  if (text === undefined) {
    text = build((index) => (engine === 'p' ? `$${index + 1}` : '?'));
    // MySQL/MariaDB: `?` in the order the values are bound, and its own spelling of a few things.
    if (engine === 'm') text = mysqlText(text);
    remember(full, text);
  }
  return text;
}

/** How the engine marks bound values: `?` (SQLite `s`, MySQL `m`) or `$1`, `$2`… (PostgreSQL `p`). */
function placeholders(db: Db): 's' | 'm' | 'p' {
  const adapter = db.getExecutor().adapter;
  return adapter instanceof SqliteAdapter ? 's' : adapter instanceof MysqlAdapter ? 'm' : 'p';
}

/** A value bound as it is (as Kysely would bind it); an object is an SQL expression for the builder. */
const bindable = (value: unknown) => value !== undefined && (typeof value !== 'object' || value === null || value instanceof Uint8Array);

const texts = new Map<string, string>();
// Shapes are few (a handful of tables and column sets, chunks of at most 500 rows); bounded all the same.
const remember = (key: string, text: string) => {
  if (texts.size >= 2000) texts.clear();
  texts.set(key, text);
};

/** `insert into "t" ("a", "b") values (?, ?), (?, ?)` (`$1`, `$2`… on PostgreSQL), made once per shape. */
function statementText(db: Db, table: string, columns: readonly string[], rowCount: number): string {
  const engine = placeholders(db);
  const key = `${engine}|${table}|${columns.join(',')}|${rowCount}`;
  let text = texts.get(key);
  if (text !== undefined) return text;
  const width = columns.length;
  const tuples: string[] = [];
  for (let r = 0; r < rowCount; r++) {
    const marks = engine === 'p' ? columns.map((_, c) => `$${r * width + c + 1}`) : new Array<string>(width).fill('?');
    tuples.push(`(${marks.join(', ')})`);
  }
  text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values ${tuples.join(', ')}`;
  remember(key, text);
  return text;
}
