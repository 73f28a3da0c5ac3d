import type { Logger } from 'pino';
import type { RateLimitName } from '../rate-limit-config.js';

/** Something an operator wants on record: for now the rate-limit trips. */
export type SecurityEvent = {
  type: 'rate_limit_tripped';
  limit: RateLimitName;
  /** What was counted: an address, an account's login, a user or socket id. */
  key: string;
  retryAfterMs: number;
  ip?: string;
  userId?: string;
};

/**
 * Where security events go. The log implementation below writes them with pino; the admin audit
 * log (GET /api/v1/admin/audit) is to implement this interface too, keeping them for
 * AUDIT_RETENTION_DAYS.
 */
export interface SecurityEvents {
  record(event: SecurityEvent): void;
}

export class LoggedSecurityEvents implements SecurityEvents {
  constructor(private readonly logger: Logger) {}

  record(event: SecurityEvent): void {
    this.logger.warn({ security: event }, `security: ${event.type} (${event.limit})`);
  }
}
