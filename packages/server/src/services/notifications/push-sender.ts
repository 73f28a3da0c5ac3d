import http from 'node:http';
import https from 'node:https';
import webpush from 'web-push';
import type { PresenceTracker } from '../../presence/presence-tracker.js';
import type { DeliveryRecord, Store } from '../../store/store.js';
import type { DeliveryOutcome } from './outbox-dispatcher.js';
import type { VapidKeys } from '../../infra/vapid-keys.js';
import { type CheckedTarget, type OutboundAddressGuard, OutboundRefused, pinnedLookup } from '../../infra/outbound-address-guard.js';
import { failureOf } from './webhook-sender.js';

/** How long a push service keeps a push for a browser that is offline (its TTL header), seconds. */
const PUSH_TTL_SECONDS = 24 * 3600;

/**
 * Sends one push delivery: to a user with no open socket on any node (the presence tracker
 * counts them cluster-wide), through `web-push` (VAPID-signed, the payload encrypted aes128gcm
 * for the subscription's keys). A user who is connected gets the notification on their sockets,
 * so the push is dropped; a subscription the push service says is gone (404, 410) is removed.
 */
export function pushSender(
  store: Store,
  presence: PresenceTracker,
  vapid: VapidKeys,
  subject: string,
  timeoutMs: number,
  guard: OutboundAddressGuard,
  schemes: readonly string[],
) {
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
    // Checked again at every delivery, after DNS, and the connection pinned to the address checked:
    // the host may resolve elsewhere now than when the user subscribed.
    let target: CheckedTarget;
    try {
      target = await guard.check(new URL(request.endpoint), schemes);
    } catch (error) {
      // Never connected, so nothing the target could answer is told; not retried either.
      if (error instanceof OutboundRefused) return { done: true };
      throw error;
    }
    try {
      // web-push builds the request (headers, encrypted body); we send it to the checked address, with our timeout.
      const status = await postPinned(target, request.method, request.headers as Record<string, string>, request.body, timeoutMs);
      if (status === 404 || status === 410) {
        await store.push.dropPushSubscription(subscription.endpoint);
        return { done: true };
      }
      return status >= 200 && status < 300 ? { done: true } : { done: false, error: `HTTP ${status}` };
    } catch (error) {
      return { done: false, error: failureOf(error, timeoutMs) };
    }
  };
}

/** One request to the checked address (its host still names the TLS server and the Host header); the answer's status. */
function postPinned(
  target: CheckedTarget,
  method: string,
  headers: Record<string, string>,
  body: Buffer,
  timeoutMs: number,
): Promise<number> {
  const send = target.url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const request = send(
      target.url,
      { method, headers, lookup: pinnedLookup(target), agent: false, signal: AbortSignal.timeout(timeoutMs) },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
