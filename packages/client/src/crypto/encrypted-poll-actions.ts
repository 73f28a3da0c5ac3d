import type { Message } from '@confab/protocol';
import { ApiError } from '../errors.js';
import type { EncryptedContent } from './encrypted-content.js';
import type { EncryptedConversations } from './encrypted-conversations.js';

/**
 * `messages.vote` and `messages.closePoll` on an encrypted poll (issue 39): the server cannot read
 * the poll, so the checks it makes of a plain vote are made here, with the same answers (400 for
 * an option the poll lacks, 409 once closed, 403 for closing someone else's), and the vote or
 * close goes as an MLS application message. Answers the poll counted again on this device, or
 * undefined when the message is no encrypted poll this device decrypted (then the plain call runs).
 */
export class EncryptedPollActions {
  constructor(
    private readonly conversations: () => EncryptedConversations | undefined,
    private readonly myId: () => Promise<string>,
  ) {}

  async vote(messageId: string, optionIds: readonly string[]): Promise<Message | undefined> {
    const poll = await this.conversations()?.pollOf(messageId);
    if (!poll?.poll) return undefined;
    const chosen = [...new Set(optionIds)];
    const unknown = chosen.filter((id) => !poll.poll!.options.some((o) => o.id === id));
    if (unknown.length > 0) throw new ApiError(400, 'validation_failed', `This poll has no option ${unknown.join(', ')}`);
    if (!poll.poll.multiple && chosen.length > 1) throw new ApiError(400, 'validation_failed', 'This poll takes one option');
    if (poll.poll.closedAt !== null) throw new ApiError(409, 'conflict', 'The poll is closed');
    return this.send(poll, { vote: { pollId: messageId, optionIds: chosen } });
  }

  async close(messageId: string): Promise<Message | undefined> {
    const poll = await this.conversations()?.pollOf(messageId);
    if (!poll?.poll) return undefined;
    // Readers count a close only from the poll's author: they cannot check roles in the group's past.
    if (poll.senderId !== (await this.myId())) throw new ApiError(403, 'forbidden', 'Only its author may close an encrypted poll');
    if (poll.poll.closedAt !== null) return poll;
    return this.send(poll, { pollClose: { pollId: messageId } });
  }

  private async send(poll: Message, content: EncryptedContent): Promise<Message | undefined> {
    const e2e = this.conversations()!;
    await e2e.sendContent(poll.conversationId, content);
    return e2e.pollOf(poll.id);
  }
}
