import type { LocationInput, Message } from '@confab/protocol';
import type { EncryptedRelation, EncryptedSend, RelationChange } from './realtime-options.js';
import { newClientId } from './ids.js';
import { MessageHeldError } from './errors.js';
import type { LocationSendOptions } from './features.js';
import type { SendOptions } from './files.js';
import type { RequestAnswer } from './pending-requests.js';
import { postEncryptedOrPlain, refusedAsPlain } from './crypto/send-fields.js';

/**
 * What a client asks of the server over its socket, one method per frame, each resolving with the
 * frame's `ack` (or rejecting with its `error`). `RealtimeConnection` carries the frames: it
 * numbers them, and re-sends those not yet answered after a reconnect.
 */
export abstract class RealtimeRequests {
  /** Sends the frame and resolves with its answer. */
  protected abstract request(body: Record<string, unknown>): Promise<RequestAnswer>;
  /** The `mls` of a text, poll or place sent into an encrypted conversation, and its links (undefined: a plain one). */
  protected abstract encryptSend(
    conversationId: string,
    body: string | undefined,
    links: SendOptions,
    clientId: string,
  ): Promise<EncryptedSend | undefined>;
  /** The MLS message of a reaction or edit of `messageId` in its encrypted conversation (undefined: this client cannot encrypt). */
  protected abstract encryptRelation(messageId: string, change: RelationChange, clientId: string): Promise<EncryptedRelation | undefined>;
  /** Whether a refused plain send was refused for being plain in an encrypted conversation (then learnt: send again, encrypted). */
  protected abstract learnEncrypted(conversationId: string, error: unknown): boolean;
  /** A stored message as its readers see it (decrypted in an encrypted conversation). */
  protected abstract reader(message: Message): Promise<Message>;

  /** Sends a message and resolves with the stored message once the server acknowledges it; MessageHeldError when held for review. */
  async send(
    conversationId: string,
    body: string | undefined,
    clientId: string = newClientId(),
    links: SendOptions = {},
  ): Promise<Message> {
    // Into an encrypted conversation the text, poll, place or files go as an MLS application message (issue 39).
    const { message, held } = await postEncryptedOrPlain(
      () => this.encryptSend(conversationId, body, links, clientId),
      (error) => this.learnEncrypted(conversationId, error),
      { ...(body === undefined ? {} : { body }), ...links },
      (fields) => this.request({ type: 'message.send', conversationId, clientId, ...fields }),
    );
    if (held) throw new MessageHeldError(held);
    return this.reader(message!);
  }

  /** Shares a place (as `ConfabClient.sendLocation`), over the socket. */
  async sendLocation(conversationId: string, location: LocationInput, options: LocationSendOptions = {}): Promise<Message> {
    const { clientId = newClientId(), body, ...rest } = options;
    return this.send(conversationId, body, clientId, { kind: 'location', location, ...rest });
  }

  /**
   * Edits my message (as `PATCH /api/v1/messages/:id`); resolves with it as stored. In an
   * encrypted conversation (the server refuses the edit in clear) the new text goes inside an MLS
   * message sent over the socket, and it resolves with the message as this device reads it, edited.
   */
  async edit(messageId: string, body: string): Promise<Message> {
    try {
      return (await this.request({ type: 'message.edit', messageId, body })).message!;
    } catch (error) {
      if (!refusedAsPlain(error)) throw error;
      return (await this.sendRelation(messageId, { edit: body })) ?? Promise.reject(error);
    }
  }

  /** Deletes a message, leaving a tombstone; resolves with the tombstone. */
  async delete(messageId: string): Promise<Message> {
    return (await this.request({ type: 'message.delete', messageId })).message!;
  }

  /**
   * Adds (true) or takes back (false) my reaction; resolves with the message as stored. In an
   * encrypted conversation the reaction goes inside an MLS message over the socket (readers count
   * it: `encryptedReactions`), and it resolves with the message as this device reads it; taking
   * one back there also takes back one made in clear before the conversation was encrypted.
   */
  async react(messageId: string, emoji: string, on = true): Promise<Message> {
    const change = { reaction: { key: emoji, on } };
    if (!on) {
      const { message } = await this.request({ type: 'reaction.remove', messageId, emoji });
      return message!.kind === 'encrypted' ? ((await this.sendRelation(messageId, change)) ?? message!) : message!;
    }
    try {
      return (await this.request({ type: 'reaction.add', messageId, emoji })).message!;
    } catch (error) {
      if (!refusedAsPlain(error)) throw error;
      return (await this.sendRelation(messageId, change)) ?? Promise.reject(error);
    }
  }

  /** Sends `change` of `messageId` as an MLS message (`message.send` with `mls.relatesTo`); the changed message as read here, or undefined where this client cannot encrypt. */
  private async sendRelation(messageId: string, change: RelationChange): Promise<Message | undefined> {
    const clientId = newClientId();
    const relation = await this.encryptRelation(messageId, change, clientId);
    if (!relation) return undefined;
    const { message } = await this.request({ type: 'message.send', conversationId: relation.conversationId, clientId, mls: relation.mls });
    // Read as it is acknowledged: the reaction is counted, the edit kept, before the changed message is read.
    await this.reader(message!);
    return this.reader(relation.target);
  }

  /** Moves my read marker (read receipt); resolves with the marker as stored. */
  async markRead(conversationId: string, seq: number): Promise<number> {
    const { readSeq } = await this.request({ type: 'read', conversationId, seq });
    return readSeq!;
  }

  /** Starts (repeat every few seconds while typing) or stops my typing indicator. */
  async setTyping(conversationId: string, typing: boolean): Promise<void> {
    await this.request({ type: 'typing', conversationId, typing });
  }
}
