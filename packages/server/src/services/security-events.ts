import type { Logger } from 'pino';

/**
 * What happened to an account that an operator may need to know: the audit log (issue 12, the
 * admin side) implements this interface; until then the events are logged.
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
  | { type: 'account.erased'; userId: string; messagesErased: number };

export interface SecurityEvents {
  record(event: SecurityEvent): void;
}

/** Security events as log lines (`securityEvent` field), at info level. */
export class LoggedSecurityEvents implements SecurityEvents {
  constructor(private readonly logger: Logger) {}

  record(event: SecurityEvent): void {
    this.logger.info({ securityEvent: event }, `security event: ${event.type}`);
  }
}
