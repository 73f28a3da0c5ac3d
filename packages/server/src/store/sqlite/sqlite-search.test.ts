import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Fixture, drafts } from '../conformance/fixtures.js';
import { indexTokens, searchTerms } from '../search-tokens.js';
import { searchTokenThread } from '../search-token-thread.js';
import { createMetrics } from '../../metrics.js';
import { createReindexJob } from '../../services/search/reindex-job.js';
import { openSqliteStore } from './sqlite-store.js';
import { PENDING_BATCH, indexPending, mergeIndexSlice } from './search-notes.js';

/** A fresh store in a file of its own, with a second connection to read and change it behind the store's back. */
async function withStore(
  run: (store: ReturnType<typeof openSqliteStore>, raw: SQLite.Database, file: string) => Promise<void>,
  options: Parameters<typeof openSqliteStore>[1] = {},
) {
  const dir = mkdtempSync(path.join(tmpdir(), 'confab-search-'));
  const file = path.join(dir, 'test.sqlite3');
  const store = openSqliteStore(file, options);
  await store.migrate();
  const raw = new SQLite(file);
  try {
    await run(store, raw, file);
  } finally {
    raw.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** How many segments the token index has (each has a row in FTS5's `_idx` table). */
const segments = (raw: SQLite.Database) =>
  (raw.prepare(`select count(distinct segid) as n from messages_search_idx`).get() as { n: number }).n;

/** A store's fixture with one user, Amy, alone in a group. */
async function amyAlone(store: ReturnType<typeof openSqliteStore>) {
  const f = new Fixture();
  f.store = store;
  const a = await f.user('amy');
  const group = (await f.conversation('group', [a.id])).conversation;
  return { f, a, group };
}

/** The bodies of `userId`'s hits for `q`, newest first (at most ten). */
const finder = (store: ReturnType<typeof openSqliteStore>, userId: string) => async (q: string) =>
  (await store.search.searchMessages({ userId, terms: searchTerms(q), limit: 10 })).map((h) => h.message.body);

/**
 * The store as a version before 0024 left it: the 0012 index of raw bodies (unicode61), no tokens,
 * the re-index job's mark above the last message.
 */
function asBefore0024(raw: SQLite.Database): void {
  raw.exec(`
    create virtual table messages_fts using fts5(
      body, scope, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2', prefix='2 3');
    create trigger messages_fts_insert after insert on messages when new.body <> '' begin
      insert into messages_fts(rowid, body, scope) values (new.rowid, new.body, hex(new.conversation_id));
    end;
    create trigger messages_fts_delete after delete on messages begin
      delete from messages_fts where rowid = old.rowid;
    end;
    create trigger messages_fts_update after update of body on messages begin
      delete from messages_fts where rowid = old.rowid;
      insert into messages_fts(rowid, body, scope) select new.rowid, new.body, hex(new.conversation_id) where new.body <> '';
    end;
    insert into messages_fts(rowid, body, scope) select rowid, body, hex(conversation_id) from messages where body <> '';
    update messages set search_tokens = null;
    delete from search_pending;
    delete from messages_search;
    update search_reindex set below = (select max(rowid) + 1 from messages), finished_at = null;
  `);
}

describe('SQLite search index: migration 0024_search_tokens and the re-index job', () => {
  it('answers from the old index under the job’s mark and the token index above it, then from the token index alone', async () => {
    await withStore(async (store, raw) => {
      const f = new Fixture();
      f.store = store;
      const [a, b] = [await f.user('amy'), await f.user('bo')];
      const group = (await f.conversation('group', [a.id, b.id])).conversation;
      // 450 messages stored before: three steps of the job (200 a step).
      const older = Array.from({ length: 450 }, (_, i) =>
        f.msg(group.id, a.id, `o${i}`, i % 2 ? `meeting notes ${i}` : `明日の会議は${i}時`),
      );
      const stored = await f.append(older);
      asBefore0024(raw);
      const find = async (q: string, limit = 500) =>
        (await store.search.searchMessages({ userId: b.id, terms: searchTerms(q), limit })).map((h) => h.message.body);

      // Before the job: found by their words as before (no segmenting: 会議 is inside a run).
      expect(await find('meeting ')).toHaveLength(225);
      expect(await find('会議 ')).toEqual([]);
      expect(await store.search.reindexRemaining()).toBe(450);
      // Sent since: in both indexes; found once, by its stems too.
      await f.append([f.msg(group.id, b.id, 'n1', 'the meetings ran late')]);
      expect(await find('meeting ')).toHaveLength(226);

      // One step: the newest 200 stored before are in the token index, the rest still answer from the old one.
      expect(await store.search.reindexStep()).toEqual({ indexed: 200, finished: false });
      const hits = await find('meeting ');
      expect(hits).toHaveLength(226);
      expect(new Set(hits).size).toBe(226);
      expect(hits[0]).toBe('the meetings ran late');
      expect(await find('会議 ')).toHaveLength(100);
      expect(await store.search.reindexRemaining()).toBe(250);
      // Pages by key across the mark: the same hits in the same order, in pieces.
      const keys = await store.search.searchMessages({ userId: b.id, terms: searchTerms('meeting '), limit: 150 });
      const rest = await store.search.searchMessages({ userId: b.id, terms: searchTerms('meeting '), limit: 500, below: keys.at(-1)!.key });
      expect([...keys, ...rest].map((h) => h.message.body)).toEqual(hits);

      // A message under the mark edited meanwhile is found once, by its new words.
      await f.update(stored[5]!.message.id, () => ({ body: 'meeting moved', editedAt: f.tick() }), drafts.messageUpdated);
      expect((await find('moved ')).filter((x) => x === 'meeting moved')).toHaveLength(1);

      // The job, as the server runs it: to the end, its progress in /metrics.
      const metrics = createMetrics();
      const job = createReindexJob(store, pino({ level: 'silent' }), metrics);
      job.start();
      await job.finished;
      const text = await metrics.registry.metrics();
      expect(text).toMatch(/confab_search_reindexed_messages_total 250/);
      expect(text).toMatch(/confab_search_reindex_remaining_messages 0/);
      expect(raw.prepare(`select count(*) as n from sqlite_master where name like 'messages_fts%'`).get()).toEqual({ n: 0 });
      expect(await find('会議 ')).toHaveLength(225);
      expect(await find('meeting ')).toHaveLength(226);
      expect(await find('moved ')).toEqual(['meeting moved']);
      expect(await store.search.reindexRemaining()).toBe(0);
      expect(await store.search.reindexStep()).toEqual({ indexed: 0, finished: true });
      expect(() => raw.prepare(`insert into messages_search(messages_search) values ('integrity-check')`).run()).not.toThrow();
    });
  });

  it('resumes from its mark after a stop, and a new install has nothing to do', async () => {
    await withStore(async (store, raw) => {
      expect(raw.prepare(`select below, finished_at is not null as done from search_reindex`).get()).toEqual({ below: null, done: 1 });
      expect(raw.prepare(`select count(*) as n from sqlite_master where name = 'messages_fts'`).get()).toEqual({ n: 0 });
      const { f, a, group } = await amyAlone(store);
      await f.append(Array.from({ length: 300 }, (_, i) => f.msg(group.id, a.id, `o${i}`, `пятницу ${i}`)));
      asBefore0024(raw);
      await store.search.reindexStep();
      const mark = raw.prepare(`select below from search_reindex`).get() as { below: string };
      // A restart: a new job carries on under the mark.
      const job = createReindexJob(store, pino({ level: 'silent' }), createMetrics());
      job.start();
      await job.finished;
      expect(Number(mark.below)).toBeGreaterThan(1);
      const hits = await store.search.searchMessages({ userId: a.id, terms: searchTerms('пятница '), limit: 500 });
      expect(hits).toHaveLength(300);
    });
  });

  it('merges the index in slices of its own: nothing inside a commit, a level from 16 segments on, all at once only past 64 (0024, 0050)', async () => {
    await withStore(
      async (store, raw) => {
        expect(
          raw.prepare(`select k, v from messages_search_config where k in ('automerge', 'crisismerge', 'usermerge') order by k`).all(),
        ).toEqual([
          { k: 'automerge', v: 0 },
          { k: 'crisismerge', v: 64 },
          { k: 'usermerge', v: 16 },
        ]);
        const { f, a, group } = await amyAlone(store);
        // One segment each: 40 written, none merged by the commits.
        for (let i = 0; i < 40; i++) {
          await f.append([f.msg(group.id, a.id, `k${i}`, `standup ${i}`)]);
          await indexPending(store.database());
        }
        expect(segments(raw)).toBe(40);
        let slices = 0;
        while (await mergeIndexSlice(store.database())) slices++;
        expect(slices).toBeGreaterThan(0);
        expect(segments(raw)).toBeLessThan(16);
        // Nothing left to merge: a slice says so.
        expect(await mergeIndexSlice(store.database())).toBe(false);
        const hits = await store.search.searchMessages({ userId: a.id, terms: searchTerms('standup'), limit: 50 });
        expect(hits).toHaveLength(40);
        // FTS5's own check of the index against itself throws on any inconsistency.
        expect(() => raw.prepare(`insert into messages_search(messages_search) values ('integrity-check')`).run()).not.toThrow();
      },
      { searchIndexIntervalMs: 3_600_000 },
    );
  });
});

describe('SQLite search index: messages indexed after their commit (migrations 0046, 0049)', () => {
  /** The notes and what the token index holds (FTS5 keeps a size row per indexed message). */
  const state = (raw: SQLite.Database) => ({
    noted: (raw.prepare(`select count(*) as n from search_pending`).get() as { n: number }).n,
    indexed: (raw.prepare(`select count(*) as n from messages_search_docsize`).get() as { n: number }).n,
  });
  const integrity = (raw: SQLite.Database) =>
    expect(() => raw.prepare(`insert into messages_search(messages_search) values ('integrity-check')`).run()).not.toThrow();
  // The indexer's timer far off: what a send leaves behind stays to be seen.
  const slow = { searchIndexIntervalMs: 3_600_000 };

  it('notes a send in its commit, and a search indexes every noted message before it reads', async () => {
    await withStore(async (store, raw) => {
      const f = new Fixture();
      f.store = store;
      const [a, b] = [await f.user('amy'), await f.user('bo')];
      const group = (await f.conversation('group', [a.id, b.id])).conversation;
      await f.append([f.msg(group.id, a.id, 'm1', 'quarterly planning'), f.msg(group.id, b.id, 'm2', 'planning lunch')]);
      await f.append([f.msg(group.id, a.id, 'm3', 'unrelated')]);
      expect(state(raw)).toEqual({ noted: 3, indexed: 0 });
      const hits = await store.search.searchMessages({ userId: b.id, terms: searchTerms('planning'), limit: 10 });
      expect(hits.map((h) => h.message.body)).toEqual(['planning lunch', 'quarterly planning']);
      expect(state(raw)).toEqual({ noted: 0, indexed: 3 });
      // Bounded to the notes up to a rowid (a search's: those noted before it began), oldest first.
      await f.append([f.msg(group.id, a.id, 'm4', 'planning again'), f.msg(group.id, a.id, 'm5', 'planning more')]);
      const [first] = raw.prepare(`select message_rowid from search_pending order by message_rowid`).pluck().all() as number[];
      expect(await indexPending(store.database(), PENDING_BATCH, first)).toBe(1);
      expect(state(raw)).toEqual({ noted: 1, indexed: 4 });
      integrity(raw);
    }, slow);
  });

  it('indexes an edited message once, by its words as they are when it is indexed; a delete takes it out, noted or not', async () => {
    await withStore(async (store, raw) => {
      const { f, a, group } = await amyAlone(store);
      const [indexed] = await f.append([f.msg(group.id, a.id, 'm1', 'alpha report')]);
      await indexPending(store.database());
      const [noted, gone, goneLater] = await f.append([
        f.msg(group.id, a.id, 'm2', 'beta report'),
        f.msg(group.id, a.id, 'm3', 'gamma report'),
        f.msg(group.id, a.id, 'm4', 'delta report'),
      ]);
      expect(state(raw)).toEqual({ noted: 3, indexed: 1 });
      // An indexed message edited: out of the index at once, noted with its new words.
      await f.update(indexed!.message.id, () => ({ body: 'alpha summary', editedAt: f.tick() }), drafts.messageUpdated);
      // A noted one edited: still one note.
      await f.update(noted!.message.id, () => ({ body: 'beta summary', editedAt: f.tick() }), drafts.messageUpdated);
      expect(state(raw)).toEqual({ noted: 4, indexed: 0 });
      // Deleted rows (a conversation's delete cascades so): the noted one's note goes with it.
      raw.prepare(`delete from messages where id = ?`).run(gone!.message.id);
      expect(state(raw)).toEqual({ noted: 3, indexed: 0 });
      const find = async (q: string) =>
        (await store.search.searchMessages({ userId: a.id, terms: searchTerms(q), limit: 10 })).map((h) => h.message.body).sort();
      expect(await find('summary')).toEqual(['alpha summary', 'beta summary']);
      expect(await find('report')).toEqual(['delta report']);
      raw.prepare(`delete from messages where id = ?`).run(goneLater!.message.id);
      expect(await find('report')).toEqual([]);
      expect(state(raw)).toEqual({ noted: 0, indexed: 2 });
      integrity(raw);
    }, slow);
  });

  it('never notes a message with nothing to index, and drops the note of one whose words were emptied', async () => {
    await withStore(async (store, raw) => {
      const { f, a, group } = await amyAlone(store);
      const [kept] = await f.append([f.msg(group.id, a.id, 'm1', 'short lived')]);
      expect(state(raw)).toEqual({ noted: 1, indexed: 0 });
      // A tombstone: the body emptied before the note was indexed.
      await f.update(kept!.message.id, () => ({ body: '', deletedAt: f.tick() }), drafts.messageUpdated);
      raw
        .prepare(
          `insert into messages (id, conversation_id, seq, sender_id, client_id, body, created_at, search_tokens)
        select 'raw-empty', conversation_id, 99, sender_id, 'raw-empty', '', created_at, '' from messages limit 1`,
        )
        .run();
      expect(state(raw)).toEqual({ noted: 1, indexed: 0 });
      expect(await indexPending(store.database())).toBe(1);
      expect(state(raw)).toEqual({ noted: 0, indexed: 0 });
      integrity(raw);
    }, slow);
  });

  it('stores a send without its tokens and makes them when it indexes the message, as the send would have made them (0049)', async () => {
    await withStore(async (store, raw) => {
      const { f, a, group } = await amyAlone(store);
      const bodies = ['The meetings ran late again', '明日の会議は三時から', 'Встречи в пятницу', '회의는 내일입니다', '…!?', '   '];
      await f.append(bodies.map((body, i) => f.msg(group.id, a.id, `t${i}`, body)));
      const stored = () =>
        raw.prepare(`select body, search_tokens as tokens from messages order by rowid`).all() as { body: string; tokens: string | null }[];
      // Words to index: still to make (null), and noted; none (blank): '' and not noted.
      expect(stored().map((r) => r.tokens)).toEqual([null, null, null, null, null, '']);
      expect(state(raw)).toEqual({ noted: 5, indexed: 0 });
      expect(await indexPending(store.database())).toBe(5);
      // Made into the index only: the rows stay without them. Punctuation alone has no tokens: its note is dropped, nothing indexed.
      expect(stored().map((r) => r.tokens)).toEqual([null, null, null, null, null, '']);
      expect(state(raw)).toEqual({ noted: 0, indexed: 4 });
      // Each message is in the index under every token the send used to store with it.
      const hasToken = raw.prepare(`select rowid from messages_search where messages_search match ?`).pluck();
      const rowidOf = raw.prepare(`select rowid from messages where body = ?`).pluck();
      for (const body of bodies.slice(0, 4))
        for (const token of indexTokens(body)) expect(hasToken.all(`tokens:"${token}"`), `${body}: ${token}`).toContain(rowidOf.get(body));
      const find = finder(store, a.id);
      expect(await find('meeting ')).toEqual([bodies[0]]);
      expect(await find('会議 ')).toEqual([bodies[1]]);
      expect(await find('пятница ')).toEqual([bodies[2]]);
      expect(await find('회의 ')).toEqual([bodies[3]]);
      integrity(raw);
    }, slow);
  });

  it('leaves a message edited while its tokens were being made noted, and indexes its new words next', async () => {
    await withStore(async (store, raw) => {
      const { f, a, group } = await amyAlone(store);
      const [edited] = await f.append([f.msg(group.id, a.id, 'e1', 'draft budget'), f.msg(group.id, a.id, 'e2', 'lunch plans')]);
      // The edit lands between the bodies' read and the tokens' write.
      const taken = await indexPending(store.database(), PENDING_BATCH, undefined, async (read) => {
        await f.update(edited!.message.id, () => ({ body: 'final budget', editedAt: f.tick() }), drafts.messageUpdated);
        return searchTokenThread.tokens(read);
      });
      // Both looked at; the edited one left noted, its old words not indexed.
      expect(taken).toBe(2);
      expect(state(raw)).toEqual({ noted: 1, indexed: 1 });
      const find = finder(store, a.id);
      expect(await find('draft ')).toEqual([]);
      expect(await find('budget ')).toEqual(['final budget']);
      expect(await find('lunch ')).toEqual(['lunch plans']);
      expect(state(raw)).toEqual({ noted: 0, indexed: 2 });
      integrity(raw);
    }, slow);
  });

  it('keeps the notes when the tokens cannot be made, and indexes them on the next step', async () => {
    await withStore(async (store, raw) => {
      const { f, a, group } = await amyAlone(store);
      await f.append([f.msg(group.id, a.id, 'x1', 'quarterly numbers')]);
      await expect(
        indexPending(store.database(), PENDING_BATCH, undefined, () =>
          Promise.reject(new Error('the search-token thread exited (code 1)')),
        ),
      ).rejects.toThrow(/exited/);
      expect(state(raw)).toEqual({ noted: 1, indexed: 0 });
      expect(await indexPending(store.database())).toBe(1);
      expect(state(raw)).toEqual({ noted: 0, indexed: 1 });
    }, slow);
  });

  it('indexes what a crash left noted once the store opens again, many to a transaction, without a search', async () => {
    let file = '';
    await withStore(async (store, raw, at) => {
      file = at;
      const { f, a, group } = await amyAlone(store);
      const batch = Array.from({ length: PENDING_BATCH + 300 }, (_, i) => f.msg(group.id, a.id, `c${i}`, `backlog item ${i}`));
      await f.append(batch);
      expect(state(raw)).toEqual({ noted: PENDING_BATCH + 300, indexed: 0 });
      // The store closed with its notes left, as a crash would leave them; opened again with the default timer.
      await store.close();
      const again = openSqliteStore(file);
      await again.migrate();
      try {
        await expect.poll(() => state(raw), { timeout: 10_000, interval: 50 }).toEqual({ noted: 0, indexed: PENDING_BATCH + 300 });
        integrity(raw);
        const hits = await again.search.searchMessages({ userId: a.id, terms: searchTerms('backlog'), limit: 5 });
        expect(hits.map((h) => h.message.body)).toEqual([2299, 2298, 2297, 2296, 2295].map((i) => `backlog item ${i}`));
      } finally {
        await again.close();
      }
    }, slow);
  });

  it('merges what it indexed by itself, a slice at a time, while sends go on', async () => {
    await withStore(
      async (store, raw) => {
        const { f, a, group } = await amyAlone(store);
        // Each message indexed on its own: a segment each, 40 in all, and FTS5 merges none of them itself.
        for (let i = 0; i < 40; i++) {
          await f.append([f.msg(group.id, a.id, `s${i}`, `retro note ${i}`)]);
          await expect.poll(() => state(raw).noted, { timeout: 5_000, interval: 2 }).toBe(0);
        }
        await expect.poll(() => segments(raw), { timeout: 5_000, interval: 10 }).toBeLessThan(16);
        expect(state(raw)).toEqual({ noted: 0, indexed: 40 });
        integrity(raw);
        expect(await finder(store, a.id)('retro')).toHaveLength(10);
      },
      { searchIndexIntervalMs: 5 },
    );
  });
});
