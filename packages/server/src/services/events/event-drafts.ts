import { type DraftOf, type ErrorCode, type OutboundNotification, type SystemInfo, draftOf } from '@confab/protocol';
import { newId } from '../../ids.js';
import type {
  AppendPlan,
  ConversationListRow,
  ConversationRecord,
  Draft,
  DraftRecord,
  MemberRecord,
  MessageRecord,
  NotificationRecord,
  ReadMarkerRecord,
  SystemDraft,
  SavedChange,
  ScheduledEnd,
  ScheduledRecord,
  ThreadStateRecord,
} from '../../store/store.js';
import { shownToPeople } from '../../store/records.js';
import { conversationInfoView, draftView, memberView, messageView, notificationView, scheduledView } from '../views.js';

/**
 * What each logged change tells the members. The services decide an event's content; the store
 * logs these drafts, built from what it has just stored, in the change's own transaction. Each
 * draft is checked against its event's entry in the protocol's event map (`draftOf`).
 */

export const conversationCreated = (conversation: ConversationRecord, members: MemberRecord[]): DraftOf<'conversation.created'> =>
  draftOf('conversation.created', { conversation: conversationInfoView(conversation), members: members.map(memberView) });

export const conversationUpdated =
  (by: string): Draft<ConversationRecord> =>
  (conversation) =>
    draftOf('conversation.updated', { conversation: conversationInfoView(conversation), by });

/** My own mute, archive or clear: to my devices only (the store logs it in my private stream). */
export const settingsUpdated =
  (by: string): Draft<ConversationListRow> =>
  (view) =>
    draftOf('conversation.updated', { conversation: conversationInfoView(view.conversation), by, settings: view.settings });

export const memberAdded =
  (by: string) =>
  (member: MemberRecord, conversation: ConversationRecord): DraftOf<'member.added'> =>
    draftOf('member.added', {
      conversationId: member.conversationId,
      member: memberView(member),
      conversation: conversationInfoView(conversation),
      by,
    });

export const memberRemoved = (conversationId: string, userId: string, by: string): DraftOf<'member.removed'> =>
  draftOf('member.removed', { conversationId, userId, by });

export const memberUpdated =
  (by: string): Draft<MemberRecord> =>
  (member) =>
    draftOf('member.updated', { conversationId: member.conversationId, member: memberView(member), by });

export const readUpdated =
  (conversationId: string, userId: string): Draft<ReadMarkerRecord> =>
  ({ readSeq, unreadCount, mentionCount }) =>
    draftOf('read.updated', { conversationId, userId, readSeq, unreadCount, mentionCount });

export const messageCreated: Draft<MessageRecord> = (message) => draftOf('message.created', { message: messageView(message) });
export const messageUpdated: Draft<MessageRecord> = (message) => draftOf('message.updated', { message: messageView(message) });
export const messageDeleted: Draft<MessageRecord> = (message) => draftOf('message.deleted', { message: messageView(message) });

/**
 * Storing sent messages: each is announced, a thread root whose reply count moved is announced
 * as updated, and a sender has read their conversation up to what they sent.
 */
// A send marks what came before it read, in the main timeline only: a thread reply moves the sender's
// read position in its thread instead (store/sql/threads.ts; issue 35 item 2).
export const sendPlan: AppendPlan = {
  announce: messageCreated,
  announceRoot: messageUpdated,
  // Sending marks what is before it read, but a thread reply (its thread's), an MLS commit or
  // welcome (issue 39: a device sends those by itself), or an encrypted reaction or edit (as a
  // plain reaction or edit, which are no sends) does not.
  readBy: (message) => (message.threadRootId === null && shownToPeople(message) ? message.senderId : undefined),
};

/** A notification, in its recipient's private stream. */
export const notificationCreated: Draft<NotificationRecord> = (notification) =>
  draftOf('notification.created', { notification: notificationView(notification) });

/** What the webhook and Web Push carry for a notification (the outbox stores it as the body). */
export const outboundNotification = (notification: NotificationRecord): OutboundNotification => ({
  type: 'notification.created',
  userId: notification.userId,
  notification: notificationView(notification),
});

/** The history's record of a membership or title change, written with the change (kind `system`). */
export const systemDraft = (system: SystemInfo): SystemDraft => ({ id: newId(), system, announce: messageCreated });

// Thread read state (issue 35 item 2): my state of a thread, to my own devices.
export const threadRead: Draft<ThreadStateRecord> = (state) => draftOf('thread.read', state);
export const threadUpdated: Draft<ThreadStateRecord> = (state) => draftOf('thread.updated', state);

// Saved messages (issue 37): my save or unsave, to my own devices.
export const savedUpdated: Draft<SavedChange> = (change) =>
  draftOf('saved.updated', {
    conversationId: change.conversationId,
    messageId: change.messageId,
    saved: change.savedAt !== null,
    savedAt: change.savedAt === null ? null : new Date(change.savedAt).toISOString(),
  });

// Drafts (issue 37): my draft of a conversation saved or cleared, to my own devices.
export const draftUpdated: Draft<DraftRecord> = (draft) =>
  draftOf('draft.updated', { draft: draftView(draft), deleted: draft.body === '' });
// Scheduled send (issue 37): my schedules, to my own devices.
export const scheduledUpdated: Draft<ScheduledRecord> = (scheduled) =>
  draftOf('scheduled.updated', { scheduled: scheduledView(scheduled) });
export const scheduledRemoved: Draft<ScheduledEnd> = (end) =>
  draftOf('scheduled.removed', {
    scheduledId: end.id,
    conversationId: end.conversationId,
    reason: end.reason,
    messageId: end.messageId,
    error: end.error === null ? null : { code: end.error.code as ErrorCode, message: end.error.message },
  });
