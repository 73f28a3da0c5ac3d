import { expect, it } from 'vitest';
import { adminOf } from '../admin.js';
import { expectError, freshUsers, postMessage } from '../factories.js';
import { RawSocket, type TestUser, api } from '../harness.js';
import { describeOnEachStore } from '../stores.js';

/** Issue 35: a deactivated account leaves the directory (but for admins) and its direct conversations refuse sends. */
describeOnEachStore('deactivated accounts', (server) => {
  const call = (token: string, method: string, path: string, body?: unknown) =>
    api(server().url, method, `/api/v1${path}`, { token, ...(body === undefined ? {} : { body }) });
  const setDeactivated = async (admin: { token: string }, user: TestUser, on: boolean) =>
    expect((await call(admin.token, 'POST', `/admin/users/${user.id}/${on ? 'deactivate' : 'reactivate'}`)).status).toBe(200);
  const found = async (token: string, q: string) => (await call(token, 'GET', `/users?q=${encodeURIComponent(q)}`)).body.items;

  it('leaves the directory for everyone but admins, and says so on its profile', async () => {
    const admin = await adminOf(server());
    const [alice, dormant] = await freshUsers(server().url, 2);
    const name = dormant.auth.user.username;
    expect((await found(alice.token, name)).map((u: any) => u.id)).toEqual([dormant.id]);
    await setDeactivated(admin, dormant, true);

    expect(await found(alice.token, name)).toEqual([]);
    expect(await found(admin.token, name)).toEqual([
      { ...dormant.auth.user, email: undefined, emailVerified: undefined, isAdmin: undefined, hideLastSeen: undefined, deactivated: true },
    ]);
    // Its profile still resolves (its old messages name it), marked.
    expect((await call(alice.token, 'GET', `/users/${dormant.id}`)).body).toMatchObject({ id: dormant.id, deactivated: true });

    await setDeactivated(admin, dormant, false);
    const back = await found(alice.token, name);
    expect(back.map((u: any) => u.id)).toEqual([dormant.id]);
    expect(back[0].deactivated).toBeUndefined();
    expect((await call(alice.token, 'GET', `/users/${dormant.id}`)).body.deactivated).toBeUndefined();
  });

  it('refuses a direct conversation with it, new or existing, with 409 user_deactivated (REST and WebSocket); groups and reactivation are unaffected', async () => {
    const admin = await adminOf(server());
    const [alice, bob, carol, dormant] = await freshUsers(server().url, 4);
    const dm = await alice.client.openDirect(dormant.id);
    const group = (await call(alice.token, 'POST', '/conversations', { kind: 'group', title: 'g', memberIds: [dormant.id, bob.id] })).body
      .conversation;
    expect((await postMessage(server().url, alice, dm.id, 'before')).status).toBe(201);
    await setDeactivated(admin, dormant, true);

    expectError(await call(carol.token, 'POST', '/conversations', { kind: 'direct', userId: dormant.id }), 409, 'user_deactivated');
    expectError(await postMessage(server().url, alice, dm.id, 'are you there?'), 409, 'user_deactivated');
    const socket = await RawSocket.ready(server().url, alice.token);
    socket.send({ type: 'message.send', id: 'd1', conversationId: dm.id, clientId: 'c-deact', body: 'still there?' });
    expect(await socket.next((f) => f.type === 'error' && f.id === 'd1')).toMatchObject({ error: { code: 'user_deactivated' } });
    socket.close();
    // Nothing was stored; the group goes on.
    expect((await alice.client.history(dm.id)).items.map((m) => m.body)).toEqual(['before']);
    expect((await postMessage(server().url, alice, group.id, 'hi group')).status).toBe(201);

    await setDeactivated(admin, dormant, false);
    expect((await postMessage(server().url, alice, dm.id, 'welcome back')).status).toBe(201);
    expect((await call(carol.token, 'POST', '/conversations', { kind: 'direct', userId: dormant.id })).status).toBe(201);
  });
});
