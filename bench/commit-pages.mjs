/**
 * What one SQLite send commit writes and costs, by schema variant (issue 41 item 2: "one row and as
 * few index pages as the guarantees need per message"). It answers, before anyone rebuilds the
 * store for it, how much a send would gain from a schema change.
 *
 *   npm run build
 *   node bench/commit-pages.mjs [variant …]        (default: base merged no-search-note no-sender-index with-created-index)
 *
 * The database is a real server's: `confab serve` migrates a file and the bench's own set-up makes
 * a DM and sends into it; a copy of that file per variant. Each variant then runs the statements
 * of SQLite's one-query append (`store/sqlite/sqlite-append.ts`, written out here in the same order
 * and shape: a model of it, to keep in step) for `BATCH` messages a transaction (default 1), after
 * 20,000 commits of warm-up, as the server runs them (WAL, `synchronous=NORMAL`, the same cache and
 * map sizes; no flush, whose cost is the disk's). The variants alternate in chunks of 200 commits
 * in one process, so what the machine does meanwhile falls on all alike.
 *
 * Printed per variant: WAL frames a commit (one per page the commit dirtied) and the time of each
 * statement a commit (µs; the bench's statement timer, `src/profiling/sql-timing.ts`). Variants:
 * - `base`: the schema as migrated.
 * - `merged`: a message's `message.created` event kept in its row, not in `events` (the issue's
 *   "a message's log event and its row could be one record"): the row takes the event's frame and
 *   position, indexed by (conversation, position) for resume; no `events` row.
 * - `no-search-note`: without the insert trigger that notes the message for the token index.
 * - `no-sender-index`, `no-message-index`: without `messages_sender`, `events_message`.
 * - `with-created-index`: with `events_created_at`, the index migration 0048 dropped (pruning
 *   bisects positions now): what it cost a commit.
 * Variants that drop something show what that page costs, not a schema Confab could run: each
 * serves a feature (bench/README.md).
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SQLite = createRequire(path.join(root, 'packages/server/package.json'))('better-sqlite3');
const { SqlTimings, statementKey, timeStatements } = await import(
  pathToFileURL(path.join(root, 'bench/dist/profiling/sql-timing.js')).href
);
const BATCH = Number(process.env.BATCH ?? 1);
const WARM = 20_000;
const CHUNK = 200;
const ROUNDS = Number(process.env.ROUNDS ?? 30);
const variants = process.argv.slice(2);
if (variants.length === 0) variants.push('base', 'merged', 'no-search-note', 'no-sender-index', 'with-created-index');

const work = mkdtempSync(path.join(tmpdir(), 'confab-commit-pages-'));
const template = path.join(work, 'template.sqlite3');

/** A migrated file with two users, their DM and a few messages, made by a real server. */
async function makeTemplate() {
  const { startConfabTarget } = await import(pathToFileURL(path.join(root, 'bench/dist/peers/targets.js')).href);
  const target = await startConfabTarget(
    [0],
    (error) => {
      throw error;
    },
    [],
  );
  target.onDelivered = () => {};
  for (let i = 0; i < 10; i++) await target.pairs[0].sendRest(`hello ${i}`);
  const live = new SQLite(path.join(target.dataDir, 'confab.sqlite3'), { readonly: true });
  live.exec(`vacuum into '${template}'`);
  live.close();
  await target.stop();
}

