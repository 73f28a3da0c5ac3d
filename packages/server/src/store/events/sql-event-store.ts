import type { SqlContext } from '../sql-context.js';
import type { EventStore } from './event-store.js';
import * as eventLog from '../event-log.js';

/** `store.events` on the SQL engines: each method calls its query in store/event-log.ts. */
export function sqlEventStore({ db }: SqlContext): EventStore {
  return {
    streamHead: () => eventLog.streamHead(db),
    readUserEvents: (userId, after, limit) => eventLog.readUserEvents(db, userId, after, limit),
    readConversationEvents: (conversationId, after, limit) => eventLog.readConversationEvents(db, conversationId, after, limit),
    conversationHeadsBetween: (after, upTo) => eventLog.conversationHeadsBetween(db, after, upTo),
    conversationHeads: (userIds, after) => eventLog.conversationHeads(db, userIds, after),
    async pruneEvents(before, chunk = eventLog.PRUNE_CHUNK) {
      // Where to stop, found once: events logged meanwhile are newer still.
      const due = await eventLog.newestEventBefore(db, before);
      let total = 0;
      for (;;) {
        const deleted = await db.transaction().execute((trx) => eventLog.pruneEvents(trx, due, chunk));
        total += deleted;
        if (deleted < chunk) return total;
        // Between chunks the event loop serves requests, and sends take the write lock.
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  };
}
