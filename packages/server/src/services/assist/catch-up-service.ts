import type { CatchUp } from '@confab/protocol';
import { notFound } from '../../errors.js';
import type { MessageRecord, Store } from '../../store/store.js';
import type { MembershipCache } from '../conversations/membership.js';
import type { AssistSettingsService } from './assist-settings.js';
import { isQuestion } from './asks.js';
import { summarize } from './catch-up-ranking.js';
import { serverMayRead } from './server-may-read.js';

/** The newest this many messages of a stretch are summarised (the ranking's cost grows with their square). */
export const CATCH_UP_MAX_MESSAGES = 1000;

/** Catch-up (issue 40): what I missed in a conversation, quoted from the messages themselves. */
export class CatchUpService {
  constructor(
    private readonly store: Store,
    private readonly membership: MembershipCache,
    private readonly settings: AssistSettingsService,
  ) {}

  async catchUp(userId: string, conversationId: string, since?: number): Promise<CatchUp> {
    await this.settings.require(userId, 'catchUp');
    await this.membership.requireRole(conversationId, userId);
    const [conversation, member, mine] = await Promise.all([
      this.store.conversations.getConversation(conversationId),
      this.store.members.getMember(conversationId, userId),
      this.store.members.getMemberSettings(conversationId, userId),
    ]);
    if (!conversation || !member || !mine) throw notFound('Conversation');
    if (!serverMayRead(conversation)) return { items: [], speakers: [], openQuestions: [] };
    // Never what I cleared, whatever `since` says.
    const after = Math.max(since ?? member.readSeq, mine.clearedSeq);
    const messages = (await this.stretch(conversationId, after, conversation.lastSeq)).filter(
      (m) => m.senderId !== userId && m.deletedAt === null && m.kind !== 'system',
    );
    return {
      items: summarize(
        messages.map((m) => ({ id: m.id, seq: m.seq, body: m.body, pinned: m.pinnedAt !== null, mentionsMe: m.mentions.includes(userId) })),
      ),
      speakers: speakersOf(messages),
      openQuestions: openQuestions(messages),
    };
  }

  /** The main-timeline messages after `after`, oldest first: the newest CATCH_UP_MAX_MESSAGES of them. */
  private async stretch(conversationId: string, after: number, lastSeq: number): Promise<MessageRecord[]> {
    if (lastSeq - after <= CATCH_UP_MAX_MESSAGES)
      return this.store.messages.listMessages(conversationId, { after, limit: CATCH_UP_MAX_MESSAGES });
    const newest = await this.store.messages.listMessages(conversationId, { before: lastSeq + 1, limit: CATCH_UP_MAX_MESSAGES });
    return newest.filter((m) => m.seq > after).reverse();
  }
}

/** Who wrote, most messages first (then who wrote first). */
function speakersOf(messages: readonly MessageRecord[]): string[] {
  const counts = new Map<string, number>();
  for (const m of messages) counts.set(m.senderId, (counts.get(m.senderId) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([id]) => id);
}

/** Questions no one has replied to (quote or thread) nor reacted to, in the order asked. */
function openQuestions(messages: readonly MessageRecord[]): string[] {
  const repliedTo = new Set(messages.map((m) => m.replyToId).filter((id) => id !== null));
  return messages
    .filter(
      (m) =>
        m.replyCount === 0 &&
        !repliedTo.has(m.id) &&
        !m.reactions.some((r) => r.userIds.some((id) => id !== m.senderId)) &&
        isQuestion(m.body),
    )
    .map((m) => m.id);
}
