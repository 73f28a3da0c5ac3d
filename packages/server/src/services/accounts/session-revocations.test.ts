import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until } from '../../../test/harness.js';
import { SESSIONS_TOPIC, type SessionRevokedNotice } from '../../bus/bus.js';
import { MemoryBus } from '../../bus/memory-bus.js';
import { newId } from '../../ids.js';
import { openSqliteStore } from '../../store/sqlite/sqlite-store.js';
import type { Store } from '../../store/store.js';
import { SessionRevocations } from './session-revocations.js';

const TTL_MS = 60_000;
/** The entries' lifetime: the access-token TTL plus the minute of clock slack. */
const RETENTION_MS = TTL_MS + 60_000;

describe('SessionRevocations', () => {
  let dir: string;
  let store: Store;
  let bus: MemoryBus;
  const running: SessionRevocations[] = [];
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'confab-revocations-'));
    store = openSqliteStore(path.join(dir, 'test.sqlite3'));
    await store.migrate();
    bus = new MemoryBus();
  });
  afterEach(async () => {
    for (const revocations of running.splice(0)) revocations.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(checkIntervalMs = 60_000): Promise<{ revocations: SessionRevocations; heard: string[] }> {
    const revocations = new SessionRevocations(store, bus, {
      accessTtlMs: TTL_MS,
      checkIntervalMs,
      onError: (error) => expect.fail(String(error)),
    });
    running.push(revocations);
    const heard: string[] = [];
    revocations.onRevoked((session) => heard.push(session.id));
    await revocations.start();
    return { revocations, heard };
  }

  async function session(revokedAt: number | null = null): Promise<{ id: string; userId: string }> {
    const userId = newId();
    await store.users.insertUser({
      id: userId,
      username: `u${userId.slice(-12)}`,
      displayName: 'u',
      bio: '',
      email: null,
      isAdmin: false,
      passwordHash: 'x',
      createdAt: 0,
    });
    const id = newId();
    await store.sessions.createSession({ id, userId, createdAt: 0, revokedAt: null }, `hash-${id}`, Date.now() + 60_000);
    if (revokedAt !== null) await store.sessions.revokeSession(id, revokedAt);
    return { id, userId };
  }

  it('knows at start the sessions revoked within the access-token lifetime, not older ones', async () => {
    const recent = await session(Date.now() - TTL_MS);
    const old = await session(Date.now() - RETENTION_MS - 1000);
    const live = await session();
    const { revocations } = await start();
    expect([recent, old, live].map((s) => revocations.isRevoked(s.id))).toEqual([true, false, false]);
  });

  it('takes a revocation announced here at once, and tells the other nodes on the sessions topic', async () => {
    const notices: SessionRevokedNotice[] = [];
    const { revocations, heard } = await start();
    await bus.subscribe<SessionRevokedNotice>(SESSIONS_TOPIC, ({ event }) => notices.push(event)); // as another node would
    const s = await session();
    await revocations.announce(s, 1234);
    expect(revocations.isRevoked(s.id)).toBe(true);
    expect(heard).toEqual([s.id]);
    expect(notices).toEqual([{ type: 'session.revoked', sessionId: s.id, userId: s.userId, revokedAt: 1234 }]);
  });

  it("hears other nodes' revocations on the bus, each once", async () => {
    const { revocations, heard } = await start();
    const s = await session();
    const notice: SessionRevokedNotice = { type: 'session.revoked', sessionId: s.id, userId: s.userId, revokedAt: Date.now() };
    await bus.publish([SESSIONS_TOPIC], notice);
    await bus.publish([SESSIONS_TOPIC], notice);
    expect(revocations.isRevoked(s.id)).toBe(true);
    expect(heard).toEqual([s.id]);
  });

  it('finds a revocation the bus never carried at the next periodic read', async () => {
    const { revocations, heard } = await start(50);
    const s = await session();
    await store.sessions.revokeSession(s.id, Date.now());
    await until(() => revocations.isRevoked(s.id), 'the periodic read to find the revocation', 2000);
    expect(heard).toEqual([s.id]);
  });

  it('forgets a revocation once no token issued before it can still be valid', async () => {
    const { revocations } = await start(50);
    const s = await session();
    await revocations.announce(s, Date.now() - RETENTION_MS - 1000);
    expect(revocations.isRevoked(s.id)).toBe(true);
    await until(() => !revocations.isRevoked(s.id), 'the stale entry to be pruned', 2000);
  });
});
