import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { withPostgres } from './services.js';

/**
 * Issue 39's invariant, checked where the bytes are: none of `plaintexts` is in any row of the
 * PostgreSQL schema at `databaseUrl` (bytea values as bytes, others as their JSON) nor in any
 * file under `dataDirs` (a SQLite database, its WAL and free pages included, and the blob store's
 * files), byte for byte. Answers where each one was found (empty: nowhere).
 */
export async function plaintextsFound(
  where: { databaseUrl?: string; dataDirs?: string[] },
  plaintexts: readonly string[],
): Promise<string[]> {
  const needles = plaintexts.map((text) => ({ text, bytes: Buffer.from(text, 'utf8') }));
  const found: string[] = [];
  const look = (place: string, haystack: Buffer) => {
    for (const { text, bytes } of needles) if (haystack.includes(bytes)) found.push(`${text} in ${place}`);
  };
  if (where.databaseUrl) {
    await withPostgres(where.databaseUrl, async (client) => {
      const tables = await client.query<{ name: string }>(
        `select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`,
      );
      for (const { name } of tables.rows) {
        for (const row of (await client.query(`select * from "${name}"`)).rows as Record<string, unknown>[]) {
          for (const value of Object.values(row)) {
            look(name, Buffer.isBuffer(value) ? value : Buffer.from(typeof value === 'string' ? value : (JSON.stringify(value) ?? '')));
          }
        }
      }
    });
  }
  for (const dir of where.dataDirs ?? []) {
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = path.join(entry.parentPath, entry.name);
      look(file, readFileSync(file));
    }
  }
  return found;
}
