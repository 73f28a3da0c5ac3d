import type { MlsRelation, MlsSend, Role } from '@confab/protocol';
import { AppError, detail, forbidden, invalid } from '../../errors.js';
import {
  type CommitInfo,
  type DeviceRef,
  type GroupInfoInfo,
  readApplication,
  readCommit,
  readGroupInfo,
  readWelcome,
} from '../../infra/mls-messages.js';
import {
  type AttachmentRecord,
  type ConversationRecord,
  type EpochAdvance,
  type MlsGroupRecord,
  type MlsRecord,
  type Store,
  shownToPeople,
} from '../../store/store.js';

/** An MLS message as the append stores it: the envelope, and for a commit the epoch it must be made in. */
export interface MlsContent {
  kind: 'encrypted';
  body: '';
  mls: MlsRecord;
  advance?: EpochAdvance;
  /** The uploads of an application message's encrypted files (ciphertext; their keys are in the message). */
  attachments?: AttachmentRecord[];
}

const canManage = (role: Role) => role === 'owner' || role === 'admin';
const bytesOf = (base64url: string) => new Uint8Array(Buffer.from(base64url, 'base64url'));
const refuse = (path: string, message: string) => invalid(`mls${path.replace(/\//g, '.')} ${message}`, [detail(`/mls${path}`, message)]);

/** 400 `encrypted_conversation`: what would put readable content on the server is refused in an encrypted conversation. */
export const encryptedConversation = (what = 'A plain message') =>
  new AppError('encrypted_conversation', `${what} cannot be sent into an end-to-end encrypted conversation: send it as MLS (\`mls\`)`);

/** 409 `device_revoked`: an MLS message of a device revoked, refused as its send is checked or as it is numbered. */
export const deviceRevoked = () => new AppError('device_revoked', 'The sending device was revoked: it can send nothing more');

/**
 * The Delivery Service's rules for the MLS messages sent into an encrypted conversation (issue 39,
 * decision 0027). The server cannot read content; it checks what it can see: the group and epoch
 * of each message, that the sending device is the sender's, that a commit's adds and removes
 * match the conversation's roles and members, and that a Welcome is for members' devices. The
 * epoch of a commit is checked again where it counts, in the transaction that orders it.
 */
export class MlsDelivery {
  constructor(private readonly store: Store) {}

  async prepare(
    senderId: string,
    conversation: ConversationRecord,
    role: Role,
    members: ReadonlyMap<string, Role>,
    input: MlsSend,
  ): Promise<MlsContent> {
    const group = await this.store.conversations.getMlsGroup(conversation.id);
    if (!group) throw new AppError('validation_failed', 'This conversation is not encrypted: send a `body`');
    await this.requireSender(senderId, input.senderDevice);
    const mls: MlsRecord = { type: input.type, ciphertext: input.ciphertext, epoch: input.epoch, senderDevice: input.senderDevice };
    if (input.type !== 'commit' && input.groupInfo !== undefined) throw refuse('/groupInfo', 'is only for a commit');
    if (input.type !== 'welcome' && input.devices !== undefined) throw refuse('/devices', 'is only for a welcome');
    if (input.type !== 'application' && input.relatesTo !== undefined) throw refuse('/relatesTo', 'is only for an application message');
    if (input.type === 'application') {
      const read = readApplication(bytesOf(input.ciphertext));
      if ('refused' in read) throw refuse('/ciphertext', read.refused);
      this.sameGroup(group, read.groupId, read.epoch, input.epoch);
      if (read.epoch > group.epoch) throw refuse('/epoch', `is ahead of the conversation's current epoch (${group.epoch})`);
      if (input.relatesTo === undefined) return { kind: 'encrypted', body: '', mls };
      await this.checkRelation(senderId, conversation.id, input.relatesTo);
      return {
        kind: 'encrypted',
        body: '',
        mls: { ...mls, relatesTo: { type: input.relatesTo.type, messageId: input.relatesTo.messageId } },
      };
    }
    if (input.type === 'welcome') {
      const devices = input.devices;
      if (devices === undefined) throw refuse('/devices', 'is required for a welcome');
      const read = readWelcome(bytesOf(input.ciphertext));
      if ('refused' in read) throw refuse('/ciphertext', read.refused);
      if (read.secrets !== devices.length) throw refuse('/devices', `must name one device per secret of the Welcome (${read.secrets})`);
      if (input.epoch < 1 || input.epoch > group.epoch) throw refuse('/epoch', `must be an epoch a commit has made (1–${group.epoch})`);
      await Promise.all(
        devices.map(async (id, i) => {
          const device = await this.store.devices.getDevice(id);
          if (!device || device.revokedAt !== null || !members.has(device.userId))
            throw refuse(`/devices/${i}`, 'is not an active device of a member of this conversation');
        }),
      );
      return { kind: 'encrypted', body: '', mls: { ...mls, devices: [...devices] } };
    }
    return { kind: 'encrypted', body: '', mls, advance: await this.checkCommit(senderId, conversation, role, members, group, input) };
  }

