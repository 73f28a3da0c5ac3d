import { CompiledQuery, type Migration, sql } from 'kysely';
import type { PositionedEvent } from '@confab/protocol';
import type { FreshAppender } from '../sql/one-query-append.js';
import { messageRow } from '../sql/rows.js';
import { eventPieces, joinPieces } from '../sql/event-pieces.js';
import { tsvectorText } from './postgres-search.js';

/**
 * PostgreSQL: a batch of new messages (plain ones, MLS application messages and welcomes) stored,
 * numbered, logged and committed by one statement, with nothing for the node to do while the
 * locks are held.
 *
 * The group commit's transaction holds the batch's conversation rows (their seqs) and the stream
 * head (the log's positions) until it commits. Written as one statement per step, each step's
 * round trip also waited for the node's event loop; with three nodes sharing ten busy groups on
 * two cores, 40–50 % of the database's busy sessions waited for those locks (issue 13, part 7).
 * Here the node prepares everything that does not depend on a seq or a position before it takes
 * a lock: the rows as JSON (typed by the table itself, `json_populate_recordset`), each event's
 * JSON in pieces around its seq, position, previous position and cursor. A function in the
 * database (`confab_append_fresh`, below) then reserves the seqs and stores the messages, takes
 * the positions from the head (after every other lock: the order every transaction keeps), logs
 * the events by joining the pieces, and moves the conversations' newest positions on. The node
 * learns the numbers from the answer and builds the same event JSON from the same pieces.
 *
 * A function rather than a query of several statements: PostgreSQL plans a query's text every
 * time it gets it, and planning that one cost more than running it (~1.45 ms a batch against
 * ~0.9, the later statements planned under the locks); a function's statements are planned once
 * per connection. It takes the batch as parameters, so nothing is quoted into SQL text, and an
 * error logs the call, not the messages. Called alone it is its own transaction: one round trip.
 */

/**
 * The SQLSTATE the function raises, having written nothing, when a plain message of the batch
 * meets a conversation encrypted since its send read the flag (issue 39): the batch then goes
 * statement by statement, which refuses that message (sql/mls-groups.ts).
 */
const ENCRYPTED_SINCE = 'CF039';

/**
 * The SQLSTATE the function raises, having written nothing, when an MLS message's sending device
 * is not, under its shared lock, an active device of its sender (issue 39): the statement-by-
 * statement append then refuses that message (`deviceRevoked`, sql/sending-devices.ts) and stores the rest.
 */
const SENDER_REVOKED = 'CF03D';

/**
 * Stores `fresh` (in that order: their positions follow it, their seqs follow it within each
 * conversation) and commits: the transaction `conn` has open when `lookedUp`, else the call's own,
 * having checked that no (sender, clientId) pair of the batch is stored already (when one is, it
 * answers `'stored'`, having written nothing). Answers the stored events, or undefined, having
 * written nothing, for the caller's statement-by-statement append: when an event cannot be cut
 * into pieces (a body holding one of the stand-in numbers), a plain message meets a conversation
 * encrypted since its send, or an MLS message's sending device is no longer its sender's active one.
 */
