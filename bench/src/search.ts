import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { ConfabClient } from '@confab/client';
import type { SearchPage } from '@confab/protocol';
import type { Options } from './options.js';
import { REPO_ROOT, makeTempDir, removeTempDir } from './child-processes.js';
import { startConfab } from './server-process.js';
import { BENCH_PASSWORD, registerUsers } from './setup.js';
import { conversationIdOf, keepSeeded, restoreSeeded, seed, seedCache, vocabulary } from './search-seed.js';
import { type Summary, round, summarize } from './stats.js';

/**
 * `--only search`: full-text search latency over a big SQLite store. The store is made by the
 * server (its migrations: the FTS5 index and its triggers), filled in bulk with SQL straight into
 * the file while no server runs (the index triggers run for every row and each chunk is indexed, as
 * sends are), then
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
  /** How long seeding took; null when the seeded store came from the cache. */
  seedSec: number | null;
  databaseMiB: number;
  rankWindow: number;
  queries: { label: string; q: string; matchesForSearcher: number; firstPageHits: number; latencyMs: Summary | null }[];
  /** The worst query's p99. */
  p99Ms: number | null;
  /** The machine's 1-minute load average before and after the queries: other work on it shows in the tail. */
  loadAverage: [number, number];
}

export async function runSearchBench(
  options: SearchBenchOptions,
  log: (text: string) => void,
  fatal: (error: unknown) => never,
): Promise<SearchBenchResult> {
  const dataDir = makeTempDir('confab-bench-search-');
  const env = { DATA_DIR: dataDir, SEARCH_RANK_WINDOW: String(options.rankWindow) };
  try {
    // 1. The server migrates the file; a seeded copy for this schema may be cached.
    let confab = await startConfab(fatal, [], env);
    const file = path.join(dataDir, 'confab.sqlite3');
    const cache = seedCache(options, file);
    const words = vocabulary(50_000);
    let seedSec: number | null = null;
    if (cache.hit) {
      await confab.stop();
      log(`search: ${options.messages.toLocaleString('en-US')} messages seeded before, from ${cache.dir}`);
      restoreSeeded(cache.dir, dataDir);
    } else {
      // 2. The users register (so they can sign in and search); the bulk load, with no server running.
      const users = await registerUsers(confab.baseUrl, 21, 8);
      await confab.stop();
      log(`search: seeding ${options.messages.toLocaleString('en-US')} messages in ${options.conversations} conversations`);
      const started = performance.now();
      await seed(file, users, options, words);
      seedSec = round((performance.now() - started) / 1000, 1);
      log(`  seeded in ${seedSec} s`);
      keepSeeded(dataDir, cache.dir);
    }
    // 3. Search through the REST API, as user0 (the searcher).
    confab = await startConfab(fatal, [], env);
    const searcher = await new ConfabClient({ baseUrl: confab.baseUrl }).login({ username: 'user0', password: BENCH_PASSWORD });
    // The first four search all of the searcher's conversations (100 by default: matches are
    // filtered by membership); the last one conversation (narrowed inside the index).
    const queries: { label: string; q: string; conversationId?: string }[] = [
      { label: 'common word', q: 'meeting ' },
      { label: 'rare word', q: `${words[30_000]} ` },
      { label: 'prefix (typing)', q: 'proj' },
      { label: 'two words', q: 'release plan ' },
      { label: 'common word, one conversation', q: 'meeting ', conversationId: conversationIdOf(0) },
    ];
    const results: SearchBenchResult['queries'] = [];
    const loadBefore = round(os.loadavg()[0]!, 1);
    for (const { label, q, conversationId } of queries) {
      const url = `${confab.baseUrl}/api/v1/search?q=${encodeURIComponent(q)}${conversationId ? `&conversationId=${conversationId}` : ''}`;
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
      results.push({
        label,
        q,
        matchesForSearcher: await countMatches(file, searcher.user.id, q, conversationId),
        firstPageHits: hits,
        latencyMs,
      });
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
async function countMatches(file: string, userId: string, q: string, conversationId?: string): Promise<number> {
  // The server's own query of the token index (store/sqlite/sqlite-search.ts).
  const { searchTerms } = (await import(path.join(REPO_ROOT, 'packages/server/dist/store/search-tokens.js'))) as {
    searchTerms(q: string): unknown;
  };
  const { tokenQuery } = (await import(path.join(REPO_ROOT, 'packages/server/dist/store/sqlite/sqlite-search.js'))) as {
    tokenQuery(terms: unknown): string;
  };
  const db = new SQLite(file, { readonly: true });
  try {
    const row = db
      .prepare(
        `select count(*) as n from messages_search f join messages m on m.rowid = f.rowid
         join members me on me.conversation_id = m.conversation_id and me.user_id = ?
         where messages_search match ? and m.conversation_id = coalesce(?, m.conversation_id)`,
      )
      .get(userId, `tokens : (${tokenQuery(searchTerms(q))})`, conversationId ?? null) as { n: number };
    return row.n;
  } finally {
    db.close();
  }
}