  /** A commit: the sender's own leaf, adds of members' active devices, removes the sender may make. */
  private async checkCommit(
    senderId: string,
    conversation: ConversationRecord,
    role: Role,
    members: ReadonlyMap<string, Role>,
    group: MlsGroupRecord,
    input: MlsSend,
  ): Promise<EpochAdvance> {
    if (input.groupInfo === undefined) throw refuse('/groupInfo', 'is required for a commit');
    const commit = readCommit(bytesOf(input.ciphertext));
    if ('refused' in commit) throw refuse('/ciphertext', commit.refused);
    this.sameGroup(group, commit.groupId, commit.epoch, input.epoch);
    const info = readGroupInfo(bytesOf(input.groupInfo));
    if ('refused' in info) throw refuse('/groupInfo', info.refused);
    if (info.groupId !== group.groupId || info.epoch !== commit.epoch + 1)
      throw refuse('/groupInfo', "must be the GroupInfo of this conversation's group at the epoch the commit makes");
    if (commit.external) return this.checkExternalCommit(senderId, members, group, info.leaves, commit, input);
    const sender = commit.senderLeaf === undefined ? undefined : info.leaves[commit.senderLeaf];
    if (sender?.userId !== senderId || sender.deviceId !== input.senderDevice)
      throw refuse('/ciphertext', 'must be committed by the sending device');
    // Adding other people's devices is adding members: a direct conversation's two, a group's owner and admins.
    const managing = conversation.kind === 'direct' || canManage(role);
    for (const [i, added] of commit.adds.entries()) {
      if (!members.has(added.userId)) throw refuse('/ciphertext', `adds a device of someone who is not a member (add ${i})`);
      if (added.userId !== senderId && !managing) throw forbidden("Only the owner or an admin can add other members' devices");
      await this.requireDevice(added, '/ciphertext', `adds a device that is not an active device of its user (add ${i})`);
    }
    if (commit.removes.length > 0) {
      const previous = group.groupInfo === null ? undefined : readGroupInfo(bytesOf(group.groupInfo));
      if (!previous || 'refused' in previous) throw refuse('/ciphertext', 'removes a member from a group the server has no tree of');
      for (const leaf of commit.removes) {
        const removed = previous.leaves[leaf];
        if (!removed) throw refuse('/ciphertext', `removes leaf ${leaf}, which is blank`);
        // Anyone may remove a device whose user left or was removed, or which its user revoked; one's own devices too.
        if (!members.has(removed.userId) || removed.userId === senderId) continue;
        const device = await this.store.devices.getDevice(removed.deviceId);
        if (!device || device.revokedAt !== null) continue;
        if (conversation.kind === 'direct' || !canManage(role))
          throw forbidden("Only the owner or an admin can remove another member's active device");
      }
    }
    return { epoch: commit.epoch, groupInfo: input.groupInfo };
  }

