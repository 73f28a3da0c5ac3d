import type { PositionedEvent } from '@confab/protocol';
import type { BusMessage } from '../bus/bus.js';

/**
 * Live events for the gateway's ordering tests (`conversation-order.test.ts`, `gap-fill.test.ts`):
 * a message.created of conversation c1 at `pos`, chained to `prev`.
 */
export function messageEvent(pos: number, prev: number): PositionedEvent {
  return {
    type: 'message.created',
    pos,
    prev,
    cursor: `e.${pos}`,
    message: {
      id: `m${pos}`,
      conversationId: 'c1',
      seq: pos,
      senderId: 'u2',
      clientId: `k${pos}`,
      body: '',
      createdAt: '2026-01-01T00:00:00.000Z',
    },
  } as PositionedEvent;
}

/** The same event as the bus hands it over. */
export function live(pos: number, prev: number): BusMessage {
  const event = messageEvent(pos, prev);
  return { topic: 'conv:c1', event, frame: JSON.stringify(event) };
}
