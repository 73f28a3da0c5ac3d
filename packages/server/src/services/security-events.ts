import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import type { RateLimitName } from '../rate-limit-config.js';

/**
 * What happened to an account, or at the edge, that an operator may need to know, and what the
 * instance admins did (`admin.*`, `actorId` null: the operator at the CLI). Each is logged and
 * kept in the audit log (services/admin/audit-log.ts).
 */
export type SecurityEvent =
  | { type: 'login.failed'; userId: string | null; ip: string | null; reason?: 'deactivated' }
  | { type: 'password.reset_requested'; userId: string }
  | { type: 'password.reset'; userId: string; sessionsEnded: number }
  | { type: 'account.claim_sent'; userId: string }
  | { type: 'account.claimed'; userId: string }
  | { type: 'password.changed'; userId: string; sessionsEnded: number }
  | { type: 'password.rehashed'; userId: string }
  | { type: 'email.changed'; userId: string }
  | { type: 'email.verified'; userId: string }
  | { type: 'session.ended'; userId: string; sessionId: string }
  | { type: 'sessions.ended_all'; userId: string; sessionsEnded: number }
  | { type: 'account.erased'; userId: string; messagesErased: number }
  | { type: 'admin.user_deactivated'; actorId: string | null; userId: string; sessionsEnded: number }
  | { type: 'admin.user_reactivated'; actorId: string | null; userId: string }
  | { type: 'admin.password_reset_sent'; actorId: string | null; userId: string }
  | { type: 'admin.sessions_ended'; actorId: string | null; userId: string; sessionsEnded: number }
  | { type: 'admin.invite_created'; actorId: string | null; inviteId: string }
  | {
      type: 'rate_limit.tripped';
      limit: RateLimitName;
      /** What was counted: an address, an account's login, a user or socket id. */
      key: string;
      retryAfterMs: number;
      ip?: string;
      userId?: string;
    };

export interface SecurityEvents {
  record(event: SecurityEvent): void;
}

/** Security events as log lines (`securityEvent` field): trips at warn, the rest at info; trips counted on /metrics too. */
export class LoggedSecurityEvents implements SecurityEvents {
  constructor(
    private readonly logger: Logger,
    private readonly metrics?: Pick<Metrics, 'rateLimitTrips'>,
  ) {}

  record(event: SecurityEvent): void {
    if (event.type === 'rate_limit.tripped') this.metrics?.rateLimitTrips.inc({ limit: event.limit });
    if (event.type === 'rate_limit.tripped') this.logger.warn({ securityEvent: event }, `security event: ${event.type} (${event.limit})`);
    else this.logger.info({ securityEvent: event }, `security event: ${event.type}`);
  }
}
