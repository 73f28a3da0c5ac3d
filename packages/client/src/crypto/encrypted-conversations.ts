import type { ConversationDetail, Message, MessagePage, MlsSend } from '@confab/protocol';
import type { HttpTransport } from '../http.js';
import { newClientId } from '../ids.js';
import type { CryptoStore } from './crypto-store.js';
import { type DecryptedHit, type DecryptedSearchOptions, searchDecrypted } from './decrypted-search.js';
import type { DeviceManager } from './device-manager.js';
import { type EncryptedContent, type EncryptedReactionCount, encodeContent, relationOf } from './encrypted-content.js';
import { type DeviceRef, type Group, GroupError } from './group-engine.js';
import { b64 } from './byte-packing.js';
import { CommitDelivery } from './commit-delivery.js';
import { KEYS, conversationPath } from './conversation-keys.js';
import { type Known, OrderApplier } from './order-applier.js';
import { ConversationLocks, type GroupAccess } from './group-access.js';
import { GroupMembership } from './group-membership.js';
import { EncryptedReads } from './encrypted-reads.js';

/**
 * Encrypted conversations on this device (issue 39, decision 0027): each conversation's MLS group
 * state, applied in the conversation's order (commits, welcomes, application messages, by seq),
 * the decrypted history kept in the `CryptoStore` (an MLS message can be decrypted once, and a
 * sender cannot decrypt its own), and the commits that follow membership changes, made again
 * after `409 epoch_conflict` once what was missed is applied. Work on one conversation is
 * serialised; decrypt failures are reported to the server as counts, epochs and a reason only.
 */
export class EncryptedConversations {
  private readonly locks = new ConversationLocks();
  private readonly encrypted = new Map<string, boolean>();
  private readonly commits: CommitDelivery;
  private readonly order: OrderApplier;
  /** Membership changes committed (group-membership.ts) and the conversation read (encrypted-reads.ts). */
  private readonly membership: GroupMembership;
  private readonly reads: EncryptedReads;

  constructor(
    private readonly http: HttpTransport,
    private readonly store: CryptoStore,
    private readonly devices: DeviceManager,
  ) {
    this.commits = new CommitDelivery(http, store, devices);
    this.order = new OrderApplier(http, store, devices, this.commits);
    const access: GroupAccess = {
      locked: (conversationId, work) => this.locked(conversationId, work),
      apply: (conversationId, upTo, known) => this.apply(conversationId, upTo, known),
      loadGroup: (conversationId) => this.loadGroup(conversationId),
    };
    this.membership = new GroupMembership(http, store, devices, this.commits, access);
    this.reads = new EncryptedReads(store, devices, access);
  }

  /** Whether a conversation is encrypted (true is remembered for good: it is never turned off). */
  async isEncrypted(conversationId: string): Promise<boolean> {
    const known = this.encrypted.get(conversationId);
    if (known !== undefined) return known;
    const { conversation } = await this.http.request<{ conversation: ConversationDetail }>('GET', conversationPath(conversationId));
    this.remember(conversation);
    return conversation.encrypted;
  }

  remember(conversation: { id: string; encrypted: boolean }): void {
    if (conversation.encrypted || !this.encrypted.get(conversation.id)) this.encrypted.set(conversation.id, conversation.encrypted);
  }

  /** A newly encrypted conversation: its group made here, the members' devices committed in (unless another device did it first). */
  setUp(conversation: ConversationDetail): Promise<void> {
    this.remember(conversation);
    return this.membership.setUp(conversation);
  }

  /** Makes the group of an encrypted conversation nobody made one for, if this user may (GroupMembership.setUpIfNone). */
  setUpIfNone(conversationId: string): Promise<boolean> {
    return this.membership.setUpIfNone(conversationId);
  }

  /** Commits the devices of `userId` (a member now) into the group (GroupMembership.addMember). */
  addMember(conversationId: string, userId: string): Promise<void> {
    return this.membership.addMember(conversationId, userId);
  }

  /** Commits the removal of every device of `userId` (no longer a member): it reads nothing sent after. */
  removeMember(conversationId: string, userId: string): Promise<void> {
    return this.membership.removeMember(conversationId, userId);
  }

  /** A member left or was removed (`member.removed`): one of the remaining devices commits their removal (GroupMembership). */
  memberRemoved(conversationId: string, userId: string): Promise<void> {
    return this.membership.memberRemoved(conversationId, userId);
  }

  /** Commits the removal of one revoked device from every encrypted conversation this device is in. */
  removeDevice(device: DeviceRef): Promise<void> {
    return this.membership.removeDevice(device);
  }

  /** Someone revoked a device (`device.revoked`): commits its removal where this device's turn comes (GroupMembership.deviceRevoked). */
  deviceRevoked(device: DeviceRef): Promise<void> {
    return this.membership.deviceRevoked(device);
  }

  /** A new device of a member joins the group by itself, by external commit (GroupMembership.joinExternally). */
  joinExternally(conversationId: string): Promise<boolean> {
    return this.membership.joinExternally(conversationId);
  }

