import type { PositionedEvent } from '@confab/protocol';
import type { DecryptedMessage } from './crypto/encrypted-content.js';
import type { RealtimeEncryption } from './realtime-options.js';

/**
 * The positioned events of a connection with end-to-end encryption, handed on in the order they
 * came: an encrypted message waits for its decryption, and the events after it wait too.
 */
export class DecryptingQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly encryption: RealtimeEncryption,
    private readonly emit: (event: PositionedEvent) => void,
  ) {}

  push(event: PositionedEvent): void {
    const encryption = this.encryption;
    if (event.type === 'conversation.created' || event.type === 'conversation.updated' || event.type === 'member.added')
      encryption.seen(event.conversation);
    this.tail = this.tail.then(async () => {
      if ((event.type === 'message.created' || event.type === 'message.updated') && event.message.kind === 'encrypted') {
        const message = await encryption.decrypt(event.message).catch(() => event.message);
        if (message) this.emit({ ...event, message });
        // An encrypted vote or close: its poll counted again, told as a plain poll's change is (`message.updated`).
        const pollId = message && ((message as DecryptedMessage).vote?.pollId ?? (message as DecryptedMessage).pollClose?.pollId);
        const poll = pollId && (await encryption.pollOf(pollId).catch(() => undefined));
        if (poll) this.emit({ ...event, type: 'message.updated', message: poll });
        // An encrypted live place's move or stop: the place where it is now, told as a plain one's move is.
        const placeId = message && ((message as DecryptedMessage).placeMove?.placeId ?? (message as DecryptedMessage).placeStop?.placeId);
        const place = placeId && (await encryption.placeOf(placeId).catch(() => undefined));
        if (place) this.emit({ ...event, type: 'message.updated', message: place });
        return;
      }
      this.emit(event);
    });
  }
}
