import { describe, expect, it } from 'vitest';
import type { Fixture } from '../conformance/fixtures.js';
import { settingsDraft } from '../members/member-settings.conformance.js';

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

    it('totals unread per membership: read markers, my own messages, thread replies, another user and no conversation at all', async () => {
      const [a, b, c, loner] = [await user('uma'), await user('vic'), await user('wes'), await user('xan')];
      const [g1, g2, dm] = [
        (await conversation('group', [a.id, b.id, c.id])).conversation,
        (await conversation('group', [a.id, b.id])).conversation,
        (await conversation('direct', [b.id, c.id], `${b.id}:${c.id}`)).conversation,
      ];
      await append([msg(g1.id, a.id, 'u1'), msg(g1.id, c.id, 'u2'), msg(g1.id, b.id, 'u3'), msg(g1.id, a.id, 'u4')]);
      await append([msg(g2.id, a.id, 'u5'), msg(g2.id, a.id, 'u6')]);
      const [root] = await append([msg(dm.id, c.id, 'u7')]);
      await append([{ ...msg(dm.id, c.id, 'u8'), threadRootId: root!.message.id }]);
      // Sending moves the sender's read marker to their message. b: g1 seq 4, g2 both, the dm's
      // root (its reply counts in its thread).
      expect(await f.store.markers.countUnreadTotal(b.id)).toBe(4);
      await f.read(g2.id, b.id, 1);
      expect(await f.store.markers.countUnreadTotal(b.id)).toBe(3);
      // c: g1 seqs 3 and 4 (c sent 2); a: nothing, until b writes in g2.
      expect(await f.store.markers.countUnreadTotal(c.id)).toBe(2);
      expect(await f.store.markers.countUnreadTotal(a.id)).toBe(0);
      await append([msg(g2.id, b.id, 'u9'), msg(g1.id, c.id, 'u10')]);
      // a: g1 5 and g2 3; b: g1 4 and 5 and the dm's root (b's own message read g2 for b).
      expect(await f.store.markers.countUnreadTotal(a.id)).toBe(2);
      expect(await f.store.markers.countUnreadTotal(b.id)).toBe(3);
      expect(await f.store.markers.countUnreadTotal(loner.id)).toBe(0);
    });

    it('totals unread past a cleared history, and counts again once a message comes after every marker', async () => {
      const [a, b] = [await user('yul'), await user('zed')];
      const [cleared, unread, read] = [
        (await conversation('group', [a.id, b.id])).conversation,
        (await conversation('group', [a.id, b.id])).conversation,
        (await conversation('group', [a.id, b.id])).conversation,
      ];
      await append([msg(cleared.id, a.id, 'c1'), msg(cleared.id, a.id, 'c2'), msg(unread.id, a.id, 'n1'), msg(read.id, a.id, 'r1')]);
      await f.read(read.id, b.id, 1);
      expect(await f.store.markers.countUnreadTotal(b.id)).toBe(3);
      // Clearing leaves the read marker where it was: the total follows the cleared one.
      await f.store.members.updateMemberSettings(cleared.id, b.id, { clear: true }, settingsDraft(b.id));
      expect(await f.store.markers.countUnreadTotal(b.id)).toBe(1);
      await append([msg(cleared.id, a.id, 'c3'), msg(read.id, a.id, 'r2')]);
      expect(await f.store.markers.countUnreadTotal(b.id)).toBe(3);
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
