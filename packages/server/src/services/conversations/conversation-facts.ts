import type { ConversationKind } from '@confab/protocol';
import { LRUCache } from 'lru-cache';
import type { Store } from '../../store/store.js';

/** What a plain send reads of its conversation. */
export interface ConversationFacts {
  kind: ConversationKind;
  encrypted: boolean;
}

/**
 * A conversation's kind and whether it is encrypted, cached per node: every plain send asked the
 * store for the conversation only to learn these (issue 41: a query per message). The kind never
 * changes; `encrypted` only ever turns on, and a plain send that read it as plain after it turned
 * on (here or on another node) is refused all the same by the store's own check under the
 * conversation's lock (`store/sql/mls-groups.ts`: 400 `encrypted_conversation`), so an entry
 * needs no news of the change. It lives at most `ttlMs`, so the cheaper refusal comes back soon.
 * An MLS send reads the conversation itself (it needs the group's state).
 */
export class ConversationFactsCache {
  private readonly known: LRUCache<string, ConversationFacts>;

  constructor(
    private readonly store: Pick<Store, 'conversations'>,
    max = 10_000,
    ttlMs = 60_000,
    now: () => number = () => performance.now(),
  ) {
    this.known = new LRUCache({ max, ttl: ttlMs, perf: { now }, ttlResolution: 0 });
  }

  /** The conversation's facts; undefined when it does not exist (never cached). */
  async of(conversationId: string): Promise<ConversationFacts | undefined> {
    const cached = this.known.get(conversationId);
    if (cached) return cached;
    const conversation = await this.store.conversations.getConversation(conversationId);
    if (!conversation) return undefined;
    const facts = { kind: conversation.kind, encrypted: conversation.encrypted };
    this.known.set(conversationId, facts);
    return facts;
  }
}
