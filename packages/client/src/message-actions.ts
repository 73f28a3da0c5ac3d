import type {
  HistoryQuery,
  Message,
  MessageList,
  MessagePage,
  MessageResponse,
  MessageVersionList,
  PageQuery,
  ForwardResponse,
  SavedPage,
  ThreadListQuery,
  ThreadPage,
} from '@confab/protocol';
import type { HttpTransport } from './http.js';
import { MessageHeldError } from './errors.js';
import type { EncryptedPollActions } from './crypto/encrypted-poll-actions.js';
import { refusedAsPlain } from './crypto/send-fields.js';

/**
 * Reactions and edits in an encrypted conversation, which go inside MLS messages (issue 39 part 5;
 * `ConfabClient.reactEncrypted`, `editEncrypted`); undefined where this client has no device to
 * encrypt with (then the server's refusal stands).
 */
export interface EncryptedRelations {
  react(conversationId: string, messageId: string, key: string, on: boolean): Promise<void>;
  edit(conversationId: string, messageId: string, text: string): Promise<void>;
  /** A forward the device makes (an encrypted message, or encrypted targets); undefined when the server copies it alone. */
  forward(
    source: Message,
    conversationIds: readonly string[],
    comment: string | undefined,
    byServer: (conversationIds: readonly string[]) => Promise<Message[]>,
  ): Promise<Message[] | undefined>;
}

/** The messages around one, oldest first: what a view shows after jumping to it (a search hit, a notification). */
export interface MessagesAround {
  /** Oldest first; the target is among them unless it was deleted from my history (cleared) or is a thread reply. */
  items: Message[];
  /** Seq to pass as `before` for older messages; null when the history starts within `items`. */
  olderCursor: string | null;
  /** Seq to pass as `after` for newer messages; null when `items` reach the newest. */
  newerCursor: string | null;
}

/**
 * How the messages the server answers are handed out: in an encrypted conversation decrypted on
 * this device (issue 39: the server holds only ciphertext), as `history()` does; as they are where
 * the client has no encryption.
 */
export interface MessageReader {
  /** One message: decrypted, or the envelope where this device cannot read it. */
  message(message: Message): Promise<Message>;
  /** A page: decrypted, with commits, welcomes, reactions and edits left out. */
  page(page: MessagePage): Promise<MessagePage>;
}

const asAnswered: MessageReader = { message: async (m) => m, page: async (p) => p };

/**
 * `ConfabClient.messages`: one message after it was sent — read it, edit it (and list its
 * earlier bodies), delete it, its thread, reactions and pins — and the page around it. What they
 * answer of an encrypted conversation is decrypted (`MessageReader`).
 */
export class MessageActions {
  /**
   * `read`: how answers are handed out (decrypted in an encrypted conversation); `encryptedPolls`:
   * votes and closes of polls in encrypted conversations, which the server cannot read;
   * `encryptedRelations`: reactions and edits there (all set by ConfabClient).
   */
  constructor(
    private readonly http: HttpTransport,
    private readonly read: MessageReader = asAnswered,
    private readonly encryptedPolls?: EncryptedPollActions,
    private readonly encryptedRelations?: () => EncryptedRelations | undefined,
  ) {}

  async get(messageId: string): Promise<Message> {
    return this.read.message((await this.http.request<MessageResponse>('GET', messagePath(messageId))).message);
  }

  /**
   * Edits my message; the earlier body stays listed by `versions`. In an encrypted conversation
   * the new text goes inside an MLS message (the server refuses it in clear), and the answer is the
   * message as this device reads it, edited.
   */
  async edit(messageId: string, body: string): Promise<Message> {
    try {
      return (await this.http.request<MessageResponse>('PATCH', messagePath(messageId), { body: { body } })).message;
    } catch (error) {
      return this.encryptedInstead(error, messageId, (relations, conversationId) => relations.edit(conversationId, messageId, body));
    }
  }

  /** Deletes a message (mine, or any as a group's owner or admin), leaving a tombstone. */
  async delete(messageId: string): Promise<Message> {
    return (await this.http.request<MessageResponse>('DELETE', messagePath(messageId))).message;
  }

  /** The earlier bodies of an edited message, oldest first. */
  versions(messageId: string): Promise<MessageVersionList> {
    return this.http.request('GET', `${messagePath(messageId)}/history`);
  }

