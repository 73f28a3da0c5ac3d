import { describe, expect, it } from 'vitest';
import { drafts, type Fixture } from '../conformance/fixtures.js';

/** Location messages: the place is stored with the row, read back by every read, and moved by a change. */
export function describeLocations(f: Fixture): void {
  const { user, conversation, append, msg } = f;

  describe('location messages', () => {
    it('stores a location with its message and moves it with a change, logged as the change says', async () => {
      const [a, b] = [await user('loa'), await user('lob')];
      const conv = (await conversation('group', [a.id, b.id])).conversation;
      const location = { lat: 59.9139, lng: 10.7522, accuracyM: 8, label: 'Oslo', liveUntil: f.now + 60_000 };
      const [sent] = await append([{ ...msg(conv.id, a.id, 'l1', ''), kind: 'location', location }]);
      expect(sent!.message).toMatchObject({ kind: 'location', body: '', location });
      expect(await f.store.messages.getMessage(sent!.message.id)).toEqual(sent!.message);
      expect((await f.store.messages.listMessages(conv.id, { limit: 10 }))[0]).toEqual(sent!.message);
      const moved = { ...location, lat: 60, lng: 11, accuracyM: null };
      const changed = await f.update(sent!.message.id, () => ({ location: moved }), drafts.messageUpdated);
      expect(changed!.message.location).toEqual(moved);
      expect(changed!.events.map((e) => e.event.type)).toEqual(['message.updated']);
      expect((await f.store.messages.getMessage(sent!.message.id))!.location).toEqual(moved);
      const [text] = await append([msg(conv.id, a.id, 'l2', 'plain')]);
      expect(text!.message.location).toBeUndefined();
    });
  });
}
