import Type from 'typebox';
import type { NeedsReplyItem, NeedsReplyPage, NeedsReplyQuery } from '@confab/protocol';
import { notFound } from '../../errors.js';
import { CursorFields, decodeCursor, encodeCursor } from '../../infra/cursor.js';
import type { MessageRecord, Store } from '../../store/store.js';
import type { MembershipCache } from '../conversations/membership.js';
import { sourcesOfReader } from '../messaging/forwarding.js';
import { messageView } from '../views.js';
import type { AssistSettingsService } from './assist-settings.js';
import { indexAnswers, needsReply } from './needs-reply-rules.js';
import { serverMayRead } from './server-may-read.js';

/** Messages older than this are not looked at: a question a month old has been answered elsewhere, or never will be. */
export const NEEDS_REPLY_WINDOW_MS = 30 * 86_400_000;
const PAGE_SIZE = 20;
const BATCH = 100;
/** A page reads at most this many batches of candidates; past them it ends with a cursor where it stopped. */
const MAX_BATCHES = 5;

const NeedsReplyCursor = Type.Object({ b: CursorFields.id }, { additionalProperties: false });

/** "Needs reply" (issue 40): what asks something of me and has no answer from me after it. */
export class NeedsReplyService {
  constructor(
    private readonly store: Store,
    private readonly membership: MembershipCache,
    private readonly settings: AssistSettingsService,
  ) {}

  async list(userId: string, query: NeedsReplyQuery): Promise<NeedsReplyPage> {
    await this.settings.require(userId, 'needsReply');
    const limit = query.limit ?? PAGE_SIZE;
    let before = query.cursor === undefined ? undefined : decodeCursor(query.cursor, NeedsReplyCursor).b;
    const me = await this.store.users.getUser(userId);
    if (!me) throw notFound('User');
    const since = Date.now() - NEEDS_REPLY_WINDOW_MS;
    const answers = indexAnswers(await this.store.assist.myLatestSeqs(userId, since));
    const found: { message: MessageRecord; item: Omit<NeedsReplyItem, 'message'> }[] = [];
    let exhausted = false;
    for (let batch = 0; batch < MAX_BATCHES && found.length <= limit && !exhausted; batch++) {
      const rows = await this.store.assist.needsReplyCandidates(userId, { since, limit: BATCH, ...(before ? { beforeId: before } : {}) });
      for (const row of rows) {
        before = row.message.id;
        // A message of kind `encrypted` exists only in an encrypted conversation.
        const encrypted = row.message.kind === 'encrypted';
        if (!serverMayRead({ id: row.message.conversationId, kind: row.direct ? 'direct' : 'group', encrypted })) continue;
        const verdict = needsReply(row, me, answers);
        if (verdict) found.push({ message: row.message, item: verdict });
        if (found.length > limit) break;
      }
      exhausted = rows.length < BATCH;
    }
    const items = found.slice(0, limit);
    const sources = await sourcesOfReader(
      this.membership,
      userId,
      items.map((f) => f.message),
    );
    const last = found.length > limit ? items.at(-1)!.message.id : exhausted ? undefined : before;
    return {
      items: items.map((f) => ({ message: messageView(f.message, sources), ...f.item })),
      nextCursor: last === undefined ? null : encodeCursor({ b: last }),
    };
  }

  /** Takes a message off my list for good (idempotent); 404 for one I cannot read. */
  async dismiss(userId: string, messageId: string): Promise<void> {
    await this.settings.require(userId, 'needsReply');
    const message = await this.store.messages.getMessage(messageId);
    if (!message || !(await this.membership.members(message.conversationId)).has(userId)) throw notFound('Message');
    await this.store.assist.dismiss(userId, message, Date.now());
  }
}
