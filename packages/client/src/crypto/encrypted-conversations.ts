import type { ConversationDetail, Message, MessagePage, MlsGroupState, MlsSend } from '@confab/protocol';
import type { HttpTransport } from '../http.js';
import { base64UrlBytes } from '../push.js';
import type { CryptoStore } from './crypto-store.js';
import { type DecryptedHit, type DecryptedSearchOptions, forgetDecrypted, searchDecrypted } from './decrypted-search.js';
import type { DeviceManager } from './device-manager.js';
import { keepEdit, withEdit } from './encrypted-edits.js';
import { withQuote } from './encrypted-quotes.js';
import {
  type EncryptedContent,
  type EncryptedReactionCount,
  countReactions,
  encodeContent,
  isRelation,
  readableContent,
  relationOf,
} from './encrypted-content.js';
import { keptPoll, talliedPoll } from './poll-records.js';
import { type DeviceRef, type Group, GroupError, type GroupEngine, type PendingCommit } from './group-engine.js';
import { dropPendingAdd, keepPendingAdd, pendingAddsOf } from './pending-commit.js';
import { b64 } from './byte-packing.js';
import { type Claimed, CommitDelivery, unknownOutcome } from './commit-delivery.js';
import { KEYS, conversationPath } from './conversation-keys.js';
import { type Known, OrderApplier } from './order-applier.js';

/** How often a commit is made again after `409 epoch_conflict` (each time after applying what was missed). */
const COMMIT_ATTEMPTS = 5;
/** A departed member's removal: how long each device waits per device ranked before it, and the longest wait. */
const STAND_IN_STEP_MS = 400;
const STAND_IN_MAX_WAIT_MS = 4000;

/**
 * Encrypted conversations on this device (issue 39, decision 0027): each conversation's MLS group
 * state, applied in the conversation's order (commits, welcomes, application messages, by seq),
 * the decrypted history kept in the `CryptoStore` (an MLS message can be decrypted once, and a
 * sender cannot decrypt its own), and the commits that follow membership changes, made again
 * after `409 epoch_conflict` once what was missed is applied. Work on one conversation is
 * serialised; decrypt failures are reported to the server as counts, epochs and a reason only.
 */
export class EncryptedConversations {
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly encrypted = new Map<string, boolean>();
  /** Conversations whose pending adds are being committed (settleAdds), so the `apply` inside does not start them again. */
  private readonly resuming = new Set<string>();
  private readonly commits: CommitDelivery;
  private readonly order: OrderApplier;

  constructor(
    private readonly http: HttpTransport,
    private readonly store: CryptoStore,
    private readonly devices: DeviceManager,
  ) {
    this.commits = new CommitDelivery(http, store, devices);
    this.order = new OrderApplier(http, store, devices, this.commits);
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
    return this.locked(conversation.id, async () => {
      if (await this.loadGroup(conversation.id)) return;
      const engine = await this.devices.engine();
      const me = await this.devices.self();
      const state = await this.groupState(conversation.id);
      if (state.epoch > 0) return void (await this.apply(conversation.id));
      const group = await engine.createGroup(base64UrlBytes(state.groupId), me, me);
      const packages = await this.claim(
        conversation.members.map((m) => m.userId),
        me,
      );
      // Committed even with no other device to add (an empty commit): the order then says whose group it is.
      // Each KeyPackage is checked against its user's list: the members' lists read in one request first.
      const pending = await this.devices.withDeviceLists(
        conversation.members.map((m) => m.userId),
        () =>
          engine.addMembers(
            group,
            packages.map((p) => p.keyPackage),
          ),
      );
      const answer = await this.commits.send(conversation.id, engine, pending, packages);
      if ('conflict' in answer) return void (await this.apply(conversation.id));
    });
  }

  /**
   * Commits the devices of `userId` (a member now) into the group; those in it already are left
   * (a retry after a crash). Kept as a pending add until ordered, so a crash between the claim
   * and the commit is finished by the next `apply`.
   */
  addMember(conversationId: string, userId: string): Promise<void> {
    return this.locked(conversationId, () => this.addNow(conversationId, userId));
  }

  private async addNow(conversationId: string, userId: string): Promise<void> {
    // The `apply` inside must not start this add again from its pending record.
    const outer = !this.resuming.has(conversationId);
    this.resuming.add(conversationId);
    try {
      await this.addOnce(conversationId, userId);
    } finally {
      if (outer) this.resuming.delete(conversationId);
    }
  }

