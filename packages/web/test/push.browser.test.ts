import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newClient, registerUser, until } from '../../server/test/harness.js';
import { PushEndpoint, type TestSubscription } from '../../server/test/push-endpoint.js';
import { LONG_FLOW_MS } from './accounts.js';
import { type WebHarness, describeBrowser, expectAccessible, signUp, startWebHarness } from './browser.js';
import { NOTIFICATION_LOCK } from '../src/sw/notification-lock.js';
import { chooseFromMyMenu } from './my-menu.js';

/**
 * Browser notifications while the tab is closed. Headless Chromium has no push service (its
 * PushManager.subscribe rejects: "Registration failed - permission denied"), so the one part
 * replaced is the browser's link to one: the page's PushManager hands out a subscription at the
 * tests' own push service (PushEndpoint, which decrypts what the server sends), and the test
 * delivers what arrives there to the worker through DevTools (ServiceWorker.deliverPushMessage),
 * as the browser's push service would. The worker, its registration, the permission, the SDK's
 * subscription reaching the server, the server's encrypted push and the shown notification are real.
 */
describeBrowser('Web Push notifications (browser)', () => {
  let harness: WebHarness;
  let pushes: PushEndpoint;
  beforeAll(async () => {
    pushes = await PushEndpoint.start();
    harness = await startWebHarness({
      PUSH_ALLOW_HTTP: 'true',
      PUSH_ALLOWED_HOSTS: '127.0.0.1',
      PUSH_ALLOW_PRIVATE_ADDRESSES: 'true',
      PRESENCE_OFFLINE_GRACE_MS: '0',
      NOTIFY_POLL_INTERVAL_MS: '20',
    });
  }, 120_000);
  afterAll(async () => {
    await harness?.close();
    await pushes?.close();
  });

  it(
    'turns on notifications; with the tab closed, a notification is pushed and the worker shows it; turns them off',
    async () => {
      const bob = await signUp(harness, 'bob');
      const bobId = (await harness.server.server.services.store.users.getUserByUsername(bob.username))!.id;
      const subscription = pushes.subscription(`bob-${bobId}`);
      await bob.context.grantPermissions(['notifications'], { origin: harness.url });
      await withTestPushService(bob.context, subscription);
      const page = await bob.context.newPage();
      await bob.page.close();

      await page.goto('/settings/notifications');
      await page.getByRole('status').filter({ hasText: 'Off: you see what is new' }).waitFor();
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Turn on notifications' }).click();
      await page.getByRole('status').filter({ hasText: 'On: this browser shows' }).waitFor();
      const stored = await harness.server.server.services.store.push.getPushSubscription(subscription.endpoint);
      expect(stored).toMatchObject({ userId: bobId, p256dh: subscription.keys.p256dh, auth: subscription.keys.auth });
      // Subscribed with the server's VAPID key, and the worker is registered for the whole app.
      const { publicKey } = await (await registerUser(harness.url, 'keyreader')).client.push.vapidPublicKey();
      expect(await page.evaluate(() => localStorage.getItem('test.push.applicationServerKey'))).toBe(publicKey);
      pushes.vapidPublicKey = publicKey;
      expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration('/'))?.active?.scriptURL)).toBe(
        `${harness.url}/sw.js`,
      );

      // The tab closes: Bob has no socket, so what concerns him is pushed.
      await page.close();
      const alice = await registerUser(harness.url, 'alice');
      const bobAsks = newClient(harness.url); // no socket: only to ask whether Bob is still online
      await bobAsks.login({ username: bob.username, password: bob.password });
      await until(async () => !(await bobAsks.presence(bobId)).online, 'Bob offline');
      const group = await alice.client.createGroup('push test', [bobId]);
      await until(() => pushes.to(`bob-${bobId}`).length === 1, 'the push to Bob’s browser');
      const [push] = pushes.to(`bob-${bobId}`);
      expect(push!.vapid).toMatchObject({ ok: true });
      expect(push!.payload).toMatchObject({
        type: 'notification.created',
        notification: { kind: 'added_to_conversation', conversationId: group.id },
      });

      // A document of the site that runs no app (no socket): the worker shows the notification.
      const probe = await bob.context.newPage();
      await probe.goto('/favicon.svg');
      await deliverPush(bob.context, probe, harness.url, JSON.stringify(push!.payload), () =>
        expect
          .poll(() => shownNotifications(probe))
          .toEqual([{ title: 'Confab', body: 'You were added to a conversation', tag: `conversation:${group.id}`, url: `/c/${group.id}` }]),
      );
      // A push the worker cannot read still shows something (Chromium wants one per push).
      await deliverPush(bob.context, probe, harness.url, 'not json', () =>
        expect.poll(async () => (await shownNotifications(probe)).map((n) => n.body)).toContain('Something new is waiting for you'),
      );

      const settings = await bob.context.newPage();
      await settings.goto('/settings/notifications');
      await settings.getByRole('button', { name: 'Turn off notifications' }).click();
      await settings.getByRole('status').filter({ hasText: 'Off: you see what is new' }).waitFor();
      expect(await harness.server.server.services.store.push.getPushSubscription(subscription.endpoint)).toBeUndefined();

      // On again, then signing out: this browser stops receiving Bob's notifications.
      await settings.getByRole('button', { name: 'Turn on notifications' }).click();
      await settings.getByRole('status').filter({ hasText: 'On: this browser shows' }).waitFor();
      expect(await harness.server.server.services.store.push.getPushSubscription(subscription.endpoint)).toBeDefined();
      await chooseFromMyMenu(settings, 'Sign out');
      await settings.getByRole('heading', { name: 'Sign in' }).waitFor();
      expect(await harness.server.server.services.store.push.getPushSubscription(subscription.endpoint)).toBeUndefined();
      expect(await settings.evaluate(() => localStorage.getItem('test.push.applicationServerKey'))).toBeNull();
      await bob.context.close();
    },
    LONG_FLOW_MS,
  );

  it(
    'says so when the person does not allow notifications',
    async () => {
      const { context, page } = await signUp(harness, 'nope');
      await page.goto('/settings/notifications');
      await page.getByRole('button', { name: 'Turn on notifications' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('Notifications are blocked for this site');
      await context.close();
    },
    LONG_FLOW_MS,
  );
});

