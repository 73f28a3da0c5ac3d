import type { ConversationSummary, Message } from '@confab/protocol';

/** What the ChatState tests share: me, one group I am in (`c`, at pos 1), and a message in it. */
export const me = 'me';
export const at = '2026-01-01T00:00:00.000Z';
export const summary: ConversationSummary = {
  id: 'c',
  kind: 'group',
  title: 'g',
  createdBy: 'other',
  createdAt: at,
  lastSeq: 0,
  lastActivityAt: at,
  memberCount: 2,
  encrypted: false,
  myRole: 'member',
  readSeq: 0,
  lastPos: 1,
  unreadCount: 0,
  mentionCount: 0,
  unreadThreads: 0,
  lastMessage: null,
  peerId: null,
  muted: false,
  starred: false,
  archived: false,
  clearedSeq: 0,
};
export const message = (seq: number, senderId: string, mentions: string[] = []): Message => ({
  id: `m${seq}`,
  conversationId: 'c',
  seq,
  senderId,
  clientId: `k${seq}`,
  kind: 'text',
  body: `hi ${seq}`,
  createdAt: at,
  editedAt: null,
  deletedAt: null,
  replyToId: null,
  replyTo: null,
  threadRootId: null,
  replyCount: 0,
  lastReplyAt: null,
  reactions: [],
  mentions,
  pinnedAt: null,
  pinnedBy: null,
});
