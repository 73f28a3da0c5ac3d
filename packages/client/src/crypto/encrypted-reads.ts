// Reading an encrypted conversation on this device, for EncryptedConversations: messages and
// pages decrypted in the conversation's order, edits and quotes applied, polls tallied, live
// places moved and reactions counted from what this device decrypted.
import type { Message, MessagePage } from '@confab/protocol';
import { KEYS } from './conversation-keys.js';
import type { CryptoStore } from './crypto-store.js';
import { forgetDecrypted } from './decrypted-search.js';
import type { DeviceManager } from './device-manager.js';
import { keepEdit, withEdit } from './encrypted-edits.js';
import { withQuote } from './encrypted-quotes.js';
import { type EncryptedReactionCount, countReactions, isRelation, readableContent } from './encrypted-content.js';
import { keptPlace, livePlace } from './place-records.js';
import { keptPoll, talliedPoll } from './poll-records.js';
import type { GroupAccess } from './group-access.js';

export class EncryptedReads {
  constructor(
    private readonly store: CryptoStore,
    private readonly devices: DeviceManager,
    private readonly access: GroupAccess,
  ) {}

  /** A page with its MLS messages decrypted (`body` set, `encrypted: true`); commits and welcomes left out. */
  async decryptPage(page: MessagePage): Promise<MessagePage> {
    const items: Message[] = [];
    // The whole page's order applied first: a Welcome later in the page may bring this device into
    // an epoch some earlier message of the page is in (one sent between a commit and a late Welcome).
    const last = page.items.filter((m) => m.kind === 'encrypted').at(-1);
    if (last && (await this.devices.isEnabled()))
      await this.access.locked(last.conversationId, () =>
        this.access.apply(last.conversationId, Math.max(...page.items.map((m) => m.seq))),
      );
    for (const message of page.items) {
      const decrypted = await this.decrypt(message);
      // A reaction or vote is counted, an edit applied to its message: none is listed.
      if (decrypted && !isRelation(decrypted)) items.push(decrypted);
    }
    // A poll's votes and a live place's moves come after it in the order: every one this device can read is applied first.
    if (items.some((m) => (m.kind === 'poll' || isLivePlace(m)) && m.encrypted))
      await this.access.locked(page.items[0]!.conversationId, () => this.access.apply(page.items[0]!.conversationId));
    // Again: an edit later in this page was kept after its message was decrypted.
    return {
      ...page,
      items: await Promise.all(
        items.map(async (m) => {
          if (m.kind === 'poll' && m.encrypted) return (await this.tally(m)) ?? m;
          if (isLivePlace(m) && m.encrypted) return (await livePlace(this.store, m)) ?? m;
          return withEdit(this.store, m);
        }),
      ),
    };
  }

  /** An encrypted live place this device decrypted, by message id, where its author last moved it; undefined if it has none. */
  async placeOf(messageId: string): Promise<Message | undefined> {
    const envelope = await keptPlace(this.store, messageId);
    if (!envelope) return undefined;
    await this.access.locked(envelope.conversationId, () => this.access.apply(envelope.conversationId));
    return livePlace(this.store, envelope);
  }

  /** An encrypted poll this device decrypted, by message id, counted from every vote it can read now; undefined if it has none. */
  async pollOf(messageId: string): Promise<Message | undefined> {
    const envelope = await keptPoll(this.store, messageId);
    if (!envelope) return undefined;
    await this.access.locked(envelope.conversationId, () => this.access.apply(envelope.conversationId));
    return this.tally(envelope);
  }

  /** A poll counted from the votes this device holds, by the users whose devices are in the group now. */
  private async tally(poll: Message): Promise<Message | undefined> {
    const group = await this.access.loadGroup(poll.conversationId);
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
      await this.access.locked(message.conversationId, () => this.access.apply(message.conversationId, message.seq, { message }));
      return undefined;
    }
    const plain = await this.access.locked(message.conversationId, async () => {
      await this.access.apply(message.conversationId, message.seq, { message });
      return this.store.get(KEYS.plain(message.conversationId, message.seq));
    });
    if (!plain) return message;
    const { ciphertext: _ciphertext, ...rest } = message;
    const read = { ...rest, encrypted: true as const, ...readableContent(plain) };
    if (read.edit) await keepEdit(this.store, message, read.edit);
    if (read.kind === 'poll') return (await this.tally(rest)) ?? read;
    if (isLivePlace(read)) return (await livePlace(this.store, rest)) ?? read;
    return isRelation(read) ? read : withEdit(this.store, read);
  }

  /** The conversation's reactions, counted from the encrypted ones this device decrypted, per message id. */
  async reactions(conversationId: string): Promise<Map<string, EncryptedReactionCount[]>> {
    await this.access.locked(conversationId, () => this.access.apply(conversationId));
    return countReactions(this.store, conversationId);
  }
}

/** A place shared live (moved by its author until `liveUntil`), as opposed to a fixed one. */
const isLivePlace = (m: Message) => m.kind === 'location' && m.location?.liveUntil != null;
