import type {
  DeliveryMarker,
  HeldResponse,
  HistoryQuery,
  MarkNotificationsReadBody,
  Message,
  MessagePage,
  NotificationPage,
  NotificationQuery,
  Presence,
  ReadMarker,
  ReceiptList,
  RecentMessagesQuery,
  UnreadNotifications,
  Upload,
} from '@confab/protocol';
import { ClientBase } from './client-base.js';
import { conversationPath } from './conversation-calls.js';
import { MessageHeldError } from './errors.js';
import type { SendOptions } from './files.js';
import { newClientId } from './ids.js';
import { postEncryptedOrPlain } from './crypto/send-fields.js';
import type { UploadOptions } from './upload-transfer.js';

/**
 * `ConfabClient`'s calls of sending and reading over REST: messages, read and delivery markers,
 * typing, presence, notifications (mixed into it in client.ts). `client.messages` acts on one
 * message after it was sent.
 */
export abstract class MessageCalls extends ClientBase {
  /** Uploads a file (a browser `File`, or a `Blob` with a `filename`), reporting progress if asked; see `files` for downloads. */
  upload(file: Blob, options?: string | UploadOptions): Promise<Upload> {
    return this.files.upload(file, options);
  }

  /**
   * Sends over REST. Retrying with the same `clientId` never stores a duplicate. `replyToId`
   * quotes a message; `threadRootId` replies in that message's thread. Files: `{kind:
   * 'attachment', attachmentIds}` (the body, if any, is the caption), or `{kind: 'voice',
   * attachmentIds: [audio], voice}` with no body; upload them first (`upload`; for an encrypted
   * conversation with its `conversationId`, and the files' keys then go inside the MLS message). After it is
   * sent, `messages` edits, deletes, reacts to and pins it.
   */
  async sendMessage(
    conversationId: string,
    body: string | undefined,
    clientId: string = newClientId(),
    links: SendOptions = {},
  ): Promise<Message> {
    // Into an encrypted conversation the text, poll, place or files go as an MLS application message (issue 39).
    const answer = await postEncryptedOrPlain(
      () => this.e2e.encryptSend(conversationId, body, links, clientId),
      (error) => this.e2e.learnEncrypted(conversationId, error),
      { body, ...links },
      (fields) =>
        this.http.request<{ message: Message } | HeldResponse>('POST', `${conversationPath(conversationId)}/messages`, {
          body: { clientId, ...fields },
        }),
    );
    // Held for an admin's review by the spam model (issue 40): stored, delivered to no one yet.
    if ('held' in answer) throw new MessageHeldError(answer.message);
    return this.e2e.reader.message(answer.message);
  }

  /** A page of history; in an encrypted conversation decrypted on this device (commits and welcomes applied, not listed). */
  async history(conversationId: string, query: HistoryQuery = {}): Promise<MessagePage> {
    return this.e2e.decryptedPage(await this.http.request<MessagePage>('GET', `${conversationPath(conversationId)}/messages`, { query }));
  }

  recentMessages(query: RecentMessagesQuery = {}): Promise<MessagePage> {
    return this.http.request('GET', '/api/v1/messages', { query });
  }

  markRead(conversationId: string, seq: number): Promise<ReadMarker> {
    return this.http.request('POST', `${conversationPath(conversationId)}/read`, { body: { seq } });
  }

  receipts(conversationId: string): Promise<ReceiptList> {
    return this.http.request('GET', `${conversationPath(conversationId)}/receipts`);
  }

  markDelivered(conversationId: string, seq: number): Promise<DeliveryMarker> {
    return this.http.request('POST', `${conversationPath(conversationId)}/delivered`, { body: { seq } });
  }

  setTyping(conversationId: string, typing: boolean): Promise<void> {
    return this.http.request('POST', `${conversationPath(conversationId)}/typing`, { body: { typing } });
  }

  presence(userId: string): Promise<Presence> {
    return this.http.request('GET', `/api/v1/users/${encodeURIComponent(userId)}/presence`);
  }

  // ---- notifications ----
  notifications(query: NotificationQuery = {}): Promise<NotificationPage> {
    return this.http.request('GET', '/api/v1/notifications', { query });
  }

  markNotificationsRead(body: MarkNotificationsReadBody): Promise<UnreadNotifications> {
    return this.http.request('POST', '/api/v1/notifications/read', { body });
  }
}
