import type { CatchUp } from '@confab/protocol';
import { notFound } from '../../errors.js';
import type { MessageRecord, Store } from '../../store/store.js';
import type { MembershipCache } from '../conversations/membership.js';
import type { AssistSettingsService } from './assist-settings.js';
import { isQuestion } from './asks.js';
import { type ModelProvider, cosine } from '../../infra/models/model-provider.js';
import { type SentenceSimilarity, type SummaryMessage, summarize, summarizeWith } from './catch-up-ranking.js';
import { serverMayRead } from './server-may-read.js';

/** The newest this many messages of a stretch are summarised (the ranking's cost grows with their square). */
export const CATCH_UP_MAX_MESSAGES = 1000;
/** With a local model, a stretch of more distinct sentences than this is ranked by shared words (every pair's cosine is n²). */
export const MODEL_MAX_SENTENCES = 500;

/** Catch-up (issue 40): what I missed in a conversation, quoted from the messages themselves. */
export class CatchUpService {
  constructor(
    private readonly store: Store,
    private readonly membership: MembershipCache,
    private readonly settings: AssistSettingsService,
    /** A local model (ASSIST_MODEL_PATH), or null: sentences linked by the words they share. */
    private readonly model: ModelProvider | null = null,
    private readonly onModelError: (error: unknown) => void = () => {},
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
    const toSummarize: SummaryMessage[] = messages.map((m) => ({
      id: m.id,
      seq: m.seq,
      body: m.body,
      pinned: m.pinnedAt !== null,
      mentionsMe: m.mentions.includes(userId),
    }));
    return {
      items: this.model ? await summarizeWith(toSummarize, this.similarity, this.onModelError) : summarize(toSummarize),
      speakers: speakersOf(messages),
      openQuestions: openQuestions(messages),
    };
  }

  /** Two sentences are linked when the model finds them alike (cosine at or above its ASSIST_MODEL_MIN_SIMILARITY), by their cosine. */
  private readonly similarity: SentenceSimilarity = async (sentences) => {
    const model = this.model;
    if (!model || sentences.length > MODEL_MAX_SENTENCES) return undefined;
    const vectors = await model.embed(sentences.map((s) => s.text));
    return (i, j) => {
      const alike = cosine(vectors[i]!, vectors[j]!);
      return alike >= model.minSimilarity ? alike : 0;
    };
  };

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
