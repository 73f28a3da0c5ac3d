import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfabClient } from '@confab/client';
import { type ClusterSpace, makeClusterSpace } from './cluster-space.js';
import { type DeliveryWindow, openDeliveryProbe } from './delivery-probe.js';
import { planGroups, splitAcross } from './idle-plan.js';
import { passwordHashOf, passwordHashOfPostgres, seedIdle, seedIdlePostgres } from './idle-seed.js';
import type { IdleStore, Options } from './options.js';
import { Child, makeTempDir, removeTempDir } from './child-processes.js';
import { untilQuiet } from './measurement.js';
import { startConfab } from './server-process.js';
import { type BenchUser, registerUsers } from './setup.js';
import { mapPool, round, sleep } from './stats.js';

/**
 * The idle phase (issue 13): what 19,000 connected, signed-in sockets cost the server while they
 * do nothing, and whether a live group still gets its messages on time among them. Every user is
 * in GROUPS_PER_USER groups of `--idle-group-size`; the first `--fanout-members` users also share
 * one big group, whose members' sockets (in this process) measure delivery at `--upload-rate`
 * messages/s for `--upload-duration` s; the other sockets are held by child processes of at most
 * SOCKETS_PER_HOLDER each. Its own server and store (seeded: idle-seed.ts), like the search bench:
 * one node on SQLite, or with `--idle-store postgres` one cluster node on PostgreSQL + Redis.
 */
export interface IdlePhaseResult {
  /** The server's store: one node on SQLite (as `npm start` runs it), or a cluster node on PostgreSQL + Redis. */
  store: IdleStore;
  sockets: number;
  holders: number[];
  groupsPerUser: number;
  groupSize: number;
  groups: number;
  /** The server's `Max open files` (soft), read from /proc. */
  serverFdLimit: number | null;
  setupSec: { seed: number; tokens: number; connect: number; quiet: number };
  /**
   * Server VmRSS before any socket (set-up done, the probe group not yet made) and with every
   * socket open and quiet; the probe's sockets have by then carried two delivery windows.
   */
  rssMiB: { before: number; after: number; afterDelivery: number };
  /** (after − before) / sockets. */
  rssPerSocketKB: number;
  /** V8 heap used (GET /metrics) before and after, per socket: what of the RSS is JavaScript objects. */
  heapPerSocketKB: number | null;
  delivery: DeliveryWindow & { members: number; ratePerSec: number; durationSec: number };
  /** The same window before the other sockets were opened. */
  deliveryAlone: DeliveryWindow;
  /**
   * The same window as the holders' sockets all close at its start and stay away: their closes,
   * then (one grace period later) their users going offline, stored and announced.
   */
  deliveryDeparture: DeliveryWindow;
  /** 1-minute load average when the sockets were open and after the delivery window. */
  loadAverage: [number, number];
}

export const IDLE_RSS_BAR_KB = 15;
const GROUPS_PER_USER = 5;
const SOCKETS_PER_HOLDER = 5000;