/** Every page of `context` gets a PushManager whose subscription is `subscription` (kept in localStorage, like the browser keeps its own). */
async function withTestPushService(context: BrowserContext, subscription: TestSubscription): Promise<void> {
  await context.addInitScript((sub: TestSubscription) => {
    const json = () => ({ endpoint: sub.endpoint, expirationTime: null, keys: sub.keys });
    const made = () => ({
      endpoint: sub.endpoint,
      toJSON: json,
      unsubscribe: async () => {
        localStorage.removeItem('test.push.applicationServerKey');
        return true;
      },
    });
    PushManager.prototype.subscribe = async function (options?: PushSubscriptionOptionsInit) {
      const key = new Uint8Array(options!.applicationServerKey as ArrayBuffer);
      localStorage.setItem(
        'test.push.applicationServerKey',
        btoa(String.fromCharCode(...key))
          .replace(/\+/g, '-')
          .replace(/\//g, '_')
          .replace(/=+$/, ''),
      );
      return made() as unknown as PushSubscription;
    };
    PushManager.prototype.getSubscription = async function () {
      return (localStorage.getItem('test.push.applicationServerKey') ? made() : null) as unknown as PushSubscription | null;
    };
  }, subscription);
}

/**
 * What a push service does on a push: hands the payload to the origin's service worker (DevTools:
 * ServiceWorker.deliverPushMessage), then waits for `shown`. The DevTools session stays attached
 * until then: the command answers before the worker has the push, and detaching at once lost one
 * push in about thirty runs (the worker showed nothing; then the reads were not yet under the
 * notification lock, so that loss may have been the read-beside-show race notification-lock.ts
 * describes).
 */
async function deliverPush(context: BrowserContext, page: Page, origin: string, data: string, shown: () => Promise<void>): Promise<void> {
  const cdp = await context.newCDPSession(page);
  const registrations = new Promise<string>((resolve) =>
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const live = registrations.find((r) => r.scopeURL === `${origin}/` && !r.isDeleted);
      if (live) resolve(live.registrationId);
    }),
  );
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.deliverPushMessage', { origin, registrationId: await registrations, data });
  try {
    await shown();
  } finally {
    await cdp.detach();
  }
}

/** What the worker shows, read under the lock it shows them under (notification-lock.ts): a read beside a show loses it. */
async function shownNotifications(page: Page) {
  return page.evaluate(async (lock) => {
    const registration = await navigator.serviceWorker.getRegistration('/');
    const shown = await navigator.locks.request(lock, async () => (await registration?.getNotifications()) ?? []);
    return shown.map((n) => ({ title: n.title, body: n.body, tag: n.tag, url: (n.data as { url: string }).url }));
  }, NOTIFICATION_LOCK);
}
