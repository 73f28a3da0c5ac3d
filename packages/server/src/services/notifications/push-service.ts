import { createPublicKey } from 'node:crypto';
import type { PushSubscriptionBody, PushSubscriptionCreated, PushUnsubscribed, VapidPublicKey } from '@confab/protocol';
import { detail, invalid } from '../../errors.js';
import type { Store } from '../../store/store.js';
import type { VapidKeys } from '../../infra/vapid-keys.js';

/**
 * My Web Push subscriptions (one per browser), and the key to subscribe with. Pushes themselves
 * go through the notification outbox (services/notifications/push-sender.ts).
 */
export class PushService {
  constructor(
    private readonly store: Store,
    private readonly vapid: VapidKeys,
    private readonly allowHttp: boolean,
  ) {}

  vapidPublicKey(): VapidPublicKey {
    return { publicKey: this.vapid.publicKey };
  }

  async subscribe(userId: string, body: PushSubscriptionBody): Promise<PushSubscriptionCreated> {
    const problems = [
      ...(this.isEndpoint(body.endpoint)
        ? []
        : [detail('/endpoint', this.allowHttp ? 'must be an http or https URL' : 'must be an https URL')]),
      ...(isP256Point(body.keys.p256dh)
        ? []
        : [detail('/keys/p256dh', 'must be an uncompressed P-256 public key (65 bytes), URL-safe base64')]),
      ...(bytes(body.keys.auth) === 16 ? [] : [detail('/keys/auth', 'must be 16 bytes, URL-safe base64')]),
    ];
    if (problems.length > 0) throw invalid('Not a push subscription this server can use', problems);
    await this.store.push.savePushSubscription({
      endpoint: body.endpoint,
      userId,
      p256dh: body.keys.p256dh,
      auth: body.keys.auth,
      createdAt: Date.now(),
    });
    return { subscription: { endpoint: body.endpoint } };
  }

  async unsubscribe(userId: string, endpoint: string): Promise<PushUnsubscribed> {
    return { removed: await this.store.push.deletePushSubscription(userId, endpoint) };
  }

  private isEndpoint(value: string): boolean {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || (this.allowHttp && url.protocol === 'http:')) && url.hostname !== '';
    } catch {
      return false;
    }
  }
}

const bytes = (base64url: string) => (/^[A-Za-z0-9_-]+$/.test(base64url) ? Buffer.from(base64url, 'base64url').length : -1);

/** An uncompressed point on P-256 (what pushes are encrypted to): a key off the curve could never be pushed to. */
function isP256Point(base64url: string): boolean {
  if (bytes(base64url) !== 65) return false;
  const point = Buffer.from(base64url, 'base64url');
  if (point[0] !== 4) return false;
  try {
    const [x, y] = [point.subarray(1, 33).toString('base64url'), point.subarray(33).toString('base64url')];
    createPublicKey({ key: { kty: 'EC', crv: 'P-256', x, y }, format: 'jwk' });
    return true;
  } catch {
    return false;
  }
}
