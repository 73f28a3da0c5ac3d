import path from 'node:path';
import { encodeSyncCursor } from '@confab/protocol';
import { type GrowPlan, type PlannedMessage, directKey, kindOf, plannedMessages, positionOf } from './grow-plan.js';
import { vocabulary, zipf } from './search-seed.js';
import { REPO_ROOT } from './child-processes.js';
import { mulberry32 } from './stats.js';

/**
 * The large instance's rows, shaped by the server's own code (built into packages/server/dist):
 * a message row is `messageRow(newRecord(…))`, what a send stores; its event is the send plan's
 * `message.created` draft with its position, `prev` and cursor, as `appendEvents` logs it; its
 * search column is the engine's `indexColumns` text. The engine-specific writing is grow-seed.ts.
 */
export type Row = Record<string, unknown>;
export type Engine = 'sqlite' | 'postgres';

interface ServerParts {
  newRecord(
    message: { id: string; conversationId: string; senderId: string; clientId: string; body: string; createdAt: number },
    seq: number,
  ): unknown;
  messageRow(record: unknown): Row;
  messageCreated(record: unknown): Record<string, unknown>;
  indexTokens(body: string): string[];
  tsvectorText(body: string): string;
  usernameSkeleton(username: string): string;
}

async function serverParts(): Promise<ServerParts> {
  const load = (file: string) => import(path.join(REPO_ROOT, 'packages/server/dist', file)) as Promise<Record<string, unknown>>;
  const [steps, rows, drafts, tokens, postgres, skeleton] = await Promise.all([
    load('store/sql/append-steps.js'),
    load('store/sql/rows.js'),
    load('services/events/event-drafts.js'),
    load('store/search-tokens.js'),
    load('store/postgres/postgres-search.js'),
    load('store/username-skeleton.js'),
  ]);
  return {
    newRecord: steps['newRecord'],
    messageRow: rows['messageRow'],
    messageCreated: drafts['messageCreated'],
    indexTokens: tokens['indexTokens'],
    tsvectorText: postgres['tsvectorText'],
    usernameSkeleton: skeleton['usernameSkeleton'],
  } as ServerParts;
}

/**
 * Ids shaped like the server's (UUIDv7: 36 characters, time first), so keys and indexes are as
 * wide and as ordered as a live server's: `kind` tells users (1), conversations (2) and
 * messages (3) apart.
 */
