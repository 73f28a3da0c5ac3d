import { describe, expect, it } from 'vitest';
import { newId } from '../../ids.js';
import { type NewUser, UniqueViolation } from '../store.js';
import type { Fixture } from '../conformance/fixtures.js';

export function describeInvites(f: Fixture): void {
  const newUser = (username: string): NewUser => ({
    id: newId(),
    username,
    displayName: username,
    bio: '',
    email: null,
    isAdmin: false,
    passwordHash: 'hash',
    createdAt: f.tick(),
  });
  const invite = async (hash: string, expiresAt = f.now + 3_600_000, createdBy: string | null = null) => {
    const id = newId();
    await f.store.invites.createInvite({ id, createdBy, createdAt: f.now, expiresAt, usedAt: null, usedBy: null }, hash);
    return id;
  };

  describe('invites', () => {
    it('keeps an invite and spends it once, with the sign-up it lets in', async () => {
      const admin = await f.user('inviter');
      const id = await invite('h1', f.now + 3_600_000, admin.id);
      expect(await f.store.invites.getInvite(id)).toEqual({
        id,
        createdBy: admin.id,
        createdAt: f.now,
        expiresAt: f.now + 3_600_000,
        usedAt: null,
        usedBy: null,
      });
      const joiner = newUser('joiner');
      const at = f.tick();
      expect(await f.store.invites.insertUserWithInvite(joiner, 'h1', at)).toMatchObject({ id: joiner.id, username: 'joiner' });
      expect(await f.store.invites.getInvite(id)).toMatchObject({ usedAt: at, usedBy: joiner.id });
      expect(await f.store.invites.insertUserWithInvite(newUser('second'), 'h1', f.tick())).toBeUndefined();
      expect(await f.store.users.getUserByUsername('second')).toBeUndefined();
    });

    it('refuses an unknown or expired invite, adding no user', async () => {
      await invite('old', f.now + 1000);
      expect(await f.store.invites.insertUserWithInvite(newUser('nobody'), 'unknown', f.tick())).toBeUndefined();
      expect(await f.store.invites.insertUserWithInvite(newUser('late'), 'old', f.now + 1000)).toBeUndefined();
      expect(await f.store.users.getUserByUsername('nobody')).toBeUndefined();
      expect(await f.store.users.getUserByUsername('late')).toBeUndefined();
    });

    it('leaves the invite unspent when the username is taken', async () => {
      await f.user('Taken');
      const id = await invite('h2');
      await expect(f.store.invites.insertUserWithInvite(newUser('taken'), 'h2', f.tick())).rejects.toBeInstanceOf(UniqueViolation);
      expect(await f.store.invites.getInvite(id)).toMatchObject({ usedAt: null });
      expect(await f.store.invites.insertUserWithInvite(newUser('free'), 'h2', f.tick())).toMatchObject({ username: 'free' });
    });

    it('gives one invite to one of two sign-ups racing for it', async () => {
      await invite('h3');
      const results = await Promise.allSettled([
        f.store.invites.insertUserWithInvite(newUser('racer_a'), 'h3', f.tick()),
        f.store.invites.insertUserWithInvite(newUser('racer_b'), 'h3', f.tick()),
      ]);
      const joined = results.filter((r) => r.status === 'fulfilled' && r.value !== undefined);
      expect(joined).toHaveLength(1);
      const users = await f.store.users.searchUsers({ q: 'racer_', limit: 10 });
      expect(users).toHaveLength(1);
    });
  });
}