const appendFresh = async (...[conn, fresh, plan, lookedUp]: Parameters<FreshAppender>): ReturnType<FreshAppender> => {
  const pieces: string[][] = [];
  for (const { record } of fresh) {
    const cut = eventPieces(plan, record);
    if (cut === undefined) return undefined;
    pieces.push(cut);
  }
  // Per conversation: how many, the newest time, and whether a plain message is among them (`p`).
  const perConversation = new Map<string, { n: number; t: number; p: number }>();
  const numbering = fresh.map(({ record }, ord) => {
    const c = perConversation.get(record.conversationId) ?? { n: 0, t: 0, p: 0 };
    c.n += 1;
    c.t = Math.max(c.t, record.createdAt);
    if (record.kind !== 'encrypted') c.p = 1;
    perConversation.set(record.conversationId, c);
    const device = record.mls?.senderDevice ?? null;
    return {
      ord: ord + 1,
      id: record.id,
      conversation_id: record.conversationId,
      rank: c.n,
      reader: plan.readBy?.(record) ?? null,
      sender: record.senderId,
      device,
    };
  });
  // An MLS message's event has a sixth piece (`l`, after its logPos): the function then keeps
  // the position in `messages.log_pos` too, as the statement-by-statement append does.
  const logging = fresh.map(({ record }, ord) => {
    const cut = pieces[ord]!;
    const [f0, f1, l] = cut.length === 6 ? cut : [cut[0], cut[1], undefined];
    const [f2, f3, f4] = cut.slice(-3);
    return { ord: ord + 1, id: record.id, conversation_id: record.conversationId, f0, f1, l, f2, f3, f4 };
  });
  const totals = [...perConversation].map(([id, { n, t, p }]) => ({ id, n, t, p }));
  // The rows typed by the table itself (every column: messageRow's and the search vector); their
  // seq is the function's to give.
  const rows = fresh.map(({ record }) => ({ ...messageRow({ ...record, seq: 0 }), search_vector: tsvectorText(record.body) }));
  const mentions = fresh.flatMap(({ record }) => record.mentions.map((userId) => ({ message_id: record.id, user_id: userId })));
  const pairs = lookedUp ? null : JSON.stringify(fresh.map(({ record }) => ({ s: record.senderId, c: record.clientId })));
  const now = Math.max(...fresh.map((f) => f.record.createdAt));
  const call = conn.executeQuery<{ ord: number; seq: number; pos: number; prev: number; epoch: string }>(
    CompiledQuery.raw('select * from confab_append_fresh($1, $2, $3, $4, $5, $6, $7, $8)', [
      [...perConversation.keys()].sort(),
      JSON.stringify(totals),
      JSON.stringify(numbering),
      JSON.stringify(rows),
      JSON.stringify(mentions),
      JSON.stringify(logging),
      pairs,
      now,
    ]),
  );
  const answer = await call.catch((error: unknown) => {
    const code = (error as { code?: unknown }).code;
    if (code === ENCRYPTED_SINCE || code === SENDER_REVOKED) return undefined;
    throw error;
  });
  if (answer === undefined) return undefined;
  const numbered = answer.rows;
  if (numbered.length === 0 && !lookedUp) return 'stored';
  if (lookedUp) await conn.executeQuery(CompiledQuery.raw('commit'));
  if (numbered.length !== fresh.length) throw new Error(`the append numbered ${numbered.length} of ${fresh.length} messages`);
  return numbered.map(({ seq, pos, prev, epoch }, i) => {
    const { record } = fresh[i]!;
    record.seq = Number(seq);
    if (record.mls) record.logPos = Number(pos);
    const frame = joinPieces(pieces[i]!, record.seq, Number(pos), Number(prev), epoch);
    return {
      pos: Number(pos),
      conversationId: record.conversationId,
      subjectUserId: null,
      createdAt: now,
      event: JSON.parse(frame) as PositionedEvent,
      frame,
    };
  });
};

export const appendFreshAndCommit: FreshAppender = Object.assign(appendFresh, { checksSendingDevices: true });

/**
 * Migrations 0019, 0020, 0039 and 0044: the function. Its statements, in order:
 * 1. With `pairs` (the first try): when one of the batch's (sender, clientId) pairs is stored,
 *    return no rows, having done nothing.
 * 2. The MLS messages' sending devices (`device`, `sender` of `p_numbering`), read `for share` in
 *    id order and held to the commit, as sql/sending-devices.ts reads them and for the same reason
 *    (read its header: a revocation is either seen here or dated after what this numbers); when
 *    one is revoked or not its sender's, raise CF03D, having written nothing. Before any other
 *    lock, as in the statement-by-statement append; a revocation holds nothing an append takes.
 * 3. The conversations (locked in id order; when one is encrypted and the batch has a plain
 *    message for it, raise CF039, so nothing is written: issue 39), the messages (every column of the row, its seq
 *    replaced), their mentions, the read markers. Its foreign keys are checked when it ends
 *    (key-share locks on the senders' and the mentioned users' rows), before the head is taken: a
 *    notification's transaction locks users, then the head, so taking the head first could
 *    deadlock with it. A conversation of the batch that does not exist raises, so nothing commits.
 * 4. The head, the events (their JSON joined from the pieces; an MLS message's with its position
 *    as its `logPos` too), the MLS messages' `log_pos` (their rows' second write: inserted in 3,
 *    before any position is known), the conversations' newest positions (their rows' second
 *    update: a row cannot be updated twice in one statement, and `prev` still reads the position
 *    before the batch, the statement's snapshot); the answer.
 *
 * Each version of the function is installed by a migration of its own name, so that a database
 * migrated under an earlier one gets it; every name installs this text (`create or replace`: a new
 * database runs it once per name). A version that needs a later schema change must give the
 * earlier names the text of their day instead. (The 0039 version reads `conversations.encrypted`,
 * of migration 0036, and the 0044 one `devices`, of 0033, and `messages.log_pos`, of 0043: plpgsql
 * resolves a statement's names when it first runs, not when the function is created, so the
 * earlier names can install it; no append runs before every migration has.)
 *
 * No sequential scans inside it, and the tables reached only by index probes (lookups per batch
 * row, `= any(p_conversations)`), never joined wholesale: plpgsql keeps a plan per connection, made
 * while the tables may still be small (a new deployment, or before autovacuum's first ANALYZE),
 * and such a plan scanned the whole `messages` table at every batch once it had grown (4.3 ms
 * for the head's statement after 16,000 messages, against 0.23 ms with index probes). Every
 * lookup here starts from the batch's rows, so probing the indexes is the right plan at any size;
 * the batch's own rows (JSON, CTEs) may still be hash-joined (nested loops over them made
 * batches of 400 quadratic).
 */
