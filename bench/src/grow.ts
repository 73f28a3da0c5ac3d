import os from 'node:os';
import path from 'node:path';
import { encodeSyncCursor } from '@confab/protocol';
import { type ClusterSpace, makeClusterSpace } from './cluster-space.js';
import { historyPages, resume, rssMiB, searches, signIn, startTimed } from './grow-measure.js';
import { type GrowSizes, planGrow, resumeCursor } from './grow-plan.js';
import { type GrowResult, formatGrow, machineOf, saveGrow, verdicts } from './grow-report.js';
import { growRowsFor, storeBytes, writeGrow } from './grow-seed.js';
import { passwordHashOf, passwordHashOfPostgres } from './idle-seed.js';
import type { Options } from './options.js';
import { vocabulary } from './search-seed.js';
import { keepTempDir, makeTempDir, removeTempDir } from './child-processes.js';
import { startConfab } from './server-process.js';
import { registerUsers } from './setup.js';
import { round } from './stats.js';

/**
 * `--only grow` (issue 41 item 3): does Confab stay fast as the data grows? A large instance is
 * seeded in bulk into a store the server migrated (grow-seed.ts), then a real server starts on
 * it and a client's calls are timed (grow-measure.ts) against the bars (grow-report.ts).
 * SQLite as `npm start` runs it, or with `--grow-store postgres` one cluster node on PostgreSQL +
 * Redis (a schema and prefix of its own, dropped after unless `--grow-keep`).
 */
export const growSizes = (o: Options): GrowSizes => ({
  users: o.growUsers,
  messages: o.growMessages,
  conversations: o.growConversations,
  userConversations: o.growUserConversations,
  bigMessages: o.growBigMessages,
});

/** "41.2 ms (call 0)": a tail made of first calls is a cold cache, not the steady state. */
const fmtSlowest = (calls: { at: number; ms: number }[]) => calls.map((c) => `${c.ms} ms (call ${c.at})`).join(', ');

