/**
 * `npm run bench -- --only soak` (issue 41, part 4): steady load for minutes, to catch what holds
 * the event loop now and then. `--soak-sockets` sockets (500) in `--soak-groups` groups (10), one
 * socket per user; the first member of each group sends, round-robin, `--soak-rate` messages a
 * second (300: 15,000 deliveries/s at full size) over its socket, open loop, for
 * `--soak-duration` seconds (600). Every `--soak-window` seconds (15) it prints the delivery
 * p50/p99/max of the messages *sent* in that window, the server's event-loop delay in it (the p99
 * and the longest stall, bounded by `confab_event_loop_delay_seconds`' buckets), its RSS and the
 * size of SQLite's write-ahead log, so a stall can be told from the loop, the collector or the log.
 * `--soak-store postgres` runs one cluster node on PostgreSQL + Redis instead (no WAL column there).
 * Results: results/soak-<time>.json.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type ClusterSpace, makeClusterSpace } from './cluster-space.js';
import type { Options } from './options.js';
import { type PostgresWaits, PostgresWaitSampler } from './postgres-waits.js';
import { RESULTS_DIR } from './report.js';
import { startConfab } from './server-process.js';
import { createGroups, registerUsers } from './setup.js';
import { startsWith } from './server-frames.js';
import { closeSockets, openSockets } from './sockets.js';
import { sleep } from './stats.js';
import { type Buckets, WindowedLatency, bucketDelta, maxBound, parseBuckets, quantileBound } from './soak-windows.js';

const LOOP = 'confab_event_loop_delay_seconds';
const FAN_OUT = 'confab_fanout_latency_seconds';
const ACK = 'confab_ws_send_ack_seconds';
const CREATED = Buffer.from('{"type":"message.created"');
const MARKER = Buffer.from('sk|');
const PIPE = 0x7c;

export interface SoakWindow {
  fromSec: number;
  delivery: { count: number; p50: number; p99: number; max: number } | null;
  /** Upper bounds (s) of the buckets holding the loop delay's p99 and its longest sample; ticks counted. */
  loop: { ticks: number; p99AtMost: string | null; maxAtMost: string | null };
  /**
   * The server's own share of a delivery, for the messages it wrote to sockets in the window: from
   * the send's arrival to the socket write (commit, bus, fan-out), the bucket bound holding the p99
   * (`confab_fanout_latency_seconds`). Beside the generator's loop delay it tells a slow server
   * from a load generator that read its frames late.
   */
  fanOutP99AtMost: string | null;
  /** The same for the sends' acks (`confab_ws_send_ack_seconds`: frame parsed → committed → ack written), the commit's share. */
  ackP99AtMost: string | null;
  /** The load generator's own event-loop delay in the window (ms): a stall here delays every receipt it times. */
  generatorLoop: { p99Ms: number; maxMs: number };
  rssMiB: number;
  walMiB: number;
  loadAverage: number;
  /** On PostgreSQL: what the node's sessions did in the window (`pg_stat_activity` every 10 ms), the top three. */
  postgres?: PostgresWaits;
}

export interface SoakResult {
  store: 'sqlite' | 'postgres';
  sockets: number;
  groups: number;
  ratePerSec: number;
  durationSec: number;
  windowSec: number;
  windows: SoakWindow[];
  deliveriesExpected: number;
  deliveriesReceived: number;
  /**
   * Sockets the server closed before the end: a consumer more than WS_MAX_BUFFERED_BYTES behind
   * is dropped by design (it would reconnect and resume); the soak does not reconnect, so what
   * such a socket was owed counts as missing here without being lost by the server.
   */
  socketsDropped: number;
}

const rssMiB = (pid: number) => {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return kb === undefined ? 0 : Math.round(Number(kb) / 1024);
};

const fileMiB = (file: string) => {
  try {
    return Math.round((statSync(file).size / 1048576) * 10) / 10;
  } catch {
    return 0;
  }
};

