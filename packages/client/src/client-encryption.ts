import type { ConversationDetail, ConversationPage, Me, Message, MessagePage, Upload } from '@confab/protocol';
import type { FileCalls, SendOptions } from './files.js';
import type { HttpTransport } from './http.js';
import type { MessageReader } from './message-actions.js';
import type { EncryptedRelation, EncryptedSend, RealtimeEncryption, RelationChange } from './realtime-options.js';
import type { UploadOptions } from './upload-transfer.js';
import { conversationPath } from './crypto/conversation-keys.js';
import { decryptedBefore } from './crypto/decrypted-before.js';
import { encryptedSendOf } from './crypto/encrypted-sends.js';
import { EncryptedUploads } from './crypto/encrypted-uploads.js';
import { refusedAsPlain } from './crypto/send-fields.js';
import type { CryptoStore } from './crypto/crypto-store.js';
import { indexedDbCryptoStore } from './crypto/indexeddb-crypto-store.js';
import { EncryptedConversations } from './crypto/encrypted-conversations.js';
import { EncryptedPlaceActions } from './crypto/encrypted-place-actions.js';
import { EncryptedPollActions } from './crypto/encrypted-poll-actions.js';
import { DeviceLinking } from './crypto/device-linking.js';
import { DeviceManager } from './crypto/device-manager.js';
import { EncryptionError } from './crypto/encryption-error.js';

/**
 * One client's end-to-end encryption parts (issue 39; docs/encryption.md), each made on first use:
 * this device's keys (`DeviceManager`), device linking, and the MLS groups it is in. The client's
 * calls ask it whether a conversation must be encrypted and how to read what the server answers.
 */
export class ClientEncryption {
  private readonly store: CryptoStore | undefined;
  private deviceManager: DeviceManager | undefined;
  private deviceLinking: DeviceLinking | undefined;
  private encryptedConversations: EncryptedConversations | undefined;
  /** Keys of files uploaded for encrypted conversations with `client.upload`, until sent (in memory). */
  private readonly uploads = new EncryptedUploads();

  constructor(
    private readonly http: HttpTransport,
    store: CryptoStore | undefined,
  ) {
    // The browser default: the user is learnt on first use (a client is made before it signs in).
    this.store =
      store ?? (typeof indexedDB === 'undefined' ? undefined : indexedDbCryptoStore(async () => `confab-crypto:${await this.myId()}`));
  }

  /** This device's keys, registration and KeyPackages; throws `not_enabled` without a crypto store. */
  devices(): DeviceManager {
    const store = this.store;
    if (!store) throw new EncryptionError('not_enabled', 'Pass crypto: { store } to the ConfabClient to use encryption');
    return (this.deviceManager ??= new DeviceManager(this.http, store));
  }

  /** Device linking (part 4); a linked device then joins my encrypted conversations. */
  links(): DeviceLinking {
    return (this.deviceLinking ??= new DeviceLinking(this.http, this.devices(), () => this.joinAll()));
  }

  /** This device's encrypted conversations (the MLS groups it is in). */
  groups(): EncryptedConversations {
    return (this.encryptedConversations ??= new EncryptedConversations(this.http, this.devices().store, this.devices()));
  }

  /** The same, or undefined without a crypto store (the client then only sees envelopes). */
  optional(): EncryptedConversations | undefined {
    return this.store ? this.groups() : undefined;
  }

  /** Whether a send into this conversation must be encrypted (only asked with a crypto store). */
  async mustEncrypt(conversationId: string): Promise<EncryptedConversations | undefined> {
    const e2e = this.optional();
    return e2e && (await e2e.isEncrypted(conversationId)) ? e2e : undefined;
  }

  /**
   * What this client read of conversations (a list, a detail, an event): whether each is
   * encrypted, so a first send there asks nothing. Only with a crypto store (without one nothing
   * is encrypted here); the flag only ever turns on.
   */
  seen(conversations: readonly { id: string; encrypted: boolean }[]): void {
    const e2e = this.optional();
    if (e2e) for (const c of conversations) e2e.remember(c);
  }

  /** Whether a send refused by the server was refused for being plain in an encrypted conversation: then the flag is learnt (send again). */
  learnEncrypted(conversationId: string, error: unknown): boolean {
    const e2e = this.optional();
    if (!e2e || !refusedAsPlain(error)) return false;
    e2e.remember({ id: conversationId, encrypted: true });
    return true;
  }

  /**
   * A send (`sendMessage`, `live.send`, `locations.send`) into an encrypted conversation: its text,
   * poll, place or files (uploaded here with `client.upload`) inside the MLS message, and the links
   * that go beside it (encrypted-sends.ts); undefined for a plain conversation, or a send with no encrypted form.
   */
  async encryptSend(
    conversationId: string,
    body: string | undefined,
    links: SendOptions,
    clientId: string,
    liveSeq?: number,
  ): Promise<EncryptedSend | undefined> {
    const e2e = await this.mustEncrypt(conversationId);
    if (!e2e) return undefined;
    const send = encryptedSendOf(body, links, (ids) => this.uploads.refsOf(ids));
    return send && { mls: await e2e.encryptContent(conversationId, send.content, clientId, liveSeq), links: send.links };
  }

