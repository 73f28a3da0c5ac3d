import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import type { SearchPage } from '@confab/protocol';
import type { Options } from './options.js';
import { makeTempDir, removeTempDir, startConfab } from './server-process.js';
import { registerUsers } from './setup.js';
import { type Summary, round, summarize } from './stats.js';

/**
 * `--only search`: full-text search latency over a big SQLite store. The store is made by the
 * server (its migrations: the FTS5 index and its triggers), filled in bulk with SQL straight into
 * the file while no server runs (the index triggers run for every row, as for a send), then
 * searched through the REST API by a member of some of the conversations, one request at a time.
 */
export interface SearchBenchOptions {
  messages: number;
  conversations: number;
  /** Of those, the searcher is a member of the first this many. */
  memberOf: number;
  /** Requests per query. */
  requests: number;
  rankWindow: number;
}

export const searchBenchOptions = (options: Options): SearchBenchOptions => ({
  messages: options.searchMessages,
  conversations: options.searchConversations,
  memberOf: options.searchMemberOf,
  requests: options.searchRequests,
  rankWindow: options.searchRankWindow,
});

export interface SearchBenchResult {
  messages: number;
  conversations: number;
  searcherConversations: number;
  searchableMessages: number;
  seedSec: number;
  databaseMiB: number;
  rankWindow: number;
  queries: { label: string; q: string; matchesForSearcher: number; firstPageHits: number; latencyMs: Summary | null }[];
  /** The worst query's p99. */
  p99Ms: number | null;
  /** The machine's 1-minute load average before and after the queries: other work on it shows in the tail. */
  loadAverage: [number, number];
}

/** 120 everyday words, most frequent first, then made-up ones: a long tail of rare words. */
const COMMON =
  `the to and you i it a is that for of in we on be this have are can do not with at will just so what my me but get all was know if
  can't like up now there out your about meeting today tomorrow time think see go good project deadline lunch call send thanks please
  yes no ok one back need let here how new when team update review code release plan week report going would could work make
  also some right more sure still check later doc draft fix test build client server design issue ticket morning afternoon
  evening coffee office home weekend monday friday budget sales customer market launch demo sprint standup retro notes`.split(/\s+/);
const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'tu', 'sa', 'vo', 'ni', 'bel', 'dor', 'qui', 'zan', 'fe', 'pra', 'gol', 'wen'];

export function vocabulary(size: number): string[] {
  const words = [...COMMON];
  for (let i = 0; words.length < size; i++) {
    let w = '';
    for (let x = i + 7; x > 0; x = Math.floor(x / SYLLABLES.length)) w += SYLLABLES[x % SYLLABLES.length];
    words.push(`${w}${i % 10}`);
  }
  return words;
}

/** A deterministic generator (the same corpus every run). */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0;
    return s / 2 ** 32;
  };
}

/** Zipf-distributed word picks over the vocabulary (rank r has weight 1/r). */
function zipf(words: string[], rnd: () => number) {
  const cdf = new Float64Array(words.length);
  let sum = 0;
  for (let i = 0; i < words.length; i++) cdf[i] = sum += 1 / (i + 1);
  return () => {
    const target = rnd() * sum;
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return words[lo]!;
  };
}

/** Users, conversations, memberships and messages, straight into the migrated file. */
export function seed(file: string, users: { id: string }[], options: SearchBenchOptions, words: string[]): void {
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  // Bulk load: a crash only loses the bench's own data.
  db.pragma('synchronous = OFF');
  // The FTS5 index and the message indexes are updated row by row: keep their pages in memory.
  db.pragma('cache_size = -524288');
  const [searcher, ...senders] = users;
  const start = Date.now() - options.messages * 100;
  const conversationId = (c: number) => `bench-search-c${String(c).padStart(6, '0')}`;
  const insertConversation = db.prepare(
    `insert into conversations (id, kind, title, created_by, created_at, last_seq, last_activity_at, member_count) values (?, 'group', ?, ?, ?, ?, ?, ?)`,
  );
  const insertMember = db.prepare(`insert into members (conversation_id, user_id, role, joined_at, read_seq) values (?, ?, ?, ?, 0)`);
  const perConversation = Math.ceil(options.messages / options.conversations);
  db.transaction(() => {
    for (let c = 0; c < options.conversations; c++) {
      const members = [senders[c % senders.length]!, senders[(c + 1) % senders.length]!, ...(c < options.memberOf ? [searcher!] : [])];
      insertConversation.run(
        conversationId(c),
        `group ${c}`,
        members[0]!.id,
        start,
        perConversation,
        start + options.messages * 100,
        members.length,
      );
      members.forEach((m, i) => insertMember.run(conversationId(c), m.id, i === 0 ? 'owner' : 'member', start));
    }
  })();
  const insertMessage = db.prepare(
    `insert into messages (id, conversation_id, seq, sender_id, client_id, body, created_at) values (?, ?, ?, ?, ?, ?, ?)`,
  );
  const rnd = random(42);
  const pick = zipf(words, rnd);
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const c = i % options.conversations;
      const length = 4 + Math.floor(rnd() * 16);
      const body = Array.from({ length }, pick).join(' ');
      const id = `bench-search-m${String(i).padStart(9, '0')}`;
      insertMessage.run(
        id,
        conversationId(c),
        Math.floor(i / options.conversations) + 1,
        senders[(c + (i & 1)) % senders.length]!.id,
        id,
        body,
        start + i * 100,
      );
    }
  });
  for (let i = 0; i < options.messages; i += 20_000) batch(i, Math.min(options.messages, i + 20_000));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

