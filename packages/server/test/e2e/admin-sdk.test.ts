import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '@confab/client';
import { ADMIN_PASSWORD, adminOf } from '../admin.js';
import { type TestServer, newClient, registerUser, startServer, until } from '../harness.js';
import { MailCatcher, tokenIn } from '../mail.js';

/** The SDK's admin calls (`client.admin`) against a real server and a real SMTP server; the rules themselves are in admin.test.ts. */
describe('SDK: client.admin', () => {
  let t: TestServer;
  let mail: MailCatcher;
  let admin: Awaited<ReturnType<typeof adminOf>>;
  const adminClient = () => {
    const client = newClient(t.url);
    return client.login({ username: admin.username, password: ADMIN_PASSWORD }).then(() => client);
  };
  beforeAll(async () => {
    mail = await MailCatcher.start();
    t = await startServer({ SMTP_URL: mail.url });
    admin = await adminOf(t);
  });
  afterAll(async () => {
    await t.close();
    await mail.close();
  });

  it('lists, searches, reads, deactivates, reactivates, resets and signs out a user', async () => {
    const client = await adminClient();
    const user = await registerUser(t.url, 'sdkadm');
    const username = user.auth.user.username;
    const page = await client.admin.users({ q: username, limit: 10 });
    expect(page.items.map((u) => u.id)).toEqual([user.id]);
    expect(page.nextCursor).toBeNull();
    expect(await client.admin.user(user.id)).toMatchObject({ id: user.id, username, isAdmin: false, deactivatedAt: null });

    expect((await client.admin.deactivate(user.id)).deactivatedAt).not.toBeNull();
    await expect(newClient(t.url).login({ username, password: 'correct horse battery' })).rejects.toMatchObject({
      status: 403,
      code: 'account_deactivated',
    });
    expect((await client.admin.reactivate(user.id)).deactivatedAt).toBeNull();

    await expect(client.admin.sendPasswordReset(user.id)).rejects.toMatchObject({ status: 409, code: 'conflict' });
    const email = `${username}@example.test`;
    await user.client.login({ username, password: 'correct horse battery' });
    await user.client.account.changeEmail(email, 'correct horse battery');
    await user.client.account.verifyEmail(tokenIn(await mail.next(email, /Confirm/)));
    expect(await client.admin.sendPasswordReset(user.id)).toMatchObject({ sent: true });
    expect(tokenIn(await mail.next(email, /Reset/))).toMatch(/^[\w-]{16,}$/);

    expect(await client.admin.endSessions(user.id)).toEqual({ sessionsEnded: 1 });
    await expect(user.client.me()).rejects.toMatchObject({ status: 401 });
  });

  it('reads the instance statistics and the audit log, paged', async () => {
    const client = await adminClient();
    const user = await registerUser(t.url, 'sdkaudit');
    await client.admin.endSessions(user.id);
    const stats = await client.admin.stats();
    expect(stats.users.admins).toBeGreaterThanOrEqual(1);
    expect(stats.nodes).toHaveLength(1);
    await until(async () => (await client.admin.audit({ limit: 100 })).items.some((e) => e.userId === user.id), 'the audit entry');
    const first = await client.admin.audit({ limit: 1 });
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).not.toBeNull();
    const second = await client.admin.audit({ limit: 1, cursor: first.nextCursor! });
    expect(second.items[0]!.id).not.toBe(first.items[0]!.id);
  });

  it('refuses every admin call to a non-admin with 403 forbidden', async () => {
    const { client, id } = await registerUser(t.url, 'sdknotadm');
    const calls = [
      () => client.admin.users(),
      () => client.admin.user(id),
      () => client.admin.deactivate(id),
      () => client.admin.reactivate(id),
      () => client.admin.sendPasswordReset(id),
      () => client.admin.endSessions(id),
      () => client.admin.stats(),
      () => client.admin.audit(),
      () => client.admin.createInvite(),
    ];
    for (const call of calls) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status: 403, code: 'forbidden' });
    }
  });
});
