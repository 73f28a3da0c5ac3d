import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../packages/server/src/index.js';
import { searchTerms } from '../../packages/server/src/store/search-tokens.js';
import { postgresService, requireService } from '../../packages/server/test/services.js';
import { withPostgres } from './cluster-space.js';
import { type GrowSizes, planGrow, resumeCursor } from './grow-plan.js';
import type { GrowRows } from './grow-rows.js';
import { seedGrow } from './grow-seed.js';
import { SEEDED_HASH, postgresSeedTarget, sqliteSeedTarget } from './seed-stores.test-support.js';

// The grow phase writes a large instance with SQL of its own: the server's store must read it as
// if every message had been sent — gap-free seqs, the log's positions and chain, read markers
// and unread counts, history pages, search — at a size a test can afford.
const SIZES: GrowSizes = { users: 40, messages: 6000, conversations: 30, userConversations: 12, bigMessages: 2000 };
type Counts = { conversation_id: string; n: number | string; low: number | string; high: number | string }[];

async function expectAsSent(store: Store, rows: GrowRows, perConversation: Counts): Promise<void> {
  const { plan } = rows;
  const me = rows.userIds[0]!;
  expect((await store.users.getUserByUsername('grow0'))?.passwordHash).toBe(SEEDED_HASH);
  // Every conversation numbered 1 … last seq without a gap, its row's last seq the same.
  expect(perConversation.length).toBe(SIZES.conversations);
  for (const row of perConversation) {
    const c = rows.conversationIds.indexOf(row.conversation_id);
    expect([Number(row.n), Number(row.low), Number(row.high)]).toEqual([plan.lastSeq[c], 1, plan.lastSeq[c]]);
    expect((await store.conversations.getConversation(row.conversation_id))?.lastSeq).toBe(plan.lastSeq[c]);
  }
  // The list's unread counts, by the store's own query, as planned.
  const list = await store.conversations.listConversations(me, { limit: 100 });
  expect(list).toHaveLength(SIZES.userConversations);
  for (const item of list) {
    const c = rows.conversationIds.indexOf(item.conversation.id);
    expect(item.unreadCount).toBe(plan.lastSeq[c]! - plan.readSeq(c, 0));
    expect(item.lastMessage?.seq).toBe(plan.lastSeq[c]);
  }
  expect(await store.markers.countUnreadTotal(me)).toBe(plan.unreadTotal);
  // The log: head and floor, and a resume replays exactly what was missed, each event chained to the one before.
  const head = await store.events.streamHead();
  expect([head.pos, head.floor]).toEqual([plan.head, plan.floor]);
  const { pos, missed } = resumeCursor(plan, 40);
  const replay = await store.events.readUserEvents(me, pos, 1000);
  expect(replay).toHaveLength(missed);
  const lastOf = new Map<string, number>();
  for (const e of replay) {
    expect(e.event.type).toBe('message.created');
    const previous = lastOf.get(e.conversationId);
    if (previous !== undefined) expect(e.event.prev).toBe(previous);
    lastOf.set(e.conversationId, e.pos);
  }
  // A history page anywhere in the big conversation: 50 consecutive seqs.
  const page = await store.messages.listMessages(rows.conversationIds[0]!, { limit: 50, before: 1001 });
  expect(page.map((m) => m.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => 951 + i));
  // Search finds the seeded bodies by their stored tokens.
  const hits = await store.search.searchMessages({ userId: me, terms: searchTerms('meeting '), limit: 20 });
  expect(hits.length).toBeGreaterThan(0);
}

describe('the grow phase’s seed, read by the server’s store (SQLite)', () => {
  const target = sqliteSeedTarget('grow');

  it('holds every message as sent: seqs, log, read markers, history and search', async () => {
    const file = await target.migratedFile();
    const rows = await seedGrow('sqlite', file, planGrow(SIZES, Date.now()), SEEDED_HASH);
    const db = new SQLite(file, { readonly: true });
    const counts = db
      .prepare('select conversation_id, count(*) as n, min(seq) as low, max(seq) as high from messages group by conversation_id')
      .all() as Counts;
    db.close();
    await expectAsSent(target.open(file), rows, counts);
  });
});

const describePostgres = await requireService(postgresService);

describePostgres('the grow phase’s seed, read by the server’s store (PostgreSQL)', () => {
  const target = postgresSeedTarget();

  it('holds every message as sent: seqs, log, read markers, history and search', async () => {
    const store = await target.migratedStore();
    const rows = await seedGrow('postgres', target.url, planGrow(SIZES, Date.now()), SEEDED_HASH);
    const counts = await withPostgres(
      target.url,
      async (client) =>
        (
          await client.query(
            'select conversation_id, count(*) as n, min(seq) as low, max(seq) as high from messages group by conversation_id',
          )
        ).rows as Counts,
    );
    await expectAsSent(store, rows, counts);
  });
});
