import Type, { type Static } from 'typebox';
import { Notification } from './notifications.js';
import { Identifier, SingleLine } from './strings.js';

/** Outbound notifications: Web Push subscriptions, the VAPID key, and what the webhook and pushes carry. */

const strict = { additionalProperties: false } as const;

export const PushEndpoint = SingleLine({
  minLength: 1,
  maxLength: 2048,
  description:
    "The push service's URL for this browser (PushSubscription.endpoint): https, on a push service the server sends to " +
    '(FCM, Mozilla, Apple, Windows unless the operator set PUSH_ALLOWED_HOSTS) whose host resolves to public addresses only; ' +
    'otherwise 400 `push_endpoint_refused`. A user keeps at most PUSH_MAX_SUBSCRIPTIONS_PER_USER (10): subscribing past it drops their oldest',
});

export const PushSubscriptionBody = Type.Object(
  {
    endpoint: PushEndpoint,
    keys: Type.Object(
      {
        p256dh: Identifier({
          minLength: 1,
          maxLength: 128,
          description: "The browser's P-256 public key, URL-safe base64 (65 bytes)",
        }),
        auth: Identifier({ minLength: 1, maxLength: 64, description: 'The authentication secret, URL-safe base64 (16 bytes)' }),
      },
      strict,
    ),
  },
  { ...strict, title: 'PushSubscriptionBody', description: 'PushSubscription.toJSON() of the browser, without expirationTime' },
);
export type PushSubscriptionBody = Static<typeof PushSubscriptionBody>;

export const PushSubscriptionCreated = Type.Object(
  { subscription: Type.Object({ endpoint: Type.String() }, { title: 'PushSubscription' }) },
  { title: 'PushSubscriptionCreated' },
);
export type PushSubscriptionCreated = Static<typeof PushSubscriptionCreated>;

export const PushUnsubscribeBody = Type.Object({ endpoint: PushEndpoint }, { ...strict, title: 'PushUnsubscribeBody' });
export type PushUnsubscribeBody = Static<typeof PushUnsubscribeBody>;

export const PushUnsubscribed = Type.Object(
  {
    removed: Type.Boolean({
      description:
        'Always true: I have no subscription at that endpoint any more. Whether I had one is not said: the push service ' +
        'may have ended it, and what it answered is not for the caller to learn',
    }),
  },
  { title: 'PushUnsubscribed' },
);
export type PushUnsubscribed = Static<typeof PushUnsubscribed>;

export const VapidPublicKey = Type.Object(
  { publicKey: Type.String({ description: "The server's VAPID public key, URL-safe base64: the applicationServerKey to subscribe with" }) },
  { title: 'VapidPublicKey' },
);
export type VapidPublicKey = Static<typeof VapidPublicKey>;

/**
 * The body of every outbound notification: POSTed to NOTIFY_WEBHOOK_URL (signed, with its
 * delivery id in `X-Confab-Delivery`), and the encrypted payload of a Web Push.
 */
export const OutboundNotification = Type.Object(
  {
    type: Type.Literal('notification.created'),
    userId: Type.String({ description: 'Whom the notification is for' }),
    notification: Notification,
  },
  { title: 'OutboundNotification' },
);
export type OutboundNotification = Static<typeof OutboundNotification>;
