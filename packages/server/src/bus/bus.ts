import type { ServerEvent } from '@confab/protocol';

/**
 * Fan-out between the services that emit events and the gateways that hold sockets, possibly on
 * other nodes. Topics are `conv:<conversationId>` and `user:<userId>`; a node subscribes only to
 * the topics its connected users need. Delivery is at most once: resume (docs/realtime.md) covers
 * anything a bus drops.
 */
export interface EventBus {
  /** Delivers `event` to every subscriber of each topic, in publish order per topic. */
  publish(topics: readonly string[], event: ServerEvent): Promise<void>;
  /** One handler per topic per node: the gateway fans out to its sockets itself. */
  subscribe(topic: string, handler: BusHandler): Promise<void>;
  unsubscribe(topic: string): Promise<void>;
  close(): Promise<void>;
}

/** An event as delivered: parsed, and its wire frame serialised exactly once. */
export interface BusMessage {
  topic: string;
  event: ServerEvent;
  frame: string;
}
export type BusHandler = (message: BusMessage) => void;

export const conversationTopic = (conversationId: string) => `conv:${conversationId}`;
export const userTopic = (userId: string) => `user:${userId}`;
