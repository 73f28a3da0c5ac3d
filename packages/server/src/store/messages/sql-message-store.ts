import type { SqlContext } from '../sql-context.js';
import type { MessageStore } from './message-store.js';
import * as messageChanges from '../sql/message-changes.js';
import * as messages from '../sql/messages.js';
import * as messageAppend from '../sql/message-append.js';
import * as saved from '../sql/saved.js';

/**
 * `store.messages` on the SQL engines: each method calls its query in store/sql/message-append.ts,
 * sql/messages.ts, sql/message-changes.ts.
 */
export function sqlMessageStore({ db, dialect, searchIndex, uniqueViolation }: SqlContext): MessageStore {
  return {
    appendMessages: (batch, plan, updates, notify) =>
      messageAppend.appendMessages(db, uniqueViolation, searchIndex, batch, plan, updates, notify, dialect.appendFresh),
    listMessages: (conversationId, page) => messages.listMessages(db, conversationId, page),
    getMessage: (id) => messageChanges.getMessage(db, id),
    async getMessages(ids) {
      return [...(await messageChanges.readMessages(db, [...new Set(ids)])).values()];
    },
    updateMessages: (batch) => messageChanges.updateMessages(db, searchIndex, batch),
    listEdits: (messageId) => messageChanges.listEdits(db, messageId),
    listThread: (rootId, page) => messageChanges.listThread(db, rootId, page),
    listPins: (conversationId, limit) => messageChanges.listPins(db, conversationId, limit),
    listRecentMessages: (userId, filter) => messages.listRecentMessages(db, userId, filter),
    setSaved: (userId, message, savedAt, announce) => saved.setSaved(db, userId, message, savedAt, announce),
    listSaved: (userId, page) => saved.listSaved(db, userId, page),
    listDue: (now, limit) => messages.listDue(db, now, limit),
  };
}
