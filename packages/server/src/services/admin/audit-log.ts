import type { Logger } from 'pino';
import { newId } from '../../ids.js';
import type { AdminStore, AuditRecord } from '../../store/store.js';
import type { SecurityEvent, SecurityEvents } from '../security-events.js';

/** What the admin tools need of the audit log: recording, and waiting until what was recorded is stored. */
export interface AuditTrail extends SecurityEvents {
  flush(): Promise<void>;
}

export interface AuditLogOptions {
  /** How often queued entries are written. */
  flushIntervalMs: number;
  /** A write starts at once when this many are queued. */
  batchSize: number;
  /** Entries queued beyond this are dropped (and the drop logged): a flood must not fill the memory. */
  maxQueued: number;
}

const DEFAULTS: AuditLogOptions = { flushIntervalMs: 1000, batchSize: 500, maxQueued: 20_000 };

/**
 * The audit log: every security event and admin action, kept in the store for the admins
 * (`GET /api/v1/admin/audit`) and logged as before. Written off the request path: `record`
 * only queues, and a timer (or a full batch) writes the queue in one insert, so a flood of
 * failed logins costs each request a push onto an array, never a store round trip. `flush` waits
 * for everything queued so far (admin actions before they answer; shutdown).
 */
export class AuditLog implements AuditTrail {
  private queue: AuditRecord[] = [];
  private writing: Promise<void> = Promise.resolve();
  private dropped = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly options: AuditLogOptions;

  constructor(
    private readonly store: { admin: Pick<AdminStore, 'appendAudit' | 'pruneAudit'> },
    private readonly logged: SecurityEvents,
    private readonly logger: Logger,
    options: Partial<AuditLogOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs);
    this.timer.unref();
  }

  record(event: SecurityEvent): void {
    this.logged.record(event);
    if (this.queue.length >= this.options.maxQueued) {
      this.dropped++;
      return;
    }
    this.queue.push(toAuditRecord(event, Date.now()));
    if (this.queue.length >= this.options.batchSize) void this.flush();
  }

  /** Writes what is queued (after any write in progress); resolves once it is stored or its failure logged. */
  flush(): Promise<void> {
    // Chained: one write at a time, in order, and each caller waits for its own entries.
    this.writing = this.writing.then(() => this.writeQueued());
    return this.writing;
  }

  /** Shutdown: no more timed writes; everything queued is written. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Deletes entries older than `retentionDays`; idempotent, so every node may run it. */
  prune(retentionDays: number, now = Date.now()): Promise<number> {
    return this.store.admin.pruneAudit(now - retentionDays * 86_400_000);
  }

  private async writeQueued(): Promise<void> {
    if (this.dropped > 0) {
      this.logger.warn({ dropped: this.dropped }, 'audit log: entries dropped, the queue was full');
      this.dropped = 0;
    }
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.batchSize);
      try {
        await this.store.admin.appendAudit(batch);
      } catch (error) {
        // The events are in the log lines already; the entries are not retried (a store that is down would grow the queue).
        this.logger.warn({ err: error, entries: batch.length }, 'audit log: could not store entries');
      }
    }
  }
}

/** The stored form of an event: who, to whom and from where in columns, the rest as details. */
export function toAuditRecord(event: SecurityEvent, at: number): AuditRecord {
  const { type, ...rest } = event;
  const fields = rest as Record<string, unknown>;
  const { actorId, userId, ip, ...details } = fields;
  return {
    id: newId(),
    at,
    type,
    actorId: typeof actorId === 'string' ? actorId : null,
    userId: typeof userId === 'string' ? userId : null,
    ip: typeof ip === 'string' ? ip : null,
    details,
  };
}