  /** The `mls` of a send: the text encrypted in the conversation's current epoch, remembered here to be read back. */
  encryptFor(conversationId: string, text: string, clientId: string): Promise<MlsSend> {
    return this.encryptContent(conversationId, { text }, clientId);
  }

  /**
   * The `mls` of a send carrying more than a text: files' keys, a reaction (encrypted-content.ts).
   * `liveSeq`: a live connection's word that it handed on every message up to that seq (and knows
   * of none after); when all of them are applied, the log is not read before encrypting.
   */
  async encryptContent(conversationId: string, content: EncryptedContent, clientId: string, liveSeq?: number): Promise<MlsSend> {
    try {
      return await this.encryptNow(conversationId, content, clientId, liveSeq);
    } catch (error) {
      // Encryption turned on from a client with no device (`PATCH {encrypted: true}`): nobody made
      // the group yet. An owner's or admin's device makes it now (GroupMembership.setUpIfNone), then sends.
      if (!(error instanceof GroupError && error.code === 'not_a_member') || !(await this.membership.setUpIfNone(conversationId)))
        throw error;
      return this.encryptNow(conversationId, content, clientId, liveSeq);
    }
  }

  /**
   * Encrypts `content` for the conversation and sends it over REST (with the uploads of its files
   * beside, when it carries some): answers the message as this device reads it (a reaction, edit,
   * vote or move is applied, not listed).
   */
  async sendContent(
    conversationId: string,
    content: EncryptedContent,
    attachmentIds: readonly string[] = [],
    clientId: string = newClientId(),
  ): Promise<Message> {
    const mls = await this.encryptContent(conversationId, content, clientId);
    const answer = await this.http.request<{ message: Message }>('POST', `${conversationPath(conversationId)}/messages`, {
      body: { clientId, mls, ...(attachmentIds.length > 0 ? { attachmentIds } : {}) },
    });
    return (await this.decrypt(answer.message)) ?? answer.message;
  }

  private encryptNow(conversationId: string, content: EncryptedContent, clientId: string, liveSeq?: number): Promise<MlsSend> {
    const plain = encodeContent(content);
    return this.locked(conversationId, async () => {
      await this.apply(conversationId, Number.MAX_SAFE_INTEGER, { liveSeq });
      const group = await this.loadGroup(conversationId);
      if (!group) throw new GroupError('not_a_member', 'This device is not in the conversation’s group yet');
      const engine = await this.devices.engine();
      const me = await this.devices.self();
      const { ciphertext, group: next } = await engine.encrypt(group, plain);
      await this.store.put(KEYS.sent(clientId), plain);
      await this.store.put(KEYS.group(conversationId), engine.save(next));
      const relatesTo = relationOf(content);
      return { type: 'application', ciphertext: b64(ciphertext), epoch: Number(next.epoch), senderDevice: me.deviceId, ...relatesTo };
    });
  }

  /** A page with its MLS messages decrypted (`body` set, `encrypted: true`); commits and welcomes left out. */
  decryptPage(page: MessagePage): Promise<MessagePage> {
    return this.reads.decryptPage(page);
  }

  /** An encrypted poll this device decrypted, by message id, counted from every vote it can read now; undefined if it has none. */
  pollOf(messageId: string): Promise<Message | undefined> {
    return this.reads.pollOf(messageId);
  }

  /** An encrypted live place this device decrypted, by message id, where its author last moved it; undefined if it has none. */
  placeOf(messageId: string): Promise<Message | undefined> {
    return this.reads.placeOf(messageId);
  }

  /** A message as its readers see it (EncryptedReads.decrypt): undefined for a commit or a welcome. */
  decrypt(message: Message): Promise<Message | undefined> {
    return this.reads.decrypt(message);
  }

  /** The conversation's reactions, counted from the encrypted ones this device decrypted, per message id. */
  reactions(conversationId: string): Promise<Map<string, EncryptedReactionCount[]>> {
    return this.reads.reactions(conversationId);
  }

  /** Search over the texts this device decrypted (decrypted-search.ts): the server cannot search ciphertext. */
  search(q: string, options?: DecryptedSearchOptions): Promise<DecryptedHit[]> {
    return searchDecrypted(this.store, q, options);
  }

  // ---- the order, applied (order-applier.ts) ----

  /** The order applied up to `upTo` (or all, and then a commit or add a crash cut short is finished). */
  private async apply(conversationId: string, upTo = Number.MAX_SAFE_INTEGER, known: Known = {}): Promise<void> {
    if (!(await this.order.apply(conversationId, upTo, known)) || upTo !== Number.MAX_SAFE_INTEGER) return;
    // A commit of mine whose outcome a crash hid is finished (or made again); then people whose add it cut short.
    if (!(await this.commits.settle(conversationId, await this.loadGroup(conversationId))))
      await this.membership.settleAdds(conversationId);
  }

  // ---- state ----

  private loadGroup(conversationId: string): Promise<Group | undefined> {
    return this.order.loadGroup(conversationId);
  }

  /** Runs `work` after the conversation's earlier work (ConversationLocks: one group state is never changed by two at once). */
  private locked<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    return this.locks.run(conversationId, work);
  }
}
