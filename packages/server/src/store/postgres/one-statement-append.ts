import { CompiledQuery } from 'kysely';
import type { PositionedEvent } from '@confab/protocol';
import type { AppendPlan, MessageRecord } from '../store.js';
import type { FreshAppender } from '../sql/one-query-append.js';
import { messageRow } from '../sql/rows.js';
import { tsvectorText } from './postgres-search.js';

/**
 * PostgreSQL: a batch of plain new messages stored, numbered, logged and committed by one query,
 * with nothing for the node to do while the locks are held.
 *
 * The group commit's transaction holds the batch's conversation rows (their seqs) and the stream
 * head (the log's positions) until it commits. Written as one statement per step, each step's
 * round trip also waited for the node's event loop; with three nodes sharing ten busy groups on
 * two cores, 40–50 % of the database's busy sessions waited for those locks (issue 13, part 7).
 * Here the node prepares everything that does not depend on a seq or a position before it takes
 * a lock: the rows as JSON (typed by the tables themselves, `json_populate_recordset`), each
 * event's JSON in pieces around its seq, position, previous position and cursor. The database
 * then, in one query of three statements and a COMMIT, reserves the seqs and stores the messages,
 * takes the positions from the head (after every other lock: the order every transaction keeps)
 * and logs the events by joining the pieces, and moves the conversations' newest positions on.
 * The node learns the numbers from the answer and builds the same event JSON from the same pieces.
 * On a first try the query also opens the transaction and checks the idempotency keys itself, so
 * a batch of new messages is one round trip (`sql/one-query-append.ts`).
 */

/** Stands for a number in an event's JSON while it is cut into pieces: far above any real seq or position. */
const SEQ = 9_007_199_254_740_001;
const POS = 9_007_199_254_740_002;
const PREV = 9_007_199_254_740_003;
const CURSOR = '\u0000cursor\u0000';

/** An event's JSON cut around its four numbers; undefined when one of them is not found exactly once, in order. */
export function eventPieces(plan: AppendPlan, record: MessageRecord): string[] | undefined {
  const draft = { ...plan.announce({ ...record, seq: SEQ }), pos: POS, prev: PREV, cursor: CURSOR };
  const text = JSON.stringify(draft);
  const pieces: string[] = [];
  let rest = text;
  for (const mark of [String(SEQ), String(POS), String(PREV), JSON.stringify(CURSOR).slice(1, -1)]) {
    const at = rest.indexOf(mark);
    if (at < 0 || rest.indexOf(mark, at + 1) >= 0) return undefined;
    pieces.push(rest.slice(0, at));
    rest = rest.slice(at + mark.length);
  }
  pieces.push(rest);
  return pieces;
}

export const joinPieces = (p: readonly string[], seq: number, pos: number, prev: number, epoch: string) =>
  `${p[0]}${seq}${p[1]}${pos}${p[2]}${prev}${p[3]}${epoch}.${pos}${p[4]}`;

/**
 * Stores `fresh` (in that order: their positions follow it, their seqs follow it within each
 * conversation) and commits: the transaction `conn` has open when `lookedUp`, else one the query
 * opens itself, having checked that no (sender, clientId) pair of the batch is stored already
 * (when one is, it answers `'stored'`, having written nothing). Answers the stored events, or
 * undefined, having written nothing, when an event cannot be cut into pieces (a body holding one
 * of the stand-in numbers), for the caller's statement-by-statement append.
 */