export async function runSearchBench(
  options: SearchBenchOptions,
  log: (text: string) => void,
  fatal: (error: unknown) => never,
): Promise<SearchBenchResult> {
  const dataDir = makeTempDir('confab-bench-search-');
  const env = { DATA_DIR: dataDir, SEARCH_RANK_WINDOW: String(options.rankWindow) };
  try {
    // 1. The server migrates the file and registers the users (so they can sign in and search).
    let confab = await startConfab(fatal, [], env);
    const users = await registerUsers(confab.baseUrl, 21, 8);
    await confab.stop();
    // 2. The bulk load, with no server running.
    const words = vocabulary(50_000);
    log(`search: seeding ${options.messages.toLocaleString('en-US')} messages in ${options.conversations} conversations`);
    const started = performance.now();
    const file = path.join(dataDir, 'confab.sqlite3');
    seed(file, users, options, words);
    const seedSec = round((performance.now() - started) / 1000, 1);
    log(`  seeded in ${seedSec} s`);
    // 3. Search through the REST API.
    confab = await startConfab(fatal, [], env);
    const searcher = users[0]!;
    const queries = [
      { label: 'common word', q: 'meeting ' },
      { label: 'rare word', q: `${words[30_000]} ` },
      { label: 'prefix (typing)', q: 'proj' },
      { label: 'two words', q: 'release plan ' },
    ];
    const results: SearchBenchResult['queries'] = [];
    const loadBefore = round(os.loadavg()[0]!, 1);
    for (const { label, q } of queries) {
      const url = `${confab.baseUrl}/api/v1/search?q=${encodeURIComponent(q)}`;
      const get = async () => {
        const response = await fetch(url, { headers: { authorization: `Bearer ${searcher.accessToken}` } });
        if (response.status !== 200) throw new Error(`search ${q}: ${response.status} ${await response.text()}`);
        return (await response.json()) as SearchPage;
      };
      for (let i = 0; i < 10; i++) await get(); // warm-up: statement cache, page cache
      const samples: number[] = [];
      let hits = 0;
      for (let i = 0; i < options.requests; i++) {
        const t = performance.now();
        hits = (await get()).items.length;
        samples.push(performance.now() - t);
      }
      const latencyMs = summarize(samples);
      results.push({ label, q, matchesForSearcher: countMatches(file, searcher.id, q), firstPageHits: hits, latencyMs });
      log(`  ${label} "${q.trim()}": p50 ${latencyMs?.p50} ms, p99 ${latencyMs?.p99} ms`);
    }
    await confab.stop();
    const { size } = statSync(file);
    return {
      messages: options.messages,
      conversations: options.conversations,
      searcherConversations: options.memberOf,
      searchableMessages: Math.round((options.messages * options.memberOf) / options.conversations),
      seedSec,
      databaseMiB: round(size / 2 ** 20, 0),
      rankWindow: options.rankWindow,
      queries: results,
      p99Ms: Math.max(...results.map((r) => r.latencyMs?.p99 ?? 0)),
      loadAverage: [loadBefore, round(os.loadavg()[0]!, 1)],
    };
  } finally {
    removeTempDir(dataDir);
  }
}

/** How many messages the searcher could find for `q` (for the report: how much the index had to sift). */
function countMatches(file: string, userId: string, q: string): number {
  const db = new SQLite(file, { readonly: true });
  try {
    const words = q.trim().split(/\s+/);
    const match = words.map((w, i) => `"${w}"${i === words.length - 1 && !q.endsWith(' ') ? '*' : ''}`).join(' ');
    const row = db
      .prepare(
        `select count(*) as n from messages_fts f join messages m on m.rowid = f.rowid
         join members me on me.conversation_id = m.conversation_id and me.user_id = ? where messages_fts match ?`,
      )
      .get(userId, match) as { n: number };
    return row.n;
  } finally {
    db.close();
  }
}
