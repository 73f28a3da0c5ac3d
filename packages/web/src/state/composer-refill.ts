import type { SendOptions } from '@confab/client';

/** A message handed back to a conversation's composer: a failed one, to edit and send again (issue 35 item 5). */
export interface Refill {
  body: string;
  links: SendOptions;
}

type Listener = (refill: Refill) => void;

/**
 * From a failed message's Edit to the composer of its conversation. The composer listens while it
 * is mounted; a refill for a conversation whose composer is not showing waits for it.
 */
export class ComposerRefills {
  private readonly listeners = new Map<string, Listener>();
  private readonly waiting = new Map<string, Refill>();

  put(conversationId: string, refill: Refill): void {
    const listener = this.listeners.get(conversationId);
    if (listener) listener(refill);
    else this.waiting.set(conversationId, refill);
  }

  listen(conversationId: string, listener: Listener): () => void {
    this.listeners.set(conversationId, listener);
    const waiting = this.waiting.get(conversationId);
    if (waiting) {
      this.waiting.delete(conversationId);
      listener(waiting);
    }
    return () => {
      if (this.listeners.get(conversationId) === listener) this.listeners.delete(conversationId);
    };
  }
}
