import type { DeliveryMarker, ReadMarker, ReceiptList } from '@confab/protocol';
import type { Store } from '../../store/store.js';
import { type EventBus, conversationTopic } from '../../bus/bus.js';
import type { EventPublisher } from '../events/event-publisher.js';
import type { MembershipCache } from '../conversations/membership.js';
import { readUpdated } from '../events/event-drafts.js';

export interface ReceiptDeps {
  store: Store;
  membership: MembershipCache;
  bus: EventBus;
  events: EventPublisher;
}

/** Read receipt: moves my read marker forward (never back); the members see `read.updated`. */
export async function markRead(deps: ReceiptDeps, userId: string, conversationId: string, seq: number): Promise<ReadMarker> {
  await deps.membership.requireRole(conversationId, userId);
  const { readSeq, unreadCount, mentionCount, events } = await deps.store.markers.advanceReadMarker(
    conversationId,
    userId,
    seq,
    readUpdated(conversationId, userId),
  );
  await deps.events.publish(events);
  return { conversationId, userId, readSeq, unreadCount, mentionCount };
}

/**
 * Delivery receipt: a device of mine has received up to `seq`. Monotonic like the read marker,
 * but not logged: the members see an ephemeral `delivery.updated` and can ask for receipts by REST.
 */
export async function markDelivered(deps: ReceiptDeps, userId: string, conversationId: string, seq: number): Promise<DeliveryMarker> {
  await deps.membership.requireRole(conversationId, userId);
  const { deliveredSeq, moved } = await deps.store.markers.advanceDeliveredMarker(conversationId, userId, seq);
  if (moved) {
    await deps.bus.publish([conversationTopic(conversationId)], { type: 'delivery.updated', conversationId, userId, deliveredSeq });
  }
  return { conversationId, userId, deliveredSeq };
}

/** Every member's read and delivered positions in a conversation I belong to. */
export async function listReceipts(deps: ReceiptDeps, userId: string, conversationId: string): Promise<ReceiptList> {
  await deps.membership.requireRole(conversationId, userId);
  return { items: await deps.store.markers.listReceipts(conversationId) };
}
