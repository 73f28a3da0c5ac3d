import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '@confab/client';
import { type TestServer, newClient, startServer, uniqueName } from '../harness.js';
import { MailCatcher, tokenIn } from '../mail.js';

const PASSWORD = 'correct horse battery';

/** The SDK's account calls (`client.account`) against a real server and a real SMTP server. */
describe('SDK: client.account', () => {
  let t: TestServer;
  let mail: MailCatcher;
  beforeAll(async () => {
    mail = await MailCatcher.start();
    t = await startServer({ SMTP_URL: mail.url });
  });
  afterAll(async () => {
    await t.close();
    await mail.close();
  });

  it('verifies, recovers, changes, lists, exports and erases through the SDK', async () => {
    const email = `${uniqueName('sdk')}@example.test`;
    const client = newClient(t.url);
    const { user } = await client.register({ username: uniqueName('sdk'), password: PASSWORD, email });
    expect(await client.account.verifyEmail(tokenIn(await mail.next(email, /Confirm/)))).toEqual({ email, emailVerified: true });

    expect((await client.account.forgotPassword(email)).accepted).toBe(true);
    const reset = await client.account.resetPassword(tokenIn(await mail.next(email, /Reset/)), 'a brand new passphrase');
    expect(reset).toEqual({ sessionsEnded: 1 });
    await expect(client.me()).rejects.toBeInstanceOf(ApiError);

    await client.login({ username: user.username, password: 'a brand new passphrase' });
    const other = newClient(t.url);
    await other.login({ username: user.username, password: 'a brand new passphrase' });
    expect((await client.account.sessions()).items).toHaveLength(2);
    expect(await client.account.changePassword({ currentPassword: 'a brand new passphrase', newPassword: PASSWORD })).toEqual({
      sessionsEnded: 1,
    });
    await expect(other.me()).rejects.toMatchObject({ status: 401 });

    const next = `${uniqueName('sdk2')}@example.test`;
    expect(await client.account.changeEmail(next, PASSWORD)).toMatchObject({ email: next, emailVerified: false });
    const exported = await client.account.exportData();
    expect(exported.profile).toMatchObject({ id: user.id, email: next });
    const file = await client.account.exportFile();
    expect(file.headers.get('content-disposition')).toBe('attachment; filename="confab-export.json"');
    expect(JSON.parse(await (await file.blob()).text())).toMatchObject({ profile: { id: user.id, email: next } });

    const third = newClient(t.url);
    await third.login({ username: user.username, password: PASSWORD });
    const thirdId = (await client.account.sessions()).items.find((s) => !s.current)!.id;
    await client.account.endSession(thirdId);
    await expect(third.me()).rejects.toMatchObject({ status: 401 });

    await client.account.deleteAccount({ password: PASSWORD });
    expect(client.tokens).toBeNull();
    await expect(client.login({ username: user.username, password: PASSWORD })).rejects.toMatchObject({ code: 'invalid_credentials' });
  });

  it('logoutAll ends every session and drops the client’s tokens', async () => {
    const client = newClient(t.url);
    await client.register({ username: uniqueName('sdkall'), password: PASSWORD });
    expect(await client.account.logoutAll()).toEqual({ sessionsEnded: 1 });
    expect(client.tokens).toBeNull();
  });
});