export function uuidLike(kind: number, at: number, n: number): string {
  const t = Math.max(0, at).toString(16).padStart(12, '0');
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${kind.toString(16).padStart(3, '0')}-8${Math.floor(n / 2 ** 48)
    .toString(16)
    .padStart(3, '0')}-${(n % 2 ** 48).toString(16).padStart(12, '0')}`;
}

/**
 * Distinct bodies, each tokenized once by the server's tokenizer: 10 million calls of it would
 * take most of a full seed's time. Messages draw from the pool, so each body recurs about
 * messages / POOL times: a word's share of messages is what Zipf's law gives it, as before.
 */
const POOL = 65_536;

export class GrowRows {
  /** Distinct bodies: the pool's size, or fewer for fewer messages. */
  private readonly pool: number;
  private readonly bodies: string[];
  private readonly searchText: string[];
  readonly userIds: string[];
  readonly conversationIds: string[];

  private constructor(
    readonly plan: GrowPlan,
    readonly engine: Engine,
    readonly epoch: string,
    private readonly parts: ServerParts,
  ) {
    const rnd = mulberry32(4141);
    const pick = zipf(vocabulary(50_000), rnd);
    this.pool = Math.min(POOL, plan.sizes.messages);
    this.bodies = Array.from({ length: this.pool }, () => Array.from({ length: 4 + Math.floor(rnd() * 16) }, pick).join(' '));
    this.searchText = this.bodies.map((b) => (engine === 'sqlite' ? parts.indexTokens(b).join(' ') : parts.tsvectorText(b)));
    const { users, conversations } = plan.sizes;
    this.userIds = Array.from({ length: users }, (_, u) => uuidLike(1, plan.time.start, u));
    this.conversationIds = Array.from({ length: conversations }, (_, c) => uuidLike(2, plan.time.start, c));
  }

  static async make(plan: GrowPlan, engine: Engine, epoch: string): Promise<GrowRows> {
    return new GrowRows(plan, engine, epoch, await serverParts());
  }

  /** The search column each engine stores (sqlite-search.ts and postgres-search.ts `indexColumns`). */
  get searchColumn(): string {
    return this.engine === 'sqlite' ? 'search_tokens' : 'search_vector';
  }

  users(passwordHash: string): Row[] {
    return this.userIds.map((id, u) => {
      const name = `grow${u}`;
      return {
        id,
        username: name,
        username_lower: name,
        username_skeleton: this.parts.usernameSkeleton(name),
        display_name: `Grow ${u}`,
        bio: '',
        is_admin: 0,
        password_hash: passwordHash,
        created_at: this.plan.time.start,
      };
    });
  }

  /** Each conversation as its last send left it: last seq, activity and position. */
  conversations(): Row[] {
    const { plan } = this;
    return this.conversationIds.map((id, c) => {
      const members = plan.members[c]!;
      const kind = kindOf(plan.sizes, c);
      const last = plan.lastIndex[c]!;
      return {
        id,
        kind,
        title: kind === 'group' ? `group ${c}` : null,
        direct_key: kind === 'direct' ? directKey(members.map((m) => this.userIds[m]!)) : null,
        created_by: this.userIds[members[0]!],
        created_at: plan.time.start,
        last_seq: plan.lastSeq[c]!,
        last_activity_at: last < 0 ? plan.time.start : plan.time.sentAt(last),
        member_count: members.length,
        last_pos: last < 0 ? c + 1 : positionOf(plan.sizes, last),
      };
    });
  }

  /** Memberships since the conversation's creation (its position), read up to the plan's read seq. */
  *members(): Generator<Row> {
    const { plan } = this;
    for (let c = 0; c < plan.sizes.conversations; c++) {
      for (const [i, m] of plan.members[c]!.entries()) {
        const readSeq = plan.readSeq(c, m);
        yield {
          conversation_id: this.conversationIds[c],
          user_id: this.userIds[m],
          role: i === 0 && kindOf(plan.sizes, c) === 'group' ? 'owner' : 'member',
          joined_at: plan.time.start,
          read_seq: readSeq,
          joined_pos: c + 1,
          delivered_seq: readSeq,
        };
      }
    }
  }

  /**
   * The messages in sending order, in chunks of `size`, each with the events still kept; `prev`
   * chains each event to its conversation's previous one, as the log does.
   */
  *messages(size: number): Generator<{ messages: Row[]; events: Row[] }> {
    const { plan } = this;
    const s = plan.sizes;
    const lastPos = new Float64Array(s.conversations).map((_, c) => c + 1);
    const bodyOf = mulberry32(414141);
    let messages: Row[] = [];
    let events: Row[] = [];
    for (const m of plannedMessages(s, plan.members)) {
      const b = Math.floor(bodyOf() * this.pool);
      const { row, event } = this.message(m, b, lastPos);
      messages.push(row);
      if (event) events.push(event);
      if (messages.length === size) {
        yield { messages, events };
        messages = [];
        events = [];
      }
    }
    if (messages.length > 0) yield { messages, events };
  }

  private message(m: PlannedMessage, b: number, lastPos: Float64Array): { row: Row; event: Row | null } {
    const { plan, parts } = this;
    const createdAt = plan.time.sentAt(m.index);
    const id = uuidLike(3, createdAt, m.index);
    const conversationId = this.conversationIds[m.conversation]!;
    const record = parts.newRecord(
      { id, conversationId, senderId: this.userIds[m.sender]!, clientId: id, body: this.bodies[b]!, createdAt },
      m.seq,
    );
    const row = { ...parts.messageRow(record), [this.searchColumn]: this.searchText[b] };
    const pos = positionOf(plan.sizes, m.index);
    const prev = lastPos[m.conversation]!;
    lastPos[m.conversation] = pos;
    if (m.index < plan.firstKept) return { row, event: null };
    const event = { ...parts.messageCreated(record), pos, prev, cursor: encodeSyncCursor(this.epoch, pos) };
    return {
      row,
      event: {
        pos,
        conversation_id: conversationId,
        subject_user_id: null,
        created_at: createdAt,
        payload: JSON.stringify(event),
        message_id: id,
      },
    };
  }
}
