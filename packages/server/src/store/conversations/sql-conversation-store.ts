import type { SqlContext } from '../sql-context.js';
import type { ConversationStore } from './conversation-store.js';
import * as conversations from '../sql/conversations.js';
import * as conversationList from '../sql/conversation-list.js';
import * as mlsGroups from '../sql/mls-groups.js';

/**
 * `store.conversations` on the SQL engines: each method calls its query in
 * store/sql/conversations.ts, conversation-list.ts or mls-groups.ts.
 */
export function sqlConversationStore({ db, uniqueViolation }: SqlContext): ConversationStore {
  return {
    createConversation: (conversation, initialMembers, announce, notify) =>
      conversations.createConversation(db, uniqueViolation, conversation, initialMembers, announce, notify),
    getConversation: (id) => conversations.getConversation(db, id),
    updateConversationTitle: (id, title, announce, system) => conversations.updateConversationTitle(db, id, title, announce, system),
    encryptConversation: (group, announce, system) => mlsGroups.encryptConversation(db, group, announce, system),
    getMlsGroup: (conversationId) => mlsGroups.getMlsGroup(db, conversationId),
    listConversationIds: (userIds) => conversations.listConversationIds(db, userIds),
    listConversations: (userId, page) => conversationList.listConversations(db, userId, page),
    getConversationView: (userId, conversationId) => conversationList.getConversationView(db, userId, conversationId),
  };
}
