import { createPublicKey } from 'node:crypto';
import type { PushSubscriptionBody, PushSubscriptionCreated, PushUnsubscribed, VapidPublicKey } from '@confab/protocol';
import { AppError, detail, invalid } from '../../errors.js';
import type { Store } from '../../store/store.js';
import { type OutboundAddressGuard, OutboundRefused } from '../../infra/outbound-address-guard.js';
import type { VapidKeys } from '../../infra/vapid-keys.js';

/**
 * My Web Push subscriptions (one per browser), and the key to subscribe with. Pushes themselves
 * go through the notification outbox (services/notifications/push-sender.ts).
 */
export class PushService {
  constructor(
    private readonly store: Store,
    private readonly vapid: VapidKeys,
    private readonly guard: OutboundAddressGuard,
    /** `https:`, and `http:` when PUSH_ALLOW_HTTP is set. */
    private readonly schemes: readonly string[],
    private readonly maxPerUser: number,
  ) {}

  vapidPublicKey(): VapidPublicKey {
    return { publicKey: this.vapid.publicKey };
  }

  async subscribe(userId: string, body: PushSubscriptionBody): Promise<PushSubscriptionCreated> {
    const problems = [
      ...(isP256Point(body.keys.p256dh)
        ? []
        : [detail('/keys/p256dh', 'must be an uncompressed P-256 public key (65 bytes), URL-safe base64')]),
      ...(bytes(body.keys.auth) === 16 ? [] : [detail('/keys/auth', 'must be 16 bytes, URL-safe base64')]),
    ];
    let url: URL | null = null;
    try {
      url = new URL(body.endpoint);
    } catch {
      problems.unshift(detail('/endpoint', 'must be a URL'));
    }
    if (problems.length > 0) throw invalid('Not a push subscription this server can use', problems);
    await this.checkEndpoint(url!);
    await this.store.push.savePushSubscription({
      endpoint: body.endpoint,
      userId,
      p256dh: body.keys.p256dh,
      auth: body.keys.auth,
      createdAt: Date.now(),
    });
    // Past the cap, the oldest go: a browser that re-subscribes is never locked out, and no user
    // can make the server hold (and push to) more than a few endpoints.
    await this.store.push.trimPushSubscriptions(userId, this.maxPerUser);
    return { subscription: { endpoint: body.endpoint } };
  }

  /**
   * Always `removed: true`: whether a subscription was there is not told, because the push
   * service may have ended it (404/410 on a push), and what it answered is not the caller's to learn.
   */
  async unsubscribe(userId: string, endpoint: string): Promise<PushUnsubscribed> {
    await this.store.push.deletePushSubscription(userId, endpoint);
    return { removed: true };
  }

  /** 400 `push_endpoint_refused` unless the endpoint is an allowed push service at a public address. */
  private async checkEndpoint(url: URL): Promise<void> {
    try {
      await this.guard.check(url, this.schemes);
    } catch (error) {
      if (!(error instanceof OutboundRefused)) throw error;
      if (error.reason === 'scheme') throw invalid('Not a push subscription this server can use', [detail('/endpoint', error.message)]);
      throw new AppError('push_endpoint_refused', 'This server does not send pushes to that endpoint', [
        detail('/endpoint', error.message, { reason: error.reason }),
      ]);
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
