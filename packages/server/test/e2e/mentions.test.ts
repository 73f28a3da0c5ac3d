import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../engines.js';
import { createGroup, freshUsers } from '../factories.js';
import { type TestServer, type TestUser, api, startServer } from '../harness.js';
import type { MessageActivity } from '../../src/services/messaging/message-activity.js';

describe.each(await engines())('mentions on %s', (_engine, start) => {
  let t: TestServer;
  const activity: MessageActivity[] = [];
  beforeAll(async () => {
    t = await start();
    t.server.services.messaging.activity.subscribe((a) => void activity.push(...a));
  });
  afterAll(() => t?.close());

  const post = async (user: TestUser, conversationId: string, body: string) =>
    (
      await api(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, {
        token: user.token,
        body: { clientId: crypto.randomUUID(), body },
      })
    ).body.message;
  const name = (user: TestUser) => user.auth.user.username;
  const activityOf = (messageId: string) => activity.filter((a) => a.messageId === messageId);

  it('turns @username of a member (any case) into a mention, never the author or a non-member', async () => {
    const [alice, bob, carol, stranger] = await freshUsers(t.url, 4);
    const group = await createGroup(alice, [bob, carol]);
    const message = await post(
      alice,
      group.id,
      `hey @${name(bob).toUpperCase()}, @${name(carol)}. and @${name(stranger)} and @${name(alice)} mail@${name(bob)}`,
    );
    expect(message.mentions).toEqual([bob.id, carol.id]);
    expect(activityOf(message.id)).toEqual([
      { kind: 'mention', conversationId: group.id, messageId: message.id, actorId: alice.id, userIds: [bob.id, carol.id] },
    ]);
  });

  it('@all mentions every other member of a group when an owner or admin writes it; from a member it is plain text', async () => {
    const [owner, admin, member] = await freshUsers(t.url, 3);
    const group = await createGroup(owner, [admin, member]);
    await owner.client.setRole(group.id, admin.id, 'admin');
    expect(new Set((await post(owner, group.id, '@all standup')).mentions)).toEqual(new Set([admin.id, member.id]));
    expect(new Set((await post(admin, group.id, 'ping @all')).mentions)).toEqual(new Set([owner.id, member.id]));
    expect((await post(member, group.id, '@all hello?')).mentions).toEqual([]);
  });

  it('re-parses mentions on edit; only the newly mentioned are told', async () => {
    const [alice, bob, carol] = await freshUsers(t.url, 3);
    const group = await createGroup(alice, [bob, carol]);
    const message = await post(alice, group.id, `@${name(bob)} look`);
    const edited = await api(t.url, 'PATCH', `/api/v1/messages/${message.id}`, {
      token: alice.token,
      body: { body: `@${name(bob)} @${name(carol)} look` },
    });
    expect(edited.body.message.mentions).toEqual([bob.id, carol.id]);
    const dropped = await api(t.url, 'PATCH', `/api/v1/messages/${message.id}`, { token: alice.token, body: { body: 'nobody now' } });
    expect(dropped.body.message.mentions).toEqual([]);
    expect(activityOf(message.id).map((a) => a.userIds)).toEqual([[bob.id], [carol.id]]);
  });

  it('tells the quoted author of a reply, the thread of a thread reply, and the author of a reaction', async () => {
    const [alice, bob, carol] = await freshUsers(t.url, 3);
    const group = await createGroup(alice, [bob, carol]);
    const root = await post(alice, group.id, 'root');
    const reply = (
      await api(t.url, 'POST', `/api/v1/conversations/${group.id}/messages`, {
        token: bob.token,
        body: { clientId: crypto.randomUUID(), body: 'r', replyToId: root.id },
      })
    ).body.message;
    expect(activityOf(reply.id)).toEqual([
      { kind: 'reply', conversationId: group.id, messageId: reply.id, actorId: bob.id, userIds: [alice.id] },
    ]);
    const threadPost = async (user: TestUser) =>
      (
        await api(t.url, 'POST', `/api/v1/conversations/${group.id}/messages`, {
          token: user.token,
          body: { clientId: crypto.randomUUID(), body: 't', threadRootId: root.id },
        })
      ).body.message;
    const t1 = await threadPost(bob);
    const t2 = await threadPost(carol);
    expect(activityOf(t1.id)).toMatchObject([{ kind: 'thread_reply', userIds: [alice.id] }]);
    expect(activityOf(t2.id)).toMatchObject([{ kind: 'thread_reply', actorId: carol.id }]);
    expect(new Set(activityOf(t2.id)[0]!.userIds)).toEqual(new Set([alice.id, bob.id]));
    await api(t.url, 'PUT', `/api/v1/messages/${root.id}/reactions/${encodeURIComponent('👍')}`, { token: bob.token });
    await api(t.url, 'PUT', `/api/v1/messages/${root.id}/reactions/${encodeURIComponent('👍')}`, { token: bob.token });
    await api(t.url, 'PUT', `/api/v1/messages/${root.id}/reactions/${encodeURIComponent('👍')}`, { token: alice.token });
    expect(activityOf(root.id)).toEqual([
      { kind: 'reaction', conversationId: group.id, messageId: root.id, actorId: bob.id, userIds: [alice.id], emoji: '👍' },
    ]);
  });
});

describe('ALLOW_MEMBER_MENTION_ALL=true', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ ALLOW_MEMBER_MENTION_ALL: 'true' });
  });
  afterAll(() => t.close());

  it('lets a plain member mention @all; in a direct conversation @all stays plain text', async () => {
    const [owner, member, other] = await freshUsers(t.url, 3);
    const group = await createGroup(owner, [member, other]);
    const sent = await api(t.url, 'POST', `/api/v1/conversations/${group.id}/messages`, {
      token: member.token,
      body: { clientId: 'a', body: '@all hi' },
    });
    expect(new Set(sent.body.message.mentions)).toEqual(new Set([owner.id, other.id]));
    const dm = await owner.client.openDirect(member.id);
    const inDm = await api(t.url, 'POST', `/api/v1/conversations/${dm.id}/messages`, {
      token: member.token,
      body: { clientId: 'b', body: '@all hi' },
    });
    expect(inDm.body.message.mentions).toEqual([]);
  });
});