export const appendFunctionMigration: Migration = {
  async up(db) {
    await sql`
create or replace function confab_append_fresh(
  p_conversations text[], p_totals json, p_numbering json, p_rows json, p_mentions json, p_logging json,
  p_pairs json, p_now bigint)
returns table (ord bigint, seq bigint, pos bigint, prev bigint, epoch text)
language plpgsql
set enable_seqscan = off set enable_mergejoin = off
as $fn$
#variable_conflict use_column
declare
  v_moved bigint;
  v_encrypted bigint;
  v_refused bigint;
  v_devices text[];
  v_placed text[] := array(select x.id from json_to_recordset(p_logging) as x(id text, l text) where x.l is not null);
  v_n bigint := json_array_length(p_logging);
begin
  if p_pairs is not null and exists (
    select 1 from json_to_recordset(p_pairs) as x(s text, c text)
    cross join lateral (select 1 from messages m where m.sender_id = x.s and m.client_id = x.c limit 1) hit) then
    return;
  end if;
  v_devices := array(select distinct x.device from json_to_recordset(p_numbering) as x(device text) where x.device is not null order by 1);
  if cardinality(v_devices) > 0 then
    with active as materialized (select d.id, d.user_id from devices d
      where d.id = any(v_devices) and d.revoked_at is null order by d.id for share)
    select count(*) into v_refused from json_to_recordset(p_numbering) as x(sender text, device text)
    where x.device is not null and not exists (select 1 from active a where a.id = x.device and a.user_id = x.sender);
    if v_refused > 0 then
      raise exception 'an MLS message of a device not its sender''s active one' using errcode = 'CF03D';
    end if;
  end if;
  with
  locked as materialized (select c.id from conversations c where c.id = any(p_conversations) order by c.id for update),
  totals as (select * from json_to_recordset(p_totals) as x(id text, n bigint, t bigint, p integer)),
  moved as (update conversations c set last_seq = c.last_seq + x.n, last_activity_at = greatest(c.last_activity_at, x.t)
    from totals x where c.id = any(p_conversations) and c.id = x.id and c.id in (select id from locked)
    returning c.id, c.last_seq, c.encrypted, x.p),
  numbered as (select i.*, m.last_seq - x.n + i.rank as seq
    from json_to_recordset(p_numbering) as i(ord bigint, id text, conversation_id text, rank bigint, reader text)
    join moved m on m.id = i.conversation_id join totals x on x.id = i.conversation_id),
  inserted as (insert into messages
    select w.* from json_populate_recordset(null::messages, p_rows) r join numbered n on n.id = r.id
    cross join lateral json_populate_record(r, json_build_object('seq', n.seq)) w returning 1),
  mentioned as (insert into message_mentions (message_id, user_id, conversation_id, seq)
    select n.id, x.user_id, n.conversation_id, n.seq from json_to_recordset(p_mentions) as x(message_id text, user_id text)
    join numbered n on n.id = x.message_id returning 1),
  marked as (update members mb set read_seq = r.seq
    from (select conversation_id, reader, max(seq) as seq from numbered where reader is not null group by conversation_id, reader) r
    where mb.conversation_id = any(p_conversations) and mb.conversation_id = r.conversation_id and mb.user_id = r.reader
      and mb.read_seq < r.seq returning 1)
  select count(*), count(*) filter (where encrypted = 1 and p = 1) into v_moved, v_encrypted from moved;
  if v_moved <> cardinality(p_conversations) then
    raise exception 'only % of the batch''s % conversations exist', v_moved, cardinality(p_conversations);
  end if;
  if v_encrypted > 0 then
    raise exception 'a plain message into an encrypted conversation' using errcode = 'CF039';
  end if;
  return query
  with
  head as (update stream_head set pos = pos + v_n where id = 1 returning pos, epoch),
  positioned as (select p.*, (select m.seq from messages m where m.id = p.id) as seq, h.pos - v_n + p.ord as pos, h.epoch,
      coalesce(lag(h.pos - v_n + p.ord) over (partition by p.conversation_id order by p.ord),
        (select c.last_pos from conversations c where c.id = p.conversation_id)) as prev
    from json_to_recordset(p_logging) as p(ord bigint, id text, conversation_id text, f0 text, f1 text, l text, f2 text, f3 text, f4 text)
    cross join head h),
  logged as (insert into events (pos, conversation_id, subject_user_id, created_at, payload, message_id)
    select n.pos, n.conversation_id, null, p_now,
      n.f0 || n.seq || n.f1 || coalesce(n.pos || n.l, '') || n.pos || n.f2 || n.prev || n.f3 || n.epoch || '.' || n.pos || n.f4, n.id
    from positioned n returning 1),
  placed as (update messages m set log_pos = n.pos
    from positioned n where m.id = any(v_placed) and m.id = n.id returning 1),
  newest as (update conversations c set last_pos = x.pos
    from (select conversation_id, max(pos) as pos from positioned group by conversation_id) x
    where c.id = any(p_conversations) and c.id = x.conversation_id returning 1)
  select n.ord::bigint, n.seq::bigint, n.pos::bigint, n.prev::bigint, n.epoch::text from positioned n order by n.ord;
end
$fn$`.execute(db);
  },
};