export async function runIdlePhase(
  options: Options,
  log: (text: string) => void,
  fatal: (error: unknown) => never,
): Promise<IdlePhaseResult> {
  const count = options.idleSockets;
  const probeSize = Math.min(options.fanoutMembers, count);
  const dataDir = makeTempDir('confab-bench-idle-');
  const file = path.join(dataDir, 'confab.sqlite3');
  const holders: Child[] = [];
  let space: ClusterSpace | null = null;
  try {
    // A cluster node keeps its store in a schema of its own, its bus and presence in Redis.
    if (options.idleStore === 'postgres') space = await makeClusterSpace(options.postgresUrl, options.redisUrl, log);
    const env = { DATA_DIR: dataDir, ...space?.env };
    // 1. One registration through the API: the real argon2id hash every seeded user shares.
    let confab = await startConfab(fatal, [], env);
    await registerUsers(confab.baseUrl, 1, 1);
    await confab.stop();
    let started = performance.now();
    const groups = planGroups(count, GROUPS_PER_USER, options.idleGroupSize);
    log(`idle: seeding ${count} users, each in ${GROUPS_PER_USER} of ${groups.length} groups of ${options.idleGroupSize}`);
    const databaseUrl = space?.env['DATABASE_URL'];
    const seeded = databaseUrl
      ? await seedIdlePostgres(databaseUrl, count, await passwordHashOfPostgres(databaseUrl, 'user0'), groups)
      : seedIdle(file, count, passwordHashOf(file, 'user0'), groups);
    const seedSec = secondsSince(started);

    // 2. The server as the bench runs it; each access token minted by it from a refresh token.
    confab = await startConfab(fatal, options.serverNodeArgs, env);
    const pid = confab.child.pid;
    const serverFdLimit = fdLimit(pid);
    log(`idle: server pid ${pid} on ${storeLabel(options.idleStore)}, ${serverFdLimit ?? '?'} file descriptors allowed`);
    if (serverFdLimit !== null && serverFdLimit < count + 200) {
      throw new Error(`the server may open ${serverFdLimit} files: too few for ${count} sockets (raise ulimit -n, or use --idle-sockets)`);
    }
    started = performance.now();
    const users = await mapPool(seeded, 32, async (u): Promise<BenchUser> => {
      const response = await fetch(`${confab.baseUrl}/api/v1/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: u.refreshToken }),
      });
      if (response.status !== 200) throw new Error(`refresh: ${response.status} ${await response.text()}`);
      const tokens = (await response.json()) as { accessToken: string; refreshToken: string };
      return { index: u.index, id: u.id, accessToken: tokens.accessToken, client: new ConfabClient({ baseUrl: confab.baseUrl, tokens }) };
    });
    const tokensSec = secondsSince(started);
    log(`  seeded in ${seedSec} s, ${count} access tokens in ${tokensSec} s`);

    // 3. RSS with no socket, then every socket: the probe's here, the rest in holder processes.
    await sleep(2000);
    const before = { rss: rssMiB(pid), heap: await heapUsed(confab.baseUrl) };
    started = performance.now();
    const probe = await openDeliveryProbe(confab, users.slice(0, probeSize), options.uploadRate, 'id', options);
    // The same group's delivery with only its own sockets open: what the idle ones add.
    await untilQuiet(confab.baseUrl, 1000, 60_000);
    await probe.window(2);
    const alone = await probe.window(options.uploadDurationSec);
    log(`  delivery to ${probeSize} with no other socket open: p99 ${alone.latencyMs?.p99} ms`);
    const rest = users.slice(probeSize);
    const counts = splitAcross(rest.length, SOCKETS_PER_HOLDER);
    log(`idle: ${probeSize} sockets here (a ${probeSize}-member group), ${rest.length} in ${counts.length} holder processes`);
    let offset = 0;
    const ready = counts.map((n, h) => {
      const slice = rest.slice(offset, (offset += n));
      const child = new Child(`idle holder ${h}`, [fileURLToPath(new URL('./idle-holder.js', import.meta.url))], {}, fatal);
      holders.push(child);
      child.process.stdin!.write(
        `${JSON.stringify({ urls: slice.map((u) => confab.wsUrl(u.accessToken)), concurrency: Math.ceil(options.connectConcurrency / counts.length) })}\n`,
      );
      return untilReady(child, (opened) => log(`  holder ${h}: ${opened}/${n}`));
    });
    await Promise.all(ready);
    const connectSec = secondsSince(started);
    started = performance.now();
    // Each user coming online is announced to its groups: wait for that to pass, then let it settle.
    await untilQuiet(confab.baseUrl, 2000, 180_000);
    await sleep(3000);
    const quietSec = secondsSince(started);
    const after = { rss: rssMiB(pid), heap: await heapUsed(confab.baseUrl) };
    const loadOpen = round(os.loadavg()[0]!, 1);
    log(`  ${count} open in ${connectSec} s, quiet after ${quietSec} s; RSS ${before.rss} → ${after.rss} MiB`);

    // 4. Delivery to the big group while they are all connected.
    log(`idle: delivery to ${probeSize} members at ${options.uploadRate} msgs/s, 2 s warm-up + ${options.uploadDurationSec} s`);
    await probe.window(2);
    const window = await probe.window(options.uploadDurationSec);
    const afterDelivery = rssMiB(pid);
    log(`  p50 ${window.latencyMs?.p50} ms, p99 ${window.latencyMs?.p99} ms, lost ${window.lost}`);
    log(`idle: the holders' ${rest.length} sockets close at once and stay away; delivery meanwhile`);
    const departure = await probe.window(options.uploadDurationSec, () => Promise.all(holders.map((h) => h.stop(5000))).then(() => {}));
    log(
      `  p50 ${departure.latencyMs?.p50} ms, p99 ${departure.latencyMs?.p99} ms, max ${departure.latencyMs?.max} ms, lost ${departure.lost}`,
    );
    log(`  p99 by the second sent: ${departure.p99BySecondMs.map((p) => p ?? '–').join(' / ')} ms`);
    await probe.close();
    await confab.stop();
    const perSocket = (bytes: number) => round(bytes / 1024 / count, 2);
    return {
      store: options.idleStore,
      sockets: count,
      holders: counts,
      groupsPerUser: GROUPS_PER_USER,
      groupSize: options.idleGroupSize,
      groups: groups.length,
      serverFdLimit,
      setupSec: { seed: seedSec, tokens: tokensSec, connect: connectSec, quiet: quietSec },
      rssMiB: { before: before.rss, after: after.rss, afterDelivery },
      rssPerSocketKB: perSocket((after.rss - before.rss) * 2 ** 20),
      heapPerSocketKB: before.heap === null || after.heap === null ? null : perSocket(after.heap - before.heap),
      delivery: { ...window, members: probeSize, ratePerSec: options.uploadRate, durationSec: options.uploadDurationSec },
      deliveryAlone: alone,
      deliveryDeparture: departure,
      loadAverage: [loadOpen, round(os.loadavg()[0]!, 1)],
    };
  } finally {
    for (const holder of holders) await holder.stop(1000);
    await space?.cleanup();
    removeTempDir(dataDir);
  }
}

const storeLabel = (store: IdleStore) => (store === 'postgres' ? 'a cluster node (PostgreSQL + Redis)' : 'SQLite');

const secondsSince = (t: number) => round((performance.now() - t) / 1000, 1);

/** VmRSS of a process, MiB (Linux /proc). */
function rssMiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return round(Number(match[1]) / 1024, 1);
}

function fdLimit(pid: number): number | null {
  const match = /^Max open files\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  return match ? Number(match[1]) : null;
}

async function heapUsed(baseUrl: string): Promise<number | null> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const match = /^nodejs_heap_size_used_bytes (\S+)$/m.exec(text);
  return match ? Number(match[1]) : null;
}

/** Resolves when the holder says `ready`; fails on `failed`. */
function untilReady(child: Child, progress: (opened: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.process.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let end: number;
      while ((end = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        if (line.startsWith('opened ')) progress(Number(line.slice(7)));
        else if (line.startsWith('ready ')) resolve();
        else if (line.startsWith('failed ')) reject(new Error(`${child.name}: ${line}`));
      }
    });
  });
}

