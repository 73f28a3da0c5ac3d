import type { TestServer } from './harness.js';
import { databaseSnapshot } from './snapshot.js';

export interface OutboxRow {
  id: string;
  status: string;
  user_id: string;
  channel: string;
}

/** The outbox rows still in a test server's database (delivered rows are deleted; dead ones stay). */
export async function outboxRows(t: TestServer): Promise<OutboxRow[]> {
  return ((await databaseSnapshot(t))['notification_outbox'] ?? []).map((row) => JSON.parse(row));
}

/** The same, for a server process's database: its DATABASE_URL (unset: SQLite in `dataDir`). */
export function outboxRowsAt(databaseUrl: string | null, dataDir: string): Promise<OutboxRow[]> {
  return outboxRows({ server: { services: { config: { databaseUrl } } }, dataDir } as unknown as TestServer);
}
