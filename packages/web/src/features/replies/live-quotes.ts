import { useSyncExternalStore } from 'react';
import type { RealtimeConnection } from '@confab/client';
import { type Message, type ReplyPreview, replyExcerpt } from '@confab/protocol';
import { ExternalStore } from '../../state/external-store.js';

/** Enough for every quote on screen; the oldest changes go first past it. */
const MAX_HELD = 2000;

/**
 * What the messages quoted by replies look like now, from the changes the connection brought
 * since the page loaded: a quoted original that is edited or deleted while its reply is on screen
 * shows so at once (the reply itself is not re-sent by the server; its `replyTo` is as of when
 * it was read). Keyed by the original's id; one store per connection, for its lifetime.
 */
class LiveQuotes extends ExternalStore<ReadonlyMap<string, ReplyPreview>> {
  constructor(connection: RealtimeConnection) {
    super(new Map());
    connection.on('message.updated', ({ message }) => this.changed(message));
    connection.on('message.deleted', ({ message }) => this.changed(message));
  }

  private changed(message: Message): void {
    const next = new Map(this.getSnapshot());
    next.delete(message.id);
    next.set(message.id, {
      id: message.id,
      senderId: message.senderId,
      // As the server words it (protocol's rules), so a reload shows the same quote.
      excerpt: message.deletedAt === null ? replyExcerpt(message.body ?? '') : '',
      deleted: message.deletedAt !== null,
      seq: message.seq,
    });
    if (next.size > MAX_HELD) next.delete(next.keys().next().value!);
    this.set(next);
  }
}

const stores = new WeakMap<RealtimeConnection, LiveQuotes>();

function liveQuotes(connection: RealtimeConnection): LiveQuotes {
  let store = stores.get(connection);
  if (!store) stores.set(connection, (store = new LiveQuotes(connection)));
  return store;
}

/** The quote as it is now: the live change of its original if one came, else the reply's own. */
export function useLiveQuote(connection: RealtimeConnection, quoted: ReplyPreview | null): ReplyPreview | null {
  const store = liveQuotes(connection);
  const changes = useSyncExternalStore(store.subscribe, store.getSnapshot);
  return quoted ? (changes.get(quoted.id) ?? quoted) : null;
}
