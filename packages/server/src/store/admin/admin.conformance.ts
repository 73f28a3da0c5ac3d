import { describe, expect, it } from 'vitest';
import { newId } from '../../ids.js';
import type { AuditRecord } from '../store.js';
import type { Fixture } from '../conformance/fixtures.js';

export function describeAdmin(f: Fixture): void {
  const entry = (at: number, type = 'login.failed', extra: Partial<AuditRecord> = {}): AuditRecord => ({
    id: newId(),
    at,
    type,
    actorId: null,
    userId: null,
    ip: null,
    details: {},
    ...extra,
  });

  describe('the operator’s store (users, audit log, node reports)', () => {
    it('lists every account with its last session use, deactivated and erased ones too, by username', async () => {
      const ann = await f.user('ann', 'Ann Admin');
      const bob = await f.user('Bob');
      const cat = await f.user('cat');
      await f.store.accounts.setEmail(cat.id, 'cat@Example.test');
      const used = f.tick();
      await f.store.sessions.createSession({ id: newId(), userId: bob.id, createdAt: used - 5000, revokedAt: null }, 'r1', used + 60_000);
      await f.store.sessions.createSession({ id: newId(), userId: bob.id, createdAt: used, revokedAt: null }, 'r2', used + 60_000);
      expect(await f.store.admin.setDeactivated(bob.id, used)).toMatchObject({ id: bob.id, deactivatedAt: used });
      await f.store.accounts.eraseUser(cat.id, f.tick());

      const all = await f.store.admin.listUsersForAdmin({ limit: 10 });
      // The erased account sorts by the username it still holds (its profile is blank).
      expect(all.map((u) => u.id)).toEqual([ann.id, bob.id, cat.id]);
      expect(all[0]).toMatchObject({ id: ann.id, lastSessionAt: null, deactivatedAt: null });
      expect(all[1]).toMatchObject({ id: bob.id, lastSessionAt: used, deactivatedAt: used });
      expect(all[2]!.deletedAt).not.toBeNull();

      expect((await f.store.admin.listUsersForAdmin({ limit: 10, afterUsername: 'ANN' })).map((u) => u.id)).toEqual([bob.id, cat.id]);
      expect((await f.store.admin.listUsersForAdmin({ limit: 1 })).map((u) => u.username)).toEqual(['ann']);
      expect((await f.store.admin.listUsersForAdmin({ limit: 10, q: 'admin' })).map((u) => u.id)).toEqual([ann.id]);
      expect((await f.store.admin.listUsersForAdmin({ limit: 10, q: 'b' })).map((u) => u.id)).toEqual([bob.id]);
      expect(await f.store.admin.listUsersForAdmin({ limit: 10, q: '%' })).toEqual([]);
      expect(await f.store.admin.getUserForAdmin(bob.id)).toMatchObject({ username: 'Bob', lastSessionAt: used });
      expect(await f.store.admin.getUserForAdmin('nobody')).toBeUndefined();

      expect(await f.store.admin.setDeactivated(bob.id, null)).toMatchObject({ deactivatedAt: null });
      expect((await f.store.users.getUser(bob.id))?.deactivatedAt).toBeNull();
      expect(await f.store.admin.setDeactivated('nobody', f.now)).toBeUndefined();
    });

    it('counts accounts, conversations and messages', async () => {
      const empty = await f.store.admin.countInstance();
      expect(empty).toEqual({ users: 0, admins: 0, deactivated: 0, erased: 0, conversations: 0, messages: 0 });
      const a = await f.user('a');
      const b = await f.user('b');
      await f.store.users.updateUser(a.id, { isAdmin: true });
      await f.store.admin.setDeactivated(b.id, f.tick());
      const { conversation } = await f.conversation('group', [a.id, b.id]);
      await f.append([f.msg(conversation.id, a.id, 'c1'), f.msg(conversation.id, b.id, 'c2')]);
      expect(await f.store.admin.countInstance()).toEqual({
        users: 2,
        admins: 1,
        deactivated: 1,
        erased: 0,
        conversations: 1,
        messages: 2,
      });
    });

    it('keeps audit entries newest first, pages them by (at, id), and prunes the old ones', async () => {
      const t = f.tick();
      const first = entry(t, 'admin.user_deactivated', { actorId: 'admin-1', userId: 'user-1', details: { sessionsEnded: 2 } });
      const sameTime = [entry(t + 1000), entry(t + 1000, 'rate_limit.tripped', { ip: '203.0.113.9', details: { limit: 'login' } })];
      await f.store.admin.appendAudit([first]);
      await f.store.admin.appendAudit(sameTime);
      await f.store.admin.appendAudit([]);
      const all = await f.store.admin.listAudit({ limit: 10 });
      const newestIds = sameTime
        .map((e) => e.id)
        .sort()
        .reverse();
      expect(all.map((e) => e.id)).toEqual([...newestIds, first.id]);
      expect(all[2]).toEqual(first);

      const page1 = await f.store.admin.listAudit({ limit: 1 });
      const page2 = await f.store.admin.listAudit({ limit: 1, before: { at: page1[0]!.at, id: page1[0]!.id } });
      const page3 = await f.store.admin.listAudit({ limit: 5, before: { at: page2[0]!.at, id: page2[0]!.id } });
      expect([...page1, ...page2, ...page3].map((e) => e.id)).toEqual(all.map((e) => e.id));

      expect(await f.store.admin.pruneAudit(t + 1000)).toBe(1);
      expect(await f.store.admin.pruneAudit(t + 1000)).toBe(0); // idempotent: every node runs it
      expect((await f.store.admin.listAudit({ limit: 10 })).map((e) => e.id)).toEqual(newestIds);
    });

    it('keeps one report per node, lists the recent ones, and forgets the old', async () => {
      const t = f.tick();
      await f.store.admin.reportNode({ id: 'n1', host: 'h1', pid: 10, sockets: 3, startedAt: t, reportedAt: t });
      await f.store.admin.reportNode({ id: 'n2', host: 'h2', pid: 20, sockets: 0, startedAt: t + 1, reportedAt: t });
      await f.store.admin.reportNode({ id: 'n1', host: 'h1', pid: 10, sockets: 5, startedAt: t, reportedAt: t + 5000 });
      expect(await f.store.admin.listNodeReports(t)).toEqual([
        { id: 'n1', host: 'h1', pid: 10, sockets: 5, startedAt: t, reportedAt: t + 5000 },
        { id: 'n2', host: 'h2', pid: 20, sockets: 0, startedAt: t + 1, reportedAt: t },
      ]);
      expect((await f.store.admin.listNodeReports(t + 1)).map((n) => n.id)).toEqual(['n1']);
      expect(await f.store.admin.pruneNodeReports(t + 1)).toBe(1);
      expect((await f.store.admin.listNodeReports(0)).map((n) => n.id)).toEqual(['n1']);
    });
  });
}
