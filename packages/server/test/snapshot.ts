import Database from 'better-sqlite3';
import { sqliteFileFor } from '../src/store/sqlite/sqlite-store.js';
import type { TestServer } from './harness.js';
import { withMysql, withPostgres } from './services.js';

/**
 * Every row of every table, each table's rows as sorted JSON: equal snapshots mean nothing was
 * written. `node_reports` is left out: each node rewrites its own row on a timer (its socket count).
 */
export type DatabaseSnapshot = Record<string, string[]>;

/** Reads the whole database of a test server, on its own connection (SQLite read-only; PostgreSQL in the server's schema). */
export async function databaseSnapshot(t: TestServer): Promise<DatabaseSnapshot> {
  const url = t.server.services.config.databaseUrl;
  const snapshot: DatabaseSnapshot = {};
  const keep = (table: string, rows: unknown[]) => {
    if (table !== 'node_reports') snapshot[table] = rows.map((row) => JSON.stringify(row)).sort();
  };
  if (url !== null && /^postgres(ql)?:/.test(url)) {
    await withPostgres(url, async (client) => {
      const tables = await client.query<{ name: string }>(
        `select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`,
      );
      for (const { name } of tables.rows) keep(name, (await client.query(`select * from "${name}"`)).rows);
    });
    return snapshot;
  }
  if (url !== null && /^(mysql|mariadb):/.test(url)) {
    await withMysql(url, async (connection) => {
      const [tables] = await connection.query(
        `select table_name as name from information_schema.tables where table_schema = database() and table_type = 'BASE TABLE'`,
      );
      for (const { name } of tables as { name: string }[])
        keep(name, (await connection.query(`select * from \`${name}\``))[0] as unknown[]);
    });
    return snapshot;
  }
  const db = new Database(sqliteFileFor(url, t.dataDir), { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`).all() as {
      name: string;
    }[];
    for (const { name } of tables) keep(name, db.prepare(`select * from "${name}"`).all());
  } finally {
    db.close();
  }
  return snapshot;
}
