import { type Kysely, sql } from 'kysely';
import type { Store } from '../store.js';

/** One table as the copy sees it: its columns in order, its primary key, the tables it references. */
export interface TableShape {
  name: string;
  columns: string[];
  primaryKey: string[];
  references: string[];
}

type Engine = Store['engine'];

/** A database seen as tables of rows by name, as a whole-database tool sees it (no table types). */
export type RowsDb = Kysely<Record<string, Record<string, unknown>>>;

/**
 * The tables of the store's own schema (the current schema or database, not the server's others),
 * read from each engine's catalog: Kysely's introspector lists every schema on PostgreSQL and
 * knows no primary keys.
 */
export async function readCatalog(db: RowsDb, engine: Engine): Promise<Map<string, TableShape>> {
  const rows = await columnRows(db, engine);
  const tables = new Map<string, TableShape>();
  for (const row of rows) {
    const table = tables.get(row.table_name) ?? { name: row.table_name, columns: [], primaryKey: [], references: [] };
    table.columns.push(row.column_name);
    tables.set(row.table_name, table);
  }
  for (const table of tables.values()) table.primaryKey = await primaryKeyOf(db, engine, table.name);
  for (const { table_name, referenced } of await foreignKeys(db, engine)) {
    const table = tables.get(table_name);
    if (table && referenced !== table_name && !table.references.includes(referenced)) table.references.push(referenced);
  }
  return tables;
}

interface ColumnRow {
  table_name: string;
  column_name: string;
}

async function columnRows(db: RowsDb, engine: Engine): Promise<ColumnRow[]> {
  if (engine === 'sqlite') {
    const { rows } = await sql<ColumnRow>`
      select m.name as table_name, c.name as column_name
      from sqlite_master m join pragma_table_info(m.name) c
      where m.type = 'table' and m.name not like 'sqlite_%'
      order by m.name, c.cid`.execute(db);
    return rows;
  }
  const schema = engine === 'postgres' ? sql`current_schema()` : sql`database()`;
  // MySQL answers information_schema's names in capitals; the aliases make both engines agree.
  const { rows } = await sql<ColumnRow>`
    select c.table_name as table_name, c.column_name as column_name
    from information_schema.columns c join information_schema.tables t
      on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = ${schema} and t.table_type = 'BASE TABLE'
    order by c.table_name, c.ordinal_position`.execute(db);
  return rows;
}

async function primaryKeyOf(db: RowsDb, engine: Engine, table: string): Promise<string[]> {
  if (engine === 'sqlite') {
    const { rows } = await sql<{ name: string }>`select name from pragma_table_info(${table}) where pk > 0 order by pk`.execute(db);
    return rows.map((r) => r.name);
  }
  if (engine === 'postgres') {
    const { rows } = await sql<{ name: string }>`
      select a.attname as name from pg_index i
      join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
      where i.indrelid = ${table}::regclass and i.indisprimary
      order by array_position(i.indkey::int2[], a.attnum)`.execute(db);
    return rows.map((r) => r.name);
  }
  const { rows } = await sql<{ name: string }>`
    select column_name as name from information_schema.key_column_usage
    where table_schema = database() and table_name = ${table} and constraint_name = 'PRIMARY'
    order by ordinal_position`.execute(db);
  return rows.map((r) => r.name);
}

async function foreignKeys(db: RowsDb, engine: Engine): Promise<{ table_name: string; referenced: string }[]> {
  if (engine === 'sqlite') {
    const { rows } = await sql<{ table_name: string; referenced: string }>`
      select m.name as table_name, f."table" as referenced
      from sqlite_master m join pragma_foreign_key_list(m.name) f
      where m.type = 'table'`.execute(db);
    return rows;
  }
  if (engine === 'postgres') {
    const { rows } = await sql<{ table_name: string; referenced: string }>`
      select c.relname as table_name, r.relname as referenced
      from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_class r on r.oid = k.confrelid
      where k.contype = 'f' and k.connamespace = current_schema()::regnamespace`.execute(db);
    return rows;
  }
  const { rows } = await sql<{ table_name: string; referenced: string }>`
    select table_name as table_name, referenced_table_name as referenced
    from information_schema.referential_constraints where constraint_schema = database()`.execute(db);
  return rows;
}
