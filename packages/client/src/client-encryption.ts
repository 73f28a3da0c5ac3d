import type { ConversationPage, Me, Message, MessagePage } from '@confab/protocol';
import type { HttpTransport } from './http.js';
import type { MessageReader } from './message-actions.js';
import type { RealtimeEncryption } from './realtime-options.js';
import type { CryptoStore } from './crypto/crypto-store.js';
import { indexedDbCryptoStore } from './crypto/indexeddb-crypto-store.js';
import { EncryptedConversations } from './crypto/encrypted-conversations.js';
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
      this.http,
      () => this.optional(),
      () => this.myId(),
    );
  }

  /** What a realtime connection needs to send into and read encrypted conversations; undefined without a crypto store. */
  realtime(): RealtimeEncryption | undefined {
    const e2e = this.optional();
    return (
      e2e && {
        encryptSend: async (conversationId, body, links, clientId, liveSeq) =>
          (await e2e.isEncrypted(conversationId)) ? e2e.encryptSend(conversationId, body, links, clientId, liveSeq) : undefined,
        pollOf: (messageId: string) => e2e.pollOf(messageId),
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
