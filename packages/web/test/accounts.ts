import { createServer } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { ADMIN_PASSWORD } from '../../server/test/admin.js';
import { uniqueName } from '../../server/test/harness.js';
import { type CaughtMail, MailCatcher } from '../../server/test/mail.js';
import { type BrowserUser, type WebHarness, openContext, startWebHarness } from './browser.js';

/** A whole flow through several pages and devices (sign-ups hash passwords): on a shared two-core machine it takes a while. */
export const LONG_FLOW_MS = 120_000;

/**
 * The account pages' browser tests share this: a server whose mails go to a real SMTP receiver
 * and whose PUBLIC_URL is its own address, so a mail's link opens this app as a person's would.
 */
export interface AccountHarness extends WebHarness {
  mail: MailCatcher;
}

/** An account harness for the enclosing describe block: started before its tests, closed after them. */
export function useAccountHarness(): () => AccountHarness {
  let harness: AccountHarness | undefined;
  beforeAll(async () => {
    harness = await startAccountHarness();
  }, 120_000);
  afterAll(async () => harness?.close());
  return () => {
    if (!harness) throw new Error('the account harness has not started');
    return harness;
  };
}

export async function startAccountHarness(env: Record<string, string> = {}): Promise<AccountHarness> {
  const mail = await MailCatcher.start();
  const port = await freePort();
  const harness = await startWebHarness({ PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, SMTP_URL: mail.url, ...env });
  return {
    ...harness,
    mail,
    async close() {
      await harness.close();
      await mail.close();
    },
  };
}

/** A port nothing listens on now (the server binds it right after: PUBLIC_URL must name it before it starts). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The link in a mail (its first http URL), which must lead to this server. */
export function linkIn(mail: CaughtMail, harness: WebHarness): string {
  const link = /https?:\/\/\S+/.exec(mail.text)?.[0];
  if (!link) throw new Error(`no link in the mail: ${mail.text}`);
  expect(new URL(link).origin).toBe(new URL(harness.url).origin);
  return link;
}

/** Signs an existing person in through the sign-in page, in a new browser context (another device). */
export async function signIn(harness: WebHarness, username: string, password: string): Promise<BrowserUser> {
  const { context, page } = await openContext(harness);
  await page.goto('/sign-in');
  await submitSignIn(page, username, password);
  await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
  return { context, page, username, password };
}

export async function submitSignIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** An instance admin, made as `confab admin create` makes one, signed in through the app. */
export async function signInAdmin(harness: WebHarness): Promise<BrowserUser> {
  const username = uniqueName('admin');
  await harness.server.server.services.accounts.users.create({ username, password: ADMIN_PASSWORD }, { isAdmin: true });
  return signIn(harness, username, ADMIN_PASSWORD);
}

/** Waits for the sign-in page: where an ended session lands. */
export async function expectSignedOut(page: Page): Promise<void> {
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
}