  /**
   * An external commit (part 4): a new device of a member joins by itself from the GroupInfo. The
   * sending device (checked active and the sender's) must be in the new tree; it adds nobody, and
   * may remove only an earlier leaf of its own device (a rejoin).
   */
  private checkExternalCommit(
    senderId: string,
    members: ReadonlyMap<string, Role>,
    group: MlsGroupRecord,
    leaves: GroupInfoInfo['leaves'],
    commit: CommitInfo,
    input: MlsSend,
  ): EpochAdvance {
    if (!members.has(senderId)) throw forbidden('Only a member’s device can join this conversation’s group');
    if (!leaves.some((leaf) => leaf?.userId === senderId && leaf.deviceId === input.senderDevice))
      throw refuse('/groupInfo', 'must have the joining device in its tree');
    if (commit.adds.length > 0) throw refuse('/ciphertext', 'adds devices in an external commit');
    if (commit.removes.length > 0) {
      const previous = group.groupInfo === null ? undefined : readGroupInfo(bytesOf(group.groupInfo));
      for (const leaf of commit.removes) {
        const removed = previous && !('refused' in previous) ? previous.leaves[leaf] : undefined;
        if (removed?.deviceId !== input.senderDevice) throw refuse('/ciphertext', 'removes another device in an external commit');
      }
    }
    return { epoch: commit.epoch, groupInfo: input.groupInfo! };
  }

  /**
   * A reaction, edit, vote or close names a message people read in this conversation (a plain one from before
   * encryption too), not deleted; an edit or a poll's close, one of the sender's own, as in clear. The marker is the
   * sender's word: readers still go by the decrypted content (an edit or close only from its message's sender).
   */
  private async checkRelation(senderId: string, conversationId: string, relation: MlsRelation): Promise<void> {
    const target = await this.store.messages.getMessage(relation.messageId);
    if (!target || target.conversationId !== conversationId) throw refuse('/relatesTo/messageId', 'is not a message of this conversation');
    if (target.kind === 'system' || (target.mls && !shownToPeople(target)))
      throw refuse('/relatesTo/messageId', 'must be a message people read, not a commit, welcome, reaction, edit or system message');
    if (target.deletedAt !== null) throw new AppError('conflict', 'The message was deleted');
    if (relation.type === 'edit' && target.senderId !== senderId) throw forbidden('Only the author may edit a message');
    // Readers count an encrypted poll's close only from its author (they cannot check roles in the group's past).
    if (relation.type === 'close' && target.senderId !== senderId) throw forbidden('Only its author may close an encrypted poll');
  }

  private sameGroup(group: MlsGroupRecord, groupId: string, epoch: number, declared: number): void {
    if (groupId !== group.groupId) throw refuse('/ciphertext', "is not of this conversation's MLS group");
    if (epoch !== declared) throw refuse('/epoch', `must be the message's own epoch (${epoch})`);
  }

  /**
   * The sending device is the sender's and active; checked again as the message is numbered
   * (`sql/sending-devices.ts`), where a revocation committed since is refused with the same 409.
   */
  private async requireSender(senderId: string, deviceId: string): Promise<void> {
    const device = await this.store.devices.getDevice(deviceId);
    if (device?.userId !== senderId) throw refuse('/senderDevice', 'must be an active device of yours');
    if (device.revokedAt !== null) throw deviceRevoked();
  }

  private async requireDevice(ref: DeviceRef, path: string, message: string): Promise<void> {
    const device = await this.store.devices.getDevice(ref.deviceId);
    if (!device || device.userId !== ref.userId || device.revokedAt !== null) throw refuse(path, message);
  }
}

/**
 * Refuses what would put readable content into an encrypted conversation (an edit's text, a
 * reaction's emoji, a scheduled or draft body): 400 `encrypted_conversation`. Encryption is never
 * turned off, so a conversation read as encrypted stays so.
 */
export async function refuseIfEncrypted(store: Store, conversationId: string, what: string): Promise<void> {
  const conversation = await store.conversations.getConversation(conversationId);
  if (conversation?.encrypted) throw encryptedConversation(what);
}
