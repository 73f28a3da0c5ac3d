import SQLite from 'better-sqlite3';
import { withPostgres } from './cluster-space.js';
import type { GrowPlan } from './grow-plan.js';
import { type Engine, GrowRows, type Row } from './grow-rows.js';
import { indexNotedMessages } from './sqlite-search-notes.js';

/**
 * Writes the large instance (grow-rows.ts) in bulk into a store the server has migrated, while no
 * server runs: a SQLite file, or a PostgreSQL schema (`url` names it in its search_path). Indexes
 * and SQLite's search triggers stay in place, and each chunk's noted messages are indexed in its
 * transaction, so every row is indexed as a send indexes it, in sending order. Reports progress with the messages written so far.
 */
export interface SeedProgress {
  (messages: number): void;
}

/** Messages per transaction (SQLite) and per statement (PostgreSQL). */
const SQLITE_CHUNK = 20_000;
const POSTGRES_CHUNK = 5_000;

/** The rows for `plan`, numbered in the store's epoch (its cursors name it): the bodies' pool is tokenized here. */
export async function growRowsFor(engine: Engine, target: string, plan: GrowPlan): Promise<GrowRows> {
  const epoch = engine === 'sqlite' ? sqliteEpoch(target) : await postgresEpoch(target);
  return GrowRows.make(plan, engine, epoch);
}

export async function writeGrow(engine: Engine, target: string, rows: GrowRows, passwordHash: string, progress: SeedProgress = () => {}) {
  if (engine === 'sqlite') seedSqlite(target, rows, passwordHash, progress);
  else await seedPostgres(target, rows, passwordHash, progress);
}

/** Both steps. */
export async function seedGrow(engine: Engine, target: string, plan: GrowPlan, passwordHash: string, progress?: SeedProgress) {
  const rows = await growRowsFor(engine, target, plan);
  await writeGrow(engine, target, rows, passwordHash, progress);
  return rows;
}

function sqliteEpoch(file: string): string {
  const db = new SQLite(file, { readonly: true });
  try {
    return (db.prepare('select epoch from stream_head where id = 1').get() as { epoch: string }).epoch;
  } finally {
    db.close();
  }
}

async function postgresEpoch(url: string): Promise<string> {
  const result = await withPostgres(url, (client) => client.query<{ epoch: string }>('select epoch from stream_head where id = 1'));
  return result.rows[0]!.epoch;
}

function seedSqlite(file: string, rows: GrowRows, passwordHash: string, progress: SeedProgress): void {
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  // Bulk load before the server starts: a crash only loses the bench's own data.
  db.pragma('synchronous = OFF');
  // The indexes and FTS5's are updated row by row: keep their pages in memory.
  db.pragma('cache_size = -1048576');
  const inserters = new Map<string, (row: Row) => void>();
  const insert = (table: string, row: Row) => {
    let run = inserters.get(table);
    if (!run) {
      const columns = Object.keys(row);
      const statement = db.prepare(`insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`);
      run = (r) => statement.run(columns.map((c) => r[c] as unknown));
      inserters.set(table, run);
    }
    run(row);
  };
  db.transaction(() => {
    for (const row of rows.users(passwordHash)) insert('users', row);
    for (const row of rows.conversations()) insert('conversations', row);
    for (const row of rows.members()) insert('members', row);
  })();
  const chunk = db.transaction((messages: Row[], events: Row[]) => {
    for (const row of messages) insert('messages', row);
    for (const row of events) insert('events', row);
    indexNotedMessages(db);
  });
  let written = 0;
  for (const { messages, events } of rows.messages(SQLITE_CHUNK)) {
    chunk(messages, events);
    progress((written += messages.length));
  }
  const { head, floor } = rows.plan;
  db.prepare('update stream_head set pos = ?, floor = ? where id = 1').run(head, floor);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

async function seedPostgres(url: string, rows: GrowRows, passwordHash: string, progress: SeedProgress): Promise<void> {
  await withPostgres(url, async (client) => {
    // Rows as JSON, typed by the table's own row type: one statement per chunk, every column as
    // the table declares it (the search vector's text through tsvector's input, as `::tsvector`).
    const insert = async (table: string, chunk: readonly Row[]) => {
      if (chunk.length === 0) return;
      const columns = Object.keys(chunk[0]!).join(', ');
      await client.query(`insert into ${table} (${columns}) select ${columns} from json_populate_recordset(null::${table}, $1::json)`, [
        JSON.stringify(chunk),
      ]);
    };
    const inChunks = async (table: string, all: Iterable<Row>) => {
      const chunk: Row[] = [];
      for (const row of all) {
        chunk.push(row);
        if (chunk.length === POSTGRES_CHUNK) await insert(table, chunk.splice(0));
      }
      await insert(table, chunk);
    };
    await inChunks('users', rows.users(passwordHash));
    await inChunks('conversations', rows.conversations());
    await inChunks('members', rows.members());
    let written = 0;
    for (const { messages, events } of rows.messages(POSTGRES_CHUNK)) {
      await client.query('begin');
      await insert('messages', messages);
      await insert('events', events);
      await client.query('commit');
      progress((written += messages.length));
    }
    const { head, floor } = rows.plan;
    await client.query('update stream_head set pos = $1, floor = $2 where id = 1', [head, floor]);
    // Statistics and the visibility map, as autovacuum would have them on a live server within
    // minutes: without them the planner is blind to the rows (see idle-seed.ts).
    await client.query('vacuum analyze users, conversations, members, messages, events');
  });
}

/** The store's size on disk: the SQLite file and its WAL, or every relation of the schema (tables, indexes, TOAST). */
export async function storeBytes(engine: Engine, target: string): Promise<number> {
  if (engine === 'sqlite') {
    const db = new SQLite(target, { readonly: true });
    try {
      const page = db.pragma('page_size', { simple: true }) as number;
      const count = db.pragma('page_count', { simple: true }) as number;
      return page * count;
    } finally {
      db.close();
    }
  }
  const result = await withPostgres(target, (client) =>
    client.query<{ bytes: string }>(
      `select coalesce(sum(pg_total_relation_size(c.oid)), 0) as bytes from pg_class c
       join pg_namespace n on n.oid = c.relnamespace where n.nspname = current_schema() and c.relkind = 'r'`,
    ),
  );
  return Number(result.rows[0]!.bytes);
}