  /** A thread's replies, oldest first (`nextCursor` pages on); send one with `sendMessage(…, { threadRootId })`. */
  async thread(rootId: string, query: PageQuery = {}): Promise<MessagePage> {
    return this.read.page(await this.http.request<MessagePage>('GET', `${messagePath(rootId)}/thread`, { query }));
  }

  // ---- thread read state (issue 35 item 2) ----
  /** A conversation's threads, newest reply first, with my unread count of each; `{ followed: true }` keeps the ones I follow. */
  async threads(conversationId: string, query: ThreadListQuery = {}): Promise<ThreadPage> {
    const page = await this.http.request<ThreadPage>('GET', `/api/v1/conversations/${encodeURIComponent(conversationId)}/threads`, {
      query,
    });
    return { ...page, items: await Promise.all(page.items.map(async (t) => ({ ...t, root: await this.read.message(t.root) }))) };
  }

  /** I have read the thread up to `seq` (never moves back); my other devices get `thread.read`. */
  async markThreadRead(rootId: string, seq: number): Promise<void> {
    await this.http.request('POST', `${messagePath(rootId)}/thread/read`, { body: { seq } });
  }

  /** Follows (counts in my `unreadThreads`) or unfollows a thread; my other devices get `thread.updated`. */
  async followThread(rootId: string, following: boolean): Promise<void> {
    await this.http.request(following ? 'PUT' : 'DELETE', `${messagePath(rootId)}/thread/follow`);
  }

  /**
   * Adds my reaction (idempotent); the answer carries every reaction of the message. In an
   * encrypted conversation the reaction goes inside an MLS message (the server refuses one in
   * clear): its readers count it (`encryptedReactions`), and the answer is the message as this device reads it.
   */
  async react(messageId: string, emoji: string): Promise<Message> {
    try {
      return (await this.http.request<MessageResponse>('PUT', reactionPath(messageId, emoji))).message;
    } catch (error) {
      return this.encryptedInstead(error, messageId, (relations, conversationId) =>
        relations.react(conversationId, messageId, emoji, true),
      );
    }
  }

  /**
   * Takes back my reaction. In an encrypted conversation the server takes back only one made in
   * clear before it was encrypted (its answer is then an envelope): the one made there is taken
   * back inside an MLS message too.
   */
  async unreact(messageId: string, emoji: string): Promise<Message> {
    const { message } = await this.http.request<MessageResponse>('DELETE', reactionPath(messageId, emoji));
    const relations = message.kind === 'encrypted' ? this.encryptedRelations?.() : undefined;
    if (!relations) return message;
    await relations.react(message.conversationId, messageId, emoji, false);
    return this.get(messageId);
  }

  async pin(messageId: string): Promise<Message> {
    return (await this.http.request<MessageResponse>('PUT', `${messagePath(messageId)}/pin`)).message;
  }

  async unpin(messageId: string): Promise<Message> {
    return (await this.http.request<MessageResponse>('DELETE', `${messagePath(messageId)}/pin`)).message;
  }

  /** The server refused a change in clear for an encrypted conversation: made there as an MLS message instead, where this client can. */
  private async encryptedInstead(
    error: unknown,
    messageId: string,
    change: (relations: EncryptedRelations, conversationId: string) => Promise<void>,
  ): Promise<Message> {
    const relations = refusedAsPlain(error) ? this.encryptedRelations?.() : undefined;
    if (!relations) throw error;
    const { message } = await this.http.request<MessageResponse>('GET', messagePath(messageId));
    await change(relations, message.conversationId);
    return this.read.message(message);
  }

  /** Replaces my vote on a poll with `optionIds` (`[]` retracts it); the answer has the counts. Issue 37. */
  async vote(messageId: string, optionIds: readonly string[]): Promise<Message> {
    // An encrypted poll this device decrypted: the vote goes inside an MLS message, the answer counted here.
    const encrypted = await this.encryptedPolls?.vote(messageId, optionIds);
    if (encrypted) return encrypted;
    return (await this.http.request<MessageResponse>('PUT', `${messagePath(messageId)}/poll/vote`, { body: { optionIds } })).message;
  }

