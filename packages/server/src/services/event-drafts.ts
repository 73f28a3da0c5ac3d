import type { EventDraft } from '@confab/protocol';
import type { AppendPlan, ConversationRecord, Draft, MemberRecord, MessageRecord, ReadMarkerRecord } from '../store/store.js';
import { conversationInfoView, memberView, messageView } from './views.js';

/**
 * What each logged change tells the members. The services decide an event's content; the store
 * logs these drafts, built from what it has just stored, in the change's own transaction.
 */

export const conversationCreated = (conversation: ConversationRecord, members: MemberRecord[]): EventDraft => ({
  type: 'conversation.created',
  conversation: conversationInfoView(conversation),
  members: members.map(memberView),
});

export const conversationUpdated =
  (by: string): Draft<ConversationRecord> =>
  (conversation) => ({ type: 'conversation.updated', conversation: conversationInfoView(conversation), by });

export const memberAdded =
  (by: string) =>
  (member: MemberRecord, conversation: ConversationRecord): EventDraft => ({
    type: 'member.added',
    conversationId: member.conversationId,
    member: memberView(member),
    conversation: conversationInfoView(conversation),
    by,
  });

export const memberRemoved = (conversationId: string, userId: string, by: string): EventDraft => ({
  type: 'member.removed',
  conversationId,
  userId,
  by,
});

export const memberUpdated =
  (by: string): Draft<MemberRecord> =>
  (member) => ({ type: 'member.updated', conversationId: member.conversationId, member: memberView(member), by });

export const readUpdated =
  (conversationId: string, userId: string): Draft<ReadMarkerRecord> =>
  ({ readSeq, unreadCount }) => ({ type: 'read.updated', conversationId, userId, readSeq, unreadCount });

export const messageCreated: Draft<MessageRecord> = (message) => ({ type: 'message.created', message: messageView(message) });
export const messageUpdated: Draft<MessageRecord> = (message) => ({ type: 'message.updated', message: messageView(message) });
export const messageDeleted: Draft<MessageRecord> = (message) => ({ type: 'message.deleted', message: messageView(message) });

/**
 * Storing sent messages: each is announced, a thread root whose reply count moved is announced
 * as updated, and a sender has read their conversation up to what they sent.
 */
export const sendPlan: AppendPlan = { announce: messageCreated, announceRoot: messageUpdated, readBy: (message) => message.senderId };
