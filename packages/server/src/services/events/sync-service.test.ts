import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../bus/memory-bus.js';
import { TopicHub } from '../../bus/topic-hub.js';
import { openSqliteStore } from '../../store/sqlite/sqlite-store.js';
import type { SqlStore } from '../../store/sql-store.js';
import { conversationCreated, sendPlan } from './event-drafts.js';
import { MembershipCache } from '../conversations/membership.js';
import { SyncService, encodeSyncCursor, parseSyncCursor } from './sync-service.js';

describe('sync cursors', () => {
  it('round-trips and rejects anything else', () => {
    expect(parseSyncCursor(encodeSyncCursor('0123456789abcdef', 42))).toEqual({ epoch: '0123456789abcdef', pos: 42 });
    for (const bad of ['', '42', 'abc.', '.1', 'ABC.1', 'abc.-1', 'abc.1.2', 'abc.1e3', `abc.${'9'.repeat(16)}`]) {
      expect(parseSyncCursor(bad), bad).toBeNull();
    }
  });
});

describe('SyncService.start', () => {
  let dir: string;
  let store: SqlStore;
  let sync: SyncService;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'confab-sync-'));
    store = openSqliteStore(path.join(dir, 'db.sqlite3'));
    await store.migrate();
    sync = new SyncService(store, new MembershipCache(store), new TopicHub(new MemoryBus()).consumer());
    const user = (id: string) => ({
      id,
      username: id,
      displayName: id,
      bio: '',
      email: null,
      isAdmin: false,
      passwordHash: 'x',
      createdAt: 1,
    });
    await store.users.insertUser(user('u1'));
    await store.users.insertUser(user('u2'));
    await store.conversations.createConversation(
      { id: 'c1', kind: 'group', title: 't', directKey: null, createdBy: 'u1', createdAt: 1, lastActivityAt: 1 },
      [
        { conversationId: 'c1', userId: 'u1', role: 'owner', joinedAt: 1 },
        { conversationId: 'c1', userId: 'u2', role: 'member', joinedAt: 1 },
      ],
      conversationCreated,
    );
    await store.messages.appendMessages(
      [1, 2, 3].map((i) => ({ id: `m${i}`, conversationId: 'c1', senderId: 'u1', clientId: `k${i}`, body: 'b', createdAt: 1 })),
      sendPlan,
    );
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resumes a cursor inside the log, and says why it cannot otherwise', async () => {
    const head = await store.events.streamHead();
    expect(head.pos).toBe(4);
    const at = (pos: number, epoch = head.epoch) => encodeSyncCursor(epoch, pos);
    expect(await sync.start(undefined)).toEqual({ epoch: head.epoch, after: 4, reset: null });
    expect(await sync.start(at(2))).toEqual({ epoch: head.epoch, after: 2, reset: null });
    expect(await sync.start(at(4))).toEqual({ epoch: head.epoch, after: 4, reset: null });
    expect((await sync.start(at(5))).reset).toBe('epoch_mismatch');
    expect((await sync.start(at(2, 'ffffffffffffffff'))).reset).toBe('epoch_mismatch');
    expect((await sync.start('garbage')).reset).toBe('invalid');
    expect((await sync.read('u2', 2, 10)).map((e) => e.pos)).toEqual([3, 4]);
    expect(await sync.heads('u2')).toEqual({ c1: 4 });
  });

  it('answers sockets resuming together each its own heads past its cursor, from one read of the lowest', async () => {
    const reads: (number | undefined)[] = [];
    const read = store.events.conversationHeads.bind(store.events);
    store.events.conversationHeads = (userIds, after) => (reads.push(after), read(userIds, after));
    try {
      const answers = await Promise.all([
        sync.headsAfter('u2', 2),
        sync.headsAfter('u1', 4),
        sync.headsAfter('u2', 3),
        sync.headsAfter('u1', 2),
      ]);
      expect(answers).toEqual([{ c1: 4 }, {}, { c1: 4 }, { c1: 4 }]);
      expect(reads).toEqual([2]);
    } finally {
      store.events.conversationHeads = read;
    }
  });

  it('refuses cursors below the pruned floor, over the socket and for gap fill', async () => {
    await store.events.pruneEvents(Date.now() + 1000);
    const head = await store.events.streamHead();
    expect((await sync.start(encodeSyncCursor(head.epoch, 1))).reset).toBe('expired');
    expect((await sync.start(encodeSyncCursor(head.epoch, head.pos))).reset).toBeNull();
    await expect(sync.conversationEvents('u2', 'c1', 0, 10)).rejects.toMatchObject({ code: 'cursor_expired' });
    await expect(sync.conversationEvents('nobody', 'c1', 4, 10)).rejects.toMatchObject({ code: 'not_found' });
    expect(await sync.conversationEvents('u2', 'c1', 4, 10)).toEqual({ events: [], more: false });
  });
});
