// The commits that change who is in an encrypted conversation's MLS group, for
// EncryptedConversations: members' devices added (kept as pending adds until ordered), removed,
// revoked devices taken out, and a new device of mine joining by external commit.
import type { ConversationDetail, MlsGroupState } from '@confab/protocol';
import type { HttpTransport } from '../http.js';
import { base64UrlBytes } from '../push.js';
import type { CryptoStore } from './crypto-store.js';
import type { DeviceManager } from './device-manager.js';
import { type DeviceRef, type Group, GroupError, type GroupEngine, type PendingCommit } from './group-engine.js';
import { dropPendingAdd, keepPendingAdd, pendingAddsOf } from './pending-commit.js';
import { unknownOutcome } from '../errors.js';
import type { Claimed, CommitDelivery } from './commit-delivery.js';
import { conversationPath } from './conversation-keys.js';
import type { GroupAccess } from './group-access.js';

/** How often a commit is made again after `409 epoch_conflict` (each time after applying what was missed). */
const COMMIT_ATTEMPTS = 5;
/** A departed member's removal: how long each device waits per device ranked before it, and the longest wait. */
const STAND_IN_STEP_MS = 400;
const STAND_IN_MAX_WAIT_MS = 4000;

export class GroupMembership {
  /** Conversations whose pending adds are being committed (settleAdds), so the `apply` inside does not start them again. */
  private readonly resuming = new Set<string>();

  constructor(
    private readonly http: HttpTransport,
    private readonly store: CryptoStore,
    private readonly devices: DeviceManager,
    private readonly commits: CommitDelivery,
    private readonly access: GroupAccess,
  ) {}

  /** A newly encrypted conversation: its group made here, the members' devices committed in (unless another device did it first). */
  setUp(conversation: ConversationDetail): Promise<void> {
    return this.access.locked(conversation.id, async () => {
      if (await this.access.loadGroup(conversation.id)) return;
      const engine = await this.devices.engine();
      const me = await this.devices.self();
      const state = await this.groupState(conversation.id);
      if (state.epoch > 0) return void (await this.access.apply(conversation.id));
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
      if ('conflict' in answer) return void (await this.access.apply(conversation.id));
    });
  }

  /**
   * Makes the group of an encrypted conversation whose group nobody made (no commit yet: encryption
   * was turned on from a client without a device), as `setUp`, when this device's user may commit
   * other members' devices in (an owner or admin: the server's rule for adds). False when the group
   * exists (this device is then not in it yet, and waits for its Welcome) or this user may not.
   * Two devices doing it at once: the first commit wins, the other applies it (`setUp`).
   */
  async setUpIfNone(conversationId: string): Promise<boolean> {
    if (!(await this.devices.isEnabled()) || (await this.access.loadGroup(conversationId))) return false;
    if ((await this.groupState(conversationId)).epoch > 0) return false;
    const { conversation } = await this.http.request<{ conversation: ConversationDetail }>('GET', conversationPath(conversationId));
    if (!conversation.encrypted || !['owner', 'admin'].includes(conversation.myRole)) return false;
    await this.setUp(conversation);
    return true;
  }

  /**
   * Commits the devices of `userId` (a member now) into the group; those in it already are left
   * (a retry after a crash). Kept as a pending add until ordered, so a crash between the claim
   * and the commit is finished by the next `apply`.
   */
  addMember(conversationId: string, userId: string): Promise<void> {
    return this.access.locked(conversationId, () => this.addNow(conversationId, userId));
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
    const group = await this.access.loadGroup(conversationId);
    if (!group) return;
    await this.waitTurn(group, me, (d) => d.userId !== userId);
    // Added back meanwhile (their devices committed in again): not to be removed.
    const { conversation } = await this.http.request<{ conversation: ConversationDetail }>('GET', conversationPath(conversationId));
    if (conversation.members.some((m) => m.userId === userId)) return;
    await this.removeMember(conversationId, userId);
  }

  /**
   * A user revoked a device (`device.revoked`): in each group this device shares with it, the
   * devices that remain commit its removal, whichever device or client revoked it (one without a
   * device of its own commits nothing; the revoking device only in the groups it is in). One
   * device should do it: they wait their rank's turn as for `memberRemoved`, and whoever finds the
   * device gone once it applied what it missed stands down.
   */
  async deviceRevoked(device: DeviceRef): Promise<void> {
    if (!(await this.devices.isEnabled())) return;
    const me = await this.devices.self();
    if (me.userId === device.userId && me.deviceId === device.deviceId) return;
    const engine = await this.devices.engine();
    const same = (d: DeviceRef) => d.userId === device.userId && d.deviceId === device.deviceId;
    await Promise.all(
      (await this.store.keys('group:')).map(async (key) => {
        const conversationId = key.slice('group:'.length);
        const group = await this.access.loadGroup(conversationId);
        if (!group || !engine.members(group).some(same)) return;
        await this.waitTurn(group, me, (d) => !same(d));
        await this.commit(conversationId, async (e, current) => {
          const leaves = e.members(current).filter(same);
          return leaves.length === 0 ? undefined : { pending: await e.removeMembers(current, leaves), packages: [] };
        });
      }),
    );
  }

  /** Waits this device's turn among the group's devices that `remain` (ranked by id: the first does not wait). */
  private async waitTurn(group: Group, me: DeviceRef, remain: (d: DeviceRef) => boolean): Promise<void> {
    const ranked = (await this.devices.engine())
      .members(group)
      .filter(remain)
      .map((d) => `${d.userId}\u0000${d.deviceId}`)
      .sort();
    const rank = ranked.indexOf(`${me.userId}\u0000${me.deviceId}`);
    if (rank > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(rank * STAND_IN_STEP_MS, STAND_IN_MAX_WAIT_MS)));
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

  /**
   * A new device of a member (linked, part 4) joins the group by itself, by external commit from
   * the conversation's latest GroupInfo; on `409 epoch_conflict` it joins from the newer one. What
   * was ordered before its commit was sent before it joined: the applied position starts after it.
   */
  joinExternally(conversationId: string): Promise<boolean> {
    return this.access.locked(conversationId, async () => {
      if (await this.access.loadGroup(conversationId)) return false;
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

  // ---- commits ----

  /** Makes a commit from the current state; on 409 applies what was missed and makes it again. */
  private commit(
    conversationId: string,
    make: (engine: GroupEngine, group: Group, me: DeviceRef) => Promise<{ pending: PendingCommit; packages: Claimed[] } | undefined>,
  ): Promise<void> {
    return this.access.locked(conversationId, () => this.commitNow(conversationId, make));
  }

  private async commitNow(
    conversationId: string,
    make: (engine: GroupEngine, group: Group, me: DeviceRef) => Promise<{ pending: PendingCommit; packages: Claimed[] } | undefined>,
  ): Promise<void> {
    const engine = await this.devices.engine();
    const me = await this.devices.self();
    for (let attempt = 1; attempt <= COMMIT_ATTEMPTS; attempt++) {
      await this.access.apply(conversationId);
      const group = await this.access.loadGroup(conversationId);
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
  async settleAdds(conversationId: string): Promise<void> {
    const adds = await pendingAddsOf(this.store, conversationId);
    if (adds.length === 0 || this.resuming.has(conversationId)) return;
    const { conversation } = await this.http.request<{ conversation: ConversationDetail }>('GET', conversationPath(conversationId));
    const group = await this.access.loadGroup(conversationId);
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

  private groupState(conversationId: string): Promise<MlsGroupState> {
    return this.http.request('GET', `${conversationPath(conversationId)}/mls`);
  }
}