  private async addOnce(conversationId: string, userId: string): Promise<void> {
    await keepPendingAdd(this.store, conversationId, userId);
    await this.commitNow(conversationId, async (engine, group, me) => {
      const inGroup = new Set(
        engine
          .members(group)
          .filter((d) => d.userId === userId)
          .map((d) => d.deviceId),
      );
      const packages = (await this.claim([userId], me)).filter((p) => !inGroup.has(p.deviceId));
      return packages.length === 0
        ? undefined
        : {
            pending: await engine.addMembers(
              group,
              packages.map((p) => p.keyPackage),
            ),
            packages,
          };
    }).catch(async (error: unknown) => {
      // Refused (a 4xx, or others kept committing first): trying again at every apply would fail
      // the same way. Only a commit whose outcome is unknown (unreached, a 5xx) stays to finish.
      if (!unknownOutcome(error)) await dropPendingAdd(this.store, conversationId, userId);
      throw error;
    });
    await dropPendingAdd(this.store, conversationId, userId);
  }

  /** Commits the removal of every device of `userId` (no longer a member): it reads nothing sent after. */
  removeMember(conversationId: string, userId: string): Promise<void> {
    return this.commit(conversationId, async (engine, group) => {
      const devices = engine.members(group).filter((d) => d.userId === userId);
      return devices.length === 0 ? undefined : { pending: await engine.removeMembers(group, devices), packages: [] };
    });
  }

