import { describe, expect, it } from 'vitest';
import { newId } from '../../ids.js';
import type { Fixture } from '../conformance/fixtures.js';

/** Sessions and refresh tokens: single use, the grace window, revocation and the catch-up read. */
export function describeSessions(f: Fixture): void {
  const { user, tick } = f;
  /** No grace unless given: a token spent at any time before `now` counts as replayed. */
  const rotate = (oldHash: string, newHash: string, now = tick(), reissueIfSpentAfter = now) =>
    f.store.sessions.rotateRefreshToken({ oldHash, newHash, now, expiresAt: now + 60_000, reissueIfSpentAfter });
  const newSession = async (username: string, tokenHash: string, expiresAt = f.now + 60_000) => {
    const session = { id: newId(), userId: (await user(username)).id, createdAt: tick(), revokedAt: null };
    await f.store.sessions.createSession(session, tokenHash, expiresAt);
    return session;
  };

  describe('sessions', () => {
    it('rotates a refresh token once; a replay revokes the session', async () => {
      const session = await newSession('frank', 'h1');
      const now = tick();
      expect(await rotate('h1', 'h2', now)).toEqual({ status: 'rotated', session, rotatedAt: now });
      expect((await rotate('h1', 'h2')).status).toBe('reused');
      expect((await f.store.sessions.getSession(session.id))?.revokedAt).not.toBeNull();
      // The successor dies with the session.
      expect((await rotate('h2', 'h3')).status).toBe('invalid');
    });

    it('refuses unknown and expired tokens, and tokens of revoked sessions', async () => {
      await newSession('grace', 'old', f.now + 500);
      expect((await rotate('unknown', 'x')).status).toBe('invalid');
      expect((await rotate('old', 'y')).status).toBe('invalid');
      const other = await newSession('gus', 'live');
      await f.store.sessions.revokeSession(other.id, tick());
      expect((await rotate('live', 'z')).status).toBe('invalid');
    });

    it('reports the first rotation again for a token spent within the grace window, its successor unspent', async () => {
      const session = await newSession('hank', 'h1');
      const first = tick();
      await rotate('h1', 'h2', first);
      expect(await rotate('h1', 'h2', tick(), first - 1)).toEqual({ status: 'rotated', session, rotatedAt: first });
      expect((await f.store.sessions.getSession(session.id))?.revokedAt).toBeNull();
      // Once the successor is spent, the old token is a replay even within the window.
      await rotate('h2', 'h3');
      expect((await rotate('h1', 'h2', tick(), first - 1)).status).toBe('reused');
      expect((await f.store.sessions.getSession(session.id))?.revokedAt).not.toBeNull();
    });

    it('a token spent before the grace window is a replay', async () => {
      const session = await newSession('ivy', 'h1');
      const first = tick();
      await rotate('h1', 'h2', first);
      expect((await rotate('h1', 'h2', tick(), first)).status).toBe('reused');
      expect((await f.store.sessions.getSession(session.id))?.revokedAt).not.toBeNull();
    });

    it('concurrent rotations of one token within the window all report the one rotation', async () => {
      const session = await newSession('jack', 'h1');
      const now = tick();
      const results = await Promise.all(Array.from({ length: 5 }, () => rotate('h1', 'h2', now, now - 5000)));
      expect(results).toEqual(Array.from({ length: 5 }, () => ({ status: 'rotated', session, rotatedAt: now })));
      expect((await rotate('h2', 'h3')).status).toBe('rotated');
    });

    it('lists the sessions revoked since a moment', async () => {
      const [a, b, c] = [await newSession('kim', 'ka'), await newSession('lee', 'la'), await newSession('max', 'ma')];
      const early = tick();
      await f.store.sessions.revokeSession(a.id, early);
      const late = tick();
      await f.store.sessions.revokeSession(b.id, late);
      expect(await f.store.sessions.listRevokedSessions(late)).toEqual([{ ...b, revokedAt: late }]);
      expect((await f.store.sessions.listRevokedSessions(early)).map((s) => s.id).sort()).toEqual([a.id, b.id].sort());
      expect((await f.store.sessions.listRevokedSessions(tick())).map((s) => s.id)).not.toContain(c.id);
    });
  });
}
