import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { bench, describe } from 'vitest';
import { MemoryBus } from '../../src/bus/memory-bus.js';
import { SessionRevocations } from '../../src/services/accounts/session-revocations.js';
import { TokenService } from '../../src/services/accounts/token-service.js';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { type TestSchema, createTestSchema, withPostgres } from '../services.js';

/**
 * What checking sessions costs per request (decision 0006), on a table of 100,000 sessions of
 * which 1,000 were revoked within the access-token lifetime and 20 within the catch-up window:
 * the chosen check (a Map lookup, inside verifying the JWT) against the alternative (a store
 * read per request), and the chosen design's background cost (one catch-up read per node per
 * REVOCATION_CHECK_INTERVAL_MS). Run: `npx vitest bench --run packages/server/test/bench/`.
 */
const SESSIONS = 100_000;
const REVOKED = 1_000;
const now = Date.now();
/** Session `n` (1-based); the first REVOKED are revoked, 900 ms apart, the newest first. */
const seedSql = (rows: string) => `insert into sessions (id, user_id, created_at, revoked_at)
  select 's' || n, 'u', 0, case when n <= ${REVOKED} then ${now} - n * 900 else null end from ${rows}`;

async function sqliteStore(): Promise<{ store: Store; done: () => Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'confab-bench-'));
  const file = path.join(dir, 'bench.sqlite3');
  const store = openSqliteStore(file);
  await store.migrate();
  const db = new Database(file);
  db.exec(`insert into users (id, username, username_lower, display_name, password_hash, created_at) values ('u', 'u', 'u', 'u', 'x', 0)`);
  db.exec(seedSql(`(with recursive g(n) as (select 1 union all select n + 1 from g where n < ${SESSIONS}) select n from g)`));
  db.close();
  return { store, done: async () => (await store.close(), rmSync(dir, { recursive: true, force: true })) };
}

async function postgresStore(): Promise<{ store: Store; done: () => Promise<void> }> {
  const schema: TestSchema = await createTestSchema();
  const store = openPostgresStore(schema.url, { poolSize: 10 });
  await store.migrate();
  await withPostgres(schema.url, async (client) => {
    await client.query(
      `insert into users (id, username, username_lower, display_name, password_hash, created_at) values ('u', 'u', 'u', 'u', 'x', 0)`,
    );
    await client.query(seedSql(`generate_series(1, ${SESSIONS}) as n`));
    await client.query('analyze sessions');
  });
  return { store, done: async () => (await store.close(), await schema.drop()) };
}

const SETTINGS = { accessTtlSeconds: 900, refreshTtlSeconds: 3600, issuer: 'confab', audience: 'confab' };

/** The store, revocations and a token for one engine: set up at load (bench files run no beforeAll). */
async function prepare(open: () => Promise<{ store: Store; done: () => Promise<void> }>) {
  const { store, done } = await open();
  const revocations = new SessionRevocations(store, new MemoryBus(), { accessTtlMs: 900_000, checkIntervalMs: 60_000, onError: () => {} });
  await revocations.start();
  const tokens = new TokenService('a bench secret of at least thirty-two chars', SETTINGS, revocations);
  const token = await tokens.issueAccessToken({ userId: 'u', sessionId: `s${SESSIONS}` });
  const teardown = async () => (revocations.stop(), await done());
  return { store, revocations, tokens, token, teardown };
}

for (const [engine, open] of [
  ['SQLite', sqliteStore],
  ['PostgreSQL', postgresStore],
] as const) {
  const { store, revocations, tokens, token, teardown } = await prepare(open);
  let n = 0;
  /** Sessions spread over the table, so reads are not all of one cached row. */
  const nextSession = () => `s${(n = (n % SESSIONS) + 1)}`;

  describe(engine, () => {
    bench('chosen: verify the JWT and look the session up in the deny list', async () => {
      await tokens.verifyAccessToken(token);
    });
    bench('  of which the deny-list lookup', () => {
      revocations.isRevoked(nextSession());
    });
    bench('alternative: one store read per request (getSession)', async () => {
      await store.sessions.getSession(nextSession());
    });
    bench('alternative: 32 requests at once, each reading its session', async () => {
      await Promise.all(Array.from({ length: 32 }, () => store.sessions.getSession(nextSession())));
    });
    bench(
      'background: one catch-up read (revoked in the last 10 s + interval)',
      async () => {
        await store.sessions.listRevokedSessions(Date.now() - 10_500);
      },
      { teardown: async (_task, mode) => void (mode === 'run' && (await teardown())) },
    );
  });
}
