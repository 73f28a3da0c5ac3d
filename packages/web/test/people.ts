import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { ConfabClient } from '@confab/client';
import type { ConversationDetail, KeyPackagesUploaded, UserDevices } from '@confab/protocol';
import { type BrowserUser, type WebHarness, signUp } from './browser.js';

/** A person signed up through the app, and the same account through the SDK for setting up what a test needs. */
export interface Person extends BrowserUser {
  id: string;
  sdk: ConfabClient;
}

export async function person(harness: WebHarness, prefix: string, displayName?: string): Promise<Person> {
  const user = await signUp(harness, prefix, displayName);
  const sdk = new ConfabClient({ baseUrl: harness.url });
  await sdk.login({ username: user.username, password: user.password });
  return { ...user, id: (await sdk.me()).id, sdk };
}

/** A direct conversation between two people, made through the SDK. */
export function directBetween(a: Person, b: Person): Promise<ConversationDetail> {
  return a.sdk.openDirect(b.id);
}

/** A group owned by `owner` with the others as members, made through the SDK. */
export function groupOf(owner: Person, others: Person[], title = 'Team'): Promise<ConversationDetail> {
  return owner.sdk.createGroup(
    title,
    others.map((o) => o.id),
  );
}

/** Opens a conversation in the app and waits for its timeline. */
export async function openConversation(page: Page, conversationId: string): Promise<void> {
  await page.goto(`/c/${conversationId}`);
  await page.getByRole('log', { name: 'Messages' }).waitFor();
}

/** Types a message in the composer and sends it with Enter. */
export async function sendText(page: Page, text: string): Promise<void> {
  const field = page.getByRole('textbox', { name: 'Message', exact: true });
  await field.fill(text);
  await field.press('Enter');
}

/** A message row of the main timeline, by text. */
export const row = (page: Page, text: string) =>
  page.getByRole('log', { name: 'Messages', exact: true }).locator('article.message', { hasText: text });

/**
 * Waits for the row of an encrypted message another device sent, with its text. On a timeout the
 * error says what this browser holds instead: the rows shown, and its encryption store (device
 * registered? each conversation's group kept and order applied to which seq, KeyPackages left),
 * so a failure under CI's load names its cause in the summary CI prints (stop 63's did not).
 */
export async function decryptedRow(page: Page, text: string): Promise<void> {
  try {
    await row(page, text).waitFor();
  } catch (error) {
    const held = await page.evaluate(heldByBrowser).catch((reason: unknown) => `(unreadable: ${String(reason)})`);
    throw new Error(`${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n${held}`);
  }
}

/** Runs in the page: the rows of its timeline and a summary of its encryption store (no secrets: key names, seqs, counts). */
async function heldByBrowser(): Promise<string> {
  const rows = [...document.querySelectorAll('[role="log"] article.message')].map((a) => (a.textContent ?? '').slice(0, 100));
  const lines = [`${location.pathname}: ${rows.length} rows${rows.map((r) => `\n  row: ${r}`).join('')}`];
  for (const { name } of await indexedDB.databases()) {
    if (!name?.startsWith('confab-crypto:')) continue;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open(name);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const values = db.transaction('values').objectStore('values');
    const all = await new Promise<[IDBValidKey[], unknown[]]>((resolve, reject) => {
      const keys = values.getAllKeys();
      const vals = values.getAll();
      vals.onsuccess = () => resolve([keys.result, vals.result]);
      vals.onerror = () => reject(vals.error);
    });
    const [keys, vals] = all;
    const named = keys.map(String);
    const applied = named.flatMap((k, i) => (k.startsWith('applied:') ? [`${k}=${new TextDecoder().decode(vals[i] as Uint8Array)}`] : []));
    lines.push(
      `${name}: device ${named.includes('device')}, registered ${named.includes('registered')}, ` +
        `${named.filter((k) => k.startsWith('key-package:')).length} KeyPackages, ` +
        `groups [${named.filter((k) => k.startsWith('group:')).join(', ')}], applied [${applied.join(', ')}], ` +
        `${named.filter((k) => k.startsWith('plain:')).length} texts kept`,
    );
    db.close();
  }
  return lines.join('\n');
}

/**
 * Signing in made this person's browser an encryption device (issue 39): registered, on their
 * signed list, with KeyPackages others can add it with (uploaded last; an upload of none answers the pool).
 */
export async function browserDeviceOf(p: Person): Promise<void> {
  await expect
    .poll(async () => {
      const listed = await p.sdk.http.request<UserDevices>('GET', `/api/v1/users/${p.id}/devices`);
      const [device] = listed.devices;
      const pool =
        device &&
        (await p.sdk.http.request<KeyPackagesUploaded>('POST', `/api/v1/devices/${device.id}/key-packages`, { body: { keyPackages: [] } }));
      return { devices: listed.devices.length, signed: listed.identity !== null, keyPackages: (pool?.available ?? 0) > 0 };
    })
    .toEqual({ devices: 1, signed: true, keyPackages: true });
}

/** Turns encryption on for the open conversation through its header's control and confirmation, and waits for the lock. */
export async function encryptHere(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Turn on encryption', exact: true }).click();
  await page.getByRole('dialog', { name: 'Turn on end-to-end encryption?' }).getByRole('button', { name: 'Turn on encryption' }).click();
  await page.locator('header.conversation-header').getByRole('img', { name: 'End-to-end encrypted' }).waitFor();
}
