import type { ConfabClient } from '@confab/client';

/** Whether this browser shows my notifications while no tab is open. */
export type PushStatus = 'unsupported' | 'blocked' | 'off' | 'on';

/** The service worker, built from src/sw/service-worker.ts to the site's root so its scope is the whole app. */
export const SERVICE_WORKER_URL = '/sw.js';

function supported(): boolean {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

/** The worker's registration, if this browser has one for the app. */
async function existingRegistration(): Promise<ServiceWorkerRegistration | undefined> {
  return navigator.serviceWorker.getRegistration(SERVICE_WORKER_URL);
}

export async function pushStatus(): Promise<PushStatus> {
  if (!supported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'blocked';
  const registration = await existingRegistration();
  const subscription = await registration?.pushManager.getSubscription();
  return subscription && Notification.permission === 'granted' ? 'on' : 'off';
}

/**
 * Asks the person (the browser's own prompt; only from a click), registers the worker, and
 * subscribes this browser through the SDK: the server pushes to it while I have no open socket.
 */
export async function enablePush(client: ConfabClient): Promise<void> {
  if (!supported()) throw new Error('This browser cannot show notifications from a website');
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') throw new Error('Notifications are blocked for this site. Allow them in your browser’s site settings.');
  await navigator.serviceWorker.register(SERVICE_WORKER_URL);
  const registration = await navigator.serviceWorker.ready;
  await client.push.subscribeBrowser(registration);
}

/** Stops the pushes to this browser (here and on the server); the worker stays, idle. */
export async function disablePush(client: ConfabClient): Promise<void> {
  const registration = supported() ? await existingRegistration() : undefined;
  if (registration) await client.push.unsubscribeBrowser(registration);
}

/**
 * On signing out (or a session ended elsewhere): this browser stops receiving the person's
 * notifications. With a client that still has tokens the server forgets the subscription at
 * once; either way the browser ends it, so the push service answers 410 and the server drops it.
 */
export async function forgetPush(client?: ConfabClient): Promise<void> {
  if (!supported()) return;
  const subscription = await (await existingRegistration())?.pushManager.getSubscription();
  if (!subscription) return;
  if (client?.tokens) await client.push.unsubscribe(subscription.endpoint).catch(() => undefined);
  await subscription.unsubscribe();
}
