import { describe, expect, expectTypeOf, it } from 'vitest';
import { CLIENT_FRAME_TYPES, type ClientFrame } from './realtime.js';

// The event types, their unions and tables are tested with the event map, in events.test.ts.
describe('type lists derived from the unions', () => {
  it('name every client frame, once, typed as the union', () => {
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
    expectTypeOf(CLIENT_FRAME_TYPES).toEqualTypeOf<readonly ClientFrame['type'][]>();
  });
});
