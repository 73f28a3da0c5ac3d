import webpush from 'web-push';
import type { PresenceTracker } from '../../presence/presence-tracker.js';
import type { DeliveryRecord, Store } from '../../store/store.js';
import type { DeliveryOutcome } from './outbox-dispatcher.js';
import type { VapidKeys } from '../../infra/vapid-keys.js';
import { failureOf } from './webhook-sender.js';

/** How long a push service keeps a push for a browser that is offline (its TTL header), seconds. */
const PUSH_TTL_SECONDS = 24 * 3600;

/**
 * Sends one push delivery: to a user with no open socket on any node (the presence tracker
 * counts them cluster-wide), through `web-push` (VAPID-signed, the payload encrypted aes128gcm
 * for the subscription's keys). A user who is connected gets the notification on their sockets,
 * so the push is dropped; a subscription the push service says is gone (404, 410) is removed.
 */
export function pushSender(store: Store, presence: PresenceTracker, vapid: VapidKeys, subject: string, timeoutMs: number) {
  return async (delivery: DeliveryRecord): Promise<DeliveryOutcome> => {
    const subscription = delivery.endpoint === null ? undefined : await store.push.getPushSubscription(delivery.endpoint);
    // Unsubscribed (or the endpoint moved to someone else) since the notification was made.
    if (!subscription || subscription.userId !== delivery.userId) return { done: true };
    if (await presence.isOnline(delivery.userId)) return { done: true };
    const request = webpush.generateRequestDetails(
      { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
      delivery.payload,
      {
        vapidDetails: { subject, publicKey: vapid.publicKey, privateKey: vapid.privateKey },
        contentEncoding: 'aes128gcm',
        TTL: PUSH_TTL_SECONDS,
        urgency: 'normal',
      },
    );
    try {
      // web-push builds the request (headers, encrypted body); fetch sends it, with our timeout.
      const response = await fetch(request.endpoint, {
        method: request.method,
        headers: request.headers as Record<string, string>,
        body: new Uint8Array(request.body),
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel();
      if (response.status === 404 || response.status === 410) {
        await store.push.dropPushSubscription(subscription.endpoint);
        return { done: true };
      }
      return response.ok ? { done: true } : { done: false, error: `HTTP ${response.status}` };
    } catch (error) {
      return { done: false, error: failureOf(error, timeoutMs) };
    }
  };
}
