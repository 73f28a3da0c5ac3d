import type { ServerEvent } from '@confab/protocol';

type Handler = (event: ServerEvent) => void;

/** The application's event handlers, by event type; `'*'` takes every event. */
export class EventHandlers {
  private readonly byType = new Map<string, Set<Handler>>();

  /** Adds a handler for `type` (or `'*'`); returns the function that removes it. */
  add(type: string, handler: Handler): () => void {
    let set = this.byType.get(type);
    if (!set) this.byType.set(type, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  /** Hands the event to its type's handlers, then to the catch-all ones. */
  emit(event: ServerEvent): void {
    for (const key of [event.type, '*']) for (const handler of this.byType.get(key) ?? []) handler(event);
  }
}
