import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, type TestUser, api, registerUser, startServer } from '../harness.js';
import { createGroup, expectError, nextMillisecond, registerUsers } from '../factories.js';

describe('conversations', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ MAX_GROUP_MEMBERS: '5' });
  });
  afterAll(async () => {
    await t.close();
  });

  const call = (user: TestUser, method: string, path: string, body?: unknown) =>
    api(t.url, method, `/api/v1/conversations${path}`, { token: user.token, ...(body === undefined ? {} : { body }) });
  const openDirect = (user: TestUser, other: string) => call(user, 'POST', '', { kind: 'direct', userId: other });

  describe('direct', () => {
    it('creates the pair’s one direct conversation: 201 the first time, the same one after, from either side', async () => {
      const [alice, bob] = await registerUsers(t.url, 2);
      const first = await openDirect(alice!, bob!.id);
      expect(first.status).toBe(201);
      expect(first.body.conversation).toMatchObject({
        kind: 'direct',
        title: null,
        memberCount: 2,
        lastSeq: 0,
        peerId: bob!.id,
        lastMessage: null,
      });
      expect(first.body.conversation.members.map((m: any) => m.userId).sort()).toEqual([alice!.id, bob!.id].sort());
      const again = await openDirect(alice!, bob!.id);
      const fromBob = await openDirect(bob!, alice!.id);
      expect([again.status, fromBob.status]).toEqual([200, 200]);
      expect(again.body.conversation.id).toBe(first.body.conversation.id);
      expect(fromBob.body.conversation).toMatchObject({ id: first.body.conversation.id, peerId: alice!.id });
      expect((await alice!.client.listConversations()).items).toHaveLength(1);
    });

    it('opens once when both sides call at the same moment', async () => {
      const [alice, bob] = await registerUsers(t.url, 2);
      const answers = await Promise.all([openDirect(alice!, bob!.id), openDirect(bob!, alice!.id), openDirect(alice!, bob!.id)]);
      expect(new Set(answers.map((a) => a.body.conversation.id)).size).toBe(1);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 201]);
    });

    it('needs another, existing user', async () => {
      const alice = await registerUser(t.url);
      expectError(await openDirect(alice, alice.id), 400, 'validation_failed');
      expectError(await openDirect(alice, 'no-such-user'), 404, 'not_found');
    });

    it('has fixed members and no title: renaming or adding is forbidden to its members', async () => {
      const [alice, bob, carol] = await registerUsers(t.url, 3);
      const dm = await alice!.client.openDirect(bob!.id);
      expectError(await call(alice!, 'PATCH', `/${dm.id}`, { title: 'ours' }), 403, 'forbidden');
      expectError(await call(alice!, 'POST', `/${dm.id}/members`, { userId: carol!.id }), 403, 'forbidden');
    });
  });

  describe('groups', () => {
    it('creates a group whose creator is owner and the others members', async () => {
      const [owner, a, b] = await registerUsers(t.url, 3);
      const res = await call(owner!, 'POST', '', { kind: 'group', title: 'Team', memberIds: [a!.id, b!.id, owner!.id] });
      expect(res.status).toBe(201);
      expect(res.body.conversation).toMatchObject({
        kind: 'group',
        title: 'Team',
        createdBy: owner!.id,
        memberCount: 3,
        myRole: 'owner',
        peerId: null,
      });
      const roles = Object.fromEntries(res.body.conversation.members.map((m: any) => [m.userId, m.role]));
      expect(roles).toEqual({ [owner!.id]: 'owner', [a!.id]: 'member', [b!.id]: 'member' });
      expect((await a!.client.getConversation(res.body.conversation.id)).myRole).toBe('member');
    });

    it('refuses unknown members, too many members, a missing title and unknown fields', async () => {
      const [owner, a, b, c, d, e] = await registerUsers(t.url, 6);
      const create = (body: object) => call(owner!, 'POST', '', { kind: 'group', title: 'x', memberIds: [], ...body });
      const unknown = await create({ memberIds: [a!.id, 'no-such-user'] });
      expectError(unknown, 400, 'validation_failed');
      expect(unknown.body.error.details).toEqual([{ path: '/body/memberIds/1', message: 'no such user' }]);
      expectError(await create({ memberIds: [a!.id, b!.id, c!.id, d!.id, e!.id] }), 400, 'validation_failed'); // MAX_GROUP_MEMBERS=5
      expectError(await create({ title: '' }), 400, 'validation_failed');
      expectError(await create({ topic: 'extra' }), 400, 'validation_failed');
      expectError(await call(owner!, 'POST', '', { kind: 'channel', title: 'x', memberIds: [] }), 400, 'validation_failed');
      expect((await create({ memberIds: [a!.id, b!.id, c!.id, d!.id] })).status).toBe(201);
    });
  });

  describe('GET /api/v1/conversations', () => {
    it('lists mine, most recently active first, with last message and my unread count', async () => {
      const [me, bob, carol, outsider] = await registerUsers(t.url, 4);
      const dmBob = await me!.client.openDirect(bob!.id);
      const group = await createGroup(carol!, [me!, bob!], 'trio');
      const dmCarol = await me!.client.openDirect(carol!.id);
      await outsider!.client.openDirect(bob!.id); // not mine
      await nextMillisecond();
      await bob!.client.sendMessage(dmBob.id, 'one');
      await bob!.client.sendMessage(dmBob.id, 'two');
      await me!.client.sendMessage(dmBob.id, 'mine');
      await bob!.client.sendMessage(dmBob.id, 'three');

      const list = await call(me!, 'GET', '');
      expect(list.status).toBe(200);
      expect(list.body.nextCursor).toBeNull();
      expect(list.body.items.map((c: any) => c.id)).toEqual([dmBob.id, dmCarol.id, group.id]);
      // My own message moved my read marker; only bob's message after it is unread.
      expect(list.body.items[0]).toMatchObject({
        readSeq: 3,
        unreadCount: 1,
        lastSeq: 4,
        lastMessage: { seq: 4, body: 'three', senderId: bob!.id },
      });
      expect(list.body.items[1]).toMatchObject({ unreadCount: 0, lastMessage: null, peerId: carol!.id });
      expect(list.body.items[2]).toMatchObject({ myRole: 'member', title: 'trio' });
      expect(list.body.items[0]).not.toHaveProperty('members');

      await nextMillisecond();
      await carol!.client.sendMessage(group.id, 'bump');
      const after = await me!.client.listConversations();
      expect(after.items.map((c) => c.id)).toEqual([group.id, dmBob.id, dmCarol.id]);
      expect(after.items[0]).toMatchObject({ unreadCount: 1, lastMessage: { body: 'bump' } });
    });

    it('pages with limit and cursor without repeats or gaps', async () => {
      const [me, ...others] = await registerUsers(t.url, 6);
      const created = [];
      for (const other of others) created.push((await me!.client.openDirect(other.id)).id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: any = await me!.client.listConversations({ limit: 2, ...(cursor ? { cursor } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((c: any) => c.id));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(seen).toEqual(created.reverse());
    });

    it('refuses a forged cursor with 400', async () => {
      const me = await registerUser(t.url);
      expectError(await call(me, 'GET', '?cursor=e30'), 400, 'validation_failed');
    });
  });

  describe('GET and PATCH /api/v1/conversations/:id', () => {
    it('shows one conversation with its members', async () => {
      const [owner, member] = await registerUsers(t.url, 2);
      const group = await createGroup(owner!, [member!], 'Readers');
      const res = await call(member!, 'GET', `/${group.id}`);
      expect(res.status).toBe(200);
      expect(res.body.conversation).toMatchObject({ id: group.id, title: 'Readers', myRole: 'member', memberCount: 2 });
      expect(res.body.conversation.members).toHaveLength(2);
    });

    it('renames for the owner and admins; 403 for a plain member', async () => {
      const { group, owner, admin, member } = await roles();
      expect((await call(owner, 'PATCH', `/${group}`, { title: 'by owner' })).body.conversation.title).toBe('by owner');
      expect((await call(admin, 'PATCH', `/${group}`, { title: 'by admin' })).body.conversation.title).toBe('by admin');
      expectError(await call(member, 'PATCH', `/${group}`, { title: 'by member' }), 403, 'forbidden');
      expectError(await call(owner, 'PATCH', `/${group}`, { title: '' }), 400, 'validation_failed');
      expectError(await call(owner, 'PATCH', `/${group}`, { title: 'x', kind: 'direct' }), 400, 'validation_failed');
      expect((await call(member, 'GET', `/${group}`)).body.conversation.title).toBe('by admin');
    });
  });

  describe('non-members', () => {
    it('get the same 404 as for a conversation that does not exist, on every route', async () => {
      const { group, member, outsider } = await roles();
      await member.client.sendMessage(group, 'secret');
      const routes: [string, string, unknown?][] = [
        ['GET', ''],
        ['PATCH', '', { title: 'mine now' }],
        ['POST', '/members', { userId: outsider.id }],
        ['DELETE', `/members/${member.id}`],
        ['DELETE', `/members/${outsider.id}`],
        ['PATCH', `/members/${member.id}`, { role: 'admin' }],
        ['GET', '/messages'],
        ['POST', '/messages', { clientId: 'c1', body: 'let me in' }],
        ['POST', '/read', { seq: 1 }],
      ];
      for (const [method, suffix, body] of routes) {
        const existing = await call(outsider, method, `/${group}${suffix}`, body);
        const missing = await call(outsider, method, `/no-such-conversation${suffix}`, body);
        expectError(existing, 404, 'not_found');
        expect(existing, `${method} ${suffix}`).toEqual(missing);
      }
      expect((await outsider.client.listConversations()).items).toEqual([]);
      expect((await outsider.client.recentMessages()).items).toEqual([]);
      expect((await member.client.history(group)).items).toHaveLength(1); // nothing was added or changed
      expect((await member.client.getConversation(group)).memberCount).toBe(4);
    });
  });

  describe('members and roles', () => {
    it('owner and admins add members up to MAX_GROUP_MEMBERS; adding twice is 409; an unknown user is 400', async () => {
      const { group, owner, admin, member } = await roles();
      const [x, y, z] = await registerUsers(t.url, 3);
      const add = (actor: TestUser, userId: string) => call(actor, 'POST', `/${group}/members`, { userId });
      const byOwner = await add(owner, x!.id);
      expect(byOwner.status).toBe(201);
      expect(byOwner.body).toEqual({ conversationId: group, member: { userId: x!.id, role: 'member', joinedAt: expect.any(String) } });
      expect((await x!.client.getConversation(group)).myRole).toBe('member');
      const full = await add(admin, y!.id); // MAX_GROUP_MEMBERS=5
      expectError(full, 400, 'validation_failed');
      expect(full.body.error.details).toEqual([{ path: '', message: 'the group is full', params: { limit: 5 } }]);
      expect((await call(owner, 'DELETE', `/${group}/members/${x!.id}`)).status).toBe(204);
      expect((await add(admin, y!.id)).status).toBe(201);
      await call(owner, 'DELETE', `/${group}/members/${member.id}`);
      expectError(await add(admin, y!.id), 409, 'already_member');
      const unknown = await add(admin, 'no-such-user');
      expectError(unknown, 400, 'validation_failed');
      expect(unknown.body.error.details).toEqual([{ path: '/body/userId', message: 'no such user' }]);
      expectError(await add(member, z!.id), 404, 'not_found'); // no longer a member
      expect((await owner.client.getConversation(group)).memberCount).toBe(4);
    });

    it('a plain member may not add anyone', async () => {
      const { group, member, outsider } = await roles();
      expectError(await call(member, 'POST', `/${group}/members`, { userId: outsider.id }), 403, 'forbidden');
    });

    it('owner removes anyone; an admin removes plain members only, never the owner or another admin', async () => {
      const { group, owner, admin, member, extra } = await roles();
      const admin2 = extra;
      await owner.client.setRole(group, admin2.id, 'admin');
      expectError(await call(admin, 'DELETE', `/${group}/members/${owner.id}`), 403, 'forbidden');
      expectError(await call(admin, 'DELETE', `/${group}/members/${admin2.id}`), 403, 'forbidden');
      expectError(await call(member, 'DELETE', `/${group}/members/${admin.id}`), 403, 'forbidden');
      expect(await call(admin, 'DELETE', `/${group}/members/${member.id}`)).toEqual({ status: 204, body: null });
      expect((await call(owner, 'DELETE', `/${group}/members/${admin2.id}`)).status).toBe(204);
      expectError(await call(owner, 'DELETE', `/${group}/members/${admin2.id}`), 404, 'not_found'); // already gone
      // Removed members lose access entirely.
      expectError(await call(member, 'GET', `/${group}`), 404, 'not_found');
      expectError(await call(admin2, 'GET', `/${group}/messages`), 404, 'not_found');
      expect((await owner.client.getConversation(group)).memberCount).toBe(2);
    });

    it('anyone may leave, except an owner who still has company', async () => {
      const { group, owner, admin, member, extra } = await roles();
      expect((await call(member, 'DELETE', `/${group}/members/${member.id}`)).status).toBe(204);
      expect((await call(admin, 'DELETE', `/${group}/members/${admin.id}`)).status).toBe(204);
      expectError(await call(owner, 'DELETE', `/${group}/members/${owner.id}`), 409, 'conflict');
      await call(owner, 'DELETE', `/${group}/members/${extra.id}`);
      expect((await call(owner, 'DELETE', `/${group}/members/${owner.id}`)).status).toBe(204); // last one out
      expect((await owner.client.listConversations()).items).toEqual([]);
    });

    it('only the owner changes roles; an admin can neither promote nor touch the owner', async () => {
      const { group, owner, admin, member } = await roles();
      const setRole = (actor: TestUser, target: TestUser, role: string) => call(actor, 'PATCH', `/${group}/members/${target.id}`, { role });
      expectError(await setRole(admin, member, 'admin'), 403, 'forbidden');
      expectError(await setRole(admin, owner, 'member'), 403, 'forbidden');
      expectError(await setRole(admin, admin, 'owner'), 403, 'forbidden');
      expectError(await setRole(member, member, 'admin'), 403, 'forbidden');
      expectError(await setRole(owner, owner, 'member'), 409, 'conflict'); // a group always has an owner
      expectError(await setRole(owner, member, 'superuser'), 400, 'validation_failed');
      const promoted = await setRole(owner, member, 'admin');
      expect(promoted).toMatchObject({ status: 200, body: { conversationId: group, member: { userId: member.id, role: 'admin' } } });
      expect((await setRole(owner, member, 'member')).body.member.role).toBe('member');
      const outsider = await registerUser(t.url);
      expectError(await setRole(owner, outsider, 'admin'), 404, 'not_found');
    });

    it('making someone owner hands ownership over: the old owner becomes admin', async () => {
      const { group, owner, admin, member } = await roles();
      const handover = await call(owner, 'PATCH', `/${group}/members/${member.id}`, { role: 'owner' });
      expect(handover.body.member.role).toBe('owner');
      const members = (await member.client.getConversation(group)).members;
      const byId = Object.fromEntries(members.map((m) => [m.userId, m.role]));
      expect(byId).toMatchObject({ [member.id]: 'owner', [owner.id]: 'admin', [admin.id]: 'admin' });
      expect(members.filter((m) => m.role === 'owner')).toHaveLength(1);
      // The former owner is now bound by the admin rules.
      expectError(await call(owner, 'DELETE', `/${group}/members/${member.id}`), 403, 'forbidden');
      expectError(await call(owner, 'PATCH', `/${group}/members/${admin.id}`, { role: 'member' }), 403, 'forbidden');
      expect((await call(owner, 'DELETE', `/${group}/members/${owner.id}`)).status).toBe(204);
    });
  });

  /** A group of four: owner, one admin, one plain member and one extra member; plus an outsider. */
  async function roles() {
    const [owner, admin, member, extra, outsider] = await registerUsers(t.url, 5);
    const group = (await createGroup(owner!, [admin!, member!, extra!], 'roles')).id;
    await owner!.client.setRole(group, admin!.id, 'admin');
    return { group, owner: owner!, admin: admin!, member: member!, extra: extra!, outsider: outsider! };
  }
});
