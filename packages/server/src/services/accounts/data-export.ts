import type { ConversationService } from '../conversations/conversation-service.js';
import type { SessionService } from './session-service.js';
import type { UserService } from './user-service.js';
import type { Store } from '../../store/store.js';
import { messageView } from '../views.js';

const PAGE = 200;

/**
 * "All my data" (GET /api/v1/users/me/export) as JSON text, produced a page at a time as it is
 * read: a user with years of messages is never held in memory whole. The document has the shape
 * of UserExport in @confab/protocol, its keys in that order.
 */
export class DataExport {
  constructor(
    private readonly store: Store,
    private readonly users: UserService,
    private readonly sessions: SessionService,
    private readonly conversations: ConversationService,
  ) {}

  async *stream(userId: string, currentSessionId: string): AsyncGenerator<string> {
    // Read before the first byte goes out: a failure here is still an error answer, not a cut document.
    const profile = await this.users.getMe(userId);
    yield `{"exportedAt":${JSON.stringify(new Date().toISOString())},"profile":${JSON.stringify(profile)}`;
    yield `,"sessions":${JSON.stringify((await this.sessions.list(userId, currentSessionId)).items)}`;
    yield* array('conversations', this.conversationPages(userId));
    yield* array('messages', this.messagePages(userId));
    const receipts = (await this.store.accounts.listMemberships(userId)).map((m) => ({
      conversationId: m.conversationId,
      readSeq: m.readSeq,
      deliveredSeq: m.deliveredSeq,
    }));
    yield `,"receipts":${JSON.stringify(receipts)}}`;
  }

  private async *conversationPages(userId: string): AsyncGenerator<unknown[]> {
    for (let cursor: string | undefined; ;) {
      const page = await this.conversations.list(userId, { limit: 100, archived: 'include', ...(cursor ? { cursor } : {}) });
      yield page.items;
      if (page.nextCursor === null) return;
      cursor = page.nextCursor;
    }
  }

  private async *messagePages(userId: string): AsyncGenerator<unknown[]> {
    for (let afterId: string | undefined; ;) {
      const rows = await this.store.accounts.listMessagesBySender(userId, { limit: PAGE, ...(afterId ? { afterId } : {}) });
      yield rows.map((m) => messageView(m));
      if (rows.length < PAGE) return;
      afterId = rows.at(-1)!.id;
    }
  }
}

/** `,"name":[…]` from pages of items, one chunk per page. */
async function* array(name: string, pages: AsyncGenerator<unknown[]>): AsyncGenerator<string> {
  yield `,${JSON.stringify(name)}:[`;
  let first = true;
  for await (const items of pages) {
    if (items.length === 0) continue;
    yield (first ? '' : ',') + items.map((item) => JSON.stringify(item)).join(',');
    first = false;
  }
  yield ']';
}
