import { afterAll, beforeAll, expect, it } from 'vitest';
import { Fixture } from '../conformance/fixtures.js';
import { createTestDatabase, mysqlService, requireService, type TestDatabase } from '../../../test/services.js';
import { searchTerms } from '../search-tokens.js';
import type { MessageSearch } from '../store.js';
import { createMysqlDb, openMysqlStore } from './mysql-store.js';
import { planIndexQuery, wordGroups, wordShares } from './mysql-search-plan.js';

const describeMysql = await requireService(mysqlService);

describeMysql('MySQL/MariaDB search plan', () => {
  const f = new Fixture();
  let database: TestDatabase;
  let conversationId: string;
  let userId: string;
  const cleanups: (() => Promise<unknown>)[] = [];

  // One database for the file: each migration waits for the server-wide migration lock, which other test runs on a shared server hold.
  beforeAll(async () => {
    database = await createTestDatabase();
    // Walk nothing: every search asks the FULLTEXT index, as a sparse one does.
    const store = openMysqlStore(database.url, { poolSize: 2, searchWalkRows: 0 });
    await store.migrate();
    f.store = store;
    cleanups.push(
      () => database.drop(),
      () => store.close(),
    );
    const [a, b] = await Promise.all([f.user('plan_a'), f.user('plan_b')]);
    userId = a!.id;
    conversationId = (await f.conversation('group', [a!.id, b!.id])).conversation.id;
    const bodies = [
      'zorbex meeting at ten',
      'zorbex alone',
      ...Array.from({ length: 10 }, (_, i) => `meeting number ${i}`),
      'the release plan',
      'a plan',
    ];
    await f.append(bodies.map((body, i) => f.msg(conversationId, userId, `p${i}`, body)));
  }, 120_000);
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const search = (q: string): MessageSearch => ({ userId, terms: searchTerms(q), limit: 50 });
  const find = async (q: string) => (await f.store.search.searchMessages(search(q))).map((h) => h.message.body);

  it("finds a rare word with a common one by comparing the common one in the rare one's rows", async () => {
    const db = createMysqlDb(database.url, { poolSize: 1 });
    cleanups.push(() => db.destroy());
    const groups = wordGroups(search('zorbex meeting '));
    const shares = await wordShares()(db, groups);
    // 14 rows sampled: zorbex in 2, meeting in 11 (half a match added to each count).
    expect(shares).toEqual([2.5 / 15, 11.5 / 15]);
    expect(planIndexQuery(groups, shares).filtered).toEqual([groups[1]]);
    expect(await find('zorbex meeting ')).toEqual(['zorbex meeting at ten']);
    expect(await find('meeting zorbex ')).toEqual(['zorbex meeting at ten']);
    expect(await find('zorbex meet')).toEqual(['zorbex meeting at ten']);
    expect(await find('plan release ')).toEqual(['the release plan']);
  });

  it("remembers a word's share for ten minutes, then samples the newest rows again", async () => {
    const db = createMysqlDb(database.url, { poolSize: 1 });
    cleanups.push(() => db.destroy());
    let now = 0;
    const shares = wordShares(() => now);
    const groups = wordGroups(search('zorbex '));
    const first = await shares(db, groups);
    await f.append([f.msg(conversationId, userId, 'later', 'zorbex again')]);
    const sampled = await wordShares()(db, groups);
    expect(sampled[0]).toBeGreaterThan(first[0]!);
    now = 10 * 60_000 - 1;
    expect(await shares(db, groups)).toEqual(first);
    now = 10 * 60_000;
    expect(await shares(db, groups)).toEqual(sampled);
  });
});
