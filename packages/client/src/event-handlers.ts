import type { EventOf, ServerEvent, ServerEventType } from '@confab/protocol';

type Handler = (event: ServerEvent) => void;

/** The application's event handlers, by event type (of the protocol's event map); `'*'` takes every event. */
export class EventHandlers {
  private readonly byType = new Map<ServerEventType | '*', Set<Handler>>();

  /** Adds a handler for `type`, given that type's events (or for `'*'`, given every event); returns the function that removes it. */
  add<T extends ServerEventType>(type: T, handler: (event: EventOf<T>) => void): () => void;
  add(type: '*', handler: Handler): () => void;
  add(type: ServerEventType | '*', handler: Handler): () => void {
    let set = this.byType.get(type);
    if (!set) this.byType.set(type, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  /** Hands the event to its type's handlers, then to the catch-all ones. */
  emit(event: ServerEvent): void {
    for (const key of [event.type, '*'] as const) for (const handler of this.byType.get(key) ?? []) handler(event);
  }
}
