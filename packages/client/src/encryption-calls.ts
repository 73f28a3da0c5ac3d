import type { ConversationDetail, Message } from '@confab/protocol';
import { ClientBase } from './client-base.js';
import { conversationPath } from './conversation-calls.js';
import type { EncryptedReactionCount } from './crypto/encrypted-content.js';
import { checkForwardable, forwardedContent } from './crypto/encrypted-forward.js';
import { type FileToEncrypt, downloadEncrypted, uploadEncrypted } from './crypto/encrypted-files.js';
import type { EncryptedFileRef } from './crypto/file-crypto.js';
import type { DecryptedHit, DecryptedSearchOptions } from './crypto/decrypted-search.js';
import type { DeviceLinking } from './crypto/device-linking.js';
import type { DeviceManager, EnableEncryptionOptions, MyDevice } from './crypto/device-manager.js';
import type { Verification, VerificationChange } from './crypto/verification.js';

/**
 * `ConfabClient`'s end-to-end encryption calls (issue 39; docs/encryption.md): this device's keys,
 * verifying people, linking devices, and encrypted files, reactions and edits (mixed into it in
 * client.ts). The parts behind them are made on first use (`ClientEncryption`).
 */
export abstract class EncryptionCalls extends ClientBase {
  /** Makes this device's keys (and my identity key, the first time), registers it and uploads its KeyPackages. */
  async enableEncryption(options: EnableEncryptionOptions): Promise<{ deviceId: string }> {
    return this.e2e.devices().enable(options);
  }

  /** My active devices; `current` is this one. */
  devices(): Promise<MyDevice[]> {
    return this.e2e.devices().devices();
  }

  /**
   * Revokes a device of mine: it is added to no group again, my signed list leaves it out, and
   * each encrypted conversation this device is in commits its removal (it reads nothing sent after).
   */
  async revokeDevice(deviceId: string): Promise<void> {
    await this.e2e.devices().revoke(deviceId);
    // Only a device in the groups can commit the removal (one whose identity is elsewhere is in none).
    if (!(await this.e2e.devices().isEnabled())) return;
    const me = await this.e2e.devices().self();
    await this.e2e.groups().removeDevice({ userId: me.userId, deviceId });
  }

  /** The number both people compare to verify each other: 60 digits in groups of five, from our identity keys. */
  safetyNumber(userId: string): Promise<string> {
    return this.e2e.devices().safetyNumber(userId);
  }

  /**
   * Whether I verified this person (verification.ts): `unverified` (their identity key as first
   * seen here), `verified`, or `changed` (the key they publish now is not the one verified or first
   * seen: warn, never accept it silently). Asks the server for their signed list each time.
   */
  verificationOf(userId: string): Promise<Verification> {
    return this.e2e.devices().verificationOf(userId);
  }

  /**
   * Marks this person verified, their identity key as published now, kept on this device. Pass
   * the safety number that was shown and compared: if their key changed since, this throws
   * `safety_number_changed` instead of verifying a key nobody compared.
   */
  markVerified(userId: string, safetyNumber?: string): Promise<void> {
    return this.e2e.devices().markVerified(userId, safetyNumber);
  }

  /** Calls `handler` when someone's verification changes as seen by this client (a changed key, a mark); returns the function that removes it. */
  onVerificationChange(handler: (change: VerificationChange) => void): () => void {
    return this.e2e.devices().verifications.onChange(handler);
  }

  /** This device's keys, registration and KeyPackages (the MLS engine's seam: `DeviceManager.engine()`). */
  get encryption(): DeviceManager {
    return this.e2e.devices();
  }

  /**
   * Device linking (part 4): a new device asks (`request`), another device of mine holding my
   * identity key shows the same code and approves (`pending`, `approve`), the new one `complete`s.
   */
  get deviceLinks(): DeviceLinking {
    return this.e2e.links();
  }

  /**
   * A new device of mine (linked) joins each encrypted conversation I am in by external commit
   * (part 4); ones it is in already are left. Answers the ids of those it joined.
   */
  joinEncryptedConversations(): Promise<string[]> {
    return this.e2e.joinAll();
  }

  /**
   * Turns end-to-end encryption on for an existing group (owner or admin; never off) and commits
   * its members' devices in. A client without a crypto store, or that has not enabled encryption, only turns it on.
   */
  async encryptConversation(conversationId: string): Promise<ConversationDetail> {
    const { conversation } = await this.http.request<{ conversation: ConversationDetail }>('PATCH', conversationPath(conversationId), {
      body: { encrypted: true },
    });
    const e2e = this.e2e.optional();
    if (e2e && (await this.e2e.devices().isEnabled())) await e2e.setUp(conversation);
    return conversation;
  }

