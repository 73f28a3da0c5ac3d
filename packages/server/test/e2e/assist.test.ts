import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, NeedsReplyPage } from '@confab/protocol';
import { engines } from '../engines.js';
import { createGroup, expectError, freshUsers } from '../factories.js';
import { type TestServer, type TestUser, api, startServer } from '../harness.js';

/** Issue 40 (Assist, first slice): switches, needs reply, catch-up, frecency; every engine. */
describe.each(await engines())('assist on %s', (_engine, start) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await start();
  });
  afterAll(() => t?.close());

  const send = async (user: TestUser, conversationId: string, body: string, extra: Record<string, unknown> = {}) =>
    (
      await api(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, {
        token: user.token,
        body: { clientId: crypto.randomUUID(), body, ...extra },
      })
    ).body.message as Message;
  const needsReply = async (user: TestUser, query = '') =>
    (await api(t.url, 'GET', `/api/v1/assist/needs-reply${query}`, { token: user.token })).body as NeedsReplyPage;

  it('keeps my switches: all on until changed, partial changes, and a feature I turned off answers 403', async () => {
    const [ana] = await freshUsers(t.url, 1);
    expect(await ana.client.assist.settings()).toEqual({
      assist: { enabled: true, needsReply: true, catchUp: true, replySuggestions: true },
    });
    expect(await ana.client.assist.updateSettings({ assist: { needsReply: false } })).toEqual({
      assist: { enabled: true, needsReply: false, catchUp: true, replySuggestions: true },
    });
    expectError(await api(t.url, 'GET', '/api/v1/assist/needs-reply', { token: ana.token }), 403, 'assist_disabled');
    await ana.client.assist.updateSettings({ assist: { needsReply: true, enabled: false } });
    expectError(await api(t.url, 'GET', '/api/v1/assist/people', { token: ana.token }), 403, 'assist_disabled');
    expectError(
      await api(t.url, 'PATCH', '/api/v1/users/me/settings', { token: ana.token, body: { assist: {} } }),
      400,
      'validation_failed',
    );
    expectError(
      await api(t.url, 'PATCH', '/api/v1/users/me/settings', { token: ana.token, body: { assist: { enabled: 'yes' } } }),
      400,
      'validation_failed',
    );
    expectError(await api(t.url, 'GET', '/api/v1/users/me/settings'), 401, 'unauthenticated');
    expectError(await api(t.url, 'GET', '/api/v1/assist/needs-reply'), 401, 'unauthenticated');
  });

  it('lists what asks something of me with reason and evidence; gone once I answer, react or dismiss', async () => {
    const [ana, bo, cy] = await freshUsers(t.url, 3);
    const dm = await bo.client.openDirect(ana.id);
    const group = await createGroup(cy, [ana, bo]);
    const question = await send(bo, dm.id, '¿Puedes revisar el informe?');
    await send(bo, dm.id, 'gracias');
    const mine = await send(ana, group.id, 'Draft is up');
    const mention = await send(cy, group.id, `@${ana.auth.user.username} 请看一下`);
    const reply = await send(bo, group.id, 'Looks good', { replyToId: mine.id });
    await send(bo, group.id, 'what about lunch?'); // a group question to no one in particular

    const page = await needsReply(ana);
    expect(page.items.map((i) => [i.message.id, i.reason, i.evidence])).toEqual([
      [reply.id, 'reply', []],
      [mention.id, 'mention', [`@${ana.auth.user.username}`]],
      [question.id, 'request', ['Puedes', '¿', '?']],
    ]);
    expect(page.nextCursor).toBeNull();
    // Pages: one at a time, then the rest.
    const first = await needsReply(ana, '?limit=1');
    expect(first.items.map((i) => i.message.id)).toEqual([reply.id]);
    const rest = await needsReply(ana, `?limit=5&cursor=${first.nextCursor}`);
    expect(rest.items.map((i) => i.message.id)).toEqual([mention.id, question.id]);
    expectError(
      await api(t.url, 'GET', '/api/v1/assist/needs-reply?cursor=bm90LWEtY3Vyc29y', { token: ana.token }),
      400,
      'validation_failed',
    );

    await send(ana, dm.id, 'Sí, ahora lo miro'); // answered in that conversation
    expect(
      await api(t.url, 'PUT', `/api/v1/messages/${mention.id}/reactions/${encodeURIComponent('👍')}`, { token: ana.token }),
    ).toMatchObject({ status: 200 });
    expect((await api(t.url, 'DELETE', `/api/v1/assist/needs-reply/${reply.id}`, { token: ana.token })).status).toBe(204);
    expect((await api(t.url, 'DELETE', `/api/v1/assist/needs-reply/${reply.id}`, { token: ana.token })).status).toBe(204);
    expect((await needsReply(ana)).items).toEqual([]);
    // Dismissing what I cannot read, or nothing at all.
    const [outsider] = await freshUsers(t.url, 1);
    expectError(await api(t.url, 'DELETE', `/api/v1/assist/needs-reply/${reply.id}`, { token: outsider.token }), 404, 'not_found');
    expectError(await api(t.url, 'DELETE', `/api/v1/assist/needs-reply/${crypto.randomUUID()}`, { token: ana.token }), 404, 'not_found');
    // Bo's own list is untouched by Ana's answers.
    expect((await needsReply(bo)).items).toEqual([]);
  });

  it('catches me up: sentences quoted from what I missed, who spoke, open questions; 404 to non-members', async () => {
    const [ana, bo, cy] = await freshUsers(t.url, 3);
    const group = await createGroup(ana, [bo, cy]);
    const before = await send(ana, group.id, 'Morning all');
    const sent = [
      await send(bo, group.id, 'The release build fails on the payment tests.'),
      await send(cy, group.id, 'The payment tests fail because the sandbox key expired.'),
      await send(bo, group.id, 'lol'),
      await send(cy, group.id, `@${ana.auth.user.username} can you renew the sandbox key?`),
      await send(bo, group.id, "We'll ship the release on Friday after the payment tests pass."),
      await send(cy, group.id, 'Who owns the changelog?'),
    ];
    const summary = await ana.client.assist.catchUp(group.id);
    expect(summary.items.length).toBeGreaterThan(0);
    expect(summary.items.length).toBeLessThanOrEqual(5);
    for (const item of summary.items) expect(sent.find((m) => m.id === item.messageId)!.body).toContain(item.text);
    expect(summary.items.map((i) => i.text)).toEqual(
      expect.arrayContaining(["We'll ship the release on Friday after the payment tests pass."]),
    );
    // Three messages each: the one who wrote first comes first.
    expect(summary.speakers).toEqual([bo.id, cy.id]);
    expect(summary.openQuestions).toEqual([sent[3]!.id, sent[5]!.id]);
    // `since` narrows the stretch; my own message never counts.
    const late = await ana.client.assist.catchUp(group.id, sent[4]!.seq);
    expect(late).toEqual({
      items: [{ messageId: sent[5]!.id, seq: sent[5]!.seq, text: 'Who owns the changelog?' }],
      speakers: [cy.id],
      openQuestions: [sent[5]!.id],
    });
    expect((await ana.client.assist.catchUp(group.id, before.seq - 1)).speakers).not.toContain(ana.id);
    const [outsider] = await freshUsers(t.url, 1);
    expectError(await api(t.url, 'GET', `/api/v1/conversations/${group.id}/catch-up`, { token: outsider.token }), 404, 'not_found');
    expectError(
      await api(t.url, 'GET', `/api/v1/conversations/${group.id}/catch-up?since=-1`, { token: ana.token }),
      400,
      'validation_failed',
    );
  });

  it('suggests people and conversations by frecency, best first, and filters people by a prefix', async () => {
    const [ana, bo, cy] = await freshUsers(t.url, 3);
    const withBo = await ana.client.openDirect(bo.id);
    const withCy = await ana.client.openDirect(cy.id);
    for (const text of ['one', 'two', 'three']) await send(ana, withBo.id, text);
    await send(ana, withCy.id, 'hi');
    const people = await ana.client.assist.people();
    expect(people.items.map((p) => p.user.id)).toEqual([bo.id, cy.id]);
    expect(people.items[0]!.score).toBeGreaterThan(people.items[1]!.score);
    const prefix = cy.auth.user.username;
    expect((await ana.client.assist.people({ q: prefix })).items.map((p) => p.user.id)).toEqual([cy.id]);
    const conversations = await ana.client.assist.conversations({ limit: 5 });
    expect(conversations.items.map((c) => c.conversation.id)).toEqual([withBo.id, withCy.id]);
    expect(conversations.items[0]!.conversation).toMatchObject({ kind: 'direct', peerId: bo.id });
  });
});

describe('assist with ASSIST=off', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ ASSIST: 'off' });
  });
  afterAll(() => t?.close());

  it('answers 403 assist_disabled to every feature and says so in the instance config', async () => {
    const [ana] = await freshUsers(t.url, 1);
    const group = await createGroup(ana, []);
    expect((await api(t.url, 'GET', '/api/v1/config')).body.features.assist).toBe(false);
    for (const path of [
      '/api/v1/assist/needs-reply',
      '/api/v1/assist/people',
      '/api/v1/assist/conversations',
      `/api/v1/conversations/${group.id}/catch-up`,
    ])
      expectError(await api(t.url, 'GET', path, { token: ana.token }), 403, 'assist_disabled');
    expectError(
      await api(t.url, 'PATCH', '/api/v1/users/me/settings', { token: ana.token, body: { assist: { enabled: true } } }),
      403,
      'assist_disabled',
    );
    expect((await api(t.url, 'GET', '/api/v1/users/me/settings', { token: ana.token })).status).toBe(200);
  });
});
