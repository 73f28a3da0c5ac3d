import { describe, expect, it } from 'vitest';
import type { UserRecord } from '../store.js';
import { drafts, type Fixture, sendPlan } from '../conformance/fixtures.js';
import { settingsDraft } from '../members/member-settings.conformance.js';

export function describeEventLog(f: Fixture): void {
  const { user, conversation, append, msg } = f;

  describe('event log', () => {
    it('numbers every logged change in commit order and chains each conversation’s events', async () => {
      const [a, b, c] = [await user('eva'), await user('fin'), await user('gus')];
      const before = await f.store.events.streamHead();
      const created = await conversation('group', [a.id, b.id]);
      const group = created.conversation;
      const { events: sent } = await f.store.messages.appendMessages([msg(group.id, a.id, 'e1'), msg(group.id, b.id, 'e2')], sendPlan);
      const { events: added } = await f.addMember(group.id, c.id, a.id);
      const read = await f.read(group.id, a.id, 2);
      const unmoved = await f.read(group.id, a.id, 1);
      const all = [...created.events, ...sent, ...added, ...read.events];
      expect(all.map((e) => e.pos)).toEqual([1, 2, 3, 4, 5].map((i) => before.pos + i));
      expect(all.map((e) => e.event.prev)).toEqual([0, ...all.slice(0, -1).map((e) => e.pos)]);
      expect(all.map((e) => e.event.type)).toEqual([
        'conversation.created',
        'message.created',
        'message.created',
        'member.added',
        'read.updated',
      ]);
      expect(read.events[0]!.event).toMatchObject({ userId: a.id, readSeq: 2, unreadCount: 0 });
      expect(unmoved.events).toEqual([]);
      expect((await f.store.events.streamHead()).pos).toBe(before.pos + 5);
      expect((await f.store.conversations.getConversation(group.id))?.lastPos).toBe(before.pos + 5);
      expect((await f.store.events.readConversationEvents(group.id, 0, 100)).map((e) => e.event)).toEqual(all.map((e) => e.event));
    });

    it('logs what the caller drafts from the records as stored: new counts, roles, seqs and markers', async () => {
      const [a, b, c] = [await user('vic'), await user('wes'), await user('xan')];
      const created = await conversation('group', [a.id, b.id]);
      const group = created.conversation;
      expect(created.events[0]!.event).toMatchObject({
        type: 'conversation.created',
        conversation: { id: group.id, memberCount: 2, lastSeq: 0 },
      });
      const added = await f.addMember(group.id, c.id, a.id);
      expect(added.events[0]!.event).toMatchObject({
        type: 'member.added',
        member: { userId: c.id },
        conversation: { memberCount: 3 },
        by: a.id,
      });
      const roles = await f.store.members.setRoles(group.id, [{ userId: b.id, role: 'admin' }], drafts.memberUpdated(a.id));
      expect(roles.events.map((e) => e.event)).toMatchObject([
        { type: 'member.updated', member: { userId: b.id, role: 'admin' }, by: a.id },
      ]);
      const renamed = await f.store.conversations.updateConversationTitle(group.id, 'New name', drafts.conversationUpdated(b.id));
      expect(renamed!.events[0]!.event).toMatchObject({ type: 'conversation.updated', conversation: { title: 'New name' }, by: b.id });
      await append([msg(group.id, a.id, 'one'), msg(group.id, a.id, 'two')]);
      const read = await f.read(group.id, c.id, 1);
      expect(read.events[0]!.event).toMatchObject({ type: 'read.updated', userId: c.id, readSeq: 1, unreadCount: 1 });
      const removed = await f.removeMember(group.id, c.id, a.id);
      expect(removed!.events[0]!.event).toMatchObject({ type: 'member.removed', userId: c.id, by: a.id });
    });

    it('lets a member read events from the one that made them a member, and a removed member their removal', async () => {
      const [a, b, c] = [await user('hal'), await user('ida'), await user('jo')];
      const group = (await conversation('group', [a.id, b.id])).conversation;
      await append([msg(group.id, a.id, 'before-c')]);
      const { events: added } = await f.addMember(group.id, c.id, a.id);
      const { events: sent } = await f.store.messages.appendMessages([msg(group.id, b.id, 'after-c')], sendPlan);
      const removed = (await f.removeMember(group.id, c.id, a.id))!;
      await append([msg(group.id, a.id, 'after-removal')]);

      // While c was a member it could read the group's events; once removed, only what is about c.
      const whileMember = sent[0]!.pos;
      expect(whileMember).toBeGreaterThan(added[0]!.pos);
      const forC = await f.store.events.readUserEvents(c.id, 0, 100);
      expect(forC.map((e) => e.pos)).toEqual([added[0]!.pos, removed.events[0]!.pos]);
      const forA = await f.store.events.readUserEvents(a.id, added[0]!.pos, 100);
      expect(forA.map((e) => e.event.type)).toEqual(['message.created', 'member.removed', 'message.created']);
      expect(await f.store.events.readUserEvents(a.id, 0, 2)).toHaveLength(2);
      const heads = await f.store.events.conversationHeads([a.id, c.id]);
      expect(heads.get(a.id)!.get(group.id)).toBe((await f.store.conversations.getConversation(group.id))!.lastPos);
      expect(heads.get(c.id)!.has(group.id)).toBe(false);
    });

    it('lists the heads past a cursor exactly as every head filtered: joins, leaves and private streams after it', async () => {
      const [a, b, c] = [await user('kai'), await user('lu'), await user('mo')];
      const left = (await conversation('group', [a.id, b.id])).conversation;
      const quiet = (await conversation('group', [a.id, c.id])).conversation;
      const busy = (await conversation('group', [a.id, b.id, c.id])).conversation;
      await append([msg(quiet.id, c.id, 'before'), msg(busy.id, b.id, 'before')]);
      const cursor = (await f.store.events.streamHead()).pos;
      // After the cursor: a message, a leave, a join, and a's private stream moves.
      await append([msg(busy.id, c.id, 'after')]);
      await f.removeMember(left.id, a.id, b.id);
      const joined = (await conversation('group', [b.id, c.id])).conversation;
      await f.addMember(joined.id, a.id, b.id);
      const settings = await f.store.members.updateMemberSettings(quiet.id, a.id, { muted: true }, settingsDraft(a.id));
      const head = (await f.store.events.streamHead()).pos;

      const all = await f.store.events.conversationHeads([a.id, b.id, c.id]);
      const past = (after: number) =>
        new Map([...all].map(([userId, heads]) => [userId, new Map([...heads].filter(([, pos]) => pos > after))]));
      for (const after of [0, cursor, settings!.events[0]!.pos - 1, head]) {
        expect(await f.store.events.conversationHeads([a.id, b.id, c.id], after)).toEqual(past(after));
      }
      const moved = (await f.store.events.conversationHeads([a.id], cursor)).get(a.id)!;
      expect([...moved.keys()].sort()).toEqual([busy.id, joined.id, a.id].sort());
      expect(moved.get(a.id)).toBe(settings!.events[0]!.pos);
      // Nothing moved past the head; a user with no heads past it still has an entry.
      expect(await f.store.events.conversationHeads([a.id, b.id], head)).toEqual(
        new Map([
          [a.id, new Map()],
          [b.id, new Map()],
        ]),
      );
    });

    it('keeps the log gap-free and every chain whole under concurrent writers of every kind', async () => {
      const users = await Promise.all(['ra', 'rb', 'rc', 'rd', 're'].map((name) => user(name)));
      const [a, b, c, d, e] = users as [UserRecord, UserRecord, UserRecord, UserRecord, UserRecord];
      const groups = [
        (await conversation('group', [a.id, b.id, c.id])).conversation,
        (await conversation('group', [a.id, b.id, c.id])).conversation,
      ];
      const before = await f.store.events.streamHead();
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < 40; i++) {
        const g = groups[i % 2]!;
        writes.push(append([msg(g.id, a.id, `x${i}`), msg(groups[(i + 1) % 2]!.id, b.id, `y${i}`)]));
        writes.push(f.read(g.id, c.id, i));
        if (i === 10) writes.push(f.addMember(g.id, d.id, a.id));
        if (i === 20) writes.push(f.store.members.setRoles(g.id, [{ userId: b.id, role: 'admin' }], drafts.memberUpdated(a.id)));
        if (i === 25) writes.push(f.store.conversations.updateConversationTitle(g.id, `t${i}`, drafts.conversationUpdated(a.id)));
        if (i === 30) writes.push(conversation('direct', [d.id, e.id], [d.id, e.id].sort().join(':')));
      }
      await Promise.all(writes);
      const head = await f.store.events.streamHead();
      const logged = [];
      for (const g of groups) logged.push(...(await f.store.events.readConversationEvents(g.id, before.pos, 10_000)));
      const dm = (await f.store.conversations.listConversationIds([e.id])).get(e.id) ?? [];
      for (const id of dm) logged.push(...(await f.store.events.readConversationEvents(id, before.pos, 10_000)));
      // Every position in (before, head] was used exactly once…
      expect(logged.map((l) => l.pos).sort((x, y) => x - y)).toEqual(
        Array.from({ length: head.pos - before.pos }, (_, i) => before.pos + i + 1),
      );
      // …and each conversation's events chain without a break.
      for (const g of groups) {
        const events = logged.filter((l) => l.conversationId === g.id);
        events.forEach((l, i) => {
          if (i > 0) expect(l.event.prev).toBe(events[i - 1]!.pos);
        });
        expect((await f.store.conversations.getConversation(g.id))!.lastPos).toBe(events.at(-1)!.pos);
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
      const head = await f.store.events.streamHead();
      expect(head.epoch).toMatch(/^[0-9a-f]{16}$/);
      expect(await f.store.events.pruneEvents(Date.now() + 60_000)).toBeGreaterThan(0);
      const after = await f.store.events.streamHead();
      expect(after).toEqual({ epoch: head.epoch, pos: head.pos, floor: head.pos });
      expect(await f.store.events.readConversationEvents(group.id, 0, 10)).toEqual([]);
      expect(await f.store.events.pruneEvents(0)).toBe(0);
      expect((await f.store.events.streamHead()).floor).toBe(head.pos);
    });

    it('prunes in chunks, oldest first, up to the newest event before the cut and no further', async () => {
      const [a, b] = [await user('ola'), await user('pia')];
      const group = (await conversation('group', [a.id, b.id])).conversation;
      await append([msg(group.id, a.id, 'p1'), msg(group.id, b.id, 'p2'), msg(group.id, a.id, 'p3')]);
      await append([msg(group.id, b.id, 'p4'), msg(group.id, a.id, 'p5')]);
      const cut = await f.store.events.streamHead();
      const before = f.now + 1;
      await append([msg(group.id, a.id, 'p6'), msg(group.id, b.id, 'p7')]);
      // Everything up to the cut, two events a transaction.
      expect(await f.store.events.pruneEvents(before, 2)).toBe(cut.pos - cut.floor);
      expect(await f.store.events.streamHead()).toMatchObject({ epoch: cut.epoch, floor: cut.pos });
      const kept = await f.store.events.readConversationEvents(group.id, 0, 10);
      expect(kept.map((e) => (e.event as { message?: { body: string } }).message?.body)).toEqual(['p6', 'p7']);
      expect(kept[0]!.pos).toBe(cut.pos + 1);
      expect(await f.store.events.pruneEvents(before, 2)).toBe(0);
    });

    it('finds where to stop among many events by their times (no index on them: it bisects positions)', async () => {
      // Everything logged so far goes first: the log then holds this test's events alone.
      await f.store.events.pruneEvents(Date.now() + 60_000);
      const [a, b] = [await user('qed'), await user('rho')];
      const group = (await conversation('group', [a.id, b.id])).conversation;
      for (let i = 0; i < 37; i++) await append([msg(group.id, i % 2 === 0 ? a.id : b.id, `q${i}`)]);
      const logged = await f.store.events.readConversationEvents(group.id, 0, 100);
      const { floor } = await f.store.events.streamHead();
      // Up to the newest event older than the cut's time plus one: the cut itself, not the next.
      const cut = logged[23]!;
      expect(await f.store.events.pruneEvents(cut.createdAt + 1, 4)).toBe(cut.pos - floor);
      expect((await f.store.events.streamHead()).floor).toBe(cut.pos);
      expect((await f.store.events.readConversationEvents(group.id, 0, 100))[0]!.pos).toBe(cut.pos + 1);
      // Again from there: one more.
      expect(await f.store.events.pruneEvents(logged[24]!.createdAt + 1, 4)).toBe(1);
      expect((await f.store.events.streamHead()).floor).toBe(logged[24]!.pos);
      // Nothing older than the oldest kept: nothing goes.
      expect(await f.store.events.pruneEvents(logged[25]!.createdAt, 4)).toBe(0);
    });
  });
}
