import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Store } from '../store.js';
import { type RowsDb, type TableShape, readCatalog } from './catalog.js';

/**
 * Copies a store's rows into another engine's store of the same schema version
 * (`confab migrate-store`, README "Moving to another database"): table by table in primary-key order, a page per
 * transaction, so an interrupted copy resumes after the last key the destination holds. Then
 * both sides are read again in the same order and compared by count and checksum.
 */

/** One end of a copy: a migrated store's database and its engine. */
export interface CopyEnd {
  engine: Store['engine'];
  db: RowsDb;
}

/**
 * Tables not copied: the migrator's bookkeeping, each engine's own search index (rebuilt on the
 * destination by the re-index job, services/search/reindex-job.ts, which `search_reindex` restarts;
 * SQLite's `search_pending` is filled by the destination's own triggers)
 * and the database blob store's tables (blobs are copied through the BlobStore: blob-copy.ts).
 */
const NOT_COPIED = /^(kysely_migration.*|messages_search.*|search_reindex|search_pending|blobs|blob_chunks|mysql_migration_steps)$/;
/** Tables whose rows the migrations themselves write: the copy replaces them. */
const SEEDED = new Set(['stream_head']);

/** What is copied of one table: the columns both engines have (each may add its own). */
export interface TablePlan extends TableShape {
  /** Rows in the source when the plan was made, for progress. */
  sourceRows: number;
}

export async function planCopy(from: CopyEnd, to: CopyEnd): Promise<TablePlan[]> {
  const [source, target] = await Promise.all([readCatalog(from.db, from.engine), readCatalog(to.db, to.engine)]);
  const plans: TablePlan[] = [];
  for (const table of source.values()) {
    const there = target.get(table.name);
    if (NOT_COPIED.test(table.name) || !there) continue;
    if (table.primaryKey.length === 0) throw new Error(`table ${table.name} has no primary key: it cannot be copied in order`);
    if (table.primaryKey.join() !== there.primaryKey.join())
      throw new Error(`table ${table.name}: primary key (${table.primaryKey.join(', ')}) here, (${there.primaryKey.join(', ')}) there`);
    const columns = table.columns.filter((c) => there.columns.includes(c));
    const { n } = (await from.db
      .selectFrom(table.name)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow()) as {
      n: number | string;
    };
    plans.push({ name: table.name, columns, primaryKey: table.primaryKey, references: there.references, sourceRows: Number(n) });
  }
  return parentsFirst(plans);
}

/** The tables in an order where each comes after those it references (the destination's foreign keys), else by name. */
export function parentsFirst<T extends { name: string; references: string[] }>(tables: T[]): T[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const ordered: T[] = [];
  const placed = new Set<string>();
  const place = (table: T, path: Set<string>) => {
    if (placed.has(table.name)) return;
    if (path.has(table.name)) throw new Error(`tables reference each other in a cycle: ${[...path, table.name].join(' → ')}`);
    path.add(table.name);
    for (const parent of [...table.references].sort()) {
      const found = byName.get(parent);
      if (found) place(found, path);
    }
    path.delete(table.name);
    placed.add(table.name);
    ordered.push(table);
  };
  for (const table of [...tables].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) place(table, new Set());
  return ordered;
}

/** Bound parameters per INSERT: under SQLite's 32,766 and the others' 65,535. */
const PARAMETERS_PER_INSERT = 30_000;
const MAX_ROWS_PER_PAGE = 1000;

/** Copies the rows of `plan` the destination lacks; calls `progress` after each page with the rows now there. */
export async function copyTable(from: CopyEnd, to: CopyEnd, plan: TablePlan, progress: (copied: number) => void): Promise<number> {
  const pageSize = Math.max(1, Math.min(MAX_ROWS_PER_PAGE, Math.floor(PARAMETERS_PER_INSERT / plan.columns.length)));
  if (SEEDED.has(plan.name)) await to.db.deleteFrom(plan.name).execute();
  let after = await lastKey(to.db, plan);
  let copied = after === undefined ? 0 : await countRows(to.db, plan.name);
  for (;;) {
    const rows = await page(from.db, plan, after, pageSize);
    if (rows.length === 0) return copied;
    await to.db.transaction().execute(async (trx) => {
      await trx.insertInto(plan.name).values(rows.map(writable)).execute();
    });
    copied += rows.length;
    after = plan.primaryKey.map((c) => rows.at(-1)![c]);
    progress(copied);
    if (rows.length < pageSize) return copied;
  }
}

/** The rows of a table after `after` (its primary key's values), in primary-key order. */
function page(db: RowsDb, plan: TableShape, after: unknown[] | undefined, limit: number): Promise<Record<string, unknown>[]> {
  let query = db.selectFrom(plan.name).select(plan.columns);
  if (after !== undefined) {
    const key = plan.primaryKey;
    query =
      key.length === 1
        ? query.where(key[0]!, '>', after[0])
        : query.where(sql<boolean>`(${sql.join(key.map((c) => sql.ref(c)))}) > (${sql.join(after)})`);
  }
  for (const column of plan.primaryKey) query = query.orderBy(column);
  return query.limit(limit).execute();
}

async function lastKey(db: RowsDb, plan: TableShape): Promise<unknown[] | undefined> {
  let query = db.selectFrom(plan.name).select(plan.primaryKey);
  for (const column of plan.primaryKey) query = query.orderBy(column, 'desc');
  const row = (await query.limit(1).executeTakeFirst()) as Record<string, unknown> | undefined;
  return row && plan.primaryKey.map((c) => row[c]);
}

async function countRows(db: RowsDb, table: string): Promise<number> {
  const row = (await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow()) as {
    n: number | string;
  };
  return Number(row.n);
}

/** A JSON value MySQL 8 hands back parsed goes into the other engines as the text it was. */
function writable(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    out[column] = value !== null && typeof value === 'object' && !Buffer.isBuffer(value) ? JSON.stringify(value) : value;
  }
  return out;
}

/** A table's rows, summed up: how many and a SHA-256 over them in primary-key order. */
export interface TableSum {
  rows: number;
  sha256: string;
}

/** Reads the whole table in primary-key order; engines that answer a value in another form (a number as text, JSON parsed) agree. */
export async function sumTable(db: RowsDb, plan: TableShape): Promise<TableSum> {
  const hash = createHash('sha256');
  let rows = 0;
  let after: unknown[] | undefined;
  for (;;) {
    const batch = await page(db, plan, after, MAX_ROWS_PER_PAGE);
    for (const row of batch) hash.update(`${JSON.stringify(plan.columns.map((c) => canonical(row[c])))}\n`);
    rows += batch.length;
    if (batch.length < MAX_ROWS_PER_PAGE) return { rows, sha256: hash.digest('hex') };
    after = plan.primaryKey.map((c) => batch.at(-1)![c]);
  }
}

/** One spelling per value whatever the driver: numbers and numeric text alike, JSON with its keys sorted. */
export function canonical(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Buffer.isBuffer(value)) return `bytes:${value.toString('hex')}`;
  if (typeof value === 'object') return `json:${sortedJson(value)}`;
  if (typeof value === 'string' && /^[[{]/.test(value)) {
    try {
      return `json:${sortedJson(JSON.parse(value))}`;
    } catch {
      // text that only starts like JSON
    }
  }
  return `value:${String(value)}`;
}

function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${sortedJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Makes the destination's re-index job index every message again: its own engine's index holds none yet. */
export async function restartSearchIndex(to: CopyEnd): Promise<void> {
  await sql`update search_reindex set below = null, finished_at = null`.execute(to.db);
}
