import type { EventDraft, Role } from '@confab/protocol';
import type {
  ChangeExtras,
  ConversationListRow,
  ConversationRecord,
  Draft,
  MemberRecord,
  NewMember,
  StoredEvent,
  SystemDraft,
} from '../store.js';

/**
 * `store.members`: memberships of conversations: who is in one, their roles, joining and leaving,
 * and each member's own settings of it (muted, archived, cleared; logged in their private stream).
 * Its conformance section is beside it (members/*.conformance.ts).
 */
export interface MemberStore {
  getMember(conversationId: string, userId: string): Promise<MemberRecord | undefined>;
  listMembers(conversationId: string): Promise<MemberRecord[]>;
  /** Members of the conversation among `usernames` (ignoring case): lower-cased username → user id. */
  findMembersByUsername(conversationId: string, usernames: readonly string[]): Promise<Map<string, string>>;
  /**
   * Logs `announce(member, conversation)`, which the new member reads as their first event.
   * Throws UniqueViolation when already a member.
   */
  addMember(
    member: NewMember,
    announce: (member: MemberRecord, conversation: ConversationRecord) => EventDraft,
    also?: ChangeExtras,
  ): Promise<{ member: MemberRecord; events: StoredEvent[] }>;
  /** Logs `announce`, which the removed user may still read. Returns undefined when the user was not a member. */
  removeMember(
    conversationId: string,
    userId: string,
    announce: EventDraft,
    system?: SystemDraft,
  ): Promise<{ events: StoredEvent[] } | undefined>;
  /** Applies role changes in one transaction (an ownership transfer is two changes); logs one event per member changed. */
  setRoles(
    conversationId: string,
    changes: { userId: string; role: Role }[],
    announce: Draft<MemberRecord>,
  ): Promise<{ members: MemberRecord[]; events: StoredEvent[] }>;
  sharesConversation(userId: string, otherId: string): Promise<boolean>;
  /**
   * Changes my own settings of a conversation and logs `announce(view)` in my private stream.
   * Undefined when I am not a member.
   */
  updateMemberSettings(
    conversationId: string,
    userId: string,
    change: SettingsChange,
    announce: Draft<ConversationListRow>,
  ): Promise<{ view: ConversationListRow; events: StoredEvent[] } | undefined>;
  /** My settings of a conversation; undefined when I am not a member. */
  getMemberSettings(conversationId: string, userId: string): Promise<MemberSettings | undefined>;
  /** Of these (conversation, member) pairs, those where the member muted the conversation (one read for many). */
  mutedAmong(pairs: readonly MemberKey[]): Promise<MemberKey[]>;
}

/** A member's own settings of a conversation. */
export interface MemberSettings {
  muted: boolean;
  /** Pinned to the top of the member's own list. */
  starred: boolean;
  /** Archived, and no message has arrived since. */
  archived: boolean;
  /** History up to this seq is cleared for this member. */
  clearedSeq: number;
}

/** A change to my settings; `clear` clears my history up to the conversation's last seq now. */
export interface SettingsChange {
  muted?: boolean;
  starred?: boolean;
  archived?: boolean;
  clear?: true;
}

/** A member of a conversation. */
export interface MemberKey {
  conversationId: string;
  userId: string;
}
