// The application's side of a realtime connection (RealtimeConnection extends it): its event,
// state, reset and typing subscriptions, and the connection state they are told of.
import type { EventOf, ServerEvent, ServerEventType } from '@confab/protocol';
import { EventHandlers } from './event-handlers.js';
import type { ConnectionState, ResetNotice } from './realtime-options.js';
import { RealtimeRequests } from './realtime-requests.js';
import { TypingTracker } from './typing-tracker.js';

export abstract class RealtimeListeners extends RealtimeRequests {
  protected stateValue: ConnectionState = 'connecting';
  protected readonly handlers = new EventHandlers();
  private readonly stateHandlers = new Set<(state: ConnectionState) => void>();
  protected readonly resetHandlers = new Set<(notice: ResetNotice) => void>();
  protected readonly typing: TypingTracker;

  constructor(typingExpireMs: number) {
    super();
    this.typing = new TypingTracker(typingExpireMs);
  }

  /**
   * The server could not resume this client (or one conversation): re-fetch the conversation
   * list and pages; events continue from the new position.
   */
  onReset(handler: (notice: ResetNotice) => void): () => void {
    this.resetHandlers.add(handler);
    return () => this.resetHandlers.delete(handler);
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** Subscribes to one event type; returns the unsubscribe function. */
  on<T extends ServerEventType>(type: T, handler: (event: EventOf<T>) => void): () => void {
    return this.handlers.add(type, handler);
  }

  /** Subscribes to every event. */
  onEvent(handler: (event: ServerEvent) => void): () => void {
    return this.handlers.add('*', handler);
  }

  onStateChange(handler: (state: ConnectionState) => void): () => void {
    this.stateHandlers.add(handler);
    return () => this.stateHandlers.delete(handler);
  }

  /**
   * Calls `handler` whenever the people typing in a conversation change: a `typing` event, or an
   * indicator that ran out without one (`typingExpireMs`). Returns the unsubscribe function.
   */
  onTypingChange(handler: (conversationId: string, userIds: string[]) => void): () => void {
    return this.typing.onChange(handler);
  }

  /** Who is typing in the conversation now (from `typing` events, expiring by themselves). */
  typingIn(conversationId: string): string[] {
    return this.typing.typingIn(conversationId);
  }

  protected setState(state: ConnectionState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    for (const handler of this.stateHandlers) handler(state);
  }
}
