import type { PositionedEvent } from '@confab/protocol';

/**
 * Per conversation, the seq of the last message a connection handed on since its socket's `ready`:
 * with no gap behind it, a sender into an encrypted conversation need not read the log for what it
 * missed (`RealtimeEncryption.encryptSend`'s `liveSeq`).
 */
export class LiveSeqs {
  private readonly seqs = new Map<string, number>();

  /** An event handed on: a message moves its conversation's seq; my own removal forgets the conversation. */
  handedOn(event: PositionedEvent, myUserId: string | null): void {
    if (event.type === 'message.created') {
      const id = event.message.conversationId;
      this.seqs.set(id, Math.max(this.seqs.get(id) ?? 0, event.message.seq));
    }
    if (event.type === 'member.removed' && event.userId === myUserId) this.seqs.delete(event.conversationId);
  }

  last(conversationId: string): number | undefined {
    return this.seqs.get(conversationId);
  }

  /** A new socket or a reset (of one conversation, or of all): what was handed on says nothing of what passed since. */
  forget(conversationId?: string): void {
    if (conversationId === undefined) this.seqs.clear();
    else this.seqs.delete(conversationId);
  }
}
