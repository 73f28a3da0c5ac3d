import { CLUSTER_TOPIC, type EventBus, conversationTopic, userTopic } from '../../bus/bus.js';
import { type EventTable, type PositionedEventType, handleEvent, isPrivateEvent } from '@confab/protocol';
import type { StoredEvent } from '../../store/store.js';
import { PublishedPositions } from './published-positions.js';

/**
 * Publishes logged events after their transaction committed, in log order, to the topics of
 * the sockets that must see them. The bus may drop them (it is at most once): readers
 * recover anything missed from the log itself (docs/realtime.md).
 */
export class EventPublisher {
  private readonly notificationListeners: (() => void)[] = [];
  /** What this process published, for the live check (only kept when the bus drops nothing). */
  readonly published: PublishedPositions | undefined;

  constructor(private readonly bus: EventBus) {
    this.published = bus.lossless ? new PublishedPositions() : undefined;
  }

  async publish(events: readonly StoredEvent[]): Promise<void> {
    // The frame made for the log is the one the bus carries: each event is serialised once. The
    // whole batch is handed over in one synchronous run (each bus keeps the order of its calls), so
    // the fan-out writes a socket's frames of the batch in one write call (fan-out.ts `cork`).
    const handedOver: Promise<void>[] = [];
    for (const stored of events) {
      handedOver.push(this.bus.publish(topicsOf(stored), stored.event, stored.frame));
      this.published?.note(stored.pos);
    }
    await Promise.all(handedOver);
    if (events.some((e) => e.event.type === 'notification.created')) for (const listener of this.notificationListeners) listener();
  }

  /**
   * Called after events including new notifications were published: their transaction has
   * committed, so their outbox rows are there to deliver (services/notifications/outbox-dispatcher.ts).
   */
  onNotificationsPublished(listener: () => void): void {
    this.notificationListeners.push(listener);
  }
}

/**
 * The topics of each positioned event type: one entry per type of the protocol's event map, so a
 * new event does not compile until it says who hears it. A new conversation's members are not
 * subscribed to it yet: they hear of it on their user topics. A member added or removed hears of
 * it on both (the gateway delivers it once). Every node hears of membership changes on the
 * cluster topic, for its membership cache.
 */
const topicsByType: EventTable<PositionedEventType, string[], string> = {
  'message.created': (_, conversationId) => [conversationTopic(conversationId)],
  'message.updated': (_, conversationId) => [conversationTopic(conversationId)],
  'message.deleted': (_, conversationId) => [conversationTopic(conversationId)],
  'conversation.created': (event) => event.members.map((m) => userTopic(m.userId)),
  'conversation.updated': (_, conversationId) => [conversationTopic(conversationId)],
  'member.added': (event, conversationId) => [conversationTopic(conversationId), userTopic(event.member.userId), CLUSTER_TOPIC],
  'member.removed': (event, conversationId) => [conversationTopic(conversationId), userTopic(event.userId), CLUSTER_TOPIC],
  'member.updated': (_, conversationId) => [conversationTopic(conversationId), CLUSTER_TOPIC],
  'read.updated': (_, conversationId) => [conversationTopic(conversationId)],
  // Always private (isPrivateEvent): their stream is their user's.
  'notification.created': (_, userId) => [userTopic(userId)],
  'thread.read': (_, userId) => [userTopic(userId)],
  'thread.updated': (_, userId) => [userTopic(userId)],
  'saved.updated': (_, userId) => [userTopic(userId)],
  'draft.updated': (_, userId) => [userTopic(userId)],
  'scheduled.updated': (_, userId) => [userTopic(userId)],
  'scheduled.removed': (_, userId) => [userTopic(userId)],
};

export function topicsOf({ event, conversationId }: StoredEvent): string[] {
  // A private event's stream is its user's (`conversationId` is the user's id): their devices alone.
  if (isPrivateEvent(event)) return [userTopic(conversationId)];
  return handleEvent(topicsByType, event, conversationId);
}
