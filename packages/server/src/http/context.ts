import type { Server } from 'node:http';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from '../config.js';
import type { AccountService } from '../services/account-service.js';
import type { AuthService } from '../services/auth-service.js';
import type { DataExport } from '../services/data-export.js';
import type { EmailVerification } from '../services/email-verification.js';
import type { PasswordResetService } from '../services/password-reset.js';
import type { SecurityEvents } from '../services/security-events.js';
import type { SessionService } from '../services/session-service.js';
import type { BlockService } from '../services/block-service.js';
import type { ConversationSettingsService } from '../services/conversation-settings.js';
import type { ThreadService } from '../services/thread-service.js';
import type { NotificationService } from '../services/notification-service.js';
import type { ConversationService } from '../services/conversation-service.js';
import type { MessageActivityFeed } from '../services/message-activity.js';
import type { MessageLifecycle } from '../services/message-lifecycle.js';
import type { MessageService } from '../services/message-service.js';
import type { LiveLocations } from '../services/live-location.js';
import type { SearchService } from '../services/search-service.js';
import type { PresenceService } from '../services/presence-service.js';
import type { PushService } from '../services/push-service.js';
import type { SyncService } from '../services/sync-service.js';
import type { TypingService } from '../services/typing-service.js';
import type { TokenService } from '../services/token-service.js';
import type { UserService } from '../services/user-service.js';
import type { UploadService } from '../services/upload-service.js';
import type { Store } from '../store/store.js';
import type { RateLimitService } from '../services/rate-limits.js';
import type { InviteService } from '../services/invite-service.js';
import type { AdminService } from '../services/admin-service.js';

/** A dependency the node needs before it should get traffic (`GET /readyz`); rejects when unusable. */
export interface ReadinessProbe {
  name: string;
  check(): Promise<void>;
}

/** What routes get: the services (never the store directly, except for health). */
export interface Services {
  config: Config;
  store: Store;
  /** Checked by `GET /readyz`, in this order. */
  readiness: ReadinessProbe[];
  tokens: TokenService;
  /** Every abuse limit (routes name theirs in route-limits.ts; services count the rest). */
  rateLimits: RateLimitService;
  auth: AuthService;
  invites: InviteService;
  /** The instance admins' tools (users, deactivation, stats, the audit log). */
  admin: AdminService;
  users: UserService;
  /** My sessions: listing and ending them (also for the admin calls). */
  sessions: SessionService;
  passwordReset: PasswordResetService;
  emailVerification: EmailVerification;
  /** Password change and account erasure. */
  accounts: AccountService;
  dataExport: DataExport;
  /** Where failed logins, resets and revocations are recorded (the audit log implements it). */
  securityEvents: SecurityEvents;
  conversations: ConversationService;
  messages: MessageService;
  /** One message after it was sent: edits, deletes, threads, reactions, pins. */
  lifecycle: MessageLifecycle;
  /** Who message actions concern (mentions, replies, reactions): subscribe to notify them. */
  activity: MessageActivityFeed;
  sync: SyncService;
  typing: TypingService;
  presence: PresenceService;
  blocks: BlockService;
  settings: ConversationSettingsService;
  /** Thread read state and follows (issue 35 item 2). */
  threads: ThreadService;
  notifications: NotificationService;
  push: PushService;
  /** Live locations' moves and ends. */
  locations: LiveLocations;
  /** Full-text search of messages, and conversations by name. */
  search: SearchService;
  /** Files: uploads, downloads, thumbnails, the orphan sweep. */
  uploads: UploadService;
}

export type RoutePlugin = FastifyPluginAsync<Services, Server, TypeBoxTypeProvider>;
