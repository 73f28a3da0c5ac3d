import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  CLIENT_FRAME_TYPES,
  type ClientFrame,
  POSITIONED_EVENT_TYPES,
  type PositionedEvent,
  ServerEvent,
  conversationOf,
  isPrivateEvent,
} from './realtime.js';

describe('type lists derived from the unions', () => {
  it('name every client frame and every positioned event, once, typed as the union', () => {
    expect(CLIENT_FRAME_TYPES).toEqual([
      'message.send',
      'ping',
      'typing',
      'delivered',
      'read',
      'message.edit',
      'message.delete',
      'reaction.add',
      'reaction.remove',
    ]);
    expect(POSITIONED_EVENT_TYPES).toEqual([
      'message.created',
      'message.updated',
      'message.deleted',
      'conversation.created',
      'conversation.updated',
      'member.added',
      'member.removed',
      'member.updated',
      'read.updated',
      'notification.created',
      'thread.read',
      'thread.updated',
    ]);
    expectTypeOf(CLIENT_FRAME_TYPES).toEqualTypeOf<readonly ClientFrame['type'][]>();
    expectTypeOf(POSITIONED_EVENT_TYPES).toEqualTypeOf<readonly PositionedEvent['type'][]>();
  });

  it('leave the ephemeral events out of the positioned list', () => {
    const ephemeral = ServerEvent.anyOf
      .map((e) => e.properties.type.const)
      .filter((t) => !(POSITIONED_EVENT_TYPES as readonly string[]).includes(t));
    expect(ephemeral).toEqual(['delivery.updated', 'typing', 'presence', 'block.updated']);
  });
});

describe('conversationOf', () => {
  it('finds the conversation of every positioned event type', () => {
    const conversation = { id: 'c9' } as never;
    const message = { conversationId: 'c1' } as never;
    for (const type of ['message.created', 'message.updated', 'message.deleted'] as const) {
      expect(conversationOf({ type, message } as unknown as PositionedEvent)).toBe('c1');
    }
    expect(conversationOf({ type: 'conversation.created', conversation } as unknown as PositionedEvent)).toBe('c9');
    expect(conversationOf({ type: 'conversation.updated', conversation } as unknown as PositionedEvent)).toBe('c9');
    expect(conversationOf({ type: 'notification.created', notification: { conversationId: 'c7' } } as unknown as PositionedEvent)).toBe(
      'c7',
    );
    expect(conversationOf({ type: 'read.updated', conversationId: 'c8' } as PositionedEvent)).toBe('c8');
    expect(conversationOf({ type: 'thread.read', conversationId: 'c6' } as PositionedEvent)).toBe('c6');
  });

  it('puts my thread state in my private stream (issue 35 item 2)', () => {
    for (const type of ['thread.read', 'thread.updated'] as const) {
      expect(isPrivateEvent({ type, conversationId: 'c1' } as PositionedEvent)).toBe(true);
    }
  });
});