  /**
   * Search in encrypted conversations, on this device: over the texts it decrypted (the server
   * holds only ciphertext there, so `search.messages` cannot find them). Every word of `q` must
   * begin a word of the message (in any order; Chinese, Japanese, Korean anywhere in it); newest
   * first, at most `limit` (50). Without a crypto store: nothing.
   */
  async searchEncrypted(q: string, options: DecryptedSearchOptions = {}): Promise<DecryptedHit[]> {
    const e2e = this.e2e.optional();
    return e2e ? e2e.search(q, options) : [];
  }

  /**
   * The text of an encrypted message if this device already decrypted it (say, the conversation
   * list's last message, which comes as an envelope): read from the crypto store, with no MLS work
   * and no request, cheap enough for every row of a list. Undefined for one never decrypted here
   * (show "Encrypted message"), a deleted one, a plain message, or a client without a crypto store.
   */
  decryptedText(message: Message): Promise<string | undefined> {
    return this.e2e.decryptedText(message);
  }

  /**
   * Sends files into an encrypted conversation: each encrypted here (AES-256-GCM, a fresh key per
   * file), its ciphertext uploaded, and its key, IV, hash, name, type and size sent inside the MLS
   * message with the optional `caption`. Readers get them as `encryptedFilesOf(message)`.
   */
  async sendEncryptedFiles(
    conversationId: string,
    files: readonly FileToEncrypt[],
    options: { caption?: string; clientId?: string } = {},
  ): Promise<Message> {
    const refs = await uploadEncrypted(this.files, files);
    const content = { text: options.caption ?? '', files: refs };
    return this.e2e.groups().sendContent(
      conversationId,
      content,
      refs.map((r) => r.uploadId),
      options.clientId,
    );
  }

  /** An encrypted file's bytes (a `Blob` of its own type), its hash checked before it is decrypted. */
  downloadEncryptedFile(ref: EncryptedFileRef): Promise<Blob> {
    return downloadEncrypted(this.files, ref);
  }

  /** Reacts (or, `on: false`, takes it back) in an encrypted conversation: the key goes inside an MLS message. */
  async reactEncrypted(conversationId: string, messageId: string, key: string, on = true): Promise<void> {
    await this.e2e.groups().sendContent(conversationId, { reaction: { messageId, key, on } });
  }

  /** Edits my message in an encrypted conversation: the new text goes inside an MLS message; readers apply it only from its sender. */
  async editEncrypted(conversationId: string, messageId: string, text: string): Promise<void> {
    await this.e2e.groups().sendContent(conversationId, { edit: { messageId, text } });
  }

  /**
   * A forward this device makes (`messages.forward` calls it): of an encrypted message (into
   * encrypted conversations only), or into encrypted conversations. Each encrypted target gets the
   * comment as a message of its own, then the copy (crypto/encrypted-forward.ts); the plain targets
   * of a plain message are copied by the server (`byServer`), first. Undefined when every target is
   * plain and the message too: the server copies it alone.
   */
  async forwardEncrypted(
    source: Message,
    conversationIds: readonly string[],
    comment: string | undefined,
    byServer: (conversationIds: readonly string[]) => Promise<Message[]>,
  ): Promise<Message[] | undefined> {
    const e2e = this.e2e.groups();
    // Asked of every target first (a conversation I am not in answers 404 here): nothing is sent before all are known.
    const encrypted = await Promise.all(conversationIds.map((id) => e2e.isEncrypted(id)));
    if (source.encrypted !== true && !encrypted.some(Boolean)) return undefined;
    checkForwardable(source, encrypted);
    const plainTargets = conversationIds.filter((_, i) => !encrypted[i]);
    const copies = plainTargets.length > 0 ? await byServer(plainTargets) : [];
    for (const conversationId of conversationIds.filter((_, i) => encrypted[i])) {
      if (comment !== undefined) copies.push(await e2e.sendContent(conversationId, { text: comment }));
      const { content, attachmentIds } = await forwardedContent(source, this.files);
      copies.push(await e2e.sendContent(conversationId, content, attachmentIds));
    }
    return copies;
  }

  /** An encrypted conversation's reactions per message id, counted on this device from those it decrypted. */
  encryptedReactions(conversationId: string): Promise<Map<string, EncryptedReactionCount[]>> {
    return this.e2e.groups().reactions(conversationId);
  }
}
