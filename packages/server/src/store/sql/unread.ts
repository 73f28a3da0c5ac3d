import type { ExpressionBuilder } from 'kysely';
import type { Database } from '../schema.js';

/**
 * What counts as unread, written once for the three queries that count it (the conversation
 * list's `unread_count`, a conversation's count after a read marker moves, the total): a message
 * `m` of the main timeline (a thread has its own count: sql/threads.ts) after my read marker and
 * what I cleared (`me`, my membership row), from someone else, and one people read — not an MLS
 * commit or welcome (`shown`, issue 39).
 */
type UnreadTables = Database & { m: Database['messages']; me: Database['members'] };

export function isUnreadFor(eb: ExpressionBuilder<UnreadTables, 'm' | 'me'>, userId: string) {
  return eb.and([
    eb(eb.ref('m.seq'), '>', eb.ref('me.read_seq')),
    eb(eb.ref('m.seq'), '>', eb.ref('me.cleared_seq')),
    eb('m.sender_id', '<>', userId),
    eb('m.thread_root_id', 'is', null),
    eb('m.shown', '=', 1),
  ]);
}
