import type { NeedsReplyReason } from '@confab/protocol';
import type { MyLatestSeq, NeedsReplyCandidate } from '../../store/store.js';
import { detectAsk } from './asks.js';

/**
 * Whether a message needs my reply (issue 40), decided from the facts the store hands over
 * (store/sql/assist.ts `needsReplyCandidates`): it mentions me, replies to my message, or, in a
 * direct conversation, asks something (asks.ts). It no longer does once I answered after it in
 * its conversation's main timeline (or in its thread, for a thread reply) or reacted to it.
 */
export interface NeedsReplyVerdict {
  reason: NeedsReplyReason;
  evidence: string[];
}

/** My newest seq by where I wrote: `conversationId` (main timeline) or `conversationId/rootId` (a thread). */
export type MyAnswers = ReadonlyMap<string, number>;

export function indexAnswers(latest: readonly MyLatestSeq[]): MyAnswers {
  return new Map(latest.map((l) => [l.threadRootId === null ? l.conversationId : `${l.conversationId}/${l.threadRootId}`, l.seq]));
}

export function needsReply(
  candidate: NeedsReplyCandidate,
  me: { id: string; username: string },
  answers: MyAnswers,
): NeedsReplyVerdict | null {
  const { message } = candidate;
  if (message.reactions.some((r) => r.userIds.includes(me.id))) return null;
  const answeredIn = (key: string) => (answers.get(key) ?? 0) > message.seq;
  const answered =
    message.threadRootId === null
      ? // In the timeline, or in the thread started on the message itself.
        answeredIn(message.conversationId) || answeredIn(`${message.conversationId}/${message.id}`)
      : answeredIn(`${message.conversationId}/${message.threadRootId}`);
  if (answered) return null;
  const ask = detectAsk(message.body);
  if (candidate.mentionsMe) return { reason: 'mention', evidence: mentionEvidence(message.body, me.username) };
  if (candidate.repliesToMe) return { reason: 'reply', evidence: ask?.evidence ?? [] };
  if (candidate.direct && ask !== null) return { reason: ask.kind, evidence: ask.evidence };
  return null;
}

/** The mention as written (`@Ana`), or `@all` / `@here` when those reached me. */
function mentionEvidence(body: string, username: string): string[] {
  const escaped = username.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const found = new RegExp(`@(?:${escaped}|all|here|everyone|channel)(?![\\p{L}\\p{N}_])`, 'iu').exec(body);
  return [found ? found[0] : `@${username}`];
}
