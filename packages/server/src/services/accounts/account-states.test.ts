import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryBus } from '../../bus/memory-bus.js';
import { TopicHub } from '../../bus/topic-hub.js';
import { Fixture } from '../../store/conformance/fixtures.js';
import { openSqliteStore } from '../../store/sqlite/sqlite-store.js';
import { AccountStates } from './account-states.js';

/** The per-node cache of deactivated accounts (issue 35), over a real SQLite store and the in-process bus. */
describe('AccountStates', () => {
  const f = new Fixture();
  let dir: string;
  let bus: MemoryBus;
  const resyncs: (() => void)[] = [];
  const nodes: AccountStates[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'confab-accounts-'));
    f.store = openSqliteStore(path.join(dir, 'test.sqlite3'));
    await f.store.migrate();
    bus = new MemoryBus();
    nodes.length = 0;
    resyncs.length = 0;
    // Two "nodes" hearing the one bus, each through the topic hub as server.ts wires it.
    const hub = new TopicHub(bus);
    for (let i = 0; i < 2; i++) {
      const node = new AccountStates(f.store, bus, 60_000);
      await node.followCluster({ subscribe: hub.consumer().subscribe, onResync: (listener) => void resyncs.push(listener) });
      nodes.push(node);
    }
  });
  afterEach(async () => {
    vi.useRealTimers();
    await f.store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers from its cache, and every node reads again once told of a change', async () => {
    const user = await f.user('dormant');
    const [a, b] = nodes as [AccountStates, AccountStates];
    expect(await a.isDeactivated(user.id)).toBe(false);
    expect(await b.isDeactivated(user.id)).toBe(false);
    await f.store.admin.setDeactivated(user.id, f.tick());
    // Not told yet: the cache answers (no query per send).
    expect(await b.isDeactivated(user.id)).toBe(false);
    await a.changed(user.id, true);
    expect(await a.isDeactivated(user.id)).toBe(true);
    expect(await b.isDeactivated(user.id)).toBe(true);
    await expect(b.assertActive(user.id)).rejects.toMatchObject({ code: 'user_deactivated' });

    await f.store.admin.setDeactivated(user.id, null);
    await b.changed(user.id, false);
    expect(await a.isDeactivated(user.id)).toBe(false);
    await expect(a.assertActive(user.id)).resolves.toBeUndefined();
    expect(await a.isDeactivated('no-such-user')).toBe(false);
  });

  it('forgets everything on a bus resync, and anything older than its age bound', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const user = await f.user('dormant');
    const [a] = nodes as [AccountStates];
    expect(await a.isDeactivated(user.id)).toBe(false);
    await f.store.admin.setDeactivated(user.id, f.tick());
    expect(await a.isDeactivated(user.id)).toBe(false);
    for (const resync of resyncs) resync();
    expect(await a.isDeactivated(user.id)).toBe(true);

    await f.store.admin.setDeactivated(user.id, null);
    vi.advanceTimersByTime(59_000);
    expect(await a.isDeactivated(user.id)).toBe(true);
    vi.advanceTimersByTime(2_000);
    expect(await a.isDeactivated(user.id)).toBe(false);
  });
});