  /**
   * A member left or was removed (`member.removed`): the devices that remain commit their devices'
   * removal, so that they read nothing sent after, without waiting for anyone to call
   * `removeMember` (a device cannot commit its own removal). One device should do it, not all:
   * the remaining devices are ranked by id and each waits its rank's turn, so the first online
   * usually commits alone; whoever's commit lands first wins, and the others, answered
   * `409 epoch_conflict` or finding the devices gone once they apply what they missed, stand down.
   */
  async memberRemoved(conversationId: string, userId: string): Promise<void> {
    if (!(await this.devices.isEnabled())) return;
    const me = await this.devices.self();
    if (userId === me.userId) return;
    const group = await this.loadGroup(conversationId);
    if (!group) return;
    const remaining = (await this.devices.engine())
      .members(group)
      .filter((d) => d.userId !== userId)
      .map((d) => `${d.userId}\u0000${d.deviceId}`)
      .sort();
    const rank = remaining.indexOf(`${me.userId}\u0000${me.deviceId}`);
    if (rank > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(rank * STAND_IN_STEP_MS, STAND_IN_MAX_WAIT_MS)));
    // Added back meanwhile (their devices committed in again): not to be removed.
    const { conversation } = await this.http.request<{ conversation: ConversationDetail }>('GET', conversationPath(conversationId));
    if (conversation.members.some((m) => m.userId === userId)) return;
    await this.removeMember(conversationId, userId);
  }

  /** Commits the removal of one revoked device from every encrypted conversation this device is in. */
  async removeDevice(device: DeviceRef): Promise<void> {
    for (const key of await this.store.keys('group:')) {
      const conversationId = key.slice('group:'.length);
      await this.commit(conversationId, async (engine, group) => {
        const leaves = engine.members(group).filter((d) => d.userId === device.userId && d.deviceId === device.deviceId);
        return leaves.length === 0 ? undefined : { pending: await engine.removeMembers(group, leaves), packages: [] };
      });
    }
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
  encryptContent(conversationId: string, content: EncryptedContent, clientId: string, liveSeq?: number): Promise<MlsSend> {
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
  async decryptPage(page: MessagePage): Promise<MessagePage> {
    const items: Message[] = [];
    // The whole page's order applied first: a Welcome later in the page may bring this device into
    // an epoch some earlier message of the page is in (one sent between a commit and a late Welcome).
    const last = page.items.filter((m) => m.kind === 'encrypted').at(-1);
    if (last && (await this.devices.isEnabled()))
      await this.locked(last.conversationId, () => this.apply(last.conversationId, Math.max(...page.items.map((m) => m.seq))));
    for (const message of page.items) {
      const decrypted = await this.decrypt(message);
      // A reaction or vote is counted, an edit applied to its message: none is listed.
      if (decrypted && !isRelation(decrypted)) items.push(decrypted);
    }
    // A poll's votes come after it in the order: every one this device can read is applied before counting.
    if (items.some((m) => m.kind === 'poll' && m.encrypted))
      await this.locked(page.items[0]!.conversationId, () => this.apply(page.items[0]!.conversationId));
    // Again: an edit later in this page was kept after its message was decrypted.
    return {
      ...page,
      items: await Promise.all(
        items.map(async (m) => (m.kind === 'poll' && m.encrypted ? ((await this.tally(m)) ?? m) : withEdit(this.store, m))),
      ),
    };
  }

  /** An encrypted poll this device decrypted, by message id, counted from every vote it can read now; undefined if it has none. */
  async pollOf(messageId: string): Promise<Message | undefined> {
    const envelope = await keptPoll(this.store, messageId);
    if (!envelope) return undefined;
    await this.locked(envelope.conversationId, () => this.apply(envelope.conversationId));
    return this.tally(envelope);
  }

  /** A poll counted from the votes this device holds, by the users whose devices are in the group now. */
  private async tally(poll: Message): Promise<Message | undefined> {
    const group = await this.loadGroup(poll.conversationId);
    const members = new Set(group ? (await this.devices.engine()).members(group).map((d) => d.userId) : []);
    return talliedPoll(this.store, poll, members);
  }

  /**
   * A message as its readers see it: an application message decrypted (undefined for a commit or
   * a welcome, which are applied, not shown); a message of a plain conversation as it is. One this
   * device cannot read stays an envelope without `body`.
   */
  async decrypt(message: Message): Promise<Message | undefined> {
    const read = await this.decryptOne(message);
    // A reply's quote: the server has no text of an encrypted message to excerpt; this device may.
    return read && read.kind === 'encrypted' && read.replyTo ? withQuote(this.store, read) : read;
  }

  private async decryptOne(message: Message): Promise<Message | undefined> {
    // A client that has not enabled encryption has no device to read with: the envelope as it is.
    if (message.kind !== 'encrypted' || !(await this.devices.isEnabled())) return message;
    if (message.deletedAt !== null) {
      // Deleted for everyone (a tombstone): its text is forgotten here too, so a search no longer finds it.
      await forgetDecrypted(this.store, message.conversationId, message.seq);
      return message;
    }
    if (message.mls !== 'application') {
      await this.locked(message.conversationId, () => this.apply(message.conversationId, message.seq, { message }));
      return undefined;
    }
    const plain = await this.locked(message.conversationId, async () => {
      await this.apply(message.conversationId, message.seq, { message });
      return this.store.get(KEYS.plain(message.conversationId, message.seq));
    });
    if (!plain) return message;
    const { ciphertext: _ciphertext, ...rest } = message;
    const read = { ...rest, encrypted: true as const, ...readableContent(plain) };
    if (read.edit) await keepEdit(this.store, message, read.edit);
    if (read.kind === 'poll') return (await this.tally(rest)) ?? read;
    return isRelation(read) ? read : withEdit(this.store, read);
  }

  /** The conversation's reactions, counted from the encrypted ones this device decrypted, per message id. */
  async reactions(conversationId: string): Promise<Map<string, EncryptedReactionCount[]>> {
    await this.locked(conversationId, () => this.apply(conversationId));
    return countReactions(this.store, conversationId);
  }

  /** Search over the texts this device decrypted (decrypted-search.ts): the server cannot search ciphertext. */
  search(q: string, options?: DecryptedSearchOptions): Promise<DecryptedHit[]> {
    return searchDecrypted(this.store, q, options);
  }

  /**
   * A new device of a member (linked, part 4) joins the group by itself, by external commit from
   * the conversation's latest GroupInfo; on `409 epoch_conflict` it joins from the newer one. What
   * was ordered before its commit was sent before it joined: the applied position starts after it.
   */
  joinExternally(conversationId: string): Promise<boolean> {
    return this.locked(conversationId, async () => {
      if (await this.loadGroup(conversationId)) return false;
      const engine = await this.devices.engine();
      const me = await this.devices.self();
      for (let attempt = 1; attempt <= COMMIT_ATTEMPTS; attempt++) {
        const { groupInfo } = await this.groupState(conversationId);
        if (!groupInfo) return false;
        const pending = await engine.joinByExternalCommit(base64UrlBytes(groupInfo), me, me);
        const answer = await this.commits.send(conversationId, engine, pending, [], true);
        if ('conflict' in answer) continue;
        return true;
      }
      throw new GroupError('epoch_ahead', `The external commit was refused ${COMMIT_ATTEMPTS} times: others kept committing first`);
    });
  }

  // ---- the order, applied (order-applier.ts) ----

  /** The order applied up to `upTo` (or all, and then a commit or add a crash cut short is finished). */
  private async apply(conversationId: string, upTo = Number.MAX_SAFE_INTEGER, known: Known = {}): Promise<void> {
    if (!(await this.order.apply(conversationId, upTo, known)) || upTo !== Number.MAX_SAFE_INTEGER) return;
    // A commit of mine whose outcome a crash hid is finished (or made again); then people whose add it cut short.
    if (!(await this.commits.settle(conversationId, await this.loadGroup(conversationId)))) await this.settleAdds(conversationId);
  }

  // ---- commits ----

  /** Makes a commit from the current state; on 409 applies what was missed and makes it again. */
  private commit(
    conversationId: string,
    make: (engine: GroupEngine, group: Group, me: DeviceRef) => Promise<{ pending: PendingCommit; packages: Claimed[] } | undefined>,
  ): Promise<void> {
    return this.locked(conversationId, () => this.commitNow(conversationId, make));
  }

  private async commitNow(
    conversationId: string,
    make: (engine: GroupEngine, group: Group, me: DeviceRef) => Promise<{ pending: PendingCommit; packages: Claimed[] } | undefined>,
  ): Promise<void> {
    const engine = await this.devices.engine();
    const me = await this.devices.self();
    for (let attempt = 1; attempt <= COMMIT_ATTEMPTS; attempt++) {
      await this.apply(conversationId);
      const group = await this.loadGroup(conversationId);
      if (!group) throw new GroupError('not_a_member', 'This device is not in the conversation’s group yet');
      const made = await make(engine, group, me);
      if (!made) return;
      const answer = await this.commits.send(conversationId, engine, made.pending, made.packages);
      if ('conflict' in answer) continue;
      return;
    }
    throw new GroupError('epoch_ahead', `The commit was refused ${COMMIT_ATTEMPTS} times: others kept committing first`);
  }

  /**
   * Pending adds (a crash between the KeyPackage claim and the commit): each person still a member
   * and with no device in the group is committed in now.
   */
  private async settleAdds(conversationId: string): Promise<void> {
    const adds = await pendingAddsOf(this.store, conversationId);
    if (adds.length === 0 || this.resuming.has(conversationId)) return;
    const { conversation } = await this.http.request<{ conversation: ConversationDetail }>('GET', conversationPath(conversationId));
    const group = await this.loadGroup(conversationId);
    const inGroup = new Set(group ? (await this.devices.engine()).members(group).map((d) => d.userId) : []);
    for (const userId of adds) {
      // Their commit was ordered after all (found in the order), or they left meanwhile: nothing to add.
      if (inGroup.has(userId) || !conversation.members.some((m) => m.userId === userId))
        await dropPendingAdd(this.store, conversationId, userId);
      else
        await this.addNow(conversationId, userId).catch((error: unknown) => {
          // Refused now (and dropped): the add that kept it failed before; only an unreached server stops the apply.
          if (unknownOutcome(error)) throw error;
        });
    }
  }

  /** One KeyPackage of each active device of these users, this device's own left out. */
  private async claim(userIds: readonly string[], me: DeviceRef): Promise<Claimed[]> {
    const claimed: Claimed[] = [];
    for (const userId of new Set(userIds)) {
      const { keyPackages } = await this.devices.claimKeyPackages(userId);
      for (const k of keyPackages)
        if (k.deviceId !== me.deviceId) claimed.push({ deviceId: k.deviceId, keyPackage: base64UrlBytes(k.keyPackage) });
    }
    return claimed;
  }

  // ---- state ----

  private groupState(conversationId: string): Promise<MlsGroupState> {
    return this.http.request('GET', `${conversationPath(conversationId)}/mls`);
  }

  private loadGroup(conversationId: string): Promise<Group | undefined> {
    return this.order.loadGroup(conversationId);
  }

  /**
   * Runs `work` after the conversation's earlier work: one group state is never changed by two at
   * once. In a browser the tabs of a user share the IndexedDB store, so the work also holds the
   * conversation's Web Lock: another tab waits, then reads the state and the applied position this
   * one left (every step reads them from the store, never from memory).
   */
  private locked<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(conversationId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => acrossTabs(`confab-mls:${conversationId}`, work));
    this.locks.set(conversationId, next);
    return next;
  }
}

/** `work` holding the Web Lock `name` where there is one (browsers); elsewhere one process holds the store alone. */
function acrossTabs<T>(name: string, work: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  return locks ? (locks.request(name, work) as Promise<T>) : work();
}
