import type { Message, MlsSend } from '@confab/protocol';
import { ApiError } from '../errors.js';
import type { HttpTransport } from '../http.js';
import { newClientId } from '../ids.js';
import { base64UrlBytes } from '../push.js';
import { b64 } from './byte-packing.js';
import { KEYS, conversationPath } from './conversation-keys.js';
import type { CryptoStore } from './crypto-store.js';
import type { DeviceManager } from './device-manager.js';
import type { Group, GroupEngine, PendingCommit } from './group-engine.js';
import { type PendingCommitRecord, dropPendingCommit, keepPendingCommit, pendingCommitOf } from './pending-commit.js';

/** A device a commit adds, with the KeyPackage claimed for it. */
export interface Claimed {
  deviceId: string;
  keyPackage: Uint8Array;
}

/**
 * Sends this device's commits and their Welcomes so that a crash at any step is finished later
 * (issue 39): each commit is kept as pending (pending-commit.ts) before it is posted, found in the
 * order by its `clientId` or posted again under it, and its Welcome posted under one `clientId`
 * too. The caller serialises the work on a conversation (EncryptedConversations' lock).
 */
export class CommitDelivery {
  constructor(
    private readonly http: HttpTransport,
    private readonly store: CryptoStore,
    private readonly devices: DeviceManager,
  ) {}

  /**
   * Posts a commit, kept first as pending (pending-commit.ts) so that a crash before its answer or
   * its Welcome is finished by the next `apply`; once it is ordered its state is kept and its
   * Welcome posted. On `409 epoch_conflict` (or any refusal) nothing was stored: the record goes.
   */
  async send(
    conversationId: string,
    engine: GroupEngine,
    pending: PendingCommit,
    packages: Claimed[],
    external = false,
  ): Promise<{ seq: number } | { conflict: number }> {
    const record: PendingCommitRecord = {
      clientId: newClientId(),
      epoch: Number(pending.epoch),
      external,
      commit: { ciphertext: b64(pending.commit), groupInfo: b64(await engine.groupInfo(pending.group)) },
      group: b64(engine.save(pending.group)),
      ...(pending.welcome && packages.length > 0
        ? {
            welcome: {
              clientId: newClientId(),
              ciphertext: b64(pending.welcome),
              epoch: Number(pending.group.epoch),
              devices: packages.map((p) => p.deviceId),
            },
          }
        : {}),
    };
    await keepPendingCommit(this.store, conversationId, record);
    return this.postPending(conversationId, record);
  }

  /** Posts a pending commit (again: the same `clientId`); network failures keep the record for the next `apply`. */
  private async postPending(conversationId: string, record: PendingCommitRecord): Promise<{ seq: number } | { conflict: number }> {
    const me = await this.devices.self();
    let seq: number;
    try {
      const mls: MlsSend = { type: 'commit', ciphertext: record.commit.ciphertext, epoch: record.epoch, senderDevice: me.deviceId };
      seq = (await this.post(conversationId, { ...mls, groupInfo: record.commit.groupInfo }, record.clientId)).seq;
    } catch (error) {
      // Refused (409, 4xx): not stored. Unreached or a 5xx: its outcome is unknown, the record stays.
      if (error instanceof ApiError && error.status >= 400 && error.status < 500) await dropPendingCommit(this.store, conversationId);
      if (error instanceof ApiError && error.code === 'epoch_conflict') return { conflict: error.epoch ?? 0 };
      throw error;
    }
    await this.ordered(conversationId, record, seq);
    return { seq };
  }

  /** My pending commit is in the order at `seq`: the state after it kept, then its Welcome posted, then the record dropped. */
  async ordered(conversationId: string, record: PendingCommitRecord, seq: number): Promise<void> {
    if (record.orderedAt === undefined) {
      await this.store.put(KEYS.group(conversationId), base64UrlBytes(record.group));
      // Joined by my external commit: what was ordered before it was sent before I joined.
      if (record.external) await this.store.put(KEYS.applied(conversationId), new TextEncoder().encode(String(seq)));
      record.orderedAt = seq;
      await keepPendingCommit(this.store, conversationId, record);
    }
    const welcome = record.welcome;
    try {
      if (welcome) {
        const me = await this.devices.self();
        const mls: MlsSend = { type: 'welcome', ciphertext: welcome.ciphertext, epoch: welcome.epoch, senderDevice: me.deviceId };
        await this.post(conversationId, { ...mls, devices: welcome.devices }, welcome.clientId);
      }
    } catch (error) {
      // Refused (a device revoked meanwhile): it can never be posted. Unreached: posted by the next `apply`.
      if (error instanceof ApiError && error.status >= 400 && error.status < 500) await dropPendingCommit(this.store, conversationId);
      throw error;
    }
    await dropPendingCommit(this.store, conversationId);
  }

  /**
   * After the order is applied: a pending commit it held is finished (its Welcome posted); one it
   * did not hold is posted again if its epoch is still the group's, and dropped if the group moved
   * on without it (the caller that made it was told it failed). False when there was none.
   */
  async settle(conversationId: string, group: Group | undefined): Promise<boolean> {
    const record = await pendingCommitOf(this.store, conversationId);
    if (!record) return false;
    try {
      if (record.orderedAt !== undefined) await this.ordered(conversationId, record, record.orderedAt);
      else if (record.external ? !group : group !== undefined && group.epoch === BigInt(record.epoch))
        await this.postPending(conversationId, record);
      else await dropPendingCommit(this.store, conversationId);
    } catch (error) {
      // A refusal dropped the record (the send it belonged to failed before); reaching nobody is the caller's to hear.
      if (!(error instanceof ApiError) || error.code === 'network_error' || error.status >= 500) throw error;
    }
    return true;
  }

  private async post(conversationId: string, mls: MlsSend, clientId: string): Promise<Message> {
    return (
      await this.http.request<{ message: Message }>('POST', `${conversationPath(conversationId)}/messages`, {
        body: { clientId, mls },
      })
    ).message;
  }
}
