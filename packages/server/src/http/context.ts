import type { Imports } from '../services/imports/index.js';
import type { Server } from 'node:http';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from '../config.js';
import type { Accounts } from '../services/accounts/index.js';
import type { Admin } from '../services/admin/index.js';
import type { Assist } from '../services/assist/index.js';
import type { Conversations } from '../services/conversations/index.js';
import type { Events } from '../services/events/index.js';
import type { Files } from '../services/files/index.js';
import type { Messaging } from '../services/messaging/index.js';
import type { Notifications } from '../services/notifications/index.js';
import type { Scheduling } from '../services/scheduling/index.js';
import type { Presence } from '../services/presence/index.js';
import type { Search } from '../services/search/index.js';
import type { Encryption } from '../services/encryption/index.js';
import type { RateLimitService } from '../services/rate-limits.js';
import type { Store } from '../store/store.js';

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
  /** Every abuse limit (routes name theirs in route-limits.ts; services count the rest). */
  rateLimits: RateLimitService;
  /** Sign-up, tokens, sessions, passwords, email, invites, export and erasure. */
  accounts: Accounts;
  /** The instance admins' tools (users, deactivation, stats, the audit log). */
  admin: Admin;
  /** Conversations, members, my settings in them, blocks. */
  conversations: Conversations;
  /** Messages: sends, history, receipts, edits, threads, reactions, pins, live locations, typing. */
  messaging: Messaging;
  /** Scheduled send: my scheduled messages, and the node's dispatcher. */
  scheduling: Scheduling;
  /** The event log: publishing and reading from a cursor (sync). */
  events: Events;
  presence: Presence;
  /** Notifications and Web Push. */
  notifications: Notifications;
  /** Uploads, downloads, thumbnails. */
  files: Files;
  /** Full-text search of messages, and conversations by name. */
  search: Search;
  /** End-to-end encryption: devices, identity keys, KeyPackages. */
  encryption: Encryption;
  /** Needs reply, catch-up, frecency suggestions, my Assist switches (issue 40). */
  assist: Assist;
  /** Imports from Slack and Mattermost (issue 37). */
  imports: Imports;
}

export type RoutePlugin = FastifyPluginAsync<Services, Server, TypeBoxTypeProvider>;
