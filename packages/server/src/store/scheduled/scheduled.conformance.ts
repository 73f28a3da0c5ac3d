import { describe, expect, it } from 'vitest';
import { newId } from '../../ids.js';
import type { Draft, NewScheduled, ScheduledEnd, ScheduledRecord } from '../store.js';
import type { Fixture } from '../conformance/fixtures.js';

// Stand-ins for the service's drafts (event-drafts.ts): the store logs whatever it is given.
const iso = (ms: number) => new Date(ms).toISOString();
const updated: Draft<ScheduledRecord> = (s) => ({
  type: 'scheduled.updated',
  scheduled: {
    id: s.id,
    conversationId: s.conversationId,
    clientId: s.clientId,
    kind: 'text',
    body: s.body,
    replyToId: s.replyToId,
    threadRootId: s.threadRootId,
    scheduledAt: iso(s.scheduledAt),
    createdAt: iso(s.createdAt),
  },
});
const removed: Draft<ScheduledEnd> = (e) => ({
  type: 'scheduled.removed',
  scheduledId: e.id,
  conversationId: e.conversationId,
  reason: e.reason,
  messageId: e.messageId,
  error: e.error === null ? null : { code: 'not_found', message: e.error.message },
});

/** Issue 37: scheduled messages, their private events, and claims under a lease by several nodes. */
export function describeScheduled(f: Fixture): void {
  const setup = async () => {
    const [a, b] = [await f.user('amy'), await f.user('bo')];
    const group = (await f.conversation('group', [a.id, b.id])).conversation;
    const schedule = (over: Partial<NewScheduled> = {}): NewScheduled => ({
      id: newId(),
      userId: a.id,
      conversationId: group.id,
      clientId: newId(),
      body: 'later',
      replyToId: null,
      threadRootId: null,
      scheduledAt: f.now + 60_000,
      createdAt: f.now,
      ...over,
    });
    return { a, b, group, schedule };
  };
  const claim = (token: string, limit = 50, leaseMs = 10_000) => f.store.scheduled.claimScheduled(f.now, { token, leaseMs, limit });

  describe('scheduled messages', () => {
    it('stores a schedule once per (user, clientId), logs it in the user’s private stream, and lists the pending soonest first', async () => {
      const { a, b, schedule } = await setup();
      const later = schedule({ scheduledAt: f.now + 120_000 });
      const first = await f.store.scheduled.createScheduled(later, updated);
      expect(first).toMatchObject({ created: true, scheduled: { ...later, status: 'pending', messageId: null, attempts: 0 } });
      expect(first.events.map((e) => [e.event.type, e.conversationId])).toEqual([['scheduled.updated', a.id]]);
      // A repeat answers the stored schedule, whatever it carries, and logs nothing.
      const again = await f.store.scheduled.createScheduled({ ...later, id: newId(), body: 'other' }, updated);
      expect(again).toMatchObject({ created: false, events: [], scheduled: { id: later.id, body: 'later' } });
      const [sooner, tie] = [schedule({ scheduledAt: f.now + 60_000 }), schedule({ scheduledAt: f.now + 120_000 })];
      await f.store.scheduled.createScheduled(sooner, updated);
      await f.store.scheduled.createScheduled(tie, updated);
      await f.store.scheduled.createScheduled(schedule({ userId: b.id }), updated); // Bo's
      const ids = (await f.store.scheduled.listScheduled(a.id, { limit: 10 })).map((s) => s.id);
      expect(ids).toEqual([sooner.id, ...[later.id, tie.id].sort()]);
      const page = await f.store.scheduled.listScheduled(a.id, { limit: 10, after: { scheduledAt: f.now + 60_000, id: sooner.id } });
      expect(page.map((s) => s.id)).toEqual(ids.slice(1));
    });

    it('claims only what is due and not held, once across claimants, and ends a schedule for the holder only', async () => {
      const { a, schedule } = await setup();
      const due = schedule({ scheduledAt: f.now + 1000 });
      await f.store.scheduled.createScheduled(due, updated);
      await f.store.scheduled.createScheduled(schedule({ scheduledAt: f.now + 60_000 }), updated);
      expect(await claim('node-1')).toEqual([]); // nothing due yet
      f.tick();
      const racing = await Promise.all([claim('node-1', 50, 5000), claim('node-2', 50, 5000)]);
      expect(racing.flat().map((s) => [s.id, s.attempts])).toEqual([[due.id, 1]]);
      const holder = racing[0]!.length === 1 ? 'node-1' : 'node-2';
      const other = holder === 'node-1' ? 'node-2' : 'node-1';
      // Held: neither claimed again, nor changed or deleted by its user meanwhile.
      expect(await claim(other)).toEqual([]);
      expect(await f.store.scheduled.updateScheduled(due.id, a.id, { body: 'edited' }, f.now, updated)).toMatchObject({ busy: true });
      expect(await f.store.scheduled.deleteScheduled(due.id, a.id, f.now, removed)).toMatchObject({ deleted: false, busy: true });
      for (let i = 0; i < 5; i++) f.tick(); // the holder went silent past its lease
      const [again] = await claim(other);
      expect(again).toMatchObject({ id: due.id, attempts: 2 });
      const end: ScheduledEnd = {
        id: due.id,
        userId: a.id,
        conversationId: due.conversationId,
        reason: 'sent',
        messageId: 'm1',
        error: null,
      };
      expect(await f.store.scheduled.finishScheduled(end, holder, f.now, removed)).toEqual({ finished: false, events: [] });
      expect(await f.store.scheduled.deferScheduled(due.id, holder, f.now)).toBe(false);
      const finished = await f.store.scheduled.finishScheduled(end, other, f.now, removed);
      expect(finished.finished).toBe(true);
      expect(finished.events.map((e) => [e.event.type, e.conversationId])).toEqual([['scheduled.removed', a.id]]);
      expect(await f.store.scheduled.getScheduled(due.id)).toMatchObject({ status: 'sent', messageId: 'm1' });
      expect((await f.store.scheduled.listScheduled(a.id, { limit: 10 })).map((s) => s.id)).not.toContain(due.id);
      for (let i = 0; i < 60; i++) f.tick();
      expect((await claim('node-3')).map((s) => s.id)).not.toContain(due.id); // never sent twice
    });

    it('defers a claimed schedule until a later time, and changes or deletes only its user’s pending one', async () => {
      const { a, b, schedule } = await setup();
      const s = schedule({ scheduledAt: f.now + 1000 });
      await f.store.scheduled.createScheduled(s, updated);
      f.tick();
      expect(await claim('node-1')).toHaveLength(1);
      expect(await f.store.scheduled.deferScheduled(s.id, 'node-1', f.now + 3000)).toBe(true);
      expect(await claim('node-2')).toEqual([]);
      for (let i = 0; i < 3; i++) f.tick();
      expect(await claim('node-2')).toHaveLength(1);
      for (let i = 0; i < 11; i++) f.tick(); // node 2's lease passed too: the user may change it again

      expect(await f.store.scheduled.updateScheduled(s.id, b.id, { body: 'not mine' }, f.now, updated)).toEqual({
        busy: false,
        events: [],
      });
      expect(await f.store.scheduled.deleteScheduled(s.id, b.id, f.now, removed)).toEqual({ deleted: false, busy: false, events: [] });
      const changed = await f.store.scheduled.updateScheduled(s.id, a.id, { body: 'edited', scheduledAt: f.now + 5000 }, f.now, updated);
      expect(changed.scheduled).toMatchObject({ body: 'edited', scheduledAt: f.now + 5000 });
      expect(changed.events.map((e) => e.event.type)).toEqual(['scheduled.updated']);
      expect(await f.store.scheduled.getScheduled(s.id)).toMatchObject({ body: 'edited', scheduledAt: f.now + 5000 });
      const deleted = await f.store.scheduled.deleteScheduled(s.id, a.id, f.now, removed);
      expect(deleted).toMatchObject({ deleted: true, busy: false });
      expect(deleted.events.map((e) => [e.event.type, e.conversationId])).toEqual([['scheduled.removed', a.id]]);
      expect(await f.store.scheduled.getScheduled(s.id)).toBeUndefined();
    });
  });
}
