import type { ReplySuggestions } from '@confab/protocol';
import { notFound } from '../../errors.js';
import { type ModelProvider, cosine } from '../../infra/models/model-provider.js';
import type { Store } from '../../store/store.js';
import type { MembershipCache } from '../conversations/membership.js';
import type { AssistSettingsService } from './assist-settings.js';
import { findDateMention } from './date-mentions.js';
import { type PromptSimilarity, languageOf, scheduleLabel, similarReplies, yesNoAnswers } from './reply-suggestions.js';
import { serverMayRead } from './server-may-read.js';

/** My replies of the last 180 days are the history suggestions come from, the newest HISTORY of them. */
const HISTORY_MS = 180 * 86_400_000;
const HISTORY = 1000;

/** `GET /api/v1/messages/:id/reply-suggestions` (issue 40). */
export class ReplySuggestionsService {
  constructor(
    private readonly store: Store,
    private readonly membership: MembershipCache,
    private readonly settings: AssistSettingsService,
    /** A local model (ASSIST_MODEL_PATH), or null: BM25 alone. */
    private readonly model: ModelProvider | null = null,
    private readonly onModelError: (error: unknown) => void = () => {},
  ) {}

  async suggest(userId: string, messageId: string): Promise<ReplySuggestions> {
    await this.settings.require(userId, 'replySuggestions');
    const message = await this.store.messages.getMessage(messageId);
    if (!message || !(await this.membership.members(message.conversationId)).has(userId)) throw notFound('Message');
    const conversation = await this.store.conversations.getConversation(message.conversationId);
    // Nothing for my own messages, deleted or system ones, nor for a conversation the server may not read.
    if (
      !conversation ||
      !serverMayRead(conversation) ||
      message.senderId === userId ||
      message.deletedAt !== null ||
      message.kind === 'system'
    )
      return { items: [] };
    const now = Date.now();
    const [me, history] = await Promise.all([
      this.store.users.getUser(userId),
      this.store.assist.myReplyPairs(userId, now - HISTORY_MS, HISTORY),
    ]);
    const timeZone = me?.timeZone ?? 'UTC';
    const items: ReplySuggestions['items'] = similarReplies(message.body, history, 3, await this.similarity(message.body, history)).map(
      (text) => ({ text, kind: 'reply' as const }),
    );
    const lang = languageOf(message.body);
    const yesNo = yesNoAnswers(message.body, lang);
    const taken = new Set(items.map((i) => i.text.toLowerCase()));
    if (yesNo) for (const text of yesNo) if (!taken.has(text.toLowerCase())) items.push({ text, kind: 'chip' });
    const date = findDateMention(message.body, message.createdAt, timeZone);
    if (date && lang)
      items.push({
        text: scheduleLabel(lang, date.at, timeZone, date.hasTime),
        kind: 'chip',
        action: { type: 'schedule', at: date.at.toISOString(), text: date.text },
      });
    return { items };
  }

  /** The model's cosines of the message with my past prompts; none without a model, or when it fails (BM25 still answers). */
  private async similarity(text: string, history: readonly { promptBody: string }[]): Promise<PromptSimilarity | undefined> {
    if (!this.model || history.length === 0) return undefined;
    try {
      const [query, ...prompts] = await this.model.embed([text, ...history.map((h) => h.promptBody)]);
      return { of: prompts.map((p) => cosine(query!, p)), min: this.model.minSimilarity };
    } catch (error) {
      this.onModelError(error);
      return undefined;
    }
  }
}
