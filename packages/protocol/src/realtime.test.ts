import { describe, expect, expectTypeOf, it } from 'vitest';
import { CLIENT_FRAME_TYPES, type ClientFrame, POSITIONED_EVENT_TYPES, type PositionedEvent, ServerEvent } from './realtime.js';

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
    ]);
    expectTypeOf(CLIENT_FRAME_TYPES).toEqualTypeOf<readonly ClientFrame['type'][]>();
    expectTypeOf(POSITIONED_EVENT_TYPES).toEqualTypeOf<readonly PositionedEvent['type'][]>();
  });

  it('leave the ephemeral events out of the positioned list', () => {
    const ephemeral = ServerEvent.anyOf
      .map((e) => e.properties.type.const)
      .filter((t) => !(POSITIONED_EVENT_TYPES as readonly string[]).includes(t));
    expect(ephemeral).toEqual(['delivery.updated', 'typing', 'presence']);
  });
});
