import { describe, expect, it } from 'vitest';
import {
  type GrowSizes,
  checkGrowSizes,
  directKey,
  kindOf,
  membersOf,
  parseResumeCounts,
  planGrow,
  plannedMessages,
  positionOf,
  resumeCursor,
} from './grow-plan.js';

const SMALL: GrowSizes = { users: 300, messages: 20_000, conversations: 120, userConversations: 40, bigMessages: 5000 };
const NOW = Date.UTC(2026, 10, 26, 12);

describe('the large instance’s memberships', () => {
  it('puts the measured user in exactly their conversations, each member once, the big one the largest', () => {
    const all = Array.from({ length: SMALL.conversations }, (_, c) => membersOf(SMALL, c));
    all.forEach((members, c) => {
      expect(new Set(members).size).toBe(members.length);
      expect(members.every((m) => m >= 0 && m < SMALL.users)).toBe(true);
      expect(members.includes(0)).toBe(c < SMALL.userConversations);
      if (kindOf(SMALL, c) === 'direct') expect(members).toHaveLength(2);
    });
    expect(all[0]).toHaveLength(300);
    expect(membersOf({ ...SMALL, users: 5000 }, 0)).toHaveLength(1000);
  });

  it('never makes the same DM twice (the store’s direct_key is unique)', () => {
    const sizes = { ...SMALL, users: 12, conversations: 60, userConversations: 10 };
    checkGrowSizes(sizes);
    const keys = Array.from({ length: sizes.conversations }, (_, c) => c)
      .filter((c) => kindOf(sizes, c) === 'direct')
      .map((c) => directKey(membersOf(sizes, c).map(String)));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('refuses sizes it cannot lay out, saying which', () => {
    expect(() => checkGrowSizes({ ...SMALL, bigMessages: 30_000 })).toThrow('--grow-big-messages cannot exceed --grow-messages');
    expect(() => checkGrowSizes({ ...SMALL, users: 10, conversations: 600 })).toThrow('too few for that many DMs');
    expect(() => checkGrowSizes({ ...SMALL, userConversations: 200 })).toThrow('--grow-user-conversations');
  });
});

describe('the messages', () => {
  it('give the big conversation exactly its count, number every conversation from 1 without a gap, and repeat on every pass', () => {
    const members = Array.from({ length: SMALL.conversations }, (_, c) => membersOf(SMALL, c));
    const first = [...plannedMessages(SMALL, members)];
    const counts = new Map<number, number>();
    for (const m of first) {
      const next = (counts.get(m.conversation) ?? 0) + 1;
      expect(m.seq).toBe(next);
      expect(members[m.conversation]).toContain(m.sender);
      counts.set(m.conversation, next);
    }
    expect(counts.get(0)).toBe(SMALL.bigMessages);
    expect(first).toHaveLength(SMALL.messages);
    expect([...plannedMessages(SMALL, members)]).toEqual(first);
  });
});

describe('the plan', () => {
  const plan = planGrow(SMALL, NOW);

  it('keeps the newest six days of events, above a floor, up to a head at the last message', () => {
    expect(plan.head).toBe(positionOf(SMALL, SMALL.messages - 1));
    expect(plan.time.sentAt(plan.firstKept)).toBeGreaterThanOrEqual(plan.time.keptFrom);
    expect(plan.time.sentAt(plan.firstKept - 1)).toBeLessThan(plan.time.keptFrom);
    expect(plan.floor).toBe(positionOf(SMALL, plan.firstKept) - 1);
    expect(plan.visible.every((pos) => pos > plan.floor && pos <= plan.head)).toBe(true);
    // A year of messages, six days kept: about 6/365 of them.
    expect(SMALL.messages - plan.firstKept).toBeCloseTo((SMALL.messages * 6) / 365, -1);
  });

  it('reads members up to their own last send at least, and counts the measured user’s unread as the rest', () => {
    let total = 0;
    for (let c = 0; c < SMALL.userConversations; c++) {
      const read = plan.readSeq(c, 0);
      expect(read).toBeLessThanOrEqual(plan.lastSeq[c]!);
      total += plan.lastSeq[c]! - read;
    }
    expect(plan.unreadTotal).toBe(total);
    expect(plan.unreadTotal).toBeGreaterThan(0);
    const members = Array.from({ length: SMALL.conversations }, (_, c) => membersOf(SMALL, c));
    for (const m of plannedMessages(SMALL, members)) expect(plan.readSeq(m.conversation, m.sender)).toBeGreaterThanOrEqual(m.seq);
  });

  it('places a resume cursor with exactly the missed events after it, or all the log holds', () => {
    for (const missed of [1, 10, plan.visible.length]) {
      const { pos, missed: k } = resumeCursor(plan, missed);
      expect(k).toBe(missed);
      expect(plan.visible.filter((p) => p > pos)).toHaveLength(missed);
      expect(pos).toBeGreaterThanOrEqual(plan.floor);
    }
    expect(resumeCursor(plan, plan.visible.length + 5).missed).toBe(plan.visible.length);
    expect(resumeCursor(plan, 0)).toEqual({ pos: plan.head, missed: 0 });
  });

  it('parses resume counts sorted and distinct, refusing the rest', () => {
    expect(parseResumeCounts('1000,100, 1000')).toEqual([100, 1000]);
    expect(() => parseResumeCounts('')).toThrow('--grow-resume');
    expect(() => parseResumeCounts('1.5')).toThrow('--grow-resume');
  });
});
