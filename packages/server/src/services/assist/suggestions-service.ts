import type { AssistListQuery, AssistPeopleQuery, SuggestedConversations, SuggestedPeople } from '@confab/protocol';
import { fold, words } from '../../store/search-tokens.js';
import type { Store, UserRecord } from '../../store/store.js';
import { conversationSummaryView, userView } from '../views.js';
import type { AssistSettingsService } from './assist-settings.js';
import { FRECENCY_WINDOW_MS, rankByFrecency } from './frecency.js';

const DEFAULT_LIMIT = 10;
/** Each kind of interaction is read up to this many, newest first. */
const INTERACTIONS_PER_KIND = 500;

/** People and conversations I deal with most, lately most (frecency.ts): for the quick switcher and "new message". */
export class SuggestionsService {
  constructor(
    private readonly store: Store,
    private readonly settings: AssistSettingsService,
  ) {}

  async people(userId: string, query: AssistPeopleQuery): Promise<SuggestedPeople> {
    await this.settings.require(userId);
    const now = Date.now();
    const interactions = await this.store.assist.interactions(userId, now - FRECENCY_WINDOW_MS, INTERACTIONS_PER_KIND);
    const ranked = rankByFrecency(interactions, now, (i) => (i.peerId === userId ? null : i.peerId));
    const users = new Map((await this.store.users.getUsers(ranked.map((r) => r.key))).map((u) => [u.id, u]));
    const prefix = query.q === undefined ? '' : fold(query.q.trim().replace(/^@/, ''));
    const items = ranked
      .map((r) => ({ user: users.get(r.key), score: r.score }))
      .filter((r): r is { user: UserRecord; score: number } => r.user !== undefined && r.user.deletedAt === null && matches(r.user, prefix))
      .slice(0, query.limit ?? DEFAULT_LIMIT);
    return { items: items.map((r) => ({ user: userView(r.user), score: r.score })) };
  }

  async conversations(userId: string, query: AssistListQuery): Promise<SuggestedConversations> {
    await this.settings.require(userId);
    const now = Date.now();
    const interactions = await this.store.assist.interactions(userId, now - FRECENCY_WINDOW_MS, INTERACTIONS_PER_KIND);
    const ranked = rankByFrecency(interactions, now, (i) => i.conversationId);
    const items: SuggestedConversations['items'] = [];
    for (const r of ranked) {
      if (items.length === (query.limit ?? DEFAULT_LIMIT)) break;
      // Left since: no longer mine to suggest.
      const row = await this.store.conversations.getConversationView(userId, r.key);
      if (row) items.push({ conversation: conversationSummaryView(row), score: r.score });
    }
    return { items };
  }
}

/** A word of the username or display name starts with the prefix (folded: case and Latin accents ignored). */
function matches(user: UserRecord, prefix: string): boolean {
  if (prefix === '') return true;
  if (fold(user.username).startsWith(prefix)) return true;
  return words(user.displayName).some((w) => w.folded.startsWith(prefix)) || fold(user.displayName).startsWith(prefix);
}
