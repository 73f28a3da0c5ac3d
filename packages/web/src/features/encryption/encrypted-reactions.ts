import { useEffect, useSyncExternalStore } from 'react';
import type { ConfabClient, DecryptedMessage, RealtimeConnection } from '@confab/client';
import type { Reaction } from '@confab/protocol';

/**
 * Reactions in encrypted conversations (issue 39 part 5): their keys are inside MLS messages, so
 * the server cannot count them; the SDK counts those this browser decrypted
 * (`encryptedReactions`), and this store keeps each conversation's counts, counted again when a
 * reaction arrives. One store per signed-in client.
 */
class EncryptedReactionStore {
  private readonly counts = new Map<string, ReadonlyMap<string, Reaction[]>>();
  private readonly loading = new Set<string>();
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly client: ConfabClient,
    connection: RealtimeConnection,
  ) {
    connection.on('message.created', ({ message }) => {
      if ((message as DecryptedMessage).reaction !== undefined) void this.load(message.conversationId);
    });
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  of(conversationId: string, messageId: string): Reaction[] {
    return this.counts.get(conversationId)?.get(messageId) ?? NONE;
  }

  /** Counts the conversation's reactions the first time it is shown. */
  want(conversationId: string): void {
    if (!this.counts.has(conversationId) && !this.loading.has(conversationId)) void this.load(conversationId);
  }

  async load(conversationId: string): Promise<void> {
    this.loading.add(conversationId);
    try {
      const counted = await this.client.encryptedReactions(conversationId);
      const byMessage = new Map<string, Reaction[]>();
      for (const [messageId, list] of counted)
        byMessage.set(
          messageId,
          list.map(({ key, count, userIds }) => ({ emoji: key, count, userIds })),
        );
      this.counts.set(conversationId, byMessage);
      for (const listener of this.listeners) listener();
    } finally {
      this.loading.delete(conversationId);
    }
  }

  async toggle(conversationId: string, messageId: string, emoji: string, on: boolean): Promise<void> {
    await this.client.reactEncrypted(conversationId, messageId, emoji, on);
    await this.load(conversationId);
  }
}

const NONE: Reaction[] = [];
const stores = new WeakMap<ConfabClient, EncryptedReactionStore>();

export function encryptedReactionStore(client: ConfabClient, connection: RealtimeConnection): EncryptedReactionStore {
  let store = stores.get(client);
  if (!store) stores.set(client, (store = new EncryptedReactionStore(client, connection)));
  return store;
}

/** A message's reactions in an encrypted conversation (empty elsewhere: `enabled` false). */
export function useEncryptedReactions(
  services: { client: ConfabClient; connection: RealtimeConnection },
  conversationId: string,
  messageId: string,
  enabled: boolean,
): Reaction[] {
  const store = encryptedReactionStore(services.client, services.connection);
  useEffect(() => {
    if (enabled) store.want(conversationId);
  }, [store, conversationId, enabled]);
  return useSyncExternalStore(store.subscribe, () => (enabled ? store.of(conversationId, messageId) : NONE));
}
