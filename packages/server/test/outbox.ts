import type { TestServer } from './harness.js';
import { databaseSnapshot } from './snapshot.js';

/** The outbox rows still in a test server's database (delivered rows are deleted; dead ones stay). */
export async function outboxRows(t: TestServer): Promise<{ id: string; status: string; user_id: string; channel: string }[]> {
  return ((await databaseSnapshot(t))['notification_outbox'] ?? []).map((row) => JSON.parse(row));
}
