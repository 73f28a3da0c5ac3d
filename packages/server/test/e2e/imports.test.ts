import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminOf } from '../admin.js';
import { engines } from '../engines.js';
import { type TestServer, api, registerUser, until } from '../harness.js';
import { DAY1, mattermostExport, slackExport, writeZip } from '../exports.js';
import { expectError } from '../factories.js';
import { MailCatcher, tokenIn } from '../mail.js';

const mail = await MailCatcher.start();
afterAll(() => mail.close());
const ZOE = 'zoe@import.test';

/** Posts an export as the admin web page does: a `source` field and a part named `file`. */
async function postImport(
  t: TestServer,
  token: string | undefined,
  parts: { source?: string; file?: { name: string; path?: string; text?: string } },
) {
  const form = new FormData();
  if (parts.source !== undefined) form.append('source', parts.source);
  if (parts.file) {
    const bytes = parts.file.path ? readFileSync(parts.file.path) : Buffer.from(parts.file.text ?? '');
    form.append('file', new Blob([bytes]), parts.file.name);
  }
  const response = await fetch(`${t.url}/api/v1/admin/imports`, {
    method: 'POST',
    body: form,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function finished(t: TestServer, token: string, id: string) {
  let last: any;
  await until(async () => {
    last = (await api(t.url, 'GET', `/api/v1/admin/imports/${id}`, { token })).body.import;
    return last.state === 'done' || last.state === 'failed';
  }, 'the import to finish');
  return last;
}

describe.each(await engines({ SMTP_URL: mail.url, PUBLIC_URL: 'https://chat.example.test' }))('imports on %s', (_name, start) => {
  let t: TestServer;
  let admin: Awaited<ReturnType<typeof adminOf>>;
  beforeAll(async () => {
    t = await start();
    admin = await adminOf(t);
  });
  afterAll(() => t?.close());

  it('imports a Slack export with its history intact, mails each new account a claim link, and a second run adds nothing', async () => {
    const store = t.server.services.store;
    // One catcher for every engine, which run one after the other: this run's mails come after these.
    const mailsBefore = mail.to(ZOE).length;
    // An account here that verified Alice's address: she is matched, not created.
    const alice = await registerUser(t.url, 'alice');
    await store.accounts.setEmail(alice.id, 'alice@import.test');
    await store.accounts.markEmailVerified(alice.id, 'alice@import.test', Date.now());
    const zip = path.join(t.dataDir, 'slack.zip');
    await writeZip(zip, slackExport('alice@import.test'));

    const posted = await postImport(t, admin.token, { source: 'slack', file: { name: 'slack.zip', path: zip } });
    expect(posted.status).toBe(202);
    expect(['queued', 'running', 'done']).toContain(posted.body.import.state);
    const run = await finished(t, admin.token, posted.body.import.id);
    expect(run).toMatchObject({
      state: 'done',
      source: 'slack',
      counts: { users: 3, conversations: 3, messages: 5, replies: 2, reactions: 2, pins: 1, files: 1 },
      errors: [{ file: 'général/2024-01-02.json', message: expect.any(String) }],
    });

    // The channel: a group with its topic, its three members, its history in time order and gap-free.
    const conversations = await store.conversations.listConversations(alice.id, { limit: 50 });
    const general = conversations.find((c) => c.conversation.title === 'général')!;
    expect(general.conversation).toMatchObject({ kind: 'group', description: 'Tout le monde ☕', memberCount: 3 });
    const history = (await store.messages.listMessages(general.conversation.id, { limit: 50, threads: true })).sort(
      (a, b) => a.seq - b.seq,
    );
    expect(history.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(history.map((m) => m.createdAt)).toEqual([DAY1, DAY1 + 60, DAY1 + 120, DAY1 + 180, DAY1 + 2 * 86400].map((s) => s * 1000));
    const [first, root, reply, file, late] = history;
    const zoe = (await store.users.getUsers(first!.mentions))[0]!;
    expect(zoe).toMatchObject({ username: 'zoë', displayName: 'Zoë Ångström' });
    expect(zoe.deactivatedAt).not.toBeNull(); // until claimed
    expect(first).toMatchObject({
      senderId: alice.id,
      body: 'hi @zoë, see [the doc](https://x.io/a?b=1&c=2) in #général **now**',
      pinnedBy: alice.id,
      reactions: [{ emoji: ':+1:', userIds: [zoe.id, expect.any(String)] }],
    });
    expect(root).toMatchObject({ body: 'a thread (edited)', editedAt: (DAY1 + 90) * 1000, replyCount: 2, threadRootId: null });
    expect(reply!.threadRootId).toBe(root!.id);
    expect(late!.threadRootId).toBe(root!.id);
    expect(file).toMatchObject({ kind: 'attachment', attachments: [{ filename: 'notes.txt', size: 25 }] });
    // The private channel and the DM, with Alice in them.
    expect(conversations.map((c) => c.conversation.title ?? c.conversation.kind).sort()).toEqual(['direct', 'général', 'secret']);
    const dm = conversations.find((c) => c.conversation.kind === 'direct')!;
    expect((await store.messages.listMessages(dm.conversation.id, { limit: 10 })).map((m) => m.body)).toEqual(['just us']);

    // Again: nothing added, the same broken file reported.
    const again = await postImport(t, admin.token, { source: 'slack', file: { name: 'slack.zip', path: zip } });
    const second = await finished(t, admin.token, again.body.import.id);
    expect(second).toMatchObject({
      state: 'done',
      counts: { users: 0, conversations: 0, messages: 0, replies: 0, reactions: 0, pins: 0, files: 0 },
      errors: [{ file: 'général/2024-01-02.json' }],
    });
    expect((await store.messages.listMessages(general.conversation.id, { limit: 50, threads: true })).length).toBe(5);
    expect((await store.conversations.listConversations(alice.id, { limit: 50 })).length).toBe(3);

    // Zoë's claim mail (one, though two runs saw her), its link to this instance's claim page.
    await until(() => mail.to(ZOE).length > mailsBefore, 'the claim mail to Zoë');
    expect(mail.to(ZOE).length).toBe(mailsBefore + 1);
    const claimMail = mail.to(ZOE)[mailsBefore]!;
    expect(claimMail.subject).toBe('Your account on Confab is ready');
    expect(claimMail.text).toContain('@zoë');
    expect(claimMail.text).toContain('https://chat.example.test/claim?token=');
    const token = tokenIn(claimMail);
    // No password signs in to it before it is claimed.
    expect((await api(t.url, 'POST', '/api/v1/auth/login', { body: { username: 'zoë', password: '' } })).status).toBe(400);
    // A common password is refused and leaves the link usable.
    expectError(await api(t.url, 'POST', '/api/v1/auth/claim', { body: { token, password: 'password123' } }), 400, 'validation_failed');
    const claimed = await api(t.url, 'POST', '/api/v1/auth/claim', { body: { token, password: 'a fresh claim passphrase' } });
    expect(claimed.status).toBe(200);
    expect(claimed.body.user).toMatchObject({ id: zoe.id, username: 'zoë' });
    expect((await api(t.url, 'GET', '/api/v1/users/me', { token: claimed.body.accessToken })).status).toBe(200);
    expect((await store.users.getUser(zoe.id))!.deactivatedAt).toBeNull();
    const login = await api(t.url, 'POST', '/api/v1/auth/login', { body: { username: 'zoë', password: 'a fresh claim passphrase' } });
    expect(login.status).toBe(200);
    // The link works once; and an unknown token is the same error.
    expectError(
      await api(t.url, 'POST', '/api/v1/auth/claim', { body: { token, password: 'another passphrase here' } }),
      400,
      'invalid_token',
    );
    expectError(
      await api(t.url, 'POST', '/api/v1/auth/claim', { body: { token: 'x'.repeat(43), password: 'another passphrase here' } }),
      400,
      'invalid_token',
    );
  });

  it('sends the claim mails beside the import, four at a time: a slow mail server holds up no history, a refused mail is the run’s error', async () => {
    // Addresses of this engine's run only: the catcher is shared by every engine.
    const tag = Math.random().toString(36).slice(2, 8);
    const address = (i: number) => `crowd${i}.${tag}@crowd.test`;
    const people = Array.from({ length: 10 }, (_, i) => ({
      id: `UC${i}`,
      name: `crowd${i}`,
      profile: { real_name: `Crowd ${i}`, email: address(i) },
    }));
    const day = (d: number) =>
      JSON.stringify(
        Array.from({ length: 10 }, (_, k) => ({
          type: 'message',
          user: `UC${k}`,
          text: `day ${d} message ${k}`,
          ts: `${DAY1 + d * 86400 + k * 60}.000000`,
        })),
      );
    const zip = path.join(t.dataDir, 'crowd.zip');
    await writeZip(zip, {
      'users.json': JSON.stringify(people),
      'channels.json': JSON.stringify([
        { id: 'C9', name: 'crowd', created: DAY1 - 86400, creator: 'UC0', members: people.map((p) => p.id) },
      ]),
      'crowd/2024-01-01.json': day(0),
      'crowd/2024-01-02.json': day(1),
    });
    mail.refuse(address(9));
    const ours = () => mail.mails.filter((m) => m.to.endsWith(`.${tag}@crowd.test`));

    const release = mail.hold();
    let id = '';
    try {
      const posted = await postImport(t, admin.token, { source: 'slack', file: { name: 'crowd.zip', path: zip } });
      id = posted.body.import.id;
      // Every message is written while four mails wait at the relay and the others wait their turn.
      let run: any;
      await until(async () => {
        run = (await api(t.url, 'GET', `/api/v1/admin/imports/${id}`, { token: admin.token })).body.import;
        return run.counts.messages === 20;
      }, 'the history written while the mail server holds every mail');
      expect(run).toMatchObject({ state: 'running', counts: { users: 10, conversations: 1, messages: 20 } });
      await until(
        () => mail.receiving === 4,
        () => `four mails at the relay (${mail.receiving})`,
      );
      expect(ours()).toEqual([]);
    } finally {
      release();
    }
    const done = await finished(t, admin.token, id);
    expect(done).toMatchObject({
      state: 'done',
      errors: [{ file: '@crowd9', message: expect.stringContaining('the claim mail could not be sent') }],
    });
    expect(
      ours()
        .map((m) => m.to)
        .sort(),
    ).toEqual(
      people
        .slice(0, 9)
        .map((_, i) => address(i))
        .sort(),
    );
    expect(mail.mostReceiving).toBe(4);
  });

  it('imports a Mattermost bulk export (JSONL), reporting the line that is not JSON', async () => {
    const posted = await postImport(t, admin.token, { source: 'mattermost', file: { name: 'export.jsonl', text: mattermostExport() } });
    expect(posted.status).toBe(202);
    const run = await finished(t, admin.token, posted.body.import.id);
    expect(run).toMatchObject({
      state: 'done',
      counts: { users: 2, conversations: 2, messages: 2, replies: 1, reactions: 1, pins: 1, files: 0 },
      errors: [{ file: 'export.jsonl:7' }],
    });
    const again = await postImport(t, admin.token, { source: 'mattermost', file: { name: 'export.jsonl', text: mattermostExport() } });
    expect((await finished(t, admin.token, again.body.import.id)).counts).toEqual({
      users: 0,
      conversations: 0,
      messages: 0,
      replies: 0,
      reactions: 0,
      pins: 0,
      files: 0,
    });
  });

  it('refuses anyone but an admin, and a request without a file or source', async () => {
    const someone = await registerUser(t.url, 'someone');
    expect((await postImport(t, undefined, { source: 'slack', file: { name: 'x.zip', text: 'x' } })).status).toBe(401);
    const refused = await postImport(t, someone.token, { source: 'slack', file: { name: 'x.zip', text: 'x' } });
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect((await api(t.url, 'GET', '/api/v1/admin/imports/01890000-0000-7000-8000-000000000000', { token: someone.token })).status).toBe(
      403,
    );
    const noFile = await postImport(t, admin.token, { source: 'slack' });
    expect(noFile).toMatchObject({ status: 400, body: { error: { code: 'validation_failed', details: [{ path: '/body/file' }] } } });
    const badSource = await postImport(t, admin.token, { source: 'teams', file: { name: 'x.zip', text: 'x' } });
    expect(badSource).toMatchObject({ status: 400, body: { error: { details: [{ path: '/body/source' }] } } });
    expect((await api(t.url, 'GET', '/api/v1/admin/imports/01890000-0000-7000-8000-000000000000', { token: admin.token })).status).toBe(
      404,
    );
    // Not a zip: accepted, then failed with the reason.
    const notZip = await postImport(t, admin.token, { source: 'slack', file: { name: 'x.zip', text: 'not a zip' } });
    expect(await finished(t, admin.token, notZip.body.import.id)).toMatchObject({
      state: 'failed',
      errors: [{ message: expect.any(String) }],
    });
  });
});