export async function runGrow(options: Options, log: (text: string) => void, fatal: (error: unknown) => never): Promise<void> {
  const engine = options.growStore;
  const sizes = growSizes(options);
  const dataDir = makeTempDir('confab-bench-grow-');
  let space: ClusterSpace | null = null;
  try {
    if (engine === 'postgres') space = await makeClusterSpace(options.postgresUrl, options.redisUrl, log);
    const env = { DATA_DIR: dataDir, ...space?.env };
    const target = space?.env['DATABASE_URL'] ?? path.join(dataDir, 'confab.sqlite3');
    // 1. The server migrates the store; one registration gives the real argon2id hash every seeded user shares.
    const migrating = await startConfab(fatal, [], env);
    await registerUsers(migrating.baseUrl, 1, 1);
    await migrating.stop();
    const hash = space ? await passwordHashOfPostgres(target, 'user0') : passwordHashOf(target, 'user0');
    // The same start on the empty store: what start-up costs without the data, on this machine now.
    const empty = await startTimed(fatal, options.serverNodeArgs, env);
    await empty.confab.stop();
    log(`grow: the server starts on the empty store in ${empty.startupMs} ms, RSS ${empty.rssMiB} MiB`);

    // 2. The plan, then the bulk load with no server running.
    let seedStarted = performance.now();
    const plan = planGrow(sizes, Date.now());
    const rows = await growRowsFor(engine, target, plan);
    const prepareSec = round((performance.now() - seedStarted) / 1000, 1);
    log(
      `grow: planned and bodies tokenized in ${prepareSec} s; seeding ${engine}: ${sizes.users} users, ${sizes.messages} messages in ${sizes.conversations} conversations`,
    );
    seedStarted = performance.now();
    let lastLog = seedStarted;
    await writeGrow(engine, target, rows, hash, (written) => {
      const now = performance.now();
      if (now - lastLog < 10_000 && written < sizes.messages) return;
      lastLog = now;
      log(`  ${written.toLocaleString('en-US')} messages, ${Math.round(written / ((now - seedStarted) / 1000)).toLocaleString('en-US')}/s`);
    });
    const seedSec = round((performance.now() - seedStarted) / 1000, 1);
    const bytes = await storeBytes(engine, target);
    const seed = {
      prepareSec,
      sec: seedSec,
      messagesPerSec: Math.round(sizes.messages / seedSec),
      eventsKept: sizes.messages - plan.firstKept,
      storeBytes: bytes,
      bytesPerMessage: Math.round(bytes / sizes.messages),
    };
    log(`  seeded in ${seedSec} s (${seed.messagesPerSec}/s), ${round(bytes / 2 ** 20, 0)} MiB, ${seed.bytesPerMessage} bytes a message`);

    // 3. The server on the large store, as a client meets it.
    const loadBefore = round(os.loadavg()[0]!, 1);
    const started = await startTimed(fatal, options.serverNodeArgs, env);
    const { confab } = started;
    log(`grow: server ready in ${started.startupMs} ms, RSS ${started.rssMiB} MiB`);
    try {
      const signed = await signIn(confab.baseUrl, 'grow0', options.growSignIns);
      const { accessToken, ...signInFigures } = signed;
      log(
        `  sign-in: ${signed.restCalls} calls, the whole list p50 ${signed.fullListMs?.p50} ms, a page p99 ${signed.pageMs?.p99} ms; slowest pages ${fmtSlowest(signed.pageSlowest)}`,
      );
      const big = rows.conversationIds[0]!;
      const history = await historyPages(confab.baseUrl, accessToken, big, plan.lastSeq[0]!, options.growRequests);
      log(
        `  history anywhere: p50 ${history.anywhereMs?.p50} / p99 ${history.anywhereMs?.p99} ms; slowest ${fmtSlowest(history.anywhereSlowest)}`,
      );
      log(
        `  the newest page: p50 ${history.newestMs?.p50} / p99 ${history.newestMs?.p99} ms; slowest ${fmtSlowest(history.newestSlowest)}`,
      );
      const resumes = [];
      for (const wanted of [0, ...options.growResume]) {
        const { pos, missed } = resumeCursor(plan, wanted);
        if (wanted > 0 && missed < wanted) log(`  resume: the log holds ${missed} events of the user, not ${wanted}`);
        const result = await resume(confab.wsUrl(accessToken), encodeSyncCursor(rows.epoch, pos), missed, 3);
        log(`  resume, ${missed} missed: ${result.replayed} replayed, ${result.bytes} bytes, ${result.ms} ms`);
        resumes.push(result);
      }
      const words = vocabulary(50_000);
      const queries = [
        { label: 'common word', q: 'meeting ' },
        { label: 'rarer word', q: `${words[5000]} ` },
        { label: 'prefix (typing)', q: 'proj' },
        { label: 'two words', q: 'release plan ' },
      ];
      const search = await searches(confab.baseUrl, accessToken, queries, options.growRequests);
      const rssAfterMiB = rssMiB(confab.child.pid);
      const partial: Omit<GrowResult, 'verdicts'> = {
        date: new Date().toISOString(),
        engine,
        machine: machineOf(loadBefore),
        sizes,
        seed,
        startup: {
          startupMs: started.startupMs,
          healthyMs: started.healthyMs,
          rssMiB: started.rssMiB,
          rssAfterMiB,
          emptyStartupMs: empty.startupMs,
          emptyRssMiB: empty.rssMiB,
        },
        signIn: { ...signInFigures, unreadPlanned: plan.unreadTotal },
        history: { lastSeq: plan.lastSeq[0]!, ...history },
        resume: resumes,
        search,
      };
      const result: GrowResult = { ...partial, verdicts: verdicts(partial) };
      process.stdout.write(formatGrow(result));
      if (options.save) log(`saved ${saveGrow(result, options.quick)}`);
    } finally {
      await confab.stop();
    }
  } finally {
    if (options.growKeep) keepStore(space, dataDir, log);
    else {
      removeTempDir(dataDir);
      await space?.cleanup();
    }
  }
}

/** `--grow-keep`: the seeded store stays for its plans to be queried; says where it is and how to drop it. */
function keepStore(space: ClusterSpace | null, dataDir: string, log: (text: string) => void): void {
  if (space === null) {
    keepTempDir(dataDir);
    log(`grow: kept ${path.join(dataDir, 'confab.sqlite3')}; remove it with: rm -r ${dataDir}`);
    return;
  }
  removeTempDir(dataDir);
  log(
    `grow: kept schema ${space.name} (psql: set search_path = ${space.name}; set jit = off, as the server does); drop it with: ${space.dropStatement}`,
  );
}
