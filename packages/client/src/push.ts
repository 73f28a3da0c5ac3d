import type { PushSubscriptionBody, PushSubscriptionCreated, PushUnsubscribed, VapidPublicKey } from '@confab/protocol';
import type { HttpTransport } from './http.js';

/**
 * Web Push (`client.push`): while I have no open socket, each of my notifications is pushed,
 * encrypted, to my subscribed browsers; the payload is an `OutboundNotification`.
 */
export class PushApi {
  constructor(private readonly http: HttpTransport) {}

  /** The applicationServerKey for `PushManager.subscribe()` (URL-safe base64). */
  vapidPublicKey(): Promise<VapidPublicKey> {
    return this.http.request('GET', '/api/v1/push/vapid-public-key');
  }

  /** Registers a browser's `PushSubscription.toJSON()` (other fields, such as `expirationTime`, are left out). */
  subscribe(subscription: PushSubscriptionBody): Promise<PushSubscriptionCreated> {
    const { endpoint, keys } = subscription;
    return this.http.request('POST', '/api/v1/push/subscriptions', { body: { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } } });
  }

  /** Idempotent: `removed` is always true (whether a subscription was there is not told: issue 35). */
  unsubscribe(endpoint: string): Promise<PushUnsubscribed> {
    return this.http.request('DELETE', '/api/v1/push/subscriptions', { body: { endpoint } });
  }

  /**
   * In a browser: subscribes `registration` (a service worker's) with the server's key and
   * registers the subscription. The browser asks the person first; a refusal rejects.
   */
  async subscribeBrowser(registration: PushRegistration): Promise<PushSubscriptionBody> {
    const { publicKey } = await this.vapidPublicKey();
    const existing = await registration.pushManager.getSubscription();
    const subscription =
      existing ?? (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlBytes(publicKey) }));
    const json = subscription.toJSON() as { endpoint?: string; keys?: { p256dh?: string; auth?: string } };
    if (!json.endpoint || !json.keys?.p256dh || !json.keys.auth) throw new Error('The browser gave a push subscription without keys');
    const body = { endpoint: json.endpoint, keys: { p256dh: json.keys.p256dh, auth: json.keys.auth } };
    await this.subscribe(body);
    return body;
  }

  /** In a browser: ends `registration`'s subscription, here and on the server; false when there was none. */
  async unsubscribeBrowser(registration: PushRegistration): Promise<boolean> {
    const subscription = await registration.pushManager.getSubscription();
    if (!subscription) return false;
    await this.unsubscribe(subscription.endpoint);
    return subscription.unsubscribe();
  }
}

/** The part of a `ServiceWorkerRegistration` these calls use (the SDK does not need the DOM's types). */
export interface PushRegistration {
  pushManager: {
    getSubscription(): Promise<BrowserPushSubscription | null>;
    subscribe(options: { userVisibleOnly: boolean; applicationServerKey: Uint8Array<ArrayBuffer> }): Promise<BrowserPushSubscription>;
  };
}

export interface BrowserPushSubscription {
  endpoint: string;
  toJSON(): unknown;
  unsubscribe(): Promise<boolean>;
}

/** URL-safe base64 (unpadded) to bytes, with `atob` (browsers and Node 16+). */
export function base64UrlBytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(
    text
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(text.length / 4) * 4, '='),
  );
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
