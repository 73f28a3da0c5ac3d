import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { createTestSchema, postgresService, requireService, withPostgres } from '../../../test/services.js';
import { createMetrics } from '../../metrics.js';
import { createReindexJob } from '../../services/search/reindex-job.js';
import { Fixture } from '../conformance/fixtures.js';
import { searchTerms } from '../search-tokens.js';
import { openPostgresStore } from './postgres-store.js';

const describePostgres = await requireService(postgresService);

describePostgres('PostgreSQL search: the re-index job after 0024', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('answers by the old vectors meanwhile, then by the tokens, two nodes taking turns on one mark', async () => {
    const schema = await createTestSchema();
    cleanups.push(() => schema.drop());
    const [one, two] = [openPostgresStore(schema.url, { poolSize: 2 }), openPostgresStore(schema.url, { poolSize: 2 })];
    cleanups.push(() => Promise.all([one.close(), two.close()]));
    await one.migrate();
    await two.migrate();
    const f = new Fixture();
    f.store = one;
    const a = await f.user('amy');
    const group = (await f.conversation('group', [a.id])).conversation;
    await f.append(
      Array.from({ length: 1100 }, (_, i) => f.msg(group.id, a.id, `o${i}`, i % 2 ? `встреча в пятницу ${i}` : `明日の会議は${i}時`)),
    );
    // As a version before 0024 left it: each vector the folded words of the old tokenizer (a CJK run one lexeme), the job to run.
    await withPostgres(schema.url, async (c) => {
      await c.query(`update messages set search_vector = to_tsvector('simple', body)`);
      await c.query(`update search_reindex set below = null, finished_at = null`);
    });
    const find = async (q: string) => (await one.search.searchMessages({ userId: a.id, terms: searchTerms(q), limit: 2000 })).length;
    expect(await find('пятницу ')).toBe(550);
    expect(await find('пятница ')).toBe(0);
    expect(await find('会議 ')).toBe(0);
    expect(await one.search.reindexRemaining()).toBe(1100);

    // Two nodes' jobs at once: each step locks the mark, so they take turns and never redo a step's messages.
    const metrics = [createMetrics(), createMetrics()];
    const jobs = [
      createReindexJob(one, pino({ level: 'silent' }), metrics[0]!),
      createReindexJob(two, pino({ level: 'silent' }), metrics[1]!),
    ];
    for (const job of jobs) job.start();
    await Promise.all(jobs.map((job) => job.finished));
    const counted = await Promise.all(
      metrics.map(async (m) => (await m.registry.getSingleMetric('confab_search_reindexed_messages_total')!.get()).values[0]!.value),
    );
    expect(counted[0]! + counted[1]!).toBe(1100);
    expect(await find('пятница ')).toBe(550);
    expect(await find('会議 ')).toBe(550);
    expect(await two.search.reindexRemaining()).toBe(0);
    expect(await two.search.reindexStep()).toEqual({ indexed: 0, finished: true });
  });
});
