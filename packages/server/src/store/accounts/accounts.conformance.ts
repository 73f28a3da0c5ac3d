import { describe, expect, it } from 'vitest';
import { newId } from '../../ids.js';
import { UniqueViolation } from '../store.js';
import type { Fixture } from '../conformance/fixtures.js';

/** Accounts (issue 12): addresses unique ignoring case once verified (issue 35), mailed tokens spent once, erasure, a user's sessions, exports. */
export function describeAccounts(f: Fixture): void {
  const { user, tick } = f;
  const token = (userId: string, tokenHash: string, purpose: 'password_reset' | 'email_verify' = 'password_reset', ttl = 60_000) => {
    const now = tick();
    return f.store.accounts.createAccountToken({
      tokenHash,
      userId,
      purpose,
      email: purpose === 'email_verify' ? 'a@x.test' : null,
      createdAt: now,
      expiresAt: now + ttl,
    });
  };
  const session = async (userId: string, tokenHash: string, client = { userAgent: 'ua', ip: '127.0.0.1' }) => {
    const s = { id: newId(), userId, createdAt: tick(), revokedAt: null };
    await f.store.sessions.createSession(s, tokenHash, f.now + 60_000, client);
    return s;
  };

  describe('accounts', () => {
    // Issue 35: only verified addresses are unique; the first account to verify one owns it.
    it('lets accounts claim one address until one verifies it (ignoring case): the others lose it, a later verify is refused', async () => {
      const [ann, bea, cyd] = [await user('ann'), await user('bea'), await user('cyd')];
      expect(await f.store.accounts.setEmail(ann.id, 'Ann@X.test')).toMatchObject({ email: 'Ann@X.test', emailVerified: false });
      expect(await f.store.accounts.setEmail(bea.id, 'ann@x.TEST')).toMatchObject({ email: 'ann@x.TEST', emailVerified: false });
      expect(await f.store.accounts.getUserByEmail('ANN@x.test')).toBeUndefined(); // unverified claims name nobody
      expect(await f.store.accounts.markEmailVerified(ann.id, 'other@x.test', tick())).toBe(false);
      expect(await f.store.accounts.markEmailVerified(bea.id, 'ann@x.test', tick())).toBe(true);
      expect((await f.store.accounts.getUserByEmail('ANN@x.test'))?.id).toBe(bea.id);
      expect(await f.store.users.getUser(ann.id)).toMatchObject({ email: null, emailVerified: false }); // its claim was dropped
      expect(await f.store.accounts.markEmailVerified(ann.id, 'ann@x.test', tick())).toBe(false);
      // A claim made after the verification cannot be verified: the unique index of verified addresses refuses it.
      expect(await f.store.accounts.setEmail(cyd.id, 'ANN@x.test')).toMatchObject({ emailVerified: false });
      await expect(f.store.accounts.markEmailVerified(cyd.id, 'ann@x.test', tick())).rejects.toBeInstanceOf(UniqueViolation);
      expect((await f.store.users.getUser(bea.id))?.emailVerified).toBe(true);
      // A new address starts unverified; the old one is free to verify.
      expect(await f.store.accounts.setEmail(bea.id, 'new@x.test')).toMatchObject({ emailVerified: false });
      expect(await f.store.accounts.markEmailVerified(cyd.id, 'ann@x.test', tick())).toBe(true);
    });

    it('spends a token once, of its purpose only, before it expires; concurrent spends: one wins', async () => {
      const cai = await user('cai');
      await token(cai.id, 'r1');
      expect(await f.store.accounts.consumeAccountToken('r1', 'email_verify', tick())).toBeUndefined();
      const results = await Promise.all(
        Array.from({ length: 5 }, () => f.store.accounts.consumeAccountToken('r1', 'password_reset', f.now)),
      );
      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
      expect(results.find((r) => r !== undefined)).toMatchObject({ userId: cai.id, purpose: 'password_reset', usedAt: expect.any(Number) });
      expect(await f.store.accounts.consumeAccountToken('r1', 'password_reset', tick())).toBeUndefined();
      await token(cai.id, 'r2', 'password_reset', 500);
      expect(await f.store.accounts.consumeAccountToken('r2', 'password_reset', tick())).toBeUndefined();
      expect(await f.store.accounts.consumeAccountToken('nope', 'password_reset', tick())).toBeUndefined();
    });

    it('spends all of a user’s tokens of one purpose', async () => {
      const [dan, eve] = [await user('dan'), await user('eve')];
      await token(dan.id, 'd1');
      await token(dan.id, 'd2');
      await token(dan.id, 'dv', 'email_verify');
      await token(eve.id, 'e1');
      await f.store.accounts.spendAccountTokens(dan.id, 'password_reset', tick());
      expect(await f.store.accounts.consumeAccountToken('d2', 'password_reset', f.now)).toBeUndefined();
      expect(await f.store.accounts.consumeAccountToken('dv', 'email_verify', f.now)).toBeDefined();
      expect(await f.store.accounts.consumeAccountToken('e1', 'password_reset', f.now)).toBeDefined();
    });

    it('erases an account: profile blank, tokens spent, out of the directory, its username held until released', async () => {
      const fay = await user('fay', 'Fay Smith');
      await f.store.accounts.setEmail(fay.id, 'fay@x.test');
      await token(fay.id, 'f1');
      const erasedAt = tick();
      await f.store.accounts.eraseUser(fay.id, erasedAt);
      expect(await f.store.users.getUser(fay.id)).toMatchObject({
        displayName: 'Deleted user',
        bio: '',
        email: null,
        passwordHash: '',
        deletedAt: erasedAt,
      });
      expect(await f.store.accounts.consumeAccountToken('f1', 'password_reset', tick())).toBeUndefined();
      expect(await f.store.users.searchUsers({ q: 'fay', limit: 10 })).toEqual([]);
      await expect(user('FAY')).rejects.toBeInstanceOf(UniqueViolation);
      expect(await f.store.accounts.releaseUsername('fay', erasedAt)).toBe(false); // not erased long enough ago
      expect(await f.store.accounts.releaseUsername('fay', erasedAt + 1)).toBe(true);
      expect((await user('Fay')).username).toBe('Fay');
      expect(await f.store.accounts.releaseUsername('fay', tick())).toBe(false); // a live account keeps its name
    });

    it('lists a user’s live sessions with their client, newest first; a refresh moves lastUsedAt', async () => {
      const gil = await user('gil');
      const first = await session(gil.id, 'g1');
      const second = await session(gil.id, 'g2', { userAgent: 'phone', ip: '10.0.0.1' });
      const ended = await session(gil.id, 'g3');
      await f.store.sessions.revokeSession(ended.id, tick());
      const listed = await f.store.sessions.listActiveSessions(gil.id, tick());
      expect(listed).toEqual([
        { id: second.id, userId: gil.id, createdAt: second.createdAt, lastUsedAt: second.createdAt, userAgent: 'phone', ip: '10.0.0.1' },
        { id: first.id, userId: gil.id, createdAt: first.createdAt, lastUsedAt: first.createdAt, userAgent: 'ua', ip: '127.0.0.1' },
      ]);
      const now = tick();
      await f.store.sessions.rotateRefreshToken({
        oldHash: 'g1',
        newHash: 'g1b',
        now,
        expiresAt: now + 60_000,
        reissueIfSpentAfter: now,
        client: { userAgent: 'ua2', ip: '::1' },
      });
      expect((await f.store.sessions.listActiveSessions(gil.id, tick())).find((s) => s.id === first.id)).toMatchObject({
        lastUsedAt: now,
        userAgent: 'ua2',
        ip: '::1',
      });
      // A session whose refresh tokens have all expired is no longer listed.
      expect(await f.store.sessions.listActiveSessions(gil.id, f.now + 10 * 60_000)).toEqual([]);
    });

    it('ends every session of a user but one, and reports those it ended', async () => {
      const [hal, ida] = [await user('hal'), await user('ida')];
      const [a, b, c] = [await session(hal.id, 'h1'), await session(hal.id, 'h2'), await session(hal.id, 'h3')];
      const other = await session(ida.id, 'i1');
      const now = tick();
      const ended = await f.store.sessions.revokeUserSessions(hal.id, now, a.id);
      expect(ended.map((s) => s.id).sort()).toEqual([b.id, c.id].sort());
      expect(ended.every((s) => s.revokedAt === now)).toBe(true);
      expect((await f.store.sessions.getSession(a.id))?.revokedAt).toBeNull();
      expect((await f.store.sessions.getSession(other.id))?.revokedAt).toBeNull();
      expect(await f.store.sessions.revokeUserSessions(hal.id, tick(), a.id)).toEqual([]);
      expect((await f.store.sessions.revokeUserSessions(hal.id, tick())).map((s) => s.id)).toEqual([a.id]);
    });

    it('pages a user’s messages in id order, and lists their memberships', async () => {
      const [jo, kit] = [await user('jo'), await user('kit')];
      const { conversation } = await f.conversation('group', [jo.id, kit.id]);
      const batch = ['m1', 'm2', 'm3'].map((c) => f.msg(conversation.id, jo.id, c));
      await f.append([...batch, f.msg(conversation.id, kit.id, 'k1')]);
      const first = await f.store.accounts.listMessagesBySender(jo.id, { limit: 2 });
      expect(first.map((m) => m.clientId)).toEqual(['m1', 'm2']);
      expect((await f.store.accounts.listMessagesBySender(jo.id, { limit: 2, afterId: first[1]!.id })).map((m) => m.clientId)).toEqual([
        'm3',
      ]);
      expect((await f.store.accounts.listMemberships(jo.id)).map((m) => m.conversationId)).toEqual([conversation.id]);
    });
  });
}