  /**
   * A reaction or edit over the socket in an encrypted conversation (`live.react`, `live.edit`):
   * the key or the new text inside an MLS application message marked `relatesTo`, as
   * `reactEncrypted` and `editEncrypted` make it for REST. The message is read first, for its conversation.
   */
  async encryptRelation(
    messageId: string,
    change: RelationChange,
    clientId: string,
    liveSeqOf: (conversationId: string) => number | undefined,
  ): Promise<EncryptedRelation | undefined> {
    const e2e = this.optional();
    if (!e2e) return undefined;
    const { message: target } = await this.http.request<{ message: Message }>('GET', `/api/v1/messages/${encodeURIComponent(messageId)}`);
    const content = 'edit' in change ? { edit: { messageId, text: change.edit } } : { reaction: { messageId, ...change.reaction } };
    const mls = await e2e.encryptContent(target.conversationId, content, clientId, liveSeqOf(target.conversationId));
    return { conversationId: target.conversationId, mls, target };
  }

  /**
   * `client.upload(file, { conversationId })`: in an encrypted conversation the file is encrypted
   * and its ciphertext uploaded, its key kept for the send; undefined for a plain one. A client
   * without a crypto store cannot encrypt: it refuses rather than upload the bytes readable.
   */
  async encryptedUpload(
    files: FileCalls,
    conversationId: string,
    file: Blob,
    name: string,
    transfer: Pick<UploadOptions, 'onProgress' | 'signal'>,
  ): Promise<Upload | undefined> {
    if (!this.store) {
      const { conversation } = await this.http.request<{ conversation: ConversationDetail }>('GET', conversationPath(conversationId));
      if (conversation.encrypted)
        throw new EncryptionError('not_enabled', 'Pass crypto: { store } to the ConfabClient to send files into an encrypted conversation');
      return undefined;
    }
    return (await this.groups().isEncrypted(conversationId)) ? this.uploads.upload(files, file, name, transfer) : undefined;
  }

  /** An encrypted message's text if this device decrypted it before (crypto/decrypted-before.ts); undefined without a crypto store. */
  async decryptedText(message: Message): Promise<string | undefined> {
    return this.store ? decryptedBefore(this.store, message) : undefined;
  }

  /** A page as its readers see it: an encrypted conversation's decrypted on this device. */
  decryptedPage(page: MessagePage): Promise<MessagePage> {
    const e2e = this.optional();
    return e2e && page.items.some((m) => m.kind === 'encrypted') ? e2e.decryptPage(page) : Promise.resolve(page);
  }

  /** How `client.messages` hands out what the server answers. */
  readonly reader: MessageReader = {
    message: async (m) => {
      const e2e = m.kind === 'encrypted' ? this.optional() : undefined;
      return e2e ? ((await e2e.decrypt(m)) ?? m) : m;
    },
    page: (page) => this.decryptedPage(page),
  };

  /** Votes and closes of polls in encrypted conversations, which the server cannot read. */
  polls(): EncryptedPollActions {
    return new EncryptedPollActions(
      () => this.optional(),
      () => this.myId(),
    );
  }

  /** Moves and stops of live places in encrypted conversations, which the server cannot read. */
  places(): EncryptedPlaceActions {
    return new EncryptedPlaceActions(
      () => this.optional(),
      () => this.myId(),
    );
  }

  /** What a realtime connection needs to send into and read encrypted conversations; undefined without a crypto store. */
  realtime(): RealtimeEncryption | undefined {
    const e2e = this.optional();
    return (
      e2e && {
        encryptSend: (conversationId, body, links, clientId, liveSeq) => this.encryptSend(conversationId, body, links, clientId, liveSeq),
        encryptRelation: (messageId, change, clientId, liveSeqOf) => this.encryptRelation(messageId, change, clientId, liveSeqOf),
        learnEncrypted: (conversationId, error) => this.learnEncrypted(conversationId, error),
        seen: (conversation) => this.seen([conversation]),
        pollOf: (messageId: string) => e2e.pollOf(messageId),
        placeOf: (messageId: string) => e2e.placeOf(messageId),
        decrypt: (message: Message) => e2e.decrypt(message),
        memberRemoved: (conversationId: string, userId: string) => e2e.memberRemoved(conversationId, userId),
      }
    );
  }

  /**
   * A new device of mine (linked) joins each encrypted conversation I am in by external commit
   * (part 4); ones it is in already are left. Answers the ids of those it joined.
   */
  async joinAll(): Promise<string[]> {
    const joined: string[] = [];
    let cursor: string | undefined;
    do {
      const query = { archived: 'include', limit: 100, ...(cursor ? { cursor } : {}) };
      const page = await this.http.request<ConversationPage>('GET', '/api/v1/conversations', { query });
      for (const c of page.items) if (c.encrypted && (await this.groups().joinExternally(c.id))) joined.push(c.id);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return joined;
  }

  private async myId(): Promise<string> {
    return (await this.http.request<Me>('GET', '/api/v1/users/me')).id;
  }
}
