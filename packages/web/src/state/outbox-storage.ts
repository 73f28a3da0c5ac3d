import type { PendingMessage } from './outbox.js';

/**
 * The outbox kept in localStorage, per user, so messages typed offline survive a reload: loaded
 * as pending, they go out with the clientId they were given (the server stores a clientId once,
 * so one that did reach it before the reload is answered with the stored message, not doubled).
 * Signing out here forgets them.
 */
export interface OutboxStorage {
  load(): PendingMessage[];
  save(pending: readonly PendingMessage[]): void;
}

const keyOf = (userId: string) => `confab.outbox.${userId}`;

export function localOutboxStorage(userId: string, storage: Storage = localStorage): OutboxStorage {
  const key = keyOf(userId);
  return {
    load() {
      try {
        const value = JSON.parse(storage.getItem(key) ?? '[]') as unknown;
        return Array.isArray(value) ? value.filter(isPending) : [];
      } catch {
        // A value this app did not write: nothing pending.
        return [];
      }
    },
    save(pending) {
      try {
        if (pending.length === 0) storage.removeItem(key);
        else storage.setItem(key, JSON.stringify(pending));
      } catch {
        // Storage full or refused (private mode): the messages stay pending in this page only.
      }
    },
  };
}

export function forgetOutbox(userId: string, storage: Storage = localStorage): void {
  storage.removeItem(keyOf(userId));
}

function isPending(value: unknown): value is PendingMessage {
  const p = value as Partial<PendingMessage> | null;
  return (
    typeof p?.clientId === 'string' &&
    typeof p.conversationId === 'string' &&
    (p.body === undefined || typeof p.body === 'string') &&
    typeof p.links === 'object' &&
    p.links !== null &&
    typeof p.createdAt === 'string' &&
    (p.status === 'sending' || p.status === 'failed')
  );
}