export const appendFreshAndCommit: FreshAppender = async (conn, fresh, plan, lookedUp) => {
  const pieces: string[][] = [];
  for (const { record } of fresh) {
    const cut = eventPieces(plan, record);
    if (cut === undefined) return undefined;
    pieces.push(cut);
  }
  const perConversation = new Map<string, { n: number; t: number }>();
  const numbering = fresh.map(({ record }, ord) => {
    const c = perConversation.get(record.conversationId) ?? { n: 0, t: 0 };
    c.n += 1;
    c.t = Math.max(c.t, record.createdAt);
    perConversation.set(record.conversationId, c);
    return { ord: ord + 1, id: record.id, conversation_id: record.conversationId, rank: c.n, reader: plan.readBy?.(record) ?? null };
  });
  const logging = fresh.map(({ record }, ord) => {
    const [f0, f1, f2, f3, f4] = pieces[ord]!;
    return { ord: ord + 1, id: record.id, conversation_id: record.conversationId, f0, f1, f2, f3, f4 };
  });
  const totals = [...perConversation].map(([id, { n, t }]) => ({ id, n, t }));
  const ids = totals.map((t) => t.id).sort();
  // The rows typed by the table itself; their seq is the statement's to give.
  const rows = fresh.map(({ record }) => ({ ...messageRow({ ...record, seq: 0 }), search_vector: tsvectorText(record.body) }));
  const columns = Object.keys(rows[0]!);
  const mentions = fresh.flatMap(({ record }) => record.mentions.map((userId) => ({ message_id: record.id, user_id: userId })));
  const now = Math.max(...fresh.map((f) => f.record.createdAt));
  const n = fresh.length;
  const json = (value: unknown) => literal(JSON.stringify(value));
  const idList = ids.map(literal).join(', ');
  // Without the caller's lookup: nothing moves when a pair of the batch is stored (its first
  // statement locks no conversation, the others find no message of the batch), and the answer has
  // no rows. The unique index still refuses a pair another node stores meanwhile.
  const pairs = fresh.map(({ record }) => `(${literal(record.senderId)}, ${literal(record.clientId)})`).join(', ');
  const check = lookedUp
    ? ''
    : `stored as materialized (select 1 from messages where (sender_id, client_id) in (values ${pairs}) limit 1),\n`;
  const unlessStored = lookedUp ? '' : ' and not exists (select 1 from stored)';
  const ifStored = lookedUp ? '' : 'when exists (select 1 from stored) then 1 ';
  const ifWritten = lookedUp ? '' : ` and exists (select 1 from messages where id = ${literal(fresh[0]!.record.id)})`;

  // 1. The conversations (in id order), the messages, their mentions, the read markers. Its
  //    foreign keys are checked when it ends (key-share locks on the senders' and the mentioned
  //    users' rows), before the head is taken: a notification's transaction locks users, then
  //    the head, so taking the head first could deadlock with it. Its answer fails the whole
  //    query when a conversation of the batch does not exist (a cast that cannot succeed, of a
  //    value read at run time: PostgreSQL folds constant ones while planning).
  // 2. The head, and the events, their JSON joined from the pieces.
  // 3. The conversations' newest positions (a row cannot be updated twice in one statement).
  const text = `${lookedUp ? '' : 'begin;\n'}with
${check}locked as materialized (select id from conversations where id in (${idList})${unlessStored} order by id for update),
totals as (select * from json_to_recordset(${json(totals)}) as x(id text, n bigint, t bigint)),
moved as (update conversations c set last_seq = c.last_seq + x.n, last_activity_at = greatest(c.last_activity_at, x.t)
  from totals x where c.id = x.id and c.id in (select id from locked) returning c.id, c.last_seq),
numbered as (select i.*, m.last_seq - x.n + i.rank as seq
  from json_to_recordset(${json(numbering)}) as i(ord bigint, id text, conversation_id text, rank bigint, reader text)
  join moved m on m.id = i.conversation_id join totals x on x.id = i.conversation_id),
inserted as (insert into messages (${columns.map((c) => `"${c}"`).join(', ')})
  select ${columns.map((c) => (c === 'seq' ? 'n.seq' : `r."${c}"`)).join(', ')}
  from json_populate_recordset(null::messages, ${json(rows)}) r join numbered n on n.id = r.id returning 1),
mentioned as (insert into message_mentions (message_id, user_id, conversation_id, seq)
  select n.id, x.user_id, n.conversation_id, n.seq from json_to_recordset(${json(mentions)}) as x(message_id text, user_id text)
  join numbered n on n.id = x.message_id returning 1),
marked as (update members mb set read_seq = r.seq
  from (select conversation_id, reader, max(seq) as seq from numbered where reader is not null group by conversation_id, reader) r
  where mb.conversation_id = r.conversation_id and mb.user_id = r.reader and mb.read_seq < r.seq returning 1)
select case ${ifStored}when (select count(*) from moved) = ${ids.length} then 0
  else cast((select count(*) from moved) || ' of the batch''s ${ids.length} conversations exist' as integer) end as checked;
with
head as (update stream_head set pos = pos + ${n} where id = 1${ifWritten} returning pos, epoch),
positioned as (select p.*, m.seq, h.pos - ${n} + p.ord as pos, h.epoch,
    coalesce(lag(h.pos - ${n} + p.ord) over (partition by p.conversation_id order by p.ord), c.last_pos) as prev
  from json_to_recordset(${json(logging)}) as p(ord bigint, id text, conversation_id text, f0 text, f1 text, f2 text, f3 text, f4 text)
  join messages m on m.id = p.id join conversations c on c.id = p.conversation_id cross join head h),
logged as (insert into events (pos, conversation_id, subject_user_id, created_at, payload, message_id)
  select n.pos, n.conversation_id, null, ${now}, n.f0 || n.seq || n.f1 || n.pos || n.f2 || n.prev || n.f3 || n.epoch || '.' || n.pos || n.f4, n.id
  from positioned n returning 1)
select n.ord, n.seq, n.pos, n.prev, n.epoch from positioned n order by n.ord;
update conversations c set last_pos = (select max(e.pos) from events e where e.conversation_id = c.id) where c.id in (${idList})${ifWritten};
commit`;
  // A query of several statements answers with the last one's rows that has columns (guarded-pool.ts).
  const { rows: numbered } = await conn.executeQuery<{ ord: number; seq: number; pos: number; prev: number; epoch: string }>(
    CompiledQuery.raw(text),
  );
  if (numbered.length === 0 && !lookedUp) return 'stored';
  if (numbered.length !== n) throw new Error(`the append numbered ${numbered.length} of ${n} messages`);
  return numbered.map(({ seq, pos, prev, epoch }, i) => {
    const { record } = fresh[i]!;
    record.seq = Number(seq);
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

/**
 * A value written into the query's text (a query of several statements takes no parameters): a
 * string quoted as pg's `escapeLiteral` quotes it (an `E''` string, its backslashes doubled, when
 * it has any), with native replaces rather than its per-character loop, whose garbage took a third
 * of the node's time on batches of 400 messages; numbers as digits.
 */
export function literal(value: string | number): string {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`not an integer: ${value}`);
    return String(value);
  }
  const quoted = `'${value.replaceAll("'", "''")}'`;
  return value.includes('\\') ? ` E${quoted.replaceAll('\\', '\\\\')}` : quoted;
}
