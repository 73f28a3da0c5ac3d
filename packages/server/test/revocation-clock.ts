import Database from 'better-sqlite3';
import { sqliteFileFor } from '../src/store/sqlite/sqlite-store.js';
import type { TestServer } from './harness.js';
import { withMysql, withPostgres } from './services.js';

/**
 * Dates a device's revocation as a node whose clock was behind would have (issue 39): the row's
 * `revoked_at` rewritten on the test server's own database, its log position untouched. How a
 * test shows members order revocations by the log, whatever the clocks of the nodes said.
 */
export async function dateRevocation(t: TestServer, deviceId: string, revokedAt: number): Promise<void> {
  const url = t.server.services.config.databaseUrl;
  if (url !== null && /^postgres(ql)?:/.test(url)) {
    await withPostgres(url, (client) => client.query('update devices set revoked_at = $1 where id = $2', [revokedAt, deviceId]));
    return;
  }
  if (url !== null && /^(mysql|mariadb):/.test(url)) {
    await withMysql(url, (connection) => connection.query('update devices set revoked_at = ? where id = ?', [revokedAt, deviceId]));
    return;
  }
  const db = new Database(sqliteFileFor(url, t.dataDir), { fileMustExist: true });
  try {
    db.prepare('update devices set revoked_at = ? where id = ?').run(revokedAt, deviceId);
  } finally {
    db.close();
  }
}
