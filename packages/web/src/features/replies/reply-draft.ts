import { useSyncExternalStore } from 'react';
import type { Message } from '@confab/protocol';
import { ExternalStore } from '../../state/external-store.js';

/** The message each conversation's composer is replying to (quoting), if any. */
class ReplyDraftStore extends ExternalStore<ReadonlyMap<string, Message>> {
  constructor() {
    super(new Map());
  }

  get(conversationId: string): Message | undefined {
    return this.getSnapshot().get(conversationId);
  }

  set_(conversationId: string, message: Message | null): void {
    const next = new Map(this.getSnapshot());
    if (message) next.set(conversationId, message);
    else next.delete(conversationId);
    this.set(next);
  }
}

export const replyDraft = new ReplyDraftStore();

export function useReplyDraft(conversationId: string): Message | undefined {
  return useSyncExternalStore(replyDraft.subscribe, replyDraft.getSnapshot).get(conversationId);
}
