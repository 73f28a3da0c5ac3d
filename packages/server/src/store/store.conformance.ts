import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../ids.js';
import { type NewMessage, type Store, UniqueViolation, type UserRecord } from './store.js';

/**
 * The behaviour every Store implementation must have, written once. Each engine's test file
 * calls this with a factory giving a fresh, migrated, empty store.
 */
export function describeStoreConformance(engine: string, openFresh: () => Promise<{ store: Store; dispose: () => Promise<void> }>): void {
  describe(`Store conformance: ${engine}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    let clock = 1_700_000_000_000;
    const tick = () => (clock += 1000);

    beforeEach(async () => {
      ({ store, dispose } = await openFresh());
    });
    afterEach(async () => {
      await dispose();
    });

    const user = async (username: string, displayName = username): Promise<UserRecord> =>
      store.insertUser({
        id: newId(),
        username,
        displayName,
        bio: '',
        email: null,
        isAdmin: false,
        passwordHash: 'hash',
        createdAt: tick(),
      });

    const conversation = async (kind: 'direct' | 'group', memberIds: string[], directKey: string | null = null) => {
      const id = newId();
      const now = tick();
      return store.createConversation(
        { id, kind, title: kind === 'group' ? 'Group' : null, directKey, createdBy: memberIds[0]!, createdAt: now, lastActivityAt: now },
        memberIds.map((userId, i) => ({ conversationId: id, userId, role: i === 0 && kind === 'group' ? 'owner' : 'member', joinedAt: now })),
      );
    };

    const append = async (batch: NewMessage[]) => (await store.appendMessages(batch)).results;
    const msg = (conversationId: string, senderId: string, clientId: string, body = clientId): NewMessage => ({
      id: newId(),
      conversationId,
      senderId,
      clientId,
      body,
      createdAt: tick(),
    });

    it('migrates idempotently and answers ping', async () => {
      await store.migrate();
      await expect(store.ping()).resolves.toBeUndefined();
    });

    describe('users', () => {
      it('keeps usernames unique ignoring case and finds them ignoring case', async () => {
        const alice = await user('Alice');
        await expect(user('alice')).rejects.toBeInstanceOf(UniqueViolation);
        expect((await store.getUserByUsername('ALICE'))?.id).toBe(alice.id);
        expect(await store.getUser(alice.id)).toEqual(alice);
        expect(await store.getUser('nope')).toBeUndefined();
        expect((await store.getUsers([alice.id, 'nope'])).map((u) => u.id)).toEqual([alice.id]);
      });

      it('searches by username prefix or display-name substring, literally, in pages', async () => {
        await user('bob', 'Robert Smith');
        await user('bobby', 'Bobby Tables');
        await user('carol', 'Carol 100%_sure');
        await user('dave', 'Dave');
        expect((await store.searchUsers({ q: 'bob', limit: 10 })).map((u) => u.username)).toEqual(['bob', 'bobby']);
        expect((await store.searchUsers({ q: 'SMITH', limit: 10 })).map((u) => u.username)).toEqual(['bob']);
        expect((await store.searchUsers({ q: '%_', limit: 10 })).map((u) => u.username)).toEqual(['carol']);
        const first = await store.searchUsers({ limit: 2 });
        const second = await store.searchUsers({ limit: 2, afterUsername: first.at(-1)!.username });
        expect([...first, ...second].map((u) => u.username)).toEqual(['bob', 'bobby', 'carol', 'dave']);
      });

      it('orders and pages usernames byte-wise, punctuation included (no locale collation)', async () => {
        for (const name of ['a_a', 'aa', 'a-z', 'a.b']) await user(name);
        expect((await store.searchUsers({ limit: 10 })).map((u) => u.username)).toEqual(['a-z', 'a.b', 'a_a', 'aa']);
        expect((await store.searchUsers({ limit: 10, afterUsername: 'a.b' })).map((u) => u.username)).toEqual(['a_a', 'aa']);
      });

      it('updates profile fields', async () => {
        const u = await user('erin');
        const updated = await store.updateUser(u.id, { displayName: 'Erin E.', bio: 'hi', isAdmin: true });
        expect(updated).toMatchObject({ displayName: 'Erin E.', bio: 'hi', isAdmin: true });
      });
    });

    describe('sessions', () => {
      it('rotates a refresh token once; a replay revokes the session', async () => {
        const u = await user('frank');
        const session = { id: newId(), userId: u.id, createdAt: tick(), revokedAt: null };
        await store.createSession(session, 'h1', clock + 60_000);
        const first = await store.rotateRefreshToken({ oldHash: 'h1', newHash: 'h2', now: tick(), expiresAt: clock + 60_000 });
        expect(first).toMatchObject({ status: 'rotated', session: { id: session.id } });
        const replay = await store.rotateRefreshToken({ oldHash: 'h1', newHash: 'h3', now: tick(), expiresAt: clock + 60_000 });
        expect(replay.status).toBe('reused');
        expect((await store.getSession(session.id))?.revokedAt).not.toBeNull();
        // The successor dies with the session.
        expect((await store.rotateRefreshToken({ oldHash: 'h2', newHash: 'h4', now: tick(), expiresAt: clock + 60_000 })).status).toBe('invalid');
      });

      it('refuses unknown and expired tokens, and tokens of revoked sessions', async () => {
        const u = await user('grace');
        const session = { id: newId(), userId: u.id, createdAt: tick(), revokedAt: null };
        await store.createSession(session, 'old', clock + 500);
        expect((await store.rotateRefreshToken({ oldHash: 'unknown', newHash: 'x', now: tick(), expiresAt: clock })).status).toBe('invalid');
        expect((await store.rotateRefreshToken({ oldHash: 'old', newHash: 'y', now: tick(), expiresAt: clock })).status).toBe('invalid');
        const other = { id: newId(), userId: u.id, createdAt: tick(), revokedAt: null };
        await store.createSession(other, 'live', clock + 60_000);
        await store.revokeSession(other.id, tick());
        expect((await store.rotateRefreshToken({ oldHash: 'live', newHash: 'z', now: tick(), expiresAt: clock })).status).toBe('invalid');
      });
    });

    describe('conversations', () => {
      it('creates a direct conversation once per key', async () => {
        const [a, b] = [await user('ann'), await user('ben')];
        const key = [a.id, b.id].sort().join(':');
        const first = await conversation('direct', [a.id, b.id], key);
        const again = await conversation('direct', [b.id, a.id], key);
        expect(first.created).toBe(true);
        expect(again).toEqual({ conversation: first.conversation, created: false, events: [] });
        expect(first.events.map((e) => e.event.type)).toEqual(['conversation.created']);
        expect(first.conversation.memberCount).toBe(2);
      });

      it('lists my conversations by latest activity with last message, unread count and peer', async () => {
        const [a, b, c] = [await user('amy'), await user('bo'), await user('cy')];
        const dm = (await conversation('direct', [a.id, b.id], [a.id, b.id].sort().join(':'))).conversation;
        const group = (await conversation('group', [a.id, b.id, c.id])).conversation;
        await conversation('group', [b.id, c.id]); // not mine
        await append([msg(dm.id, b.id, 'd1'), msg(dm.id, b.id, 'd2')]);
        await append([msg(group.id, c.id, 'g1')]);

        const rows = await store.listConversations(a.id, { limit: 10 });
        expect(rows.map((r) => r.conversation.id)).toEqual([group.id, dm.id]);
        expect(rows[0]).toMatchObject({ unreadCount: 1, peerId: null, lastMessage: { clientId: 'g1', seq: 1 } });
        expect(rows[1]).toMatchObject({ unreadCount: 2, peerId: b.id, lastMessage: { clientId: 'd2', seq: 2 } });
        expect(rows[1]!.member).toMatchObject({ userId: a.id, role: 'member', readSeq: 0 });

        const page2 = await store.listConversations(a.id, {
          limit: 10,
          after: { activityAt: rows[0]!.conversation.lastActivityAt, id: rows[0]!.conversation.id },
        });
        expect(page2.map((r) => r.conversation.id)).toEqual([dm.id]);
        expect((await store.getConversationView(a.id, dm.id))?.unreadCount).toBe(2);
        expect(await store.getConversationView(c.id, dm.id)).toBeUndefined();
        expect((await store.listConversationIds(a.id)).sort()).toEqual([dm.id, group.id].sort());
      });

      it('adds, removes and re-roles members, keeping the count', async () => {
        const [a, b, c] = [await user('al'), await user('bea'), await user('cat')];
        const group = (await conversation('group', [a.id, b.id])).conversation;
        await store.addMember({ conversationId: group.id, userId: c.id, role: 'member', joinedAt: tick() }, a.id);
        await expect(store.addMember({ conversationId: group.id, userId: c.id, role: 'member', joinedAt: tick() }, a.id)).rejects.toBeInstanceOf(
          UniqueViolation,
        );
        expect((await store.getConversation(group.id))?.memberCount).toBe(3);
        await store.setRoles(group.id, [
          { userId: b.id, role: 'owner' },
          { userId: a.id, role: 'admin' },
        ], a.id);
        expect((await store.listMembers(group.id)).map((m) => [m.userId, m.role])).toEqual([
          [a.id, 'admin'],
          [b.id, 'owner'],
          [c.id, 'member'],
        ]);
        expect(await store.removeMember(group.id, c.id, a.id)).toBeDefined();
        expect(await store.removeMember(group.id, c.id, a.id)).toBeUndefined();
        expect((await store.getConversation(group.id))?.memberCount).toBe(2);
        expect(await store.getMember(group.id, c.id)).toBeUndefined();
        expect((await store.updateConversationTitle(group.id, 'Renamed', a.id))?.conversation.title).toBe('Renamed');
      });
    });

    describe('messages', () => {
      it('assigns gap-free seqs per conversation within and across batches', async () => {
        const [a, b] = [await user('ada'), await user('bix')];
        const one = (await conversation('group', [a.id, b.id])).conversation;
        const two = (await conversation('group', [a.id, b.id])).conversation;
        const first = await append([msg(one.id, a.id, '1'), msg(two.id, a.id, '2'), msg(one.id, b.id, '3')]);
        expect(first.map((r) => [r.message.conversationId, r.message.seq, r.created])).toEqual([
          [one.id, 1, true],
          [two.id, 1, true],
          [one.id, 2, true],
        ]);
        const second = await append([msg(one.id, a.id, '4')]);
        expect(second[0]!.message.seq).toBe(3);
        expect((await store.getConversation(one.id))?.lastSeq).toBe(3);
      });

      it('returns the stored message for a repeated (sender, clientId), in a later batch or the same one', async () => {
        const [a, b] = [await user('abe'), await user('bree')];
        const conv = (await conversation('group', [a.id, b.id])).conversation;
        const [stored] = await append([msg(conv.id, a.id, 'same')]);
        const again = await append([msg(conv.id, a.id, 'same', 'different body'), msg(conv.id, b.id, 'same')]);
        expect(again[0]).toEqual({ message: stored!.message, created: false });
        expect(again[1]).toMatchObject({ created: true, message: { senderId: b.id, seq: 2 } });
        const twice = await append([msg(conv.id, a.id, 'x'), msg(conv.id, a.id, 'x')]);
        expect(twice[0]!.created).toBe(true);
        expect(twice[1]).toEqual({ message: twice[0]!.message, created: false });
        expect((await store.listMessages(conv.id, { limit: 10 })).map((m) => m.seq)).toEqual([3, 2, 1]);
      });

      it("moves the sender's read marker to what they sent", async () => {
        const [a, b] = [await user('ari'), await user('bal')];
        const conv = (await conversation('group', [a.id, b.id])).conversation;
        await append([msg(conv.id, b.id, 'b1'), msg(conv.id, a.id, 'a1'), msg(conv.id, b.id, 'b2')]);
        expect((await store.getMember(conv.id, a.id))?.readSeq).toBe(2);
        expect((await store.getMember(conv.id, b.id))?.readSeq).toBe(3);
        expect((await store.getConversationView(a.id, conv.id))?.unreadCount).toBe(1);
        expect((await store.getConversationView(b.id, conv.id))?.unreadCount).toBe(0);
      });

      it('pages history backwards and forwards by seq', async () => {
        const [a, b] = [await user('axl'), await user('bud')];
        const conv = (await conversation('group', [a.id, b.id])).conversation;
        await append(Array.from({ length: 10 }, (_, i) => msg(conv.id, a.id, `m${i}`)));
        const seqs = async (page: { limit: number; before?: number; after?: number }) =>
          (await store.listMessages(conv.id, page)).map((m) => m.seq);
        expect(await seqs({ limit: 3 })).toEqual([10, 9, 8]);
        expect(await seqs({ limit: 3, before: 8 })).toEqual([7, 6, 5]);
        expect(await seqs({ limit: 3, after: 8 })).toEqual([9, 10]);
        expect(await seqs({ limit: 10, after: 2, before: 6 })).toEqual([3, 4, 5]);
      });

      it('advances read markers forward only, clamped to the last seq', async () => {
        const [a, b] = [await user('aja'), await user('bam')];
        const conv = (await conversation('group', [a.id, b.id])).conversation;
        await append(Array.from({ length: 5 }, (_, i) => msg(conv.id, a.id, `r${i}`)));
        expect((await store.advanceReadMarker(conv.id, b.id, 3)).readSeq).toBe(3);
        expect((await store.advanceReadMarker(conv.id, b.id, 1)).readSeq).toBe(3);
        expect((await store.advanceReadMarker(conv.id, b.id, 99)).readSeq).toBe(5);
        expect((await store.getConversationView(b.id, conv.id))?.unreadCount).toBe(0);
      });

      it('lists recent messages across my conversations with sender, recipient and read filters', async () => {
        const [a, b, c] = [await user('aki'), await user('bly'), await user('cid')];
        const ab = (await conversation('direct', [a.id, b.id], [a.id, b.id].sort().join(':'))).conversation;
        const bc = (await conversation('direct', [b.id, c.id], [b.id, c.id].sort().join(':'))).conversation;
        await append([msg(ab.id, a.id, 'a->b'), msg(ab.id, b.id, 'b->a'), msg(bc.id, c.id, 'c->b')]);
        const bodies = async (userId: string, filter: Omit<Parameters<Store['listRecentMessages']>[1], 'limit'>) =>
          (await store.listRecentMessages(userId, { limit: 10, ...filter })).map((m) => m.body);
        expect(await bodies(a.id, {})).toEqual(['b->a', 'a->b']); // never b and c's conversation
        expect(await bodies(b.id, {})).toEqual(['c->b', 'b->a', 'a->b']);
        expect(await bodies(b.id, { sender: c.id })).toEqual(['c->b']);
        expect(await bodies(b.id, { recipient: a.id })).toEqual(['b->a']);
        expect(await bodies(a.id, { isRead: false })).toEqual(['b->a']);
        expect(await bodies(a.id, { isRead: true })).toEqual(['a->b']);
        const [newest] = await store.listRecentMessages(b.id, { limit: 1 });
        expect(await bodies(b.id, { beforeId: newest!.id })).toEqual(['b->a', 'a->b']);
      });
    });

    describe('event log', () => {
      it('numbers every logged change in commit order and chains each conversation’s events', async () => {
        const [a, b, c] = [await user('eva'), await user('fin'), await user('gus')];
        const before = await store.streamHead();
        const created = await conversation('group', [a.id, b.id]);
        const group = created.conversation;
        const { events: sent } = await store.appendMessages([msg(group.id, a.id, 'e1'), msg(group.id, b.id, 'e2')]);
        const { events: added } = await store.addMember({ conversationId: group.id, userId: c.id, role: 'member', joinedAt: tick() }, a.id);
        const read = await store.advanceReadMarker(group.id, a.id, 2);
        const unmoved = await store.advanceReadMarker(group.id, a.id, 1);
        const all = [...created.events, ...sent, ...added, ...read.events];
        expect(all.map((e) => e.pos)).toEqual([1, 2, 3, 4, 5].map((i) => before.pos + i));
        expect(all.map((e) => e.event.prev)).toEqual([0, ...all.slice(0, -1).map((e) => e.pos)]);
        expect(all.map((e) => e.event.type)).toEqual(['conversation.created', 'message.created', 'message.created', 'member.added', 'read.updated']);
        expect(read.events[0]!.event).toMatchObject({ userId: a.id, readSeq: 2, unreadCount: 0 });
        expect(unmoved.events).toEqual([]);
        expect((await store.streamHead()).pos).toBe(before.pos + 5);
        expect((await store.getConversation(group.id))?.lastPos).toBe(before.pos + 5);
        expect((await store.readConversationEvents(group.id, 0, 100)).map((e) => e.event)).toEqual(all.map((e) => e.event));
      });

      it('lets a member read events from the one that made them a member, and a removed member their removal', async () => {
        const [a, b, c] = [await user('hal'), await user('ida'), await user('jo')];
        const group = (await conversation('group', [a.id, b.id])).conversation;
        await append([msg(group.id, a.id, 'before-c')]);
        const { events: added } = await store.addMember({ conversationId: group.id, userId: c.id, role: 'member', joinedAt: tick() }, a.id);
        const { events: sent } = await store.appendMessages([msg(group.id, b.id, 'after-c')]);
        const removed = (await store.removeMember(group.id, c.id, a.id))!;
        await append([msg(group.id, a.id, 'after-removal')]);

        // While c was a member it could read the group's events; once removed, only what is about c.
        const whileMember = sent[0]!.pos;
        expect(whileMember).toBeGreaterThan(added[0]!.pos);
        const forC = await store.readUserEvents(c.id, 0, 100);
        expect(forC.map((e) => e.pos)).toEqual([added[0]!.pos, removed.events[0]!.pos]);
        const forA = await store.readUserEvents(a.id, added[0]!.pos, 100);
        expect(forA.map((e) => e.event.type)).toEqual(['message.created', 'member.removed', 'message.created']);
        expect(await store.readUserEvents(a.id, 0, 2)).toHaveLength(2);
        const heads = await store.conversationHeads(a.id);
        expect(heads.get(group.id)).toBe((await store.getConversation(group.id))!.lastPos);
        expect((await store.conversationHeads(c.id)).has(group.id)).toBe(false);
      });

      it('keeps the log gap-free and every chain whole under concurrent writers of every kind', async () => {
        const users = await Promise.all(['ra', 'rb', 'rc', 'rd', 're'].map((name) => user(name)));
        const [a, b, c, d, e] = users as [UserRecord, UserRecord, UserRecord, UserRecord, UserRecord];
        const groups = [
          (await conversation('group', [a.id, b.id, c.id])).conversation,
          (await conversation('group', [a.id, b.id, c.id])).conversation,
        ];
        const before = await store.streamHead();
        const writes: Promise<unknown>[] = [];
        for (let i = 0; i < 40; i++) {
          const g = groups[i % 2]!;
          writes.push(store.appendMessages([msg(g.id, a.id, `x${i}`), msg(groups[(i + 1) % 2]!.id, b.id, `y${i}`)]));
          writes.push(store.advanceReadMarker(g.id, c.id, i));
          if (i === 10) writes.push(store.addMember({ conversationId: g.id, userId: d.id, role: 'member', joinedAt: tick() }, a.id));
          if (i === 20) writes.push(store.setRoles(g.id, [{ userId: b.id, role: 'admin' }], a.id));
          if (i === 25) writes.push(store.updateConversationTitle(g.id, `t${i}`, a.id));
          if (i === 30) writes.push(conversation('direct', [d.id, e.id], [d.id, e.id].sort().join(':')));
        }
        await Promise.all(writes);
        const head = await store.streamHead();
        const logged = [];
        for (const g of groups) logged.push(...(await store.readConversationEvents(g.id, before.pos, 10_000)));
        const dm = await store.listConversationIds(e.id);
        for (const id of dm) logged.push(...(await store.readConversationEvents(id, before.pos, 10_000)));
        // Every position in (before, head] was used exactly once…
        expect(logged.map((l) => l.pos).sort((x, y) => x - y)).toEqual(Array.from({ length: head.pos - before.pos }, (_, i) => before.pos + i + 1));
        // …and each conversation's events chain without a break.
        for (const g of groups) {
          const events = logged.filter((l) => l.conversationId === g.id);
          events.forEach((l, i) => {
            if (i > 0) expect(l.event.prev).toBe(events[i - 1]!.pos);
          });
          expect((await store.getConversation(g.id))!.lastPos).toBe(events.at(-1)!.pos);
        }
      });

      it('creates one direct conversation when two creates of a pair race', async () => {
        const [a, b] = [await user('sa'), await user('sb')];
        const key = [a.id, b.id].sort().join(':');
        const results = await Promise.all([0, 1, 2].map(() => conversation('direct', [a.id, b.id], key)));
        expect(new Set(results.map((r) => r.conversation.id)).size).toBe(1);
        expect(results.filter((r) => r.created)).toHaveLength(1);
        expect(results.flatMap((r) => r.events)).toHaveLength(1);
      });

      it('prunes old events and raises the floor; the epoch stays', async () => {
        const [a, b] = [await user('kim'), await user('lu')];
        const group = (await conversation('group', [a.id, b.id])).conversation;
        await append([msg(group.id, a.id, 'old')]);
        const head = await store.streamHead();
        expect(head.epoch).toMatch(/^[0-9a-f]{16}$/);
        expect(await store.pruneEvents(Date.now() + 60_000)).toBeGreaterThan(0);
        const after = await store.streamHead();
        expect(after).toEqual({ epoch: head.epoch, pos: head.pos, floor: head.pos });
        expect(await store.readConversationEvents(group.id, 0, 10)).toEqual([]);
        expect(await store.pruneEvents(0)).toBe(0);
        expect((await store.streamHead()).floor).toBe(head.pos);
      });
    });

    describe('receipts and presence', () => {
      it('keeps delivery markers monotonic and reports receipts per member', async () => {
        const [a, b] = [await user('max'), await user('ned')];
        const group = (await conversation('group', [a.id, b.id])).conversation;
        await append([msg(group.id, a.id, 'r1'), msg(group.id, a.id, 'r2'), msg(group.id, a.id, 'r3')]);
        expect(await store.advanceDeliveredMarker(group.id, b.id, 2)).toEqual({ deliveredSeq: 2, moved: true });
        expect(await store.advanceDeliveredMarker(group.id, b.id, 1)).toEqual({ deliveredSeq: 2, moved: false });
        expect(await store.advanceDeliveredMarker(group.id, b.id, 99)).toEqual({ deliveredSeq: 3, moved: true });
        await store.advanceReadMarker(group.id, b.id, 1);
        const receipts = await store.listReceipts(group.id);
        expect(receipts.find((r) => r.userId === b.id)).toEqual({ userId: b.id, readSeq: 1, deliveredSeq: 3 });
        expect(receipts.find((r) => r.userId === a.id)).toEqual({ userId: a.id, readSeq: 3, deliveredSeq: 3 });
        expect(await store.countUnreadTotal(b.id)).toBe(2);
      });

      it('finds shared conversations, and records last seen', async () => {
        const [a, b, c] = [await user('oz'), await user('pia'), await user('quin')];
        await conversation('group', [a.id, b.id]);
        expect(await store.sharesConversation(a.id, b.id)).toBe(true);
        expect(await store.sharesConversation(a.id, c.id)).toBe(false);
        await store.setLastSeen(a.id, 1234);
        await store.updateUser(a.id, { hideLastSeen: true });
        expect(await store.getUser(a.id)).toMatchObject({ lastSeenAt: 1234, hideLastSeen: true });
      });
    });
  });
}