export async function runSoak(options: Options, log: (text: string) => void, fatal: (error: unknown) => never): Promise<void> {
  const { soakSockets: count, soakGroups: groups, soakRate: rate, soakDurationSec: durationSec, soakWindowSec: windowSec } = options;
  if (count % groups !== 0) throw new Error(`--soak-sockets (${count}) must be a multiple of --soak-groups (${groups})`);
  const size = count / groups;
  // A cluster node keeps its store in a schema of its own, its bus and presence in Redis.
  const space: ClusterSpace | null =
    options.soakStore === 'postgres' ? await makeClusterSpace(options.postgresUrl, options.redisUrl, log) : null;
  const confab = await startConfab(fatal, options.serverNodeArgs, space?.env ?? {});
  try {
    log(`soak: ${count} users, ${options.registerConcurrency} at a time`);
    const users = await registerUsers(confab.baseUrl, count, options.registerConcurrency);
    const members = Array.from({ length: groups }, (_, g) => users.slice(g * size, (g + 1) * size));
    const conversations = await createGroups(members, 'soak');
    const sockets = await openSockets(
      users.map((u) => confab.wsUrl(u.accessToken)),
      options.client,
      options.connectConcurrency,
    );
    log(
      `soak: ${groups} groups of ${size}, ${rate} messages/s for ${durationSec} s (${rate * size} deliveries/s), windows of ${windowSec} s`,
    );
    const total = Math.round(rate * durationSec);
    const sentAt = new Float64Array(total);
    const latency = new WindowedLatency(windowSec * 1000);
    let received = 0;
    let t0 = 0;
    let dropped = 0;
    let closing = false;
    for (const socket of sockets) {
      socket.onClose = () => {
        if (!closing) dropped += 1;
      };
      socket.onFrame = (data) => {
        // The message.created frames only (the sender's ack carries the body too).
        if (!startsWith(data, CREATED)) return;
        const at = data.indexOf(MARKER);
        if (at < 0) return;
        let p = at + MARKER.length;
        let k = 0;
        while (p < data.length && data[p] !== PIPE) k = k * 10 + (data[p++]! - 48);
        if (k >= total) return;
        received += 1;
        latency.add(sentAt[k]! - t0, performance.now() - sentAt[k]!);
      };
    }
    const scrape = async (): Promise<{ loop: Buckets; fanOut: Buckets; ack: Buckets }> => {
      const text = await (await fetch(`${confab.baseUrl}/metrics`)).text();
      return { loop: parseBuckets(text, LOOP), fanOut: parseBuckets(text, FAN_OUT), ack: parseBuckets(text, ACK) };
    };
    const waits = space === null ? null : await PostgresWaitSampler.start(options.postgresUrl, space.applicationName);
    const generatorLoop = monitorEventLoopDelay({ resolution: 10 });
    generatorLoop.enable();
    const wal = path.join(confab.dataDir, 'confab.sqlite3-wal');
    const probes: Omit<SoakWindow, 'delivery'>[] = [];
    let previous = await scrape();
    const probe = async (fromSec: number) => {
      const now = await scrape();
      const delta = bucketDelta(previous.loop, now.loop);
      const fanOut = bucketDelta(previous.fanOut, now.fanOut);
      const ack = bucketDelta(previous.ack, now.ack);
      previous = now;
      const generator = {
        p99Ms: Math.round(generatorLoop.percentile(99) / 1e5) / 10,
        maxMs: Math.round(generatorLoop.max / 1e5) / 10,
      };
      generatorLoop.reset();
      probes.push({
        fromSec,
        loop: { ticks: delta.get('+Inf') ?? 0, p99AtMost: quantileBound(delta, 0.99), maxAtMost: maxBound(delta) },
        fanOutP99AtMost: quantileBound(fanOut, 0.99),
        ackP99AtMost: quantileBound(ack, 0.99),
        generatorLoop: generator,
        rssMiB: rssMiB(confab.child.pid),
        walMiB: fileMiB(wal),
        loadAverage: Math.round(os.loadavg()[0]! * 10) / 10,
        ...(waits === null ? {} : { postgres: (({ top, ...rest }) => ({ ...rest, top: top.slice(0, 3) }))(waits.window()) }),
      });
    };
    const interval = 1000 / rate;
    t0 = performance.now() + 5;
    let window = 0;
    const windowTimer = setInterval(() => void probe(window++ * windowSec).catch(fatal), windowSec * 1000);
    let issued = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const due = Math.min(total, Math.floor((performance.now() - t0) / interval) + 1);
        for (; issued < due; issued++) {
          const g = issued % groups;
          sentAt[issued] = performance.now();
          sockets[g * size]!.send(
            `{"type":"message.send","id":"s${issued}","conversationId":"${conversations[g]}","clientId":"sk-${issued}","body":"sk|${issued}|"}`,
          );
        }
        if (issued >= total) return resolve();
        setTimeout(tick, Math.max(0, t0 + issued * interval - performance.now()));
      };
      setTimeout(tick, 5);
    });
    // The last window's probe, then what is still on its way (at most 10 s).
    const deadline = performance.now() + 10_000;
    while (received < total * size && performance.now() < deadline) await sleep(50);
    clearInterval(windowTimer);
    if (probes.length < Math.ceil(durationSec / windowSec)) await probe(window * windowSec);
    generatorLoop.disable();
    await waits?.stop();
    const deliveries = latency.summaries();
    const result: SoakResult = {
      store: options.soakStore,
      sockets: count,
      groups,
      ratePerSec: rate,
      durationSec,
      windowSec,
      windows: probes.map((p, w) => ({ ...p, delivery: deliveries[w] ?? null })),
      deliveriesExpected: total * size,
      deliveriesReceived: received,
      socketsDropped: dropped,
    };
    closing = true;
    await closeSockets(sockets);
    process.stdout.write(`\n${formatSoak(result)}\n`);
    if (options.save) {
      mkdirSync(RESULTS_DIR, { recursive: true });
      const file = path.join(
        RESULTS_DIR,
        `soak-${options.soakStore === 'postgres' ? 'postgres-' : ''}${new Date().toISOString().replace(/[:.]/g, '-')}${options.quick ? '-quick' : ''}.json`,
      );
      writeFileSync(
        file,
        `${JSON.stringify({ at: new Date().toISOString(), machine: { cores: os.cpus().length, node: process.version }, ...result }, null, 2)}\n`,
      );
      log(`saved ${file}`);
    }
  } finally {
    await confab.stop();
    await space?.cleanup();
  }
}

