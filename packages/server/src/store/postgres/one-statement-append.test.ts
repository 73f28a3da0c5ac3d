import { describe, expect, it } from 'vitest';
import { sendPlan } from '../../services/events/event-drafts.js';
import { newRecord } from '../sql/append-steps.js';
import { eventPieces, joinPieces } from '../sql/event-pieces.js';

const record = (body: string) =>
  newRecord({ id: 'm1', conversationId: 'c1', senderId: 'u1', clientId: 'k1', body, createdAt: 1_700_000_000_000, mentions: ['u2'] }, 0);

describe('the one-statement append', () => {
  it("cuts a message's event around its seq, position, previous position and cursor; joined, it is the event as logged", () => {
    for (const body of ['hello', `quotes ' " and \\ backslashes`, 'seq 12 pos 40 "cursor":"x"', 'emoji 👍🏽\nline']) {
      const message = record(body);
      const pieces = eventPieces(sendPlan, message)!;
      expect(pieces).toHaveLength(5);
      const logged = { ...sendPlan.announce({ ...message, seq: 12 }), pos: 40, prev: 7, cursor: 'epochA.40' };
      expect(joinPieces(pieces, 12, 40, 7, 'epochA')).toBe(JSON.stringify(logged));
    }
  });

  it("cuts an MLS message's event around its logPos too; joined, that is its event's position, as logged", () => {
    const message = {
      ...record(''),
      kind: 'encrypted' as const,
      mls: { type: 'application' as const, ciphertext: 'c 40', epoch: 3, senderDevice: 'd1' },
    };
    const pieces = eventPieces(sendPlan, message)!;
    expect(pieces).toHaveLength(6);
    const logged = { ...sendPlan.announce({ ...message, seq: 12, logPos: 40 }), pos: 40, prev: 7, cursor: 'epochA.40' };
    expect(joinPieces(pieces, 12, 40, 7, 'epochA')).toBe(JSON.stringify(logged));
    expect(JSON.stringify(logged)).toContain('"logPos":40');
    // A plain message's has no logPos.
    expect(joinPieces(eventPieces(sendPlan, record('hi'))!, 12, 40, 7, 'epochA')).not.toContain('logPos');
  });

  it('gives up on an event holding a stand-in number, so that batch goes statement by statement', () => {
    expect(eventPieces(sendPlan, record('9007199254740002'))).toBeUndefined();
    expect(eventPieces(sendPlan, record('about 9007199254740001'))).toBeUndefined();
  });
});
