import type { RealtimeConnection } from '@confab/client';

/** The typists of one conversation as an external store: the same array until someone starts or stops. */
export class TypingWatch {
  private last: readonly string[] = [];

  constructor(
    private readonly connection: RealtimeConnection,
    private readonly conversationId: string,
  ) {}

  readonly subscribe = (listener: () => void): (() => void) =>
    this.connection.onTypingChange((id) => {
      if (id === this.conversationId) listener();
    });

  readonly getSnapshot = (): readonly string[] => {
    const now = this.connection.typingIn(this.conversationId);
    if (now.join() !== this.last.join()) this.last = now;
    return this.last;
  };
}
