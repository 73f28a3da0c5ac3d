/**
 * `store.push`: the users' Web Push subscriptions, and keys a deployment generates once (VAPID).
 * Its conformance cases are in the outbox section (outbox/outbox.conformance.ts).
 */
export interface PushStore {
  /** Saves a subscription; an endpoint already known is moved to this user with these keys (a browser re-subscribing). */
  savePushSubscription(subscription: PushSubscriptionRecord): Promise<void>;
  /** Removes the user's subscription at `endpoint`; false when they had none there. */
  deletePushSubscription(userId: string, endpoint: string): Promise<boolean>;
  /** Keeps the user's `keep` newest subscriptions and removes the rest (the cap per user); how many went. */
  trimPushSubscriptions(userId: string, keep: number): Promise<number>;
  /** Removes a subscription whoever holds it (the push service said it is gone). */
  dropPushSubscription(endpoint: string): Promise<void>;
  getPushSubscription(endpoint: string): Promise<PushSubscriptionRecord | undefined>;
  /** Stores `value` under `name` unless a value is there already; returns the value kept (the first one wins, across nodes). */
  keepServerKey(name: string, value: string, now: number): Promise<string>;
}

export interface PushSubscriptionRecord {
  endpoint: string;
  userId: string;
  p256dh: string;
  auth: string;
  createdAt: number;
}