export function formatSoak(result: SoakResult): string {
  const ms = (bound: string | null) => (bound === null ? '–' : bound === '+Inf' ? '> last bucket' : `≤ ${Number(bound) * 1000} ms`);
  const rows = result.windows.map((w) => {
    const d = w.delivery;
    const delivery = d === null ? '– | – | –' : `${d.p50} | ${d.p99} | ${d.max}`;
    const generator = `${w.generatorLoop.p99Ms} / ${w.generatorLoop.maxMs}`;
    return `| ${w.fromSec}–${w.fromSec + result.windowSec} s | ${delivery} | ${ms(w.ackP99AtMost)} | ${ms(w.fanOutP99AtMost)} | ${ms(w.loop.p99AtMost)} | ${ms(w.loop.maxAtMost)} | ${w.loop.ticks} | ${generator} | ${w.rssMiB} | ${w.walMiB} | ${w.loadAverage} |`;
  });
  const lost = result.deliveriesExpected - result.deliveriesReceived;
  const postgres = result.windows.some((w) => w.postgres !== undefined)
    ? [
        '',
        '| sent in | busy PostgreSQL sessions (mean) | what they did, top three (share of busy samples) | autovacuum seen (× 10 ms samples) |',
        '| --- | --- | --- | --- |',
        ...result.windows.map((w) => {
          const top = (w.postgres?.top ?? []).map((t) => `${t.wait}: ${t.statement} ${Math.round(t.share * 100)} %`).join('; ');
          const vacuum = (w.postgres?.autovacuum ?? []).map((v) => `${v.what} ×${v.rounds}`).join('; ') || '–';
          return `| ${w.fromSec}–${w.fromSec + result.windowSec} s | ${w.postgres?.meanBusySessions ?? '–'} | ${top} | ${vacuum} |`;
        }),
      ]
    : [];
  return [
    '| sent in | delivery p50 ms | p99 ms | max ms | server ack p99 | server fan-out p99 | loop delay p99 | longest stall | loop ticks | generator loop p99 / max ms | RSS MiB | WAL MiB | load |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    ...postgres,
    '',
    lost === 0
      ? `every one of ${result.deliveriesExpected} deliveries arrived`
      : `${lost} of ${result.deliveriesExpected} deliveries missing`,
    ...(result.socketsDropped > 0
      ? [
          `${result.socketsDropped} of ${result.sockets} sockets were closed by the server during the run (a consumer more than WS_MAX_BUFFERED_BYTES behind is dropped; it would resume, but the soak does not reconnect, so what they were owed counts as missing)`,
        ]
      : []),
  ].join('\n');
}
