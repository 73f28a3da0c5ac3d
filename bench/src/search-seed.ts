import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import type { SearchBenchOptions } from './search.js';
import { REPO_ROOT } from './child-processes.js';
import { indexNotedMessages } from './sqlite-search-notes.js';

/**
 * The server's own tokenizer (store/search-tokens.ts, built into dist by `npm run bench`): each
 * message is stored with the tokens a send gives it, indexed as the server indexes a send's.
 */
interface SearchTokens {
  indexTokens(body: string): string[];
}
export const searchTokens = (): Promise<SearchTokens> =>
  import(path.join(REPO_ROOT, 'packages/server/dist/store/search-tokens.js')) as Promise<SearchTokens>;

/**
 * The search bench's corpus: users, conversations, memberships and messages written with SQL
 * straight into a migrated SQLite file (the index triggers run for every row, as for a send, and
 * each chunk's noted messages are indexed in it, so the index is built as a live server builds it). Seeding a million messages takes minutes, so
 * the seeded data directory is kept under the system's temp directory, keyed by what made it
 * (the seed's parameters and the schema's migrations), and copied for each run.
 */

/** Bump when the corpus changes for the same parameters. */
const SEED_VERSION = 2;
const CACHE_ROOT = path.join(tmpdir(), 'confab-bench-search-cache');

/** The cached seeded data directory for these parameters and this schema, if one is there. */
export function seedCache(options: SearchBenchOptions, file: string): { dir: string; hit: boolean } {
  const db = new SQLite(file, { readonly: true });
  const migrations = (db.prepare('select name from kysely_migration order by name').all() as { name: string }[]).map((r) => r.name);
  db.close();
  const { messages, conversations, memberOf } = options;
  const key = createHash('sha256')
    .update(JSON.stringify([SEED_VERSION, messages, conversations, memberOf, migrations]))
    .digest('hex')
    .slice(0, 16);
  const dir = path.join(CACHE_ROOT, key);
  return { dir, hit: existsSync(path.join(dir, 'complete')) };
}

/** Keeps `dataDir` as the cache `dir` (the only one kept: each is hundreds of MiB). */
export function keepSeeded(dataDir: string, dir: string): void {
  if (existsSync(CACHE_ROOT))
    for (const old of readdirSync(CACHE_ROOT)) rmSync(path.join(CACHE_ROOT, old), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(dataDir, path.join(dir, 'data'), { recursive: true });
  writeFileSync(path.join(dir, 'complete'), '');
}

/** Replaces `dataDir`'s contents with the cached seeded ones. */
export function restoreSeeded(dir: string, dataDir: string): void {
  for (const entry of readdirSync(dataDir)) rmSync(path.join(dataDir, entry), { recursive: true, force: true });
  cpSync(path.join(dir, 'data'), dataDir, { recursive: true });
}

/** The seeded conversations' ids. */
export const conversationIdOf = (c: number): string => `bench-search-c${String(c).padStart(6, '0')}`;

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
export function zipf(words: string[], rnd: () => number) {
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
export async function seed(file: string, users: { id: string }[], options: SearchBenchOptions, words: string[]): Promise<void> {
  const { indexTokens } = await searchTokens();
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  // Bulk load: a crash only loses the bench's own data.
  db.pragma('synchronous = OFF');
  // The FTS5 index and the message indexes are updated row by row: keep their pages in memory.
  db.pragma('cache_size = -524288');
  const [searcher, ...senders] = users;
  const start = Date.now() - options.messages * 100;
  const conversationId = conversationIdOf;
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
    `insert into messages (id, conversation_id, seq, sender_id, client_id, body, created_at, search_tokens) values (?, ?, ?, ?, ?, ?, ?, ?)`,
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
        indexTokens(body).join(' '),
      );
    }
    indexNotedMessages(db);
  });
  for (let i = 0; i < options.messages; i += 20_000) batch(i, Math.min(options.messages, i + 20_000));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}