  /** Closes a poll (its author, or a group admin); idempotent. */
  async closePoll(messageId: string): Promise<Message> {
    const encrypted = await this.encryptedPolls?.close(messageId);
    if (encrypted) return encrypted;
    return (await this.http.request<MessageResponse>('POST', `${messagePath(messageId)}/poll/close`)).message;
  }

  /**
   * Copies a message into 1–10 conversations, each after `comment` when given: the new messages, in
   * order. Rejects with `MessageHeldError` (the first held) when the spam screen held any copy or
   * comment for review, as `sendMessage` does; copies it let through are delivered all the same.
   * Into an encrypted conversation, or of an encrypted message (only into encrypted ones: 400
   * `encrypted_conversation` otherwise, nothing sent), this device makes the copy
   * (`crypto/encrypted-forward.ts`): the plain targets' copies come first, then the encrypted ones'.
   */
  async forward(messageId: string, conversationIds: readonly string[], comment?: string): Promise<Message[]> {
    const byServer = (ids: readonly string[]) => this.forwardByServer(messageId, ids, comment);
    // With encryption, a copy into an encrypted conversation, or of an encrypted message, is made on this device.
    const relations = this.encryptedRelations?.();
    const copies = relations && (await relations.forward(await this.get(messageId), conversationIds, comment, byServer));
    return copies ?? byServer(conversationIds);
  }

  private async forwardByServer(messageId: string, conversationIds: readonly string[], comment?: string): Promise<Message[]> {
    const body = comment === undefined ? { conversationIds } : { conversationIds, comment };
    const { messages, held } = await this.http.request<ForwardResponse>('POST', `${messagePath(messageId)}/forward`, { body });
    if (held && held.length > 0) throw new MessageHeldError(held[0]!);
    return messages;
  }

  /** Removes the link preview of my message (idempotent): everyone gets `message.updated` with `preview: null`. Issue 37. */
  async removePreview(messageId: string): Promise<void> {
    await this.http.request('DELETE', `${messagePath(messageId)}/preview`);
  }

  /** A link preview's picture as a fetch `Response` (WebP), from its `preview.image` path. */
  previewImage(imagePath: string): Promise<Response> {
    return this.http.fetchRaw('GET', imagePath);
  }

  /** Saves a message for later (idempotent); my other devices get `saved.updated`. */
  async save(messageId: string): Promise<void> {
    await this.http.request('PUT', `${messagePath(messageId)}/save`);
  }

  async unsave(messageId: string): Promise<void> {
    await this.http.request('DELETE', `${messagePath(messageId)}/save`);
  }

  /** My saved messages, newest saved first (only those I can still read). */
  async saved(query: PageQuery = {}): Promise<SavedPage> {
    const page = await this.http.request<SavedPage>('GET', '/api/v1/saved', { query });
    return { ...page, items: await Promise.all(page.items.map(async (s) => ({ ...s, message: await this.read.message(s.message) }))) };
  }

  /** A conversation's pinned messages, most recently pinned first. */
  async pins(conversationId: string): Promise<MessageList> {
    const list = await this.http.request<MessageList>('GET', `/api/v1/conversations/${encodeURIComponent(conversationId)}/pins`);
    return { items: await Promise.all(list.items.map((m) => this.read.message(m))) };
  }

  /**
   * About `limit` messages of the main history centred on `seq` (half before, half from it on),
   * oldest first, with cursors to page either way: two history reads.
   */
  async around(conversationId: string, seq: number, limit = 30): Promise<MessagesAround> {
    const half = Math.max(1, Math.floor(limit / 2));
    const path = `/api/v1/conversations/${encodeURIComponent(conversationId)}/messages`;
    const read = (query: HistoryQuery) => this.http.request<MessagePage>('GET', path, { query });
    const [older, newer] = await Promise.all([read({ before: seq, limit: half }), read({ after: seq - 1, limit: limit - half })]);
    const { items } = await this.read.page({ items: [...older.items.reverse(), ...newer.items], nextCursor: null });
    return { items, olderCursor: older.nextCursor, newerCursor: newer.nextCursor };
  }
}

const messagePath = (id: string) => `/api/v1/messages/${encodeURIComponent(id)}`;
const reactionPath = (id: string, emoji: string) => `${messagePath(id)}/reactions/${encodeURIComponent(emoji)}`;
