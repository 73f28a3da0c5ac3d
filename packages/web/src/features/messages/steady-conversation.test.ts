import type { ConversationSummary } from '@confab/protocol';
import { describe, expect, it } from 'vitest';
import { sameForRows } from './steady-conversation.js';

const base: ConversationSummary = {
  id: 'c1',
  kind: 'group',
  title: 'Team',
  createdBy: 'u1',
  createdAt: '2026-11-26T09:00:00.000Z',
  lastSeq: 10,
  lastActivityAt: '2026-11-26T09:10:00.000Z',
  memberCount: 3,
  encrypted: false,
  myRole: 'member',
  readSeq: 8,
  lastPos: 40,
  unreadCount: 2,
  mentionCount: 0,
  unreadThreads: 0,
  lastMessage: null,
  peerId: null,
  muted: false,
  starred: false,
  archived: false,
  clearedSeq: 0,
};

/** The message rows' view of a conversation stays the same object through arrivals (the timeline's figures). */
describe('which changes of a conversation the message rows see', () => {
  it('ignores what every arriving message changes: counts, markers, the preview', () => {
    expect(
      sameForRows(base, { ...base, lastSeq: 11, lastActivityAt: '2026-11-26T09:11:00.000Z', unreadCount: 3, lastPos: 41, readSeq: 9 }),
    ).toBe(true);
    expect(sameForRows(base, { ...base, mentionCount: 1, unreadThreads: 2 })).toBe(true);
  });

  it('sees what a row may read: my role, the kind, the name, encryption, my settings', () => {
    expect(sameForRows(base, { ...base, myRole: 'admin' })).toBe(false);
    expect(sameForRows(base, { ...base, title: 'Renamed' })).toBe(false);
    expect(sameForRows(base, { ...base, encrypted: true })).toBe(false);
    expect(sameForRows(base, { ...base, muted: true })).toBe(false);
  });

  it('sees a field that appears or goes (an optional description)', () => {
    expect(sameForRows(base, { ...base, description: 'Topic' })).toBe(false);
    expect(sameForRows({ ...base, description: 'Topic' }, base)).toBe(false);
  });
});
