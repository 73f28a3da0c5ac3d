import type { EventDraft } from '@confab/protocol';
import type {
  ConversationListRow,
  ConversationRecord,
  Draft,
  MemberRecord,
  MlsGroupRecord,
  NewConversation,
  NewMember,
  NotifyDraft,
  StoredEvent,
  SystemDraft,
} from '../store.js';

/**
 * `store.conversations`: conversations: creating one (with its first members), its title, and each
 * member's view of their conversations. Memberships are `store.members`. Its conformance section
 * is beside it (conversations/*.conformance.ts).
 */
export interface ConversationStore {
  /**
   * Logs `announce(conversation, members)`. For a direct conversation an existing one with the
   * same directKey is returned instead, and nothing is logged.
   */
  createConversation(
    conversation: NewConversation,
    members: NewMember[],
    announce: (conversation: ConversationRecord, members: MemberRecord[]) => EventDraft,
    notify?: NotifyDraft,
  ): Promise<{ conversation: ConversationRecord; created: boolean; events: StoredEvent[] }>;
  getConversation(id: string): Promise<ConversationRecord | undefined>;
  updateConversationTitle(
    id: string,
    title: string,
    announce: Draft<ConversationRecord>,
    system?: SystemDraft,
  ): Promise<{ conversation: ConversationRecord; events: StoredEvent[] } | undefined>;
  /**
   * Turns end-to-end encryption on (issue 39) with its MLS group at epoch 0, logging `announce` and
   * the system message; undefined when there is no such conversation or it is encrypted already.
   */
  encryptConversation(
    group: MlsGroupRecord,
    announce: Draft<ConversationRecord>,
    system: SystemDraft,
  ): Promise<{ conversation: ConversationRecord; events: StoredEvent[] } | undefined>;
  /** An encrypted conversation's MLS group (undefined for a plain one). */
  getMlsGroup(conversationId: string): Promise<MlsGroupRecord | undefined>;
  /** Each user's conversation ids, for many users in one read (sockets resuming together); a user in none is left out. */
  listConversationIds(userIds: readonly string[]): Promise<Map<string, string[]>>;
  /** Most recently active first; `after` continues after that (activity, id) key. */
  listConversations(
    userId: string,
    page: { limit: number; after?: { activityAt: number; id: string }; archived?: ArchivedFilter },
  ): Promise<ConversationListRow[]>;
  getConversationView(userId: string, conversationId: string): Promise<ConversationListRow | undefined>;
}

export type ArchivedFilter = 'exclude' | 'include' | 'only';
