import { describe, expect, it } from 'vitest';
import { UniqueViolation } from '../store.js';
import type { Fixture } from '../conformance/fixtures.js';

export function describeUsers(f: Fixture): void {
  const { user } = f;

  describe('users', () => {
    it('keeps usernames unique ignoring case and finds them ignoring case', async () => {
      const alice = await user('Alice');
      await expect(user('alice')).rejects.toBeInstanceOf(UniqueViolation);
      expect((await f.store.users.getUserByUsername('ALICE'))?.id).toBe(alice.id);
      expect(await f.store.users.getUser(alice.id)).toEqual(alice);
      expect(await f.store.users.getUser('nope')).toBeUndefined();
      expect((await f.store.users.getUsers([alice.id, 'nope'])).map((u) => u.id)).toEqual([alice.id]);
    });

    it('keeps the avatar version: none at first, set (a large epoch ms), replaced, and removed', async () => {
      const erin = await user('erin_avatar');
      expect((await f.store.users.getUser(erin.id))?.avatarVersion).toBeNull();
      const version = 1_764_000_000_123;
      expect((await f.store.users.updateUser(erin.id, { avatarVersion: version }))?.avatarVersion).toBe(version);
      expect((await f.store.users.getUsers([erin.id]))[0]?.avatarVersion).toBe(version);
      // Other fields leave it alone.
      expect((await f.store.users.updateUser(erin.id, { bio: 'hi' }))?.avatarVersion).toBe(version);
      expect((await f.store.users.updateUser(erin.id, { avatarVersion: null }))?.avatarVersion).toBeNull();
    });

    it('searches by username prefix or display-name substring, literally, in pages', async () => {
      await user('bob', 'Robert Smith');
      await user('bobby', 'Bobby Tables');
      await user('carol', 'Carol 100%_sure');
      await user('dave', 'Dave');
      expect((await f.store.users.searchUsers({ q: 'bob', limit: 10 })).map((u) => u.username)).toEqual(['bob', 'bobby']);
      expect((await f.store.users.searchUsers({ q: 'SMITH', limit: 10 })).map((u) => u.username)).toEqual(['bob']);
      expect((await f.store.users.searchUsers({ q: '%_', limit: 10 })).map((u) => u.username)).toEqual(['carol']);
      const first = await f.store.users.searchUsers({ limit: 2 });
      const second = await f.store.users.searchUsers({ limit: 2, afterUsername: first.at(-1)!.username });
      expect([...first, ...second].map((u) => u.username)).toEqual(['bob', 'bobby', 'carol', 'dave']);
    });

    it('searches only people sharing a conversation with the searcher, or an exact username, when asked (DIRECTORY=shared)', async () => {
      const me = await user('shared_me');
      const friend = await user('shared_friend');
      const groupie = await user('shared_groupie', 'Shared Groupie');
      await user('shared_stranger', 'Shared Stranger');
      await f.conversation('direct', [me.id, friend.id], [me.id, friend.id].sort().join(':'));
      await f.conversation('group', [groupie.id, me.id]);
      const names = async (q?: string) =>
        (await f.store.users.searchUsers({ limit: 10, sharedWith: me.id, ...(q === undefined ? {} : { q }) })).map((u) => u.username);
      expect(await names()).toEqual(['shared_friend', 'shared_groupie', 'shared_me']);
      expect(await names('shared')).toEqual(['shared_friend', 'shared_groupie', 'shared_me']);
      expect(await names('Stranger')).toEqual([]);
      expect(await names('SHARED_STRANGER')).toEqual(['shared_stranger']);
      expect(await names('shared_strange')).toEqual([]);
      expect((await f.store.users.searchUsers({ limit: 10, q: 'shared_' })).map((u) => u.username)).toContain('shared_stranger');
    });

    it('leaves deactivated accounts out of the directory unless asked for them', async () => {
      const gone = await user('dormant_gone');
      await user('dormant_here');
      await f.store.admin.setDeactivated(gone.id, f.tick());
      expect((await f.store.users.searchUsers({ q: 'dormant_', limit: 10 })).map((u) => u.username)).toEqual(['dormant_here']);
      const all = await f.store.users.searchUsers({ q: 'dormant_', limit: 10, includeDeactivated: true });
      expect(all.map((u) => [u.username, u.deactivatedAt !== null])).toEqual([
        ['dormant_gone', true],
        ['dormant_here', false],
      ]);
      await f.store.admin.setDeactivated(gone.id, null);
      expect((await f.store.users.searchUsers({ q: 'dormant_', limit: 10 })).map((u) => u.username)).toEqual([
        'dormant_gone',
        'dormant_here',
      ]);
    });

    it('orders and pages usernames byte-wise, punctuation included (no locale collation)', async () => {
      for (const name of ['a_a', 'aa', 'a-z', 'a.b']) await user(name);
      expect((await f.store.users.searchUsers({ limit: 10 })).map((u) => u.username)).toEqual(['a-z', 'a.b', 'a_a', 'aa']);
      expect((await f.store.users.searchUsers({ limit: 10, afterUsername: 'a.b' })).map((u) => u.username)).toEqual(['a_a', 'aa']);
    });

    it('updates profile fields', async () => {
      const u = await user('erin');
      const updated = await f.store.users.updateUser(u.id, { displayName: 'Erin E.', bio: 'hi', isAdmin: true });
      expect(updated).toMatchObject({ displayName: 'Erin E.', bio: 'hi', isAdmin: true });
    });

    it('keeps a time zone: null until set, then set, then cleared; other patches leave it alone', async () => {
      const u = await user('tz');
      expect(u.timeZone).toBeNull();
      expect((await f.store.users.getUser(u.id))?.timeZone).toBeNull();
      await f.store.users.updateUser(u.id, { timeZone: 'Asia/Kolkata' });
      expect((await f.store.users.getUser(u.id))?.timeZone).toBe('Asia/Kolkata');
      await f.store.users.updateUser(u.id, { bio: 'still here' });
      expect(await f.store.users.getUser(u.id)).toMatchObject({ timeZone: 'Asia/Kolkata', bio: 'still here' });
      await f.store.users.updateUser(u.id, { timeZone: null });
      expect((await f.store.users.getUser(u.id))?.timeZone).toBeNull();
    });
  });
}
