import type {
  ConversationDetail,
  ConversationListQuery,
  ConversationPage,
  ConversationResponse,
  Draft,
  DraftList,
  DraftResponse,
  MemberResponse,
  Role,
  SaveDraftBody,
} from '@confab/protocol';
import { ClientBase } from './client-base.js';

/**
 * `ConfabClient`'s calls on conversations: opening and creating them, my settings and drafts of
 * them, their members (mixed into it in client.ts). In an encrypted conversation, membership
 * changes are then committed into its MLS group.
 */
export abstract class ConversationCalls extends ClientBase {
  /** The direct conversation with `userId`; `{encrypted: true}`: the pair's encrypted one (each pair has one of each). */
  async openDirect(userId: string, options: { encrypted?: boolean } = {}): Promise<ConversationDetail> {
    const encrypted = options.encrypted === true;
    const { conversation } = await this.http.request<{ conversation: ConversationDetail }>('POST', '/api/v1/conversations', {
      body: { kind: 'direct', userId, ...(encrypted ? { encrypted } : {}) },
    });
    this.e2e.seen([conversation]);
    if (encrypted) await this.e2e.groups().setUp(conversation);
    return conversation;
  }

  /** A new group; `{encrypted: true}` makes its MLS group here and commits every member's devices in. */
  async createGroup(title: string, memberIds: string[], options: { encrypted?: boolean } = {}): Promise<ConversationDetail> {
    const encrypted = options.encrypted === true;
    const { conversation } = await this.http.request<{ conversation: ConversationDetail }>('POST', '/api/v1/conversations', {
      body: { kind: 'group', title, memberIds, ...(encrypted ? { encrypted } : {}) },
    });
    this.e2e.seen([conversation]);
    if (encrypted) await this.e2e.groups().setUp(conversation);
    return conversation;
  }

  /** A page of my conversations; the client remembers which are encrypted, so a first send there asks nothing more. */
  async listConversations(query: ConversationListQuery = {}): Promise<ConversationPage> {
    const page = await this.http.request<ConversationPage>('GET', '/api/v1/conversations', { query });
    this.e2e.seen(page.items);
    return page;
  }

  async getConversation(conversationId: string): Promise<ConversationDetail> {
    const { conversation } = await this.http.request<{ conversation: ConversationDetail }>('GET', conversationPath(conversationId));
    this.e2e.seen([conversation]);
    return conversation;
  }

  /** My own settings of a conversation; each answers my view of it. */
  async setMuted(conversationId: string, muted: boolean): Promise<ConversationDetail> {
    return (await this.http.request<ConversationResponse>(muted ? 'PUT' : 'DELETE', `${conversationPath(conversationId)}/mute`))
      .conversation;
  }

  /** Star (pinned to the top of my list) or unstar; my devices learn it from `conversation.updated`. */
  async setStarred(conversationId: string, starred: boolean): Promise<void> {
    await this.http.request(starred ? 'PUT' : 'DELETE', `${conversationPath(conversationId)}/star`);
  }

  async setArchived(conversationId: string, archived: boolean): Promise<ConversationDetail> {
    return (await this.http.request<ConversationResponse>(archived ? 'PUT' : 'DELETE', `${conversationPath(conversationId)}/archive`))
      .conversation;
  }

  /** Clears my history up to the last message now; the others keep theirs. */
  async clearHistory(conversationId: string): Promise<ConversationDetail> {
    return (await this.http.request<ConversationResponse>('POST', `${conversationPath(conversationId)}/clear`)).conversation;
  }

  /**
   * My draft of a conversation, saved on the `version` I last saw (0: none). A stale version
   * throws ApiError `draft_conflict` carrying the stored draft (`error.draft`); "" clears it.
   */
  async saveDraft(conversationId: string, draft: SaveDraftBody): Promise<Draft> {
    return (await this.http.request<DraftResponse>('PUT', `${conversationPath(conversationId)}/draft`, { body: draft })).draft;
  }

  /** Clears my draft of a conversation whatever its version (sending there clears it too). */
  async deleteDraft(conversationId: string): Promise<void> {
    await this.http.request('DELETE', `${conversationPath(conversationId)}/draft`);
  }

  /** My drafts with text, newest first. */
  drafts(): Promise<DraftList> {
    return this.http.request('GET', '/api/v1/drafts');
  }

  async renameConversation(conversationId: string, title: string): Promise<ConversationDetail> {
    return (await this.http.request<{ conversation: ConversationDetail }>('PATCH', conversationPath(conversationId), { body: { title } }))
      .conversation;
  }

  /** Adds a member; in an encrypted conversation, then commits their devices into its group. */
  async addMember(conversationId: string, userId: string): Promise<MemberResponse> {
    const added = await this.http.request<MemberResponse>('POST', `${conversationPath(conversationId)}/members`, { body: { userId } });
    await (await this.e2e.mustEncrypt(conversationId))?.addMember(conversationId, userId);
    return added;
  }

  /** Removes a member (or leaves); in an encrypted conversation, then commits the removal of their devices. */
  async removeMember(conversationId: string, userId: string): Promise<void> {
    const e2e = await this.e2e.mustEncrypt(conversationId);
    await this.http.request('DELETE', `${conversationPath(conversationId)}/members/${encodeURIComponent(userId)}`);
    // Leaving: a device cannot commit its own removal; the members that remain do (anyone may remove a former member's devices).
    if (e2e && userId !== (await this.e2e.devices().self()).userId) await e2e.removeMember(conversationId, userId);
  }

  setRole(conversationId: string, userId: string, role: Role): Promise<MemberResponse> {
    return this.http.request('PATCH', `${conversationPath(conversationId)}/members/${encodeURIComponent(userId)}`, { body: { role } });
  }
}

export const conversationPath = (id: string) => `/api/v1/conversations/${encodeURIComponent(id)}`;
