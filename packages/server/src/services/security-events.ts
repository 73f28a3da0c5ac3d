import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import type { RateLimitName } from '../rate-limit-config.js';

/**
 * What happened to an account, or at the edge, that an operator may need to know: the audit log
 * (issue 12, the admin side) implements this interface; until then the events are logged.
 */
export type SecurityEvent =
  | { type: 'login.failed'; userId: string | null; ip: string | null }
  | { type: 'password.reset_requested'; userId: string }
  | { type: 'password.reset'; userId: string; sessionsEnded: number }
  | { type: 'password.changed'; userId: string; sessionsEnded: number }
  | { type: 'password.rehashed'; userId: string }
  | { type: 'email.changed'; userId: string }
  | { type: 'email.verified'; userId: string }
  | { type: 'session.ended'; userId: string; sessionId: string }
  | { type: 'sessions.ended_all'; userId: string; sessionsEnded: number }
  | { type: 'account.erased'; userId: string; messagesErased: number }
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
