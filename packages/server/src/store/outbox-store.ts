import type { NotificationRecord } from './people-store.js';

/**
 * The part of the Store behind outbound notifications (docs/decisions/0007): the outbox of
 * deliveries, claimed by one node at a time under a lease; the users' push subscriptions; and
 * keys generated once per deployment.
 */
export interface OutboxStore {
  // ---- the outbox ----
  /**
   * Claims up to `limit` pending deliveries that are due at `now` and not held by a live lease,
   * oldest due first: each is held under `token` until `now + leaseMs` and its attempt counted.
   * Several nodes claiming at once never get the same row.
   */
  claimDeliveries(now: number, claim: { token: string; leaseMs: number; limit: number }): Promise<DeliveryRecord[]>;
  /** Deliveries that succeeded (or are not needed): their rows go, those `token` still holds; returns how many. */
  completeDeliveries(ids: readonly string[], token: string): Promise<number>;
  /** A delivery failed: due again at `nextAttemptAt`, released. False when `token` no longer holds it. */
  retryDelivery(id: string, token: string, nextAttemptAt: number, error: string): Promise<boolean>;
  /** A delivery failed for good (out of attempts): kept as `dead`, never claimed again. False when `token` no longer holds it. */
  abandonDelivery(id: string, token: string, error: string): Promise<boolean>;
  /** Dead deliveries, newest first (for operators, and tests). */
  listDeadDeliveries(limit: number): Promise<DeliveryRecord[]>;
  /** Deliveries still to make (pending, claimed or not): the outbox depth on /metrics. */
  countPendingDeliveries(): Promise<number>;

  // ---- push subscriptions ----
  /** Saves a subscription; an endpoint already known is moved to this user with these keys (a browser re-subscribing). */
  savePushSubscription(subscription: PushSubscriptionRecord): Promise<void>;
  /** Removes the user's subscription at `endpoint`; false when they had none there. */
  deletePushSubscription(userId: string, endpoint: string): Promise<boolean>;
  /** Drops the user's subscriptions but the newest `keep`; how many were dropped (the cap per user, issue 35). */
  trimPushSubscriptions(userId: string, keep: number): Promise<number>;
  /** Removes a subscription whoever holds it (the push service said it is gone). */
  dropPushSubscription(endpoint: string): Promise<void>;
  getPushSubscription(endpoint: string): Promise<PushSubscriptionRecord | undefined>;

  // ---- keys a deployment generates once ----
  /** Stores `value` under `name` unless a value is there already; returns the value kept (the first one wins, across nodes). */
  keepServerKey(name: string, value: string, now: number): Promise<string>;
}

export type DeliveryChannel = 'webhook' | 'push';

/** One delivery of one notification: to the webhook, or to one push subscription. */
export interface DeliveryRecord {
  /** The delivery id (`X-Confab-Delivery`): the same on every attempt. */
  id: string;
  notificationId: string;
  channel: DeliveryChannel;
  userId: string;
  /** The push subscription's endpoint; null for the webhook. */
  endpoint: string | null;
  /** The body, as the service drafted it: sent byte for byte on every attempt (the signature covers it). */
  payload: string;
  status: 'pending' | 'dead';
  /** Attempts made, the one just claimed included. */
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
}

/**
 * The deliveries a transaction storing notifications writes with them: one webhook delivery per
 * notification, and one push per subscription of its recipient. `payload` is the body.
 */
export interface OutboxDraft {
  webhook: boolean;
  push: boolean;
  payload(notification: NotificationRecord): unknown;
}

export interface PushSubscriptionRecord {
  endpoint: string;
  userId: string;
  p256dh: string;
  auth: string;
  createdAt: number;
}
