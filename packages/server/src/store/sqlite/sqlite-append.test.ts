import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { Fixture, sendPlan } from '../conformance/fixtures.js';
import { announce as announceDraft } from '../drafts/drafts.conformance.js';
import type { FreshMessage } from '../sql/one-query-append.js';
import { newRecord } from '../sql/append-steps.js';
import type { Db } from '../sql/rows.js';
import type { NewMessage } from '../store.js';
import { openSqliteStore } from './sqlite-store.js';
import { sqliteSearch } from './sqlite-search.js';
import { sqliteFreshAppender } from './sqlite-append.js';
import { WalSync } from './wal-sync.js';

/**
 * A migrated store in a file of its own, its users and conversations made through the store; the
 * appender under test runs on a second connection to the file, with a log flush the test holds.
 */
async function withAppender(
  run: (context: {
    f: Fixture;
    raw: SQLite.Database;
    append: (batch: NewMessage[], lookedUp?: boolean) => ReturnType<ReturnType<typeof sqliteFreshAppender>>;
    /** As `append`, with the batch's entries made by the caller (to read what the appender set on them). */
    appendEntries: (entries: FreshMessage[]) => ReturnType<ReturnType<typeof sqliteFreshAppender>>;
    fresh: (batch: NewMessage[]) => FreshMessage[];
    flushes: { started: number; release: () => void };
  }) => Promise<void>,
) {
  const dir = mkdtempSync(path.join(tmpdir(), 'confab-append-'));
  const file = path.join(dir, 'test.sqlite3');
  const store = openSqliteStore(file);
  await store.migrate();
  const raw = new SQLite(file);
  raw.pragma('journal_mode = WAL');
  const flushes = { started: 0, release: () => {} };
  const wal = new WalSync(`${file}-wal`, {
    flush: async (handle) => {
      flushes.started += 1;
      await new Promise<void>((resolve) => (flushes.release = resolve));
      await handle.datasync();
    },
  });
  const appender = sqliteFreshAppender(raw, sqliteSearch, wal);
  const fresh = (batch: NewMessage[]): FreshMessage[] => batch.map((message, index) => ({ index, record: newRecord(message, 0) }));
  const f = new Fixture();
  f.store = store;
  try {
    await run({
      f,
      raw,
      flushes,
      fresh,
      append: (batch, lookedUp = false) => appender(undefined as unknown as Db, fresh(batch), sendPlan, lookedUp),
      appendEntries: (entries) => appender(undefined as unknown as Db, entries, sendPlan, false),
    });
  } finally {
    flushes.release();
    await wal.close();
    raw.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const head = (raw: SQLite.Database) => raw.prepare('select pos from stream_head where id = 1').pluck().get() as number;
const count = (raw: SQLite.Database, table: string) => raw.prepare(`select count(*) from ${table}`).pluck().get() as number;

describe('SQLite one-query append (sqlite-append.ts)', () => {
  it('numbers, stores and logs a batch in one transaction, and answers only once the log is flushed', async () => {
    await withAppender(async ({ f, raw, append, flushes }) => {
      const [amy, bo] = [await f.user('amy'), await f.user('bo')];
      const direct = (await f.conversation('direct', [amy.id, bo.id])).conversation;
      const group = (await f.conversation('group', [amy.id, bo.id])).conversation;
      await f.append([f.msg(direct.id, amy.id, 'before')]);
      const [before, messagesBefore] = [head(raw), count(raw, 'messages')];
      const lastPos = raw.prepare('select last_pos from conversations where id = ?').pluck();
      const [directPos, groupPos] = [lastPos.get(direct.id), lastPos.get(group.id)];
      const batch = [
        f.msg(group.id, amy.id, 'g1'),
        f.msg(direct.id, bo.id, 'd1'),
        { ...f.msg(group.id, bo.id, 'g2', 'hi @amy'), mentions: [amy.id] },
      ];

      let answered = false;
      const answer = append(batch).then((events) => {
        answered = true;
        return events;
      });
      // Committed (another connection sees it), but not reported until the log is on disk.
      await vi.waitFor(() => expect(flushes.started).toBe(1));
      expect(count(raw, 'messages')).toBe(messagesBefore + 3);
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(answered).toBe(false);
      flushes.release();
      const events = await answer;
      if (events === undefined || events === 'stored') throw new Error(`answered ${String(events)}`);

      // Positions follow the batch, seqs each conversation, each event chained to its conversation's previous.
      expect(events.map((e) => e.pos)).toEqual([before + 1, before + 2, before + 3]);
      const created = events.map((e) => ('message' in e.event ? e.event.message : undefined));
      expect(created.map((m) => [m?.clientId, m?.seq])).toEqual([
        ['g1', 1],
        ['d1', 2],
        ['g2', 2],
      ]);
      expect(events.map((e) => e.event.prev)).toEqual([groupPos, directPos, before + 1]);
      // Stored as logged: the rows, the events' frames, the heads, the read markers, the mentions.
      const stored = raw.prepare('select payload from events where pos > ? order by pos').pluck().all(before);
      expect(stored).toEqual(events.map((e) => e.frame));
      const conversation = raw.prepare('select last_seq, last_pos from conversations where id = ?');
      expect(conversation.get(group.id)).toEqual({ last_seq: 2, last_pos: before + 3 });
      expect(conversation.get(direct.id)).toEqual({ last_seq: 2, last_pos: before + 2 });
      const marker = raw.prepare('select read_seq from members where conversation_id = ? and user_id = ?').pluck();
      expect([marker.get(group.id, amy.id), marker.get(group.id, bo.id), marker.get(direct.id, bo.id)]).toEqual([1, 2, 2]);
      expect(raw.prepare('select user_id, seq from message_mentions').all()).toEqual([{ user_id: amy.id, seq: 2 }]);
      // Found by the store as any message is, and by search once indexed.
      const page = await f.store.messages.listMessages(group.id, { limit: 10 });
      expect(page.map((m) => m.body).sort()).toEqual(['g1', 'hi @amy']);
      expect(raw.inTransaction).toBe(false);
    });
  });

  it('says of each new message whether its sender has a draft of the conversation to clear, saved no later than the send', async () => {
    await withAppender(async ({ f, fresh, appendEntries, flushes }) => {
      const [amy, bo, cy] = [await f.user('amy'), await f.user('bo'), await f.user('cy')];
      const group = (await f.conversation('group', [amy.id, bo.id, cy.id])).conversation;
      const other = (await f.conversation('group', [amy.id, bo.id])).conversation;
      const save = (userId: string, conversationId: string, body: string, now: number) =>
        f.store.drafts.saveDraft({ userId, conversationId, body, replyToId: null, version: 0, now }, announceDraft);
      await save(amy.id, group.id, 'typed before', f.tick());
      await save(cy.id, group.id, 'typed before, then cleared', f.tick());
      await f.store.drafts.clearDraft(cy.id, group.id, f.tick(), announceDraft);
      await save(amy.id, other.id, 'my draft elsewhere', f.tick());
      const entries = fresh([f.msg(group.id, amy.id, 'a'), f.msg(group.id, bo.id, 'b'), f.msg(group.id, cy.id, 'c')]);
      // Saved after the sends were made (a clock ahead of them): newer than what was sent.
      await save(bo.id, group.id, 'typed after', entries[2]!.record.createdAt + 1);

      const answer = appendEntries(entries);
      await vi.waitFor(() => expect(flushes.started).toBe(1));
      flushes.release();
      expect(Array.isArray(await answer)).toBe(true);
      expect(entries.map((e) => [e.record.body, e.draftToClear])).toEqual([
        ['a', true],
        ['b', false],
        ['c', false],
      ]);
    });
  });

  it('answers "stored", having written nothing, when a pair of the batch is stored already', async () => {
    await withAppender(async ({ f, raw, append, flushes }) => {
      const [amy, bo] = [await f.user('amy'), await f.user('bo')];
      const direct = (await f.conversation('direct', [amy.id, bo.id])).conversation;
      await f.append([f.msg(direct.id, amy.id, 'once')]);
      const [messages, before] = [count(raw, 'messages'), head(raw)];
      expect(await append([f.msg(direct.id, bo.id, 'new'), f.msg(direct.id, amy.id, 'once')])).toBe('stored');
      expect([count(raw, 'messages'), head(raw), raw.inTransaction, flushes.started]).toEqual([messages, before, false, 0]);
    });
  });

  it('answers undefined, having written nothing, for a plain message into a conversation encrypted since', async () => {
    await withAppender(async ({ f, raw, append, flushes }) => {
      const [amy, bo] = [await f.user('amy'), await f.user('bo')];
      const group = (await f.conversation('group', [amy.id, bo.id])).conversation;
      raw.prepare('update conversations set encrypted = 1 where id = ?').run(group.id);
      const [messages, before] = [count(raw, 'messages'), head(raw)];
      expect(await append([f.msg(group.id, amy.id, 'plain')])).toBeUndefined();
      expect([count(raw, 'messages'), head(raw), raw.inTransaction, flushes.started]).toEqual([messages, before, false, 0]);

      // Inside the caller's transaction (`lookedUp`), it leaves the rollback to the caller.
      raw.prepare('begin').run();
      expect(await append([f.msg(group.id, amy.id, 'plain')], true)).toBeUndefined();
      expect(raw.inTransaction).toBe(true);
      raw.prepare('rollback').run();
      expect(count(raw, 'messages')).toBe(messages);
    });
  });

  it('commits the transaction the caller opened when it looked the pairs up itself', async () => {
    await withAppender(async ({ f, raw, append, flushes }) => {
      const [amy, bo] = [await f.user('amy'), await f.user('bo')];
      const direct = (await f.conversation('direct', [amy.id, bo.id])).conversation;
      raw.prepare('begin immediate').run();
      const answer = append([f.msg(direct.id, amy.id, 'x')], true);
      expect(raw.inTransaction).toBe(false);
      await vi.waitFor(() => expect(flushes.started).toBe(1));
      flushes.release();
      const events = await answer;
      expect(Array.isArray(events) && events.length).toBe(1);
    });
  });

  it('leaves the transaction open for the caller to roll back when a statement fails', async () => {
    await withAppender(async ({ f, raw, append }) => {
      const [amy, bo] = [await f.user('amy'), await f.user('bo')];
      const direct = (await f.conversation('direct', [amy.id, bo.id])).conversation;
      const before = count(raw, 'messages');
      // No such conversation: the seq reservation finds no row.
      await expect(append([f.msg(direct.id, amy.id, 'a'), f.msg('no-such-conversation', amy.id, 'b')])).rejects.toThrow(/no conversation/);
      expect(raw.inTransaction).toBe(true);
      raw.prepare('rollback').run();
      expect(count(raw, 'messages')).toBe(before);
    });
  });
});
