import type { ConversationDetail, Message, MessagePage } from '@confab/protocol';
import { unknownOutcome } from '../errors.js';
import type { HttpTransport } from '../http.js';
import { base64UrlBytes } from '../push.js';
import { unpackBytes } from './byte-packing.js';
import type { CommitDelivery } from './commit-delivery.js';
import { KEYS, conversationPath } from './conversation-keys.js';
import type { CryptoStore } from './crypto-store.js';
import { keepDecrypted } from './decrypted-search.js';
import type { DeviceManager } from './device-manager.js';
import { type Group, GroupError, type GroupEngine, type OrderPosition } from './group-engine.js';
import { PassedBeforeJoin, readSinceCommit } from './late-welcome.js';
import { pendingCommitOf } from './pending-commit.js';
import { orderPosition } from './revocation-bound.js';
import { keepPlaceParts } from './place-records.js';
import { keepPollParts } from './poll-records.js';

const PAGE = 100;

/** What the caller of `apply` already holds of the conversation's order. */
export interface Known {
  /** A message of the order (an event's, an ack's): applied as it is when it is the next one. */
  message?: Message;
  /** A live connection handed on every message up to this seq, with no gap. */
  liveSeq?: number;
}

/**
 * A conversation's order applied to this device's group state (issue 39): commits, Welcomes and
 * application messages by seq, each once, the applied position kept after each. The caller
 * (EncryptedConversations) holds the conversation's lock and finishes what a crash cut short.
 */
export class OrderApplier {
  /** What was passed with no group state, for the Welcome after it (late-welcome.ts). */
  private readonly passedBeforeJoin = new PassedBeforeJoin();

  constructor(
    private readonly http: HttpTransport,
    private readonly store: CryptoStore,
    private readonly devices: DeviceManager,
    private readonly commits: CommitDelivery,
  ) {}

  /**
   * Applies the conversation's MLS messages after the last one applied, in seq order, up to `upTo`
   * (or all). What the caller holds is not read again: `known.message` (an event's or an ack's)
   * is applied as it is when it is the next, and the log is read only up to it; `known.liveSeq`
   * (a live connection handed on every message up to it) at or below the applied position means
   * there is nothing to read. Any gap or doubt reads the log. False without a device to apply with.
   */
  async apply(conversationId: string, upTo: number, known: Known): Promise<boolean> {
    // A client without a device (not enabled, or its identity key elsewhere) has nothing to apply with.
    if (!(await this.devices.isEnabled())) return false;
    let applied = await this.appliedSeq(conversationId);
    const pending = await pendingCommitOf(this.store, conversationId);
    const held = known.message;
    const step = async (message: Message) => {
      // My commit whose answer never came (a crash): the state after it is the one I kept.
      if (pending && message.mls === 'commit' && message.clientId === pending.clientId)
        // Its Welcome refused (a device revoked meanwhile) is the lost add's; reading goes on.
        await this.commits.ordered(conversationId, pending, message.seq).catch((error: unknown) => {
          if (unknownOutcome(error)) throw error;
        });
      else await this.applyOne(message, applied);
      applied = message.seq;
      await this.store.put(KEYS.applied(conversationId), new TextEncoder().encode(String(applied)));
    };
    const caughtUp = known.liveSeq !== undefined && known.liveSeq <= applied;
    while (applied < upTo && !caughtUp) {
      if (held && held.seq === applied + 1) {
        await step(held);
        continue;
      }
      // Up to the message held, which is not downloaded again.
      const limit = held && held.seq > applied + 1 ? Math.min(PAGE, held.seq - 1 - applied) : PAGE;
      // Thread replies too: they are in the group's order (a main-history read leaves them out, and
      // their texts were never decrypted).
      const page = await this.http.request<MessagePage>('GET', `${conversationPath(conversationId)}/messages`, {
        query: { after: applied, limit, threads: 'include' },
      });
      const items = [...page.items].sort((a, b) => a.seq - b.seq);
      for (const message of items) {
        if (message.seq > upTo) break;
        await step(message);
      }
      if (items.length < limit) break;
    }
    return true;
  }

