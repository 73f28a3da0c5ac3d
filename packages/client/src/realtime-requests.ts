import type { LocationInput, Message } from '@confab/protocol';
import type { EncryptedSend } from './realtime-options.js';
import { newClientId } from './ids.js';
import { MessageHeldError } from './errors.js';
import type { LocationSendOptions } from './features.js';
import type { SendOptions } from './files.js';
import type { RequestAnswer } from './pending-requests.js';
import { postEncryptedOrPlain } from './crypto/send-fields.js';

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

  /** Edits my message (as `PATCH /api/v1/messages/:id`); resolves with it as stored. */
  async edit(messageId: string, body: string): Promise<Message> {
    return (await this.request({ type: 'message.edit', messageId, body })).message!;
  }

  /** Deletes a message, leaving a tombstone; resolves with the tombstone. */
  async delete(messageId: string): Promise<Message> {
    return (await this.request({ type: 'message.delete', messageId })).message!;
  }

  /** Adds (true) or takes back (false) my reaction; resolves with the message as stored. */
  async react(messageId: string, emoji: string, on = true): Promise<Message> {
    return (await this.request({ type: on ? 'reaction.add' : 'reaction.remove', messageId, emoji })).message!;
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
