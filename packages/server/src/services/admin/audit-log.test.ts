import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqlStore } from '../../store/sql-store.js';
import { openSqliteStore } from '../../store/sqlite/sqlite-store.js';
import { AuditLog } from './audit-log.js';
import { LoggedSecurityEvents } from '../security-events.js';

/** A real store and a real logger whose lines are kept. */
describe('AuditLog', () => {
  let dir: string;
  let store: SqlStore;
  let lines: { msg: string; securityEvent?: { type: string }; dropped?: number }[];
  const logger = () =>
    pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
          done();
        },
      }),
    );
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'confab-audit-'));
    store = openSqliteStore(path.join(dir, 'audit.sqlite3'));
    await store.migrate();
    lines = [];
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('queues events without touching the store, logs each at once, and writes them in batches when flushed', async () => {
    const log = logger();
    const audit = new AuditLog(store, new LoggedSecurityEvents(log), log, { flushIntervalMs: 60_000, batchSize: 400 });
    for (let i = 0; i < 1000; i++) audit.record({ type: 'login.failed', userId: null, ip: `198.51.100.${i % 250}` });
    // Two full batches started writing on their own; nothing waits on them in `record`.
    expect(lines.filter((l) => l.securityEvent?.type === 'login.failed')).toHaveLength(1000);
    await audit.flush();
    const stored = await store.admin.listAudit({ limit: 100 });
    expect(stored).toHaveLength(100);
    expect(stored[0]).toMatchObject({
      type: 'login.failed',
      actorId: null,
      userId: null,
      ip: expect.stringMatching(/^198\.51\.100\./),
      details: {},
    });
    expect(await store.admin.pruneAudit(Date.now() + 1)).toBe(1000);
    await audit.close();
  });

  it('keeps who acted and on whom in columns, the rest as details', async () => {
    const log = logger();
    const audit = new AuditLog(store, new LoggedSecurityEvents(log), log, { flushIntervalMs: 60_000 });
    audit.record({ type: 'admin.user_deactivated', actorId: 'admin-1', userId: 'user-1', sessionsEnded: 3 });
    audit.record({ type: 'rate_limit.tripped', limit: 'loginIp', key: '203.0.113.1', retryAfterMs: 500, ip: '203.0.113.1' });
    await audit.close();
    const [trip, action] = await store.admin.listAudit({ limit: 10 });
    expect(action).toMatchObject({
      type: 'admin.user_deactivated',
      actorId: 'admin-1',
      userId: 'user-1',
      ip: null,
      details: { sessionsEnded: 3 },
    });
    expect(trip).toMatchObject({
      type: 'rate_limit.tripped',
      ip: '203.0.113.1',
      details: { limit: 'loginIp', key: '203.0.113.1', retryAfterMs: 500 },
    });
  });

  it('drops what is past the queue’s bound and says how many, so a flood cannot fill the memory', async () => {
    const log = logger();
    const audit = new AuditLog(store, new LoggedSecurityEvents(log), log, { flushIntervalMs: 60_000, batchSize: 1000, maxQueued: 10 });
    for (let i = 0; i < 25; i++) audit.record({ type: 'login.failed', userId: null, ip: null });
    await audit.close();
    expect(await store.admin.listAudit({ limit: 100 })).toHaveLength(10);
    expect(lines.find((l) => l.dropped !== undefined)).toMatchObject({ dropped: 15, msg: expect.stringMatching(/dropped/) });
  });

  it('logs a failed write instead of failing the flush (the events are in the log lines)', async () => {
    const log = logger();
    const audit = new AuditLog(store, new LoggedSecurityEvents(log), log, { flushIntervalMs: 60_000 });
    await store.close();
    audit.record({ type: 'email.verified', userId: 'u1' });
    await expect(audit.close()).resolves.toBeUndefined();
    expect(lines.find((l) => /could not store/.test(l.msg))).toBeDefined();
    expect(lines.find((l) => l.securityEvent?.type === 'email.verified')).toBeDefined();
    store = openSqliteStore(path.join(dir, 'audit.sqlite3')); // for afterEach
  });
});