  /** One message of the order, the next after `appliedBefore`. */
  private async applyOne(message: Message, appliedBefore: number): Promise<void> {
    const id = message.conversationId;
    const group = await this.loadGroup(id);
    if (group) this.passedBeforeJoin.forget(id);
    else this.passedBeforeJoin.passed(message, appliedBefore);
    if (message.kind !== 'encrypted' || message.ciphertext === undefined) return;
    const engine = await this.devices.engine();
    const me = await this.devices.self();
    const bytes = base64UrlBytes(message.ciphertext);
    if (message.mls === 'welcome') {
      if (!group && message.devices?.includes(me.deviceId)) {
        const before = this.passedBeforeJoin.take(id, message.seq);
        // Every leaf of the tree is checked against its user's list: the members' lists read in one request first.
        // (Unreadable: each check reads its user's list alone, as it would have.)
        const detail = await this.http.request<{ conversation: ConversationDetail }>('GET', conversationPath(id)).catch(() => undefined);
        const joined = await this.devices.withDeviceLists(detail?.conversation.members.map((m) => m.userId) ?? [], async () => {
          const join = await this.joinFrom(engine, bytes, orderPosition(message));
          if (!join) return undefined;
          const { group, keyPackage } = join;
          const caughtUp = await readSinceCommit(this.http, this.store, engine, message, group, before, (m, step) =>
            this.processing(m, step),
          );
          return { caughtUp, keyPackage };
        });
        if (joined?.caughtUp) await this.store.put(KEYS.group(id), engine.save(joined.caughtUp));
        // Its KeyPackage is forgotten only once the group is kept: a page closed in between joins
        // with it again from the same Welcome on its next read (deleted first, that Welcome would
        // find no key left to open it, and the conversation would stay unreadable here for good).
        if (joined?.keyPackage) await this.store.delete(joined.keyPackage);
      }
      return;
    }
    // Sent before this device joined: nothing to read it with (history shares are a later slice).
    if (!group) return;
    const mine = message.senderDevice === me.deviceId;
    if (message.mls === 'commit') {
      // My own accepted commit is applied already (its state was kept when it was accepted).
      if (mine && BigInt(message.epoch ?? 0) < group.epoch) return;
      await this.processing(message, async () => {
        const processed = await engine.process(group, bytes, orderPosition(message));
        if (processed.kind === 'commit' && processed.removedSelf) await this.store.delete(KEYS.group(id));
        else await this.store.put(KEYS.group(id), engine.save(processed.group));
      });
      return;
    }
    if (mine) {
      const sent = await this.store.get(KEYS.sent(message.clientId));
      if (sent) await keepDecrypted(this.store, message, sent);
      if (sent) await keepPollParts(this.store, message, sent);
      if (sent) await keepPlaceParts(this.store, message, sent);
      return;
    }
    await this.processing(message, async () => {
      const processed = await engine.process(group, bytes, orderPosition(message));
      // The text first: a message decrypts once, so a state kept without its text (the page
      // closed between the two) would lose it for good; the other way round it decrypts again.
      if (processed.kind === 'application') await keepDecrypted(this.store, message, processed.plaintext);
      if (processed.kind === 'application') await keepPollParts(this.store, message, processed.plaintext);
      if (processed.kind === 'application') await keepPlaceParts(this.store, message, processed.plaintext);
      await this.store.put(KEYS.group(id), engine.save(processed.group));
    });
  }

  /** Runs `step`; a failure to decrypt is reported (count, epoch, reason: never content) and the order goes on. */
  async processing(message: Message, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      if (!(error instanceof GroupError)) throw error;
      const known = ['epoch_expired', 'malformed_message', 'wrong_group', 'untrusted_credential'];
      await this.http
        .request('POST', `${conversationPath(message.conversationId)}/mls/decrypt-failures`, {
          body: { count: 1, epochs: [message.epoch ?? 0], reason: known.includes(error.code) ? error.code : 'other' },
        })
        .catch(() => undefined);
    }
  }

  /**
   * Joins from a Welcome with whichever of this device's KeyPackages it was made for: the group,
   * and the store key of a single-use package for the caller to delete once the group is kept.
   */
  private async joinFrom(
    engine: GroupEngine,
    welcome: Uint8Array,
    position: OrderPosition,
  ): Promise<{ group: Group; keyPackage?: string } | undefined> {
    for (const key of await this.store.keys('key-package:')) {
      const packed = await this.store.get(key);
      if (!packed) continue;
      const [keyPackage, privateKeys, lastResort] = unpackBytes(packed, 3) as [Uint8Array, Uint8Array, Uint8Array];
      try {
        const group = await engine.joinFromWelcome(welcome, { keyPackage, privateKeys, lastResort: lastResort[0] === 1 }, position);
        return lastResort[0] === 1 ? { group } : { group, keyPackage: key };
      } catch (error) {
        // Not this package's Welcome (or not one it can open): try the next. Its credential checks
        // unable to read a device list (the server unreachable) leave the Welcome to the next read.
        if (unknownOutcome(error)) throw error;
      }
    }
    return undefined;
  }

  async loadGroup(conversationId: string): Promise<Group | undefined> {
    const bytes = await this.store.get(KEYS.group(conversationId));
    return bytes && (await this.devices.engine()).load(bytes);
  }

  private async appliedSeq(conversationId: string): Promise<number> {
    const bytes = await this.store.get(KEYS.applied(conversationId));
    return bytes ? Number(new TextDecoder().decode(bytes)) : 0;
  }
}
