import type { ConversationKind, Role } from '@confab/protocol';
import type { MemberSettings } from '../members/member-store.js';
import type { MlsGroupRecord } from './encryption.js';
import type { MessageRecord } from './messages.js';

/** Conversations and their members, and a conversation as my list shows it. Timestamps are epoch ms. */

export interface ConversationRecord {
  id: string;
  kind: ConversationKind;
  title: string | null;
  /** "userA:userB" (sorted) for a direct conversation, so a pair has exactly one. */
  directKey: string | null;
  createdBy: string;
  createdAt: number;
  lastSeq: number;
  lastActivityAt: number;
  memberCount: number;
  /** Position of the conversation's newest event in the log. */
  lastPos: number;
  /** A group's description (an imported channel's topic; issue 37); absent without one. */
  description?: string;
  /** End-to-end encrypted (issue 39): its MLS group is an MlsGroupRecord. */
  encrypted: boolean;
}

export type NewConversation = Omit<ConversationRecord, 'lastSeq' | 'memberCount' | 'lastPos' | 'encrypted'> & {
  /** Created encrypted: its MLS group is created with it, at epoch 0. */
  mlsGroup?: Omit<MlsGroupRecord, 'conversationId'>;
};

export interface MemberRecord {
  conversationId: string;
  userId: string;
  role: Role;
  joinedAt: number;
  readSeq: number;
  deliveredSeq: number;
}

export type NewMember = Omit<MemberRecord, 'readSeq' | 'deliveredSeq'>;

export interface ConversationListRow {
  conversation: ConversationRecord;
  member: MemberRecord;
  lastMessage: MessageRecord | null;
  unreadCount: number;
  mentionCount: number;
  /** The threads I follow with replies I have not read (issue 35 item 2). */
  unreadThreads: number;
  /** The other member of a direct conversation. */
  peerId: string | null;
  settings: MemberSettings;
}
