import { existsSync } from 'node:fs';
import path from 'node:path';
import { type AccountConfig, readAccountConfig } from './account-config.js';
import { type AssistModelConfig, readAssistModelConfig } from './assist-model-config.js';
import { type BlobStoreKind, type S3Settings, readS3 } from './blob-config.js';
import { type Env, EnvReader } from './env-reader.js';
import { type OutboundConfig, readOutboundConfig } from './outbound-config.js';
import { type LinkPreviewConfig, readLinkPreviewConfig } from './link-preview-config.js';
import { type RateLimits, readRateLimits } from './rate-limit-config.js';
import { readWebDir } from './web-config.js';
import { checkAcross } from './config-checks.js';

export { isMysqlUrl, isPostgresUrl, isSharedDatabaseUrl } from './config-checks.js';

/**
 * Every setting Confab reads, parsed and validated once at start-up. Each entry documents its
 * variable; `loadConfig` returns a typed object or throws a ConfigError listing every bad value.
 */
export interface Config {
  /** TCP port to serve on. */
  port: number;
  /** Interface to bind: `0.0.0.0` (every IPv4 interface) by default; `127.0.0.1` behind a proxy on the same machine. */
  host: string;
  /**
   * The proxies whose `X-Forwarded-For` is believed (addresses or CIDR ranges; `loopback`,
   * `linklocal`, `uniquelocal` as proxy-addr names them). Empty: the peer's address is the
   * client's, and no header can change the key a per-IP limit counts.
   */
  trustProxy: string[];
  /** Every abuse limit (rate-limit-config.ts). */
  rateLimits: RateLimits;
  /** Who may sign up: anyone, holders of an admin-made invite, or no one (admins create users with the CLI). */
  registration: 'open' | 'invite' | 'closed';
  /** Longest an invite stays usable, seconds (an admin may ask for less). */
  inviteTtlSeconds: number;
  /** Whom `GET /users` searches: everyone, or only people I share a conversation with (plus an exact username). */
  directory: 'all' | 'shared';
  /** When set, `GET /metrics` needs it as a bearer token. */
  metricsToken: string | null;
  /** The built web app served at `/` (web-config.ts), or null to serve the API alone. */
  webDir: string | null;
  /** Whether `/docs` (the API reference UI) is served; the OpenAPI document stays at /api/openapi.json. */
  apiDocs: boolean;
  /** Browser origins allowed by CORS (exact matches); empty: no cross-origin access. */
  corsOrigins: string[];
  /** Access tokens' `iss` and `aud`: verified on every token. */
  jwtIssuer: string;
  jwtAudience: string;
  /** Directory for the SQLite file and the generated token secret. */
  dataDir: string;
  /**
   * Store selection: unset → SQLite file in DATA_DIR; `sqlite:<path>` → that SQLite file;
   * `postgres://…` or `postgresql://…` → PostgreSQL; `mysql://…` or `mariadb://…` → MySQL 8.0+ or
   * MariaDB 10.6+ (either is a store several nodes share).
   */
  databaseUrl: string | null;
  /** Most PostgreSQL connections one node holds (ignored for SQLite). */
  databasePoolSize: number;
  /**
   * Event bus selection: unset → in-process (one node); `redis://…` or `rediss://…` → Redis
   * pub/sub, which every node of a deployment must share.
   */
  redisUrl: string | null;
  /** Prefix of every Redis channel, so deployments (or test runs) can share one Redis. */
  redisChannelPrefix: string;
  /**
   * HMAC secret for access tokens. Unset, a lone SQLite node generates one into DATA_DIR; with
   * PostgreSQL or Redis (state several nodes share) it is required, so every node signs alike.
   */
  jwtSecret: string | null;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** A spent refresh token presented again within this long gets the same new pair (two tabs, a retry); later, it ends the session. */
  refreshTokenGraceMs: number;
  /** How often a node reads the sessions ended lately, in case the bus lost the news (it takes effect within about this long). */
  revocationCheckIntervalMs: number;
  /** Longest message body, in Unicode code points. */
  maxMessageLength: number;
  /** History page size when the client gives no `limit` (the seeds' MESSAGES_TO_LOAD). */
  messagesPageSize: number;
  /** Largest `limit` a history request may ask for. */
  messagesPageMax: number;
  /** Seconds after sending during which the author may edit a message; null (unset or 0): no limit. */
  editWindowSeconds: number | null;
  /** Most different emoji on one message. */
  maxReactionsPerMessage: number;
  /** Whether plain members may mention `@all` in a group (otherwise owners and admins only). */
  allowMemberMentionAll: boolean;
  /** Largest group, counting the creator. */
  maxGroupMembers: number;
  /** Largest HTTP request body, bytes. */
  bodyLimitBytes: number;
  /** Time to receive a whole request, headers and body, ms (Fastify's default is none). A long-poll's wait is not bounded by it. */
  requestTimeoutMs: number;
  /** Time to receive a request's headers, ms (Node's `headersTimeout`; at most requestTimeoutMs). */
  headersTimeoutMs: number;
  /** Idle timeout of an HTTP connection, ms (Node's default is none for a stalled client). */
  connectionTimeoutMs: number;
  /**
   * Longest a node takes to stop on SIGTERM/SIGINT, ms: in-flight requests and sockets get three
   * quarters of it to finish, then are cut; past all of it the process exits with status 1.
   */
  shutdownTimeoutMs: number;
  /**
   * While draining, idle kept-alive connections are closed only after no request has come for
   * this long, ms: a proxy writing on one as it closes would answer 502 (http/idle-connections.ts).
   */
  shutdownQuietMs: number;
  /** Largest WebSocket frame a client may send, bytes (`ws` accepts 100 MiB by default). */
  wsMaxFrameBytes: number;
  /** Origins allowed to open a WebSocket; empty means same-origin only. `*` allows any. */
  wsAllowedOrigins: string[];
  /** Open sockets per user across devices; the next one is refused with close code 4429. */
  maxSocketsPerUser: number;
  /** Interval of the WebSocket ping; a socket that missed one pong is terminated. */
  wsPingIntervalMs: number;
  /** Bytes queued for one slow socket before it is dropped (it reconnects and resumes). */
  wsMaxBufferedBytes: number;
  /** Most messages committed in one transaction by group commit. */
  groupCommitMaxBatch: number;
  /** SQLite: write the write-ahead log's working size (~80 MB of zeros) at start, so commits overwrite rather than extend it. */
  sqliteWalReserve: boolean;
  /** SQLite: while one client alone is served, flush the log on the event loop rather than on libuv's pool. */
  sqliteFlushOnLoop: boolean;
  /** How long the event log keeps events for resume; a client further behind is told to re-fetch. */
  eventRetentionSeconds: number;
  /** How often expired events are pruned. */
  eventPruneIntervalSeconds: number;
  /** At most one "typing" broadcast per user per conversation in this window. */
  typingThrottleMs: number;
  /** A "typing" not refreshed for this long ends by itself. */
  typingExpireMs: number;
  /** How often a node checks the log for events the bus lost (they reach clients within about two intervals). */
  liveCheckIntervalMs: number;
  /**
   * How long a gap in a conversation's live events waits for the bus before the node reads the
   * log: with several nodes, events of one conversation can arrive out of order. 0 reads at once.
   */
  busReorderWaitMs: number;
  /** With Redis: a node that stops refreshing its users' presence (it died) has them offline after this long. */
  presenceTtlMs: number;
  /** A user whose last connection closed is announced offline only if none opens within this time. */
  presenceOfflineGraceMs: number;
  /** Outbound notifications: the webhook, Web Push and their delivery outbox (outbound-config.ts). */
  outbound: OutboundConfig;
  /** Link previews: on or off, the hosts and ranges trusted, the fetch's budget (link-preview-config.ts). */
  linkPreviews: LinkPreviewConfig;
  /**
   * Search ranks this many of the newest matches together by relevance, then the next as many:
   * the cost of a search page, however many messages match (docs/search.md).
   */
  searchRankWindow: number;
  /** ASSIST: `on` (default) or `off`; off, every Assist call answers 403 assist_disabled for everyone (docs/assist.md). */
  assist: boolean;
  /**
   * ASSIST_SPAM_HOLD: a message from a sender not yet trusted whose spam score (0–1) is at or
   * above this is held for an admin's review instead of delivered (docs/assist.md); 1 holds only
   * what the model is certain of. Default 0.999 (under 1 % of ordinary messages held: docs/assist.md).
   */
  assistSpamHold: number;
  /** A local model file for Assist (assist-model-config.ts), or null (the default): rules and BM25 alone. */
  assistModel: AssistModelConfig | null;
  /** Largest upload, bytes: refused with 413 as soon as the stream crosses it. */
  maxUploadBytes: number;
  /** Largest export `POST /api/v1/admin/imports` takes, bytes (issue 37); `confab import` reads any size. */
  importMaxBytes: number;
  /** Bytes of uploads one user may hold (1 GiB by default); null: no limit (`UPLOAD_QUOTA_BYTES=0`). */
  uploadQuotaBytes: number | null;
  /** An upload no message references is removed this long after it was made. */
  uploadOrphanTtlSeconds: number;
  /** The soonest a message may be scheduled for, ms ahead (a minute; shorter only for tests and demos). */
  scheduledMinLeadMs: number;
  /** How often each node looks for scheduled messages that are due: one is sent within this of its time. */
  scheduledPollIntervalMs: number;
  /** Where file bytes live: DATA_DIR, the PostgreSQL database (shared by nodes), or an S3-compatible bucket. */
  blobStore: BlobStoreKind;
  /** The S3-compatible bucket (set when S3_BUCKET is). */
  s3: S3Settings | null;
  /** pino level. */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Mail, account tokens, erasure and password hashing (account-config.ts). */
  accounts: AccountConfig;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads `.env` from the working directory into process.env (real environment variables win). */
export function loadDotEnv(file = path.resolve('.env')): void {
  if (!existsSync(file)) return;
  // process.loadEnvFile parses dotenv syntax natively (Node ≥ 20.12).
  if (typeof process.loadEnvFile !== 'function')
    throw new ConfigError([`.env found but this Node.js (${process.version}) cannot read it: use Node ≥ 20.12`]);
  process.loadEnvFile(file);
}

/** Bytes of uploads one user may hold unless UPLOAD_QUOTA_BYTES says otherwise: 1 GiB. */
export const DEFAULT_UPLOAD_QUOTA_BYTES = 1_073_741_824;

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);
  const port = read.int('PORT', 8080, 0, 65535);
  const requestTimeoutMs = read.int('REQUEST_TIMEOUT_MS', 30_000, 1000, 600_000);
  const config: Config = {
    port,
    host: read.string('HOST', '0.0.0.0'),
    trustProxy: read.list('TRUST_PROXY'),
    rateLimits: readRateLimits(read),
    registration: read.oneOf('REGISTRATION', 'open', ['open', 'invite', 'closed']),
    inviteTtlSeconds: read.int('INVITE_TTL_SECONDS', 7 * 86_400, 60, 365 * 86_400),
    directory: read.oneOf('DIRECTORY', 'all', ['all', 'shared']),
    metricsToken: read.optional('METRICS_TOKEN'),
    webDir: readWebDir(read),
    apiDocs: read.bool('API_DOCS', true),
    corsOrigins: read.list('CORS_ORIGINS'),
    jwtIssuer: read.string('JWT_ISSUER', 'confab'),
    jwtAudience: read.string('JWT_AUDIENCE', 'confab'),
    dataDir: path.resolve(read.string('DATA_DIR', './data')),
    databaseUrl: read.optional('DATABASE_URL'),
    databasePoolSize: read.int('DATABASE_POOL_SIZE', 10, 1, 1000),
    redisUrl: read.optional('REDIS_URL'),
    redisChannelPrefix: read.string('REDIS_CHANNEL_PREFIX', 'confab:'),
    jwtSecret: read.optional('JWT_SECRET'),
    accessTokenTtlSeconds: read.int('ACCESS_TOKEN_TTL_SECONDS', 900, 10, 86_400),
    refreshTokenTtlSeconds: read.int('REFRESH_TOKEN_TTL_SECONDS', 30 * 86_400, 60, 365 * 86_400),
    refreshTokenGraceMs: read.int('REFRESH_TOKEN_GRACE_MS', 10_000, 0, 60_000),
    revocationCheckIntervalMs: read.int('REVOCATION_CHECK_INTERVAL_MS', 500, 50, 60_000),
    maxMessageLength: read.int('MAX_MESSAGE_LENGTH', 4000, 1, 100_000),
    messagesPageSize: read.int('MESSAGES_PAGE_SIZE', 15, 1, 1000),
    messagesPageMax: read.int('MESSAGES_PAGE_MAX', 100, 1, 1000),
    editWindowSeconds: read.int('EDIT_WINDOW_SECONDS', 0, 0, 365 * 86_400) || null,
    maxReactionsPerMessage: read.int('MAX_REACTIONS_PER_MESSAGE', 20, 1, 1000),
    allowMemberMentionAll: read.bool('ALLOW_MEMBER_MENTION_ALL', false),
    maxGroupMembers: read.int('MAX_GROUP_MEMBERS', 10_000, 2, 100_000),
    bodyLimitBytes: read.int('BODY_LIMIT_BYTES', 1_048_576, 1024, 100 * 1_048_576),
    requestTimeoutMs,
    headersTimeoutMs: read.int('HEADERS_TIMEOUT_MS', Math.min(15_000, requestTimeoutMs), 1000, 600_000),
    connectionTimeoutMs: read.int('CONNECTION_TIMEOUT_MS', 75_000, 1000, 3_600_000),
    shutdownTimeoutMs: read.int('SHUTDOWN_TIMEOUT_MS', 10_000, 100, 600_000),
    shutdownQuietMs: read.int('SHUTDOWN_QUIET_MS', 500, 0, 60_000),
    wsMaxFrameBytes: read.int('WS_MAX_FRAME_BYTES', 65_536, 1024, 16 * 1_048_576),
    wsAllowedOrigins: read.list('WS_ALLOWED_ORIGINS'),
    maxSocketsPerUser: read.int('MAX_SOCKETS_PER_USER', 16, 1, 10_000),
    wsPingIntervalMs: read.int('WS_PING_INTERVAL_MS', 30_000, 100, 600_000),
    wsMaxBufferedBytes: read.int('WS_MAX_BUFFERED_BYTES', 8 * 1_048_576, 65_536, 1_073_741_824),
    groupCommitMaxBatch: read.int('GROUP_COMMIT_MAX_BATCH', 512, 1, 4096),
    sqliteWalReserve: read.bool('SQLITE_WAL_RESERVE', true),
    sqliteFlushOnLoop: read.bool('SQLITE_FLUSH_ON_LOOP', true),
    eventRetentionSeconds: read.int('EVENT_RETENTION_SECONDS', 7 * 86_400, 1, 365 * 86_400),
    eventPruneIntervalSeconds: read.int('EVENT_PRUNE_INTERVAL_SECONDS', 60, 1, 86_400),
    typingThrottleMs: read.int('TYPING_THROTTLE_MS', 2000, 10, 60_000),
    typingExpireMs: read.int('TYPING_EXPIRE_MS', 6000, 50, 300_000),
    liveCheckIntervalMs: read.int('LIVE_CHECK_INTERVAL_MS', 5000, 50, 600_000),
    busReorderWaitMs: read.int('BUS_REORDER_WAIT_MS', 20, 0, 1000),
    presenceTtlMs: read.int('PRESENCE_TTL_MS', 30_000, 300, 3_600_000),
    presenceOfflineGraceMs: read.int('PRESENCE_OFFLINE_GRACE_MS', 2000, 0, 300_000),
    outbound: readOutboundConfig(read, problems),
    linkPreviews: readLinkPreviewConfig(read),
    searchRankWindow: read.int('SEARCH_RANK_WINDOW', 200, 50, 10_000),
    assist: read.oneOf('ASSIST', 'on', ['on', 'off']) === 'on',
    assistSpamHold: read.fraction('ASSIST_SPAM_HOLD', 0.999, 0.5, 1),
    assistModel: readAssistModelConfig(read),
    maxUploadBytes: read.int('MAX_UPLOAD_BYTES', 25 * 1_048_576, 1024, 10 * 1_073_741_824),
    importMaxBytes: read.int('IMPORT_MAX_BYTES', 4 * 1_073_741_824, 1024, 64 * 1_073_741_824),
    // A quota by default (issue 35): without one, any account could fill the disk.
    uploadQuotaBytes: read.int('UPLOAD_QUOTA_BYTES', DEFAULT_UPLOAD_QUOTA_BYTES, 0, Number.MAX_SAFE_INTEGER) || null,
    uploadOrphanTtlSeconds: read.int('UPLOAD_ORPHAN_TTL_SECONDS', 86_400, 1, 365 * 86_400),
    scheduledMinLeadMs: read.int('SCHEDULED_MIN_LEAD_MS', 60_000, 0, 3_600_000),
    scheduledPollIntervalMs: read.int('SCHEDULED_POLL_INTERVAL_MS', 1000, 10, 60_000),
    blobStore: 'disk',
    s3: readS3(read),
    logLevel: read.oneOf('LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    accounts: readAccountConfig(read, problems, port),
  };
  checkAcross(config, read, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
