import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../packages/server/src/index.js';
import { postgresService, requireService } from '../../packages/server/test/services.js';
import { planGroups } from './idle-plan.js';
import { type SeededUser, passwordHashOf, passwordHashOfPostgres, seedIdle, seedIdlePostgres } from './idle-seed.js';
import { SEEDED_HASH, postgresSeedTarget, sqliteSeedTarget } from './seed-stores.test-support.js';

// The idle phase writes its users and groups with SQL of its own: the server's store must read
// them as if they had signed up, made the groups and signed in (the refresh token the bench spends).
const COUNT = 45;
const PER_USER = 5;
const SIZE = 4;

async function expectReadable(store: Store, users: SeededUser[]): Promise<void> {
  const first = await store.users.getUserByUsername('idle0');
  expect(first?.id).toBe(users[0]!.id);
  expect(first?.passwordHash).toBe(SEEDED_HASH);
  const conversations = await store.conversations.listConversationIds(users.map((u) => u.id));
  for (const user of users) expect(conversations.get(user.id)).toHaveLength(PER_USER);
  // User 0's groups, as the plan made them: members, and the first of them the owner.
  const planned = planGroups(COUNT, PER_USER, SIZE)
    .filter((g) => g.includes(0))
    .map((g) => ({ owner: users[g[0]!]!.id, members: g.map((i) => users[i]!.id).sort() }));
  const stored = [];
  for (const conversationId of conversations.get(users[0]!.id)!) {
    const members = await store.members.listMembers(conversationId);
    stored.push({ owner: members.find((m) => m.role === 'owner')?.userId, members: members.map((m) => m.userId).sort() });
    expect(members.filter((m) => m.role === 'owner')).toHaveLength(1);
  }
  const byOwnerAndMembers = (a: { owner?: string; members: string[] }, b: { owner?: string; members: string[] }) =>
    JSON.stringify(a).localeCompare(JSON.stringify(b));
  expect(stored.sort(byOwnerAndMembers)).toEqual(planned.sort(byOwnerAndMembers));
  const now = Date.now();
  const rotated = await store.sessions.rotateRefreshToken({
    oldHash: createHash('sha256').update(users[7]!.refreshToken).digest('hex'),
    newHash: createHash('sha256').update('next').digest('hex'),
    now,
    expiresAt: now + 60_000,
    reissueIfSpentAfter: now,
  });
  expect(rotated.status).toBe('rotated');
  if (rotated.status === 'rotated') expect(rotated.session.userId).toBe(users[7]!.id);
}

describe('the idle phase’s seed, read by the server’s store (SQLite)', () => {
  const target = sqliteSeedTarget('idle');

  it('holds every user in five groups, each group’s members and owner, and a refresh token that rotates', async () => {
    const file = await target.migratedFile();
    const users = seedIdle(file, COUNT, SEEDED_HASH, planGroups(COUNT, PER_USER, SIZE));
    expect(passwordHashOf(file, 'IDLE3')).toBe(SEEDED_HASH);
    await expectReadable(target.open(file), users);
  });
});

const describePostgres = await requireService(postgresService);

describePostgres('the idle phase’s seed, read by the server’s store (PostgreSQL)', () => {
  const target = postgresSeedTarget();

  it('holds every user in five groups, each group’s members and owner, and a refresh token that rotates', async () => {
    const store = await target.migratedStore();
    const users = await seedIdlePostgres(target.url, COUNT, SEEDED_HASH, planGroups(COUNT, PER_USER, SIZE));
    expect(await passwordHashOfPostgres(target.url, 'IDLE3')).toBe(SEEDED_HASH);
    await expectReadable(store, users);
  });
});