export function idleBar(result: IdlePhaseResult) {
  return {
    name: `server RSS per idle socket (${result.sockets} sockets, ${result.groupsPerUser} groups each)`,
    target: `≤ ${IDLE_RSS_BAR_KB} KB`,
    measured: result.rssPerSocketKB,
    unit: 'KB',
    pass: result.sockets < 19_000 ? null : result.rssPerSocketKB <= IDLE_RSS_BAR_KB,
  };
}

export function formatIdle(
  r: IdlePhaseResult,
  bar: { target: string; pass: boolean | null } | undefined,
  add: (label: string, value: string) => void,
  detail: (text: string) => void,
): void {
  add(
    `${r.sockets} idle sockets, ${r.groupsPerUser} groups of ${r.groupSize} each, ${storeLabel(r.store)}`,
    `${r.rssPerSocketKB} KB RSS/socket   bar ${bar?.target}: ${bar?.pass === null ? 'n/a' : bar?.pass ? 'PASS' : 'FAIL'}`,
  );
  detail(
    `server RSS ${r.rssMiB.before} → ${r.rssMiB.after} MiB (${r.rssMiB.afterDelivery} after delivery); V8 heap ${r.heapPerSocketKB ?? '–'} KB/socket`,
  );
  const l = r.delivery.latencyMs;
  detail(
    `delivery to ${r.delivery.members} members at ${r.delivery.ratePerSec} msgs/s meanwhile: ${l ? `p50 ${l.p50} / p99 ${l.p99} / max ${l.max} ms` : '–'}; lost ${r.delivery.lost}`,
  );
  const a = r.deliveryAlone.latencyMs;
  detail(
    `the same before the other sockets were opened: ${a ? `p50 ${a.p50} / p99 ${a.p99} / max ${a.max} ms` : '–'}; lost ${r.deliveryAlone.lost}`,
  );
  const d = r.deliveryDeparture.latencyMs;
  detail(
    `the same as the other ${r.sockets - r.delivery.members} close at once and go offline: ${d ? `p50 ${d.p50} / p99 ${d.p99} / max ${d.max} ms` : '–'}; lost ${r.deliveryDeparture.lost}`,
  );
  detail(`  its p99 by the second sent: ${r.deliveryDeparture.p99BySecondMs.map((p) => p ?? '–').join(' / ')} ms`);
  detail(
    `set-up: seed ${r.setupSec.seed} s, tokens ${r.setupSec.tokens} s, connect ${r.setupSec.connect} s, quiet ${r.setupSec.quiet} s; holders ${r.holders.join('+')}; fd limit ${r.serverFdLimit ?? '?'}; load ${r.loadAverage.join(' → ')}`,
  );
}
