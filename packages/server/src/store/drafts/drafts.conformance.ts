import { describe, expect, it } from 'vitest';
import type { Fixture } from '../conformance/fixtures.js';
import type { DraftRecord, DraftSave } from '../store.js';

// What the service's draft of `draft.updated` carries (services/events/event-drafts.ts), written
// here because nothing under store/ may import services/.
export const announce = (d: DraftRecord) => ({
  type: 'draft.updated' as const,
  draft: {
    conversationId: d.conversationId,
    body: d.body,
    replyToId: d.replyToId,
    version: d.version,
    updatedAt: new Date(d.updatedAt).toISOString(),
  },
  deleted: d.body === '',
});

/** Issue 37: drafts that follow me across devices, saved on the version a device last saw. */
export function describeDrafts(f: Fixture): void {
  const { user, conversation } = f;
  const save = (s: Omit<DraftSave, 'now' | 'replyToId'> & { replyToId?: string | null }) =>
    f.store.drafts.saveDraft({ replyToId: null, ...s, now: f.tick() }, announce);

  describe('drafts', () => {
    it('saves on the version seen, refuses a stale one with the draft as stored, and logs each save in my private stream', async () => {
      const [a, b] = [await user('dra'), await user('drb')];
      const conv = (await conversation('group', [a.id, b.id])).conversation;
      const first = await save({ userId: a.id, conversationId: conv.id, body: 'hel', version: 0 });
      expect('saved' in first && first.saved).toMatchObject({ body: 'hel', version: 1 });
      expect('saved' in first && first.events.map((e) => [e.event.type, e.conversationId, e.subjectUserId])).toEqual([
        ['draft.updated', a.id, a.id],
      ]);
      const second = await save({ userId: a.id, conversationId: conv.id, body: 'hello', version: 1 });
      expect('saved' in second && second.saved.version).toBe(2);
      // Another device still on version 1, and one that knew of no draft: both refused, told what is stored.
      for (const version of [1, 0]) {
        const stale = await save({ userId: a.id, conversationId: conv.id, body: 'other', version });
        expect(stale).toEqual({ conflict: expect.objectContaining({ body: 'hello', version: 2 }) });
      }
      expect(await save({ userId: a.id, conversationId: conv.id, body: 'x', version: 7 })).toEqual({
        conflict: expect.objectContaining({ version: 2 }),
      });
      // No row yet and a version above 0: refused with nothing stored.
      expect(await save({ userId: b.id, conversationId: conv.id, body: 'x', version: 3 })).toEqual({ conflict: undefined });
      expect((await f.store.drafts.getDraft(a.id, conv.id))!.body).toBe('hello');
    });

    it('lets exactly one of two saves on the same version win', async () => {
      const a = await user('drc');
      const conv = (await conversation('group', [a.id])).conversation;
      for (const version of [0, 1]) {
        const outcomes = await Promise.all(
          ['phone', 'laptop'].map((device) => save({ userId: a.id, conversationId: conv.id, body: `${device} ${version}`, version })),
        );
        const won = outcomes.filter((o) => 'saved' in o);
        expect(won).toHaveLength(1);
        const lost = outcomes.find((o) => 'conflict' in o)!;
        expect('conflict' in lost && lost.conflict).toEqual('saved' in won[0]! && won[0].saved);
      }
      expect((await f.store.drafts.getDraft(a.id, conv.id))!.version).toBe(2);
    });

    it('clears keeping the version, so a save from before the clear is refused; clearing nothing logs nothing', async () => {
      const a = await user('drd');
      const conv = (await conversation('group', [a.id])).conversation;
      expect(await f.store.drafts.clearDraft(a.id, conv.id, f.tick(), announce)).toEqual([]);
      await save({ userId: a.id, conversationId: conv.id, body: 'typed', version: 0 });
      const events = await f.store.drafts.clearDraft(a.id, conv.id, f.tick(), announce);
      expect(events.map((e) => e.event)).toEqual([
        expect.objectContaining({ type: 'draft.updated', deleted: true, draft: expect.objectContaining({ body: '', version: 2 }) }),
      ]);
      expect(await f.store.drafts.clearDraft(a.id, conv.id, f.tick(), announce)).toEqual([]);
      expect(await save({ userId: a.id, conversationId: conv.id, body: 'typed', version: 1 })).toEqual({
        conflict: expect.objectContaining({ body: '', version: 2 }),
      });
      const again = await save({ userId: a.id, conversationId: conv.id, body: 'next', version: 2 });
      expect('saved' in again && again.saved.version).toBe(3);
    });

    it('clears the drafts of sent messages saved by then, leaving one saved after the send', async () => {
      const [a, b] = [await user('dre'), await user('drf')];
      const [c1, c2] = [(await conversation('group', [a.id, b.id])).conversation, (await conversation('group', [a.id, b.id])).conversation];
      await save({ userId: a.id, conversationId: c1.id, body: 'a1', version: 0 });
      await save({ userId: b.id, conversationId: c1.id, body: 'b1', version: 0 });
      const sentAt = f.tick();
      await save({ userId: a.id, conversationId: c2.id, body: 'a2, begun after the send', version: 0 });
      expect(await f.store.drafts.clearSent([], f.tick(), announce)).toEqual([]);
      const events = await f.store.drafts.clearSent(
        [
          { userId: a.id, conversationId: c1.id, sentAt },
          { userId: a.id, conversationId: c1.id, sentAt: sentAt - 5000 },
          { userId: a.id, conversationId: c2.id, sentAt },
          { userId: b.id, conversationId: c2.id, sentAt },
        ],
        f.tick(),
        announce,
      );
      expect(events.map((e) => [e.conversationId, e.event.type === 'draft.updated' && e.event.draft.conversationId])).toEqual([
        [a.id, c1.id],
      ]);
      expect((await f.store.drafts.listDrafts(a.id)).map((d) => d.body)).toEqual(['a2, begun after the send']);
      expect((await f.store.drafts.listDrafts(b.id)).map((d) => d.body)).toEqual(['b1']);
    });

    it('lists my drafts with text, newest first, only in conversations I am still a member of', async () => {
      const [a, b] = [await user('drg'), await user('drh')];
      const [c1, c2, c3] = [
        (await conversation('group', [a.id, b.id])).conversation,
        (await conversation('group', [b.id, a.id])).conversation,
        (await conversation('group', [a.id])).conversation,
      ];
      await save({ userId: a.id, conversationId: c1.id, body: 'one', version: 0, replyToId: null });
      await save({ userId: a.id, conversationId: c2.id, body: 'two', version: 0 });
      await save({ userId: a.id, conversationId: c3.id, body: '', version: 0 });
      await save({ userId: b.id, conversationId: c1.id, body: 'theirs', version: 0 });
      expect((await f.store.drafts.listDrafts(a.id)).map((d) => [d.conversationId, d.body])).toEqual([
        [c2.id, 'two'],
        [c1.id, 'one'],
      ]);
      await f.removeMember(c2.id, a.id, b.id);
      expect((await f.store.drafts.listDrafts(a.id)).map((d) => d.conversationId)).toEqual([c1.id]);
    });
  });
}
