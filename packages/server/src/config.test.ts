import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const JWT_SECRET = 's'.repeat(32);

/** The problems loadConfig lists for `env`, or [] when it accepts it. */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('loadConfig', () => {
  it('has a documented default for everything', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      dataDir: path.resolve('./data'),
      databaseUrl: null,
      jwtSecret: null,
      accessTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 30 * 86_400,
      refreshTokenGraceMs: 10_000,
      revocationCheckIntervalMs: 500,
      maxMessageLength: 4000,
      messagesPageSize: 15,
      messagesPageMax: 100,
      maxGroupMembers: 10_000,
      editWindowSeconds: null,
      maxReactionsPerMessage: 20,
      allowMemberMentionAll: false,
      bodyLimitBytes: 1_048_576,
      wsAllowedOrigins: [],
      groupCommitMaxBatch: 512,
      logLevel: 'info',
    });
  });

  it('reads the HTTP timeouts: headers within the request timeout (Node refuses a longer one)', () => {
    expect(loadConfig({})).toMatchObject({ requestTimeoutMs: 30_000, headersTimeoutMs: 15_000 });
    expect(loadConfig({ REQUEST_TIMEOUT_MS: '5000' })).toMatchObject({ requestTimeoutMs: 5000, headersTimeoutMs: 5000 });
    expect(loadConfig({ HEADERS_TIMEOUT_MS: '2000' }).headersTimeoutMs).toBe(2000);
    expect(problems({ REQUEST_TIMEOUT_MS: '5000', HEADERS_TIMEOUT_MS: '6000' })).toEqual([
      'HEADERS_TIMEOUT_MS (6000) must not exceed REQUEST_TIMEOUT_MS (5000)',
    ]);
  });

  it('reads the variables the contract names', () => {
    const config = loadConfig({
      PORT: '0',
      DATA_DIR: 'relative/dir',
      ACCESS_TOKEN_TTL_SECONDS: '10',
      MAX_MESSAGE_LENGTH: '160',
      MESSAGES_PAGE_SIZE: '20',
      MESSAGES_PAGE_MAX: '50',
      BODY_LIMIT_BYTES: '1024',
      JWT_SECRET: 's'.repeat(32),
      WS_ALLOWED_ORIGINS: ' https://a.example , ,https://b.example ',
      LOG_LEVEL: 'silent',
    });
    expect(config).toMatchObject({
      port: 0,
      dataDir: path.resolve('relative/dir'),
      accessTokenTtlSeconds: 10,
      maxMessageLength: 160,
      messagesPageSize: 20,
      messagesPageMax: 50,
      bodyLimitBytes: 1024,
      jwtSecret: 's'.repeat(32),
      wsAllowedOrigins: ['https://a.example', 'https://b.example'],
      logLevel: 'silent',
    });
  });

  it('reads the message lifecycle settings: an edit window (0 is none), the reaction cap, @all for members', () => {
    expect(loadConfig({ EDIT_WINDOW_SECONDS: '300', MAX_REACTIONS_PER_MESSAGE: '5', ALLOW_MEMBER_MENTION_ALL: 'true' })).toMatchObject({
      editWindowSeconds: 300,
      maxReactionsPerMessage: 5,
      allowMemberMentionAll: true,
    });
    expect(loadConfig({ EDIT_WINDOW_SECONDS: '0', ALLOW_MEMBER_MENTION_ALL: '0' })).toMatchObject({
      editWindowSeconds: null,
      allowMemberMentionAll: false,
    });
    expect(problems({ EDIT_WINDOW_SECONDS: '-1', MAX_REACTIONS_PER_MESSAGE: '0', ALLOW_MEMBER_MENTION_ALL: 'yes' })).toEqual([
      expect.stringContaining('EDIT_WINDOW_SECONDS'),
      expect.stringContaining('MAX_REACTIONS_PER_MESSAGE'),
      'ALLOW_MEMBER_MENTION_ALL: expected true or false, got "yes"',
    ]);
  });

  it('reads the push endpoint guard: allowed hosts (patterns), private addresses (unsafe), the cap per user', () => {
    expect(
      loadConfig({
        PUSH_ALLOWED_HOSTS: 'push.example, *.push.example',
        PUSH_ALLOW_PRIVATE_ADDRESSES: 'true',
        PUSH_MAX_SUBSCRIPTIONS_PER_USER: '3',
      }).outbound,
    ).toMatchObject({
      pushAllowedHosts: ['push.example', '*.push.example'],
      pushAllowPrivateAddresses: true,
      pushMaxSubscriptionsPerUser: 3,
    });
    expect(() => loadConfig({ PUSH_ALLOWED_HOSTS: 'https://push.example/' })).toThrow(/PUSH_ALLOWED_HOSTS/);
    expect(() => loadConfig({ PUSH_MAX_SUBSCRIPTIONS_PER_USER: '0' })).toThrow(/PUSH_MAX_SUBSCRIPTIONS_PER_USER/);
  });

  it('reads the link preview settings: on by default, trusted hosts and CIDR ranges, the budget', () => {
    expect(loadConfig({}).linkPreviews).toEqual({
      enabled: true,
      trusted: { hosts: [], ranges: [] },
      timeoutMs: 5000,
      maxBytes: 1_048_576,
      concurrency: 8,
    });
    expect(loadConfig({ LINK_PREVIEWS: 'off', LINK_PREVIEW_ALLOW_HOSTS: 'wiki.corp, 10.0.0.0/8, ::1' }).linkPreviews).toMatchObject({
      enabled: false,
      trusted: { hosts: ['wiki.corp'], ranges: ['10.0.0.0/8', '::1/128'] },
    });
    expect(() => loadConfig({ LINK_PREVIEW_ALLOW_HOSTS: 'http://wiki.corp/' })).toThrow(/LINK_PREVIEW_ALLOW_HOSTS/);
    expect(() => loadConfig({ LINK_PREVIEWS: 'maybe' })).toThrow(/LINK_PREVIEWS/);
  });

  it('reads the outbound notification settings: a webhook needs its secret, VAPID keys come in pairs', () => {
    expect(loadConfig({}).outbound).toEqual({
      webhookUrl: null,
      webhookSecret: null,
      vapidPublicKey: null,
      vapidPrivateKey: null,
      vapidSubject: 'mailto:webmaster@localhost',
      pushAllowHttp: false,
      pushAllowedHosts: [
        'fcm.googleapis.com',
        'updates.push.services.mozilla.com',
        '*.push.services.mozilla.com',
        '*.push.apple.com',
        '*.notify.windows.com',
      ],
      pushAllowPrivateAddresses: false,
      pushMaxSubscriptionsPerUser: 10,
      deliveryTimeoutMs: 10_000,
      maxAttempts: 8,
      retryBaseMs: 1000,
      retryMaxMs: 300_000,
      pollIntervalMs: 1000,
    });
    const pair = {
      VAPID_PUBLIC_KEY: Buffer.alloc(65, 4).toString('base64url'),
      VAPID_PRIVATE_KEY: Buffer.alloc(32, 1).toString('base64url'),
    };
    expect(
      loadConfig({
        NOTIFY_WEBHOOK_URL: 'https://hooks.example/confab',
        NOTIFY_WEBHOOK_SECRET: 's'.repeat(16),
        NOTIFY_MAX_ATTEMPTS: '3',
        ...pair,
      }).outbound,
    ).toMatchObject({ webhookUrl: 'https://hooks.example/confab', maxAttempts: 3, vapidPublicKey: pair.VAPID_PUBLIC_KEY });
    expect(problems({ NOTIFY_WEBHOOK_URL: 'https://hooks.example/confab' })).toEqual([expect.stringContaining('NOTIFY_WEBHOOK_SECRET')]);
    expect(problems({ NOTIFY_WEBHOOK_URL: 'ftp://x', NOTIFY_WEBHOOK_SECRET: 's'.repeat(16) })).toEqual([
      expect.stringContaining('NOTIFY_WEBHOOK_URL'),
    ]);
    expect(problems({ VAPID_PUBLIC_KEY: pair.VAPID_PUBLIC_KEY })).toEqual([expect.stringContaining('set both, or neither')]);
    expect(problems({ ...pair, VAPID_PRIVATE_KEY: 'short' })).toEqual([expect.stringContaining('P-256 pair')]);
    expect(problems({ VAPID_SUBJECT: 'http://insecure.example' })).toEqual([expect.stringContaining('VAPID_SUBJECT')]);
    expect(problems({ NOTIFY_RETRY_BASE_MS: '5000', NOTIFY_RETRY_MAX_MS: '1000' })).toEqual([
      expect.stringContaining('NOTIFY_RETRY_BASE_MS'),
    ]);
  });

  it('treats empty and blank values as unset', () => {
    expect(loadConfig({ PORT: '', MAX_MESSAGE_LENGTH: '   ', JWT_SECRET: '' })).toMatchObject({
      port: 8080,
      maxMessageLength: 4000,
      jwtSecret: null,
    });
  });

  it('accepts only whole numbers within range', () => {
    for (const value of ['abc', '1.5', '1e3', '0x10', '-1', '65536']) {
      expect(problems({ PORT: value }), value).toEqual([`PORT: expected a whole number from 0 to 65535, got "${value}"`]);
    }
    expect(problems({ ACCESS_TOKEN_TTL_SECONDS: '9' })).toHaveLength(1);
    expect(problems({ BODY_LIMIT_BYTES: '1023' })).toHaveLength(1);
    expect(problems({ MAX_MESSAGE_LENGTH: '0' })).toHaveLength(1);
  });

  it('lists every bad value at once, not only the first', () => {
    const found = problems({ PORT: 'http', MAX_MESSAGE_LENGTH: 'long', LOG_LEVEL: 'chatty', JWT_SECRET: 'short' });
    expect(found).toHaveLength(4);
    expect(found.join('\n')).toMatch(/PORT[\s\S]*MAX_MESSAGE_LENGTH[\s\S]*LOG_LEVEL[\s\S]*JWT_SECRET/);
    let message = '';
    try {
      loadConfig({ PORT: 'http', LOG_LEVEL: 'chatty' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(
      'Invalid configuration:\n  - PORT: expected a whole number from 0 to 65535, got "http"\n  - LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "chatty"',
    );
  });

  it('checks values against each other: the page size may not exceed the page cap', () => {
    expect(problems({ MESSAGES_PAGE_SIZE: '30', MESSAGES_PAGE_MAX: '20' })).toEqual([
      'MESSAGES_PAGE_SIZE (30) must not exceed MESSAGES_PAGE_MAX (20)',
    ]);
    expect(problems({ MESSAGES_PAGE_SIZE: '20', MESSAGES_PAGE_MAX: '20' })).toEqual([]);
  });

  it('needs a JWT secret of at least 32 characters when one is given', () => {
    expect(problems({ JWT_SECRET: 'x'.repeat(31) })).toEqual(['JWT_SECRET: must be at least 32 characters']);
  });

  it('refuses a database URL of an engine it does not know', () => {
    expect(problems({ DATABASE_URL: 'mysql://db/confab' })).toHaveLength(1);
    expect(problems({ DATABASE_URL: 'sqlite:/tmp/confab.sqlite3' })).toEqual([]);
  });

  it('accepts PostgreSQL URLs and a pool size for them', () => {
    expect(problems({ DATABASE_URL: 'postgres://confab:secret@db:5432/confab', JWT_SECRET })).toEqual([]);
    expect(problems({ DATABASE_URL: 'postgresql://db/confab', DATABASE_POOL_SIZE: '25', JWT_SECRET })).toEqual([]);
    expect(loadConfig({ DATABASE_URL: 'postgres://db/confab', JWT_SECRET }).databasePoolSize).toBe(10);
    expect(problems({ DATABASE_POOL_SIZE: '0' })).toEqual(['DATABASE_POOL_SIZE: expected a whole number from 1 to 1000, got "0"']);
    // The refusal names the scheme only: a URL may carry a password.
    expect(problems({ DATABASE_URL: 'mysql://root:hunter2@db/confab' })[0]).not.toContain('hunter2');
  });

  it('needs JWT_SECRET wherever several nodes may share one deployment (PostgreSQL or Redis), so all sign alike', () => {
    const required = [expect.stringMatching(/^JWT_SECRET: required with a PostgreSQL or MySQL DATABASE_URL or a REDIS_URL/)];
    expect(problems({ DATABASE_URL: 'postgres://db/confab' })).toEqual(required);
    expect(problems({ DATABASE_URL: 'mysql://db/confab' })).toEqual(required);
    expect(problems({ DATABASE_URL: 'mariadb://db/confab' })).toEqual(required);
    expect(problems({ REDIS_URL: 'redis://redis:6379' })).toEqual(required);
    expect(problems({ DATABASE_URL: 'postgres://db/confab', REDIS_URL: 'redis://redis:6379', JWT_SECRET })).toEqual([]);
    // A lone SQLite node generates its own into DATA_DIR.
    expect(problems({ DATABASE_URL: 'sqlite:/tmp/confab.sqlite3' })).toEqual([]);
  });

  it('reads the refresh grace window (0 turns it off) and the revocation check interval', () => {
    expect(loadConfig({ REFRESH_TOKEN_GRACE_MS: '0', REVOCATION_CHECK_INTERVAL_MS: '250' })).toMatchObject({
      refreshTokenGraceMs: 0,
      revocationCheckIntervalMs: 250,
    });
    expect(problems({ REFRESH_TOKEN_GRACE_MS: '60001' })).toHaveLength(1);
    expect(problems({ REVOCATION_CHECK_INTERVAL_MS: '10' })).toHaveLength(1);
  });
});

describe('loadConfig: the event bus', () => {
  it('uses the in-process bus unless REDIS_URL is set, with the confab: channel prefix by default', () => {
    expect(loadConfig({})).toMatchObject({ redisUrl: null, redisChannelPrefix: 'confab:' });
    expect(loadConfig({ REDIS_URL: 'rediss://user:pw@redis.internal:6380/2', REDIS_CHANNEL_PREFIX: 'staging:', JWT_SECRET })).toMatchObject(
      {
        redisUrl: 'rediss://user:pw@redis.internal:6380/2',
        redisChannelPrefix: 'staging:',
      },
    );
  });

  it('refuses a REDIS_URL that is not redis:// or rediss:// without echoing it, and a prefix with spaces', () => {
    for (const url of ['http://host:6379', 'redis://', 'localhost:6379', 'postgres://secret@host/db']) {
      const found = problems({ REDIS_URL: url });
      expect(found).toEqual([expect.stringMatching(/^REDIS_URL: expected a redis:\/\/host:port or rediss:\/\/host:port URL$/)]);
    }
    expect(problems({ REDIS_CHANNEL_PREFIX: 'my app:' })).toEqual([expect.stringMatching(/^REDIS_CHANNEL_PREFIX: /)]);
  });
});
