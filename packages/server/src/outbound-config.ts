import type { EnvReader } from './env-reader.js';
import { KNOWN_PUSH_SERVICES } from './infra/outbound-address-guard.js';

/** Outbound notifications (issue 10): the webhook, Web Push, and the outbox both are delivered from. */
export interface OutboundConfig {
  /** Every notification is POSTed here as JSON when set (signed with `webhookSecret`). */
  webhookUrl: string | null;
  /** HMAC-SHA256 key of the `X-Confab-Signature` header; required with a webhook URL. */
  webhookSecret: string | null;
  /** VAPID key pair (base64url, as `web-push generate-vapid-keys` prints it); unset, one is generated once and kept. */
  vapidPublicKey: string | null;
  vapidPrivateKey: string | null;
  /** Who push services may contact about our pushes: a `mailto:` or `https:` URL. */
  vapidSubject: string;
  /** Accept `http:` push endpoints (tests, development); otherwise only `https:` ones. */
  pushAllowHttp: boolean;
  /**
   * Push services the server sends to (host names, `*.suffix` patterns, or `*` for any host): by
   * default the browsers' own (FCM, Mozilla, Apple, Windows). Whatever the list, an endpoint whose
   * host resolves to a loopback, private, link-local or otherwise non-public address is refused
   * at subscribe and again at every delivery (infra/outbound-address-guard.ts).
   */
  pushAllowedHosts: string[];
  /** UNSAFE, tests and development only: let push endpoints resolve to loopback and private addresses (SSRF). */
  pushAllowPrivateAddresses: boolean;
  /** Subscriptions one user may hold; subscribing past it drops their oldest. */
  pushMaxSubscriptionsPerUser: number;
  /** Longest a delivery (webhook POST or push) may take before it counts as failed, ms. */
  deliveryTimeoutMs: number;
  /** Attempts before a delivery is given up and marked dead. */
  maxAttempts: number;
  /** Delay before the first retry; each later one doubles it (with jitter), up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** How often each node looks for deliveries that are due (new ones made on the node start at once). */
  pollIntervalMs: number;
}

export function readOutboundConfig(read: EnvReader, problems: string[]): OutboundConfig {
  const config: OutboundConfig = {
    webhookUrl: read.optional('NOTIFY_WEBHOOK_URL'),
    webhookSecret: read.optional('NOTIFY_WEBHOOK_SECRET'),
    vapidPublicKey: read.optional('VAPID_PUBLIC_KEY'),
    vapidPrivateKey: read.optional('VAPID_PRIVATE_KEY'),
    vapidSubject: read.string('VAPID_SUBJECT', 'mailto:webmaster@localhost'),
    pushAllowHttp: read.bool('PUSH_ALLOW_HTTP', false),
    pushAllowedHosts: read.list('PUSH_ALLOWED_HOSTS'),
    pushAllowPrivateAddresses: read.bool('PUSH_ALLOW_PRIVATE_ADDRESSES', false),
    pushMaxSubscriptionsPerUser: read.int('PUSH_MAX_SUBSCRIPTIONS_PER_USER', 10, 1, 1000),
    deliveryTimeoutMs: read.int('NOTIFY_DELIVERY_TIMEOUT_MS', 10_000, 50, 120_000),
    maxAttempts: read.int('NOTIFY_MAX_ATTEMPTS', 8, 1, 100),
    retryBaseMs: read.int('NOTIFY_RETRY_BASE_MS', 1000, 10, 3_600_000),
    retryMaxMs: read.int('NOTIFY_RETRY_MAX_MS', 300_000, 10, 86_400_000),
    pollIntervalMs: read.int('NOTIFY_POLL_INTERVAL_MS', 1000, 10, 600_000),
  };
  if (config.webhookUrl !== null && !isHttpUrl(config.webhookUrl)) {
    problems.push('NOTIFY_WEBHOOK_URL: expected an http:// or https:// URL');
  }
  if (config.webhookUrl !== null && (config.webhookSecret === null || config.webhookSecret.length < 16)) {
    problems.push(
      'NOTIFY_WEBHOOK_SECRET: required with NOTIFY_WEBHOOK_URL, at least 16 characters (the receiver checks the signature with it)',
    );
  }
  if ((config.vapidPublicKey === null) !== (config.vapidPrivateKey === null)) {
    problems.push('VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY: set both, or neither (a pair is then generated once and kept)');
  } else if (config.vapidPublicKey !== null && !isVapidPair(config.vapidPublicKey, config.vapidPrivateKey!)) {
    problems.push(
      'VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY: expected a P-256 pair in URL-safe base64 (65 and 32 bytes), as `npx web-push generate-vapid-keys` prints',
    );
  }
  if (!/^(mailto:\S+@\S+|https:\/\/\S+)$/.test(config.vapidSubject)) {
    problems.push(`VAPID_SUBJECT: expected a mailto: or https: URL, got "${config.vapidSubject}"`);
  }
  if (config.pushAllowedHosts.length === 0) config.pushAllowedHosts = [...KNOWN_PUSH_SERVICES];
  for (const host of config.pushAllowedHosts) {
    if (!/^(\*|(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*|\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\])$/i.test(host)) {
      problems.push(`PUSH_ALLOWED_HOSTS: expected host names, *.suffix patterns or *, got "${host}"`);
    }
  }
  if (config.retryBaseMs > config.retryMaxMs) {
    problems.push(`NOTIFY_RETRY_BASE_MS (${config.retryBaseMs}) must not exceed NOTIFY_RETRY_MAX_MS (${config.retryMaxMs})`);
  }
  return config;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

const base64urlBytes = (value: string) => (/^[A-Za-z0-9_-]+$/.test(value) ? Buffer.from(value, 'base64url').length : -1);

function isVapidPair(publicKey: string, privateKey: string): boolean {
  return base64urlBytes(publicKey) === 65 && base64urlBytes(privateKey) === 32;
}
