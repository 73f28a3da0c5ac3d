/**
 * Confab's service worker, served at /sw.js (scope: the whole app). Its one job: show the Web
 * Push notifications the server sends while none of my tabs is connected, and open the
 * conversation when one is clicked. It caches nothing: the app needs the server anyway.
 */
import { withNotificationLock } from './notification-lock.js';
import { notificationFor } from './notification-text.js';
import type { WorkerScope } from './worker-types.js';

declare const self: WorkerScope;

self.addEventListener('install', () => void self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  const shown = notificationFor(readJson(event.data));
  // Under the tabs' lock: a tab looking for a tag meanwhile would lose this one (notification-lock.ts).
  event.waitUntil(
    withNotificationLock(() =>
      self.registration.showNotification(shown.title, { body: shown.body, tag: shown.tag, icon: '/favicon.svg', data: { url: shown.url } }),
    ),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = event.notification.data as { url?: string; conversationId?: string; seq?: number } | null;
  const url = new URL(String(data?.url ?? '/'), self.location.origin).href;
  // A desktop notification of a message (a tab showed it) names the message: the tab opens it there.
  const message =
    typeof data?.conversationId === 'string' && typeof data.seq === 'number'
      ? { conversationId: data.conversationId, seq: data.seq }
      : null;
  event.waitUntil(openOrFocus(url, message));
});

/**
 * A tab of the app already open is brought forward and sent there (to the message itself when
 * the notification names one: the tab jumps to it without reloading); otherwise a new one opens.
 */
async function openOrFocus(url: string, message: { conversationId: string; seq: number } | null): Promise<void> {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
  if (open) {
    await open.focus();
    if (message) open.postMessage({ type: 'confab.open-message', ...message });
    else await open.navigate(url);
  } else {
    await self.clients.openWindow(url);
  }
}

function readJson(data: { json(): unknown } | null): unknown {
  try {
    return data?.json();
  } catch {
    return undefined;
  }
}