function open(variant) {
  const file = path.join(work, `${variant}.sqlite3`);
  copyFileSync(template, file);
  // The bench's statement timer, on a class of this variant's own, so each variant's times stay apart.
  class Timed extends SQLite {}
  const timings = new SqlTimings();
  timeStatements(Timed, timings);
  const db = new Timed(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('cache_size = -65536');
  db.pragma('mmap_size = 268435456');
  db.pragma('temp_store = MEMORY');
  // Frames are counted from the log: no checkpoint may copy them away between counts.
  db.pragma('wal_autocheckpoint = 0');
  const change = {
    'no-search-note': 'drop trigger messages_search_insert',
    'no-sender-index': 'drop index messages_sender',
    'no-message-index': 'drop index events_message',
    'with-created-index': 'create index events_created_at on events (created_at)',
  };
  const merged = variant === 'merged';
  if (merged) {
    db.exec('alter table messages add column created_frame text');
    db.exec('create index messages_log on messages (conversation_id, log_pos) where log_pos is not null');
  } else if (variant !== 'base') {
    if (!(variant in change)) throw new Error(`unknown variant ${variant}`);
    db.exec(change[variant]);
  }
  const conversation = db.prepare('select id from conversations').pluck().get();
  const sender = db.prepare('select sender_id from messages limit 1').pluck().get();
  const frame = db.prepare('select payload from events where message_id is not null order by pos desc limit 1').pluck().get();
  const columns = [
    'id',
    'conversation_id',
    'seq',
    'sender_id',
    'client_id',
    'kind',
    'body',
    'created_at',
    'edited_at',
    'deleted_at',
    'reply_to_id',
    'thread_root_id',
    'reply_count',
    'last_reply_at',
    'reactions',
    'mentions',
    'pinned_at',
    'pinned_by',
    'system',
    'location',
    'attachments',
    'voice',
    'content',
    'shown',
    'log_pos',
    'search_tokens',
    ...(merged ? ['created_frame'] : []),
  ];
  const statements = {
    begin: 'begin immediate',
    probe: 'select 1 from "messages" where "sender_id" = ? and "client_id" = ?',
    reserve:
      'update "conversations" set "last_seq" = "last_seq" + cast(? as bigint), ' +
      '"last_activity_at" = case when "last_activity_at" > ? then "last_activity_at" else cast(? as bigint) end ' +
      'where "id" = ? returning "last_seq", "last_pos", "encrypted"',
    marker: 'update "members" set "read_seq" = ? where "conversation_id" = ? and "user_id" = ? and "read_seq" < ?',
    insert: `insert into "messages" (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})`,
    drafts: 'select "updated_at" from "drafts" where "user_id" = ? and "conversation_id" = ? and "body" <> \'\'',
    head: 'update "stream_head" set "pos" = "pos" + ? where "id" = 1 returning "pos", "epoch"',
    event:
      'insert into "events" ("pos", "conversation_id", "subject_user_id", "created_at", "payload", "message_id") values (?, ?, ?, ?, ?, ?)',
    positions: 'update "conversations" set "last_pos" = ? where "id" = ?',
    commit: 'commit',
  };
  const run = {};
  for (const [name, text] of Object.entries(statements)) {
    const prepared = db.prepare(text);
    run[name] = prepared.reader ? prepared.get.bind(prepared) : prepared.run.bind(prepared);
  }
  /** µs a commit by statement name, since the timings were last reset. */
  const spent = (commits) => {
    const byKey = new Map(timings.top(Number.MAX_SAFE_INTEGER).map((t) => [t.key, t.totalUs]));
    return Object.entries(statements).map(([name, text]) => [name, (byKey.get(statementKey(text)) ?? 0) / commits]);
  };
  let made = 0;
  const commit = () => {
    const now = Date.now();
    run.begin();
    const clientIds = Array.from({ length: BATCH }, () => randomUUID());
    for (const clientId of clientIds) run.probe(sender, clientId);
    let seq = Number(run.reserve(BATCH, now, now, conversation).last_seq) - BATCH;
    run.marker(seq + BATCH, conversation, sender, seq + BATCH);
    // The head before the rows (the appender takes it after them): the merged row needs its position.
    let pos = Number(run.head(BATCH).pos) - BATCH;
    for (const clientId of clientIds) {
      seq += 1;
      pos += 1;
      // Time-ordered ids, as the server's (UUIDv7): each new row lands at the end of the id index.
      const id = `${now
        .toString(16)
        .padStart(12, '0')
        .replace(/(.{8})(.{4})/, '$1-$2')}-7000-8000-${String(++made).padStart(12, '0')}`;
      const row = [id, conversation, seq, sender, clientId, 'text', `hello ${seq}`, now, null, null, null, null, 0, null, '[]', '[]'];
      row.push(null, null, null, null, null, null, null, 1, merged ? pos : null, `hello hell helo ${seq}`);
      if (merged) row.push(frame);
      run.insert(...row);
      if (!merged) run.event(pos, conversation, null, now, frame, id);
      run.drafts(sender, conversation);
    }
    run.positions(pos, conversation);
    run.commit();
  };
  const walFrames = () => db.pragma('wal_checkpoint(RESTART)')[0].log;
  return { variant, db, commit, timings, spent, walFrames, commits: 0, frames: 0 };
}

await makeTemplate();
const opened = variants.map(open);
for (const v of opened) {
  for (let i = 0; i < WARM; i++) {
    v.commit();
    if (i % 1500 === 1499) v.walFrames();
  }
  v.walFrames();
  v.timings.reset();
}
for (let round = 0; round < ROUNDS; round++) {
  for (const v of round % 2 === 0 ? opened : [...opened].reverse()) {
    for (let i = 0; i < CHUNK; i++) v.commit();
    v.commits += CHUNK;
    v.frames += v.walFrames();
  }
}
process.stdout.write(`${BATCH} message(s) a commit, ${ROUNDS} rounds of ${CHUNK} commits per variant; µs a commit:\n`);
for (const v of opened) {
  const each = v.spent(v.commits);
  const total = each.reduce((sum, [, us]) => sum + us, 0);
  const parts = each.filter(([, us]) => us > 0).map(([name, us]) => `${name} ${us.toFixed(1)}`);
  process.stdout.write(
    `${v.variant.padEnd(17)} ${(v.frames / v.commits).toFixed(2)} frames, ${total.toFixed(1)} µs (${parts.join(', ')})\n`,
  );
  v.db.close();
}
rmSync(work, { recursive: true });
