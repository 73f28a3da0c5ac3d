import { describe, expect, it } from 'vitest';
import type { Fixture } from '../conformance/fixtures.js';

export function describeReceipts(f: Fixture): void {
  const { user, conversation, append, msg } = f;

  describe('receipts and presence', () => {
    it('keeps delivery markers monotonic and reports receipts per member', async () => {
      const [a, b] = [await user('max'), await user('ned')];
      const group = (await conversation('group', [a.id, b.id])).conversation;
      await append([msg(group.id, a.id, 'r1'), msg(group.id, a.id, 'r2'), msg(group.id, a.id, 'r3')]);
      expect(await f.store.markers.advanceDeliveredMarker(group.id, b.id, 2)).toEqual({ deliveredSeq: 2, moved: true });
      expect(await f.store.markers.advanceDeliveredMarker(group.id, b.id, 1)).toEqual({ deliveredSeq: 2, moved: false });
      expect(await f.store.markers.advanceDeliveredMarker(group.id, b.id, 99)).toEqual({ deliveredSeq: 3, moved: true });
      await f.read(group.id, b.id, 1);
      const receipts = await f.store.markers.listReceipts(group.id);
      expect(receipts.find((r) => r.userId === b.id)).toEqual({ userId: b.id, readSeq: 1, deliveredSeq: 3 });
      expect(receipts.find((r) => r.userId === a.id)).toEqual({ userId: a.id, readSeq: 3, deliveredSeq: 3 });
      expect(await f.store.markers.countUnreadTotal(b.id)).toBe(2);
    });

    it('finds shared conversations, and records last seen', async () => {
      const [a, b, c] = [await user('oz'), await user('pia'), await user('quin')];
      await conversation('group', [a.id, b.id]);
      expect(await f.store.members.sharesConversation(a.id, b.id)).toBe(true);
      expect(await f.store.members.sharesConversation(a.id, c.id)).toBe(false);
      await f.store.users.setLastSeen([{ userId: a.id, at: 1234 }]);
      await f.store.users.updateUser(a.id, { hideLastSeen: true });
      expect(await f.store.users.getUser(a.id)).toMatchObject({ lastSeenAt: 1234, hideLastSeen: true });
    });

    it('records the last seen of users leaving together, the later entry of a user given twice', async () => {
      const [a, b, c] = [await user('rae'), await user('sol'), await user('tam')];
      await f.store.users.setLastSeen([{ userId: c.id, at: 1 }]);
      const late = Date.UTC(2026, 10, 25, 16); // past 2^31: stored as the 64-bit integer it is
      await f.store.users.setLastSeen([
        { userId: a.id, at: 1000 },
        { userId: b.id, at: 2000 },
        { userId: a.id, at: late },
      ]);
      const byId = new Map((await f.store.users.getUsers([a.id, b.id, c.id])).map((u) => [u.id, u.lastSeenAt]));
      expect(Object.fromEntries(byId)).toEqual({ [a.id]: late, [b.id]: 2000, [c.id]: 1 });
      await f.store.users.setLastSeen([]);
    });
  });
}
