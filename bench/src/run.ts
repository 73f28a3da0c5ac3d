/**
 * `npm run bench`: measures Confab (durable sends/s, open-loop ack latency, fan-out, a reconnect
 * storm's resume without loss) against
 * physical-limit references measured in the same run (bare SQLite commits, a bare `ws`
 * broadcast), prints the figures next to the issue's bars and saves a summary in bench/results.
 * The server under test and the bare ws server each run in a child process.
 */
import { runSqliteBaseline } from './baselines.js';
import { runScaleOut } from './cluster.js';
import { SendChannel } from './channel.js';
import { runFanout, type FanoutResult, type FanoutTarget } from './fanout.js';
import { runGrow } from './grow.js';
import { runEncryption } from './encryption.js';
import { runUploadPhase } from './upload.js';
import { runIdlePhase } from './idle.js';
import { runLoginPhase } from './login.js';
import { runLatency } from './latency.js';
import { describeMix, runMixed } from './mixed.js';
import { runPeers } from './peers/peers.js';
import { runSoak } from './soak.js';
import { type Options, fanoutOptions, latencyOptions, parseOptions, throughputOptions } from './options.js';
import { USAGE } from './usage.js';
import { runSearchBench, searchBenchOptions } from './search.js';
import { type BenchReport, finish, newReport, save } from './report.js';
import { format } from './report-format.js';
import { cleanupSync } from './child-processes.js';
import { startMeasurement, untilQuiet } from './measurement.js';
import { type ConfabProcess, startBareWs, startConfab } from './server-process.js';
import { type BenchUser, createGroups, registerUsers } from './setup.js';
import { type BenchSocket, closeSockets, openSockets } from './sockets.js';
import { round } from './stats.js';
import { runStorm } from './storm.js';
import type { StormResult } from './storm-result.js';
import { runThroughput } from './throughput.js';
import { comparisonPlan } from './store-plan.js';

const log = (text: string) => process.stdout.write(`· ${text}\n`);

function fatal(error: unknown): never {
  process.stderr.write(`\nbench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  cleanupSync();
  process.exit(1);
}

async function main(): Promise<void> {
  let options: Options | null;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (!options) return;

  // Whatever happens, the run ends: a watchdog, and signals that clean up.
  setTimeout(() => fatal(new Error(`the run exceeded --timeout ${options.timeoutSec} s`)), options.timeoutSec * 1000).unref();
  process.on('SIGINT', () => fatal(new Error('interrupted')));
  process.on('SIGTERM', () => fatal(new Error('terminated')));
  process.on('unhandledRejection', (error) => fatal(error));
  // --nodes N and/or --stores: the send workloads on each store (N nodes each), side by side (cluster.ts).
  if (comparisonPlan(options) !== null) return runScaleOut(options, log, fatal);
  // --only peers: Confab against a hand-written Socket.IO server (peers/peers.ts), on its own.
  if (options.phases.has('peers')) return runPeers(options, log, fatal);
  // --only soak: a steady load for minutes on a server of its own, by windows (soak.ts).
  if (options.phases.has('soak')) return runSoak(options, log, fatal);
  // --only grow: a large instance seeded in bulk, a client's calls timed on it (grow.ts).
  if (options.phases.has('grow')) return runGrow(options, log, fatal);
  // --only encryption: issue 39's figures through the SDK, on a server of its own (encryption.ts).
  if (options.phases.has('encryption')) return runEncryption(options, log, fatal);

  const report = newReport(options, new Date());
  const { phases } = options;
  log(
    `${report.machine.cores} cores, Node ${report.machine.node}; phases: ${[...phases].join(', ')}; ${options.client} client${options.quick ? '; quick sizes' : ''}`,
  );

  if (phases.has('sqlite')) {
    log(
      `SQLite baseline: ${options.sqliteDurationSec} s single-row commits, ${options.sqliteDurationSec} s batches of ${options.sqliteBatch}`,
    );
    report.baselines.sqlite = runSqliteBaseline(options.sqliteDurationSec * 1000, options.sqliteBatch, options.bodyBytes);
  }

  const sends = phases.has('throughput') || phases.has('mixed') || phases.has('latency');
  let confab: ConfabProcess | undefined;
  let users: BenchUser[] = [];
  // The storm's users come after the others': sharing no conversation with them, their presence
  // announcements and replays concern the storm's groups only, whichever phases ran before.
  const shared = Math.max(
    sends ? options.clients : 0,
    phases.has('fanout') || phases.has('upload') || phases.has('login') ? options.fanoutMembers : 0,
  );
  const stormUsers = phases.has('storm') ? options.stormClients + options.stormConversations : 0;
  if (shared + stormUsers > 0) {
    confab = await startConfab(fatal, options.serverNodeArgs);
    log(`Confab server pid ${confab.child.pid} at ${confab.baseUrl}`);
    const count = shared + stormUsers;
    const started = performance.now();
    log(`registering ${count} users, ${options.registerConcurrency} at a time`);
    users = await registerUsers(confab.baseUrl, count, options.registerConcurrency, (done) => log(`  ${done}/${count}`));
    report.confab.setup = { users: count, registerSec: round((performance.now() - started) / 1000, 1), conversations: 0, connectSec: {} };
  }

  if (sends && confab) await sendPhases(confab, users, options, report);
  if (phases.has('bare-ws')) report.baselines.bareWsFanout = await bareWsFanout(options, report);
  if (phases.has('fanout') && confab) report.confab.fanout = await confabFanout(confab, users, options, report);
  if (phases.has('upload') && confab) report.confab.upload = await runUploadPhase(confab, users, options, log);
  if (phases.has('login') && confab) report.confab.login = await runLoginPhase(confab, users, options, log);
  if (phases.has('storm') && confab) report.confab.storm = await confabStorm(confab, users.slice(shared), options, report);

  if (confab) {
    log('stopping the Confab server');
    await confab.stop();
  }
  // Its own server, on its own store: after the others, so its bulk load disturbs none of them.
  if (phases.has('search')) report.confab.search = await runSearchBench(searchBenchOptions(options), log, fatal);
  if (phases.has('idle')) report.confab.idle = await runIdlePhase(options, log, fatal);
  finish(report, new Date());
  process.stdout.write(format(report));
  if (options.save) for (const file of save(report)) log(`saved ${file}`);
}

async function sendPhases(confab: ConfabProcess, users: BenchUser[], options: Options, report: BenchReport): Promise<void> {
  const clients = users.slice(0, options.clients);
  const groups = Array.from({ length: options.conversations }, (_, g) => clients.filter((u) => u.index % options.conversations === g));
  const conversationIds = await createGroups(groups, 'bench');
  report.confab.setup!.conversations += conversationIds.length;
  let started = performance.now();
  const sockets = await openSockets(
    clients.map((u) => confab.wsUrl(u.accessToken)),
    options.client,
    options.connectConcurrency,
  );
  report.confab.setup!.connectSec['sends'] = round((performance.now() - started) / 1000, 2);
  const channels = sockets.map((ws, i) => new SendChannel(ws, i, conversationIds[i % options.conversations]!, 't', options.bodyBytes));
  const measure = () => startMeasurement(confab.child, confab.baseUrl);
  try {
    if (options.phases.has('throughput')) {
      log(
        `throughput: ${options.clients} clients in ${options.conversations} groups, window ${options.window}, ${options.warmupSec} s warm-up + ${options.durationSec} s`,
      );
      started = performance.now();
      const result = await runThroughput(channels, throughputOptions(options), measure);
      report.confab.throughput = result;
      log(`  ${result.acksPerSec} acks/s`);
    }
    if (options.phases.has('mixed')) {
      log(
        `mixed: the same loop, ${describeMix(options.mix)}, in 1 s slices alternating with plain sends; ${options.warmupSec} s warm-up + 2 × ${options.durationSec} s`,
      );
      for (const channel of channels) channel.setTag('x');
      const result = await runMixed(channels, throughputOptions(options), measure, options.mix);
      report.confab.mixed = result;
      log(`  ${result.acksPerSec} acks/s`);
    }
    if (options.phases.has('latency')) {
      log(`latency: open loop at ${options.latencyRate} sends/s, ${options.warmupSec} s warm-up + ${options.latencyDurationSec} s`);
      for (const channel of channels) channel.setTag('l');
      const result = await runLatency(channels, latencyOptions(options), measure);
      report.confab.latency = result;
      log(`  p50 ${result.ackLatencyMs?.p50} ms, p99 ${result.ackLatencyMs?.p99} ms`);
    }
  } finally {
    await closeSockets(sockets);
  }
}

async function bareWsFanout(options: Options, report: BenchReport): Promise<FanoutResult> {
  const bare = await startBareWs(fatal);
  log(`bare ws server pid ${bare.child.pid}: connecting ${options.fanoutMembers} sockets`);
  let sockets: BenchSocket[] = [];
  try {
    const started = performance.now();
    sockets = await openSockets(Array<string>(options.fanoutMembers).fill(bare.wsUrl), options.client, options.connectConcurrency);
    if (report.confab.setup) report.confab.setup.connectSec['bareWs'] = round((performance.now() - started) / 1000, 2);
    log(`bare ws fan-out: ${options.fanoutWarmup} + ${options.fanoutMessages} messages, window ${options.fanoutWindow}`);
    const target: FanoutTarget = { sockets, triggerFrame: (payload) => payload };
    const result = await runFanout(target, fanoutOptions(options), () => startMeasurement(bare.child));
    log(`  ${result.deliveriesPerSec} deliveries/s`);
    return result;
  } finally {
    await closeSockets(sockets);
    await bare.stop();
  }
}

async function confabFanout(confab: ConfabProcess, users: BenchUser[], options: Options, report: BenchReport): Promise<FanoutResult> {
  const members = users.slice(0, options.fanoutMembers);
  log(`fan-out: creating a ${members.length}-member group, connecting one socket per member`);
  const [groupId] = await createGroups([members], 'fan-out');
  report.confab.setup!.conversations += 1;
  let sockets: BenchSocket[] = [];
  try {
    const started = performance.now();
    sockets = await openSockets(
      members.map((u) => confab.wsUrl(u.accessToken)),
      options.client,
      options.connectConcurrency,
    );
    report.confab.setup!.connectSec['fanout'] = round((performance.now() - started) / 1000, 2);
    await untilQuiet(confab.baseUrl); // the members' presence announcements to each other
    log(`Confab fan-out: ${options.fanoutWarmup} + ${options.fanoutMessages} messages, window ${options.fanoutWindow}`);
    const target: FanoutTarget = {
      sockets,
      triggerFrame: (payload, k) =>
        `{"type":"message.send","id":"f${k}","conversationId":"${groupId}","clientId":"fo-${k}","body":"${payload}"}`,
    };
    const result = await runFanout(target, fanoutOptions(options), () => startMeasurement(confab.child, confab.baseUrl));
    log(`  ${result.deliveriesPerSec} deliveries/s`);
    return result;
  } finally {
    await closeSockets(sockets);
  }
}

async function confabStorm(confab: ConfabProcess, users: BenchUser[], options: Options, report: BenchReport): Promise<StormResult> {
  const groupCount = options.stormConversations;
  const senders = users.slice(0, groupCount);
  const clients = users.slice(groupCount, groupCount + options.stormClients);
  const members = senders.map((sender, g) => [sender, ...clients.filter((_, i) => i % groupCount === g)]);
  log(`storm: creating ${groupCount} groups of ~${Math.round(clients.length / groupCount)} clients + 1 sender`);
  const conversationIds = await createGroups(members, 'storm');
  report.confab.setup!.conversations += groupCount;
  let senderSockets: BenchSocket[] = [];
  try {
    senderSockets = await openSockets(
      senders.map((u) => confab.wsUrl(u.accessToken)),
      options.client,
      options.connectConcurrency,
    );
    const channels = senderSockets.map((ws, g) => new SendChannel(ws, g, conversationIds[g]!, 's', options.bodyBytes));
    const outage = options.stormOutageSec > 0 ? ` after ${options.stormOutageSec} s` : '';
    log(`storm: connecting ${clients.length} clients; ${options.stormRate} msgs/s for ${options.stormWarmupSec} s`);
    log(`storm: then all dropped and resumed at once${outage}; the senders stop ${options.stormSenderAfterSec} s into the reconnect`);
    const result = await runStorm(
      {
        conversationIds: clients.map((_, i) => conversationIds[i % groupCount]!),
        url: (i, since) => `${confab.wsUrl(clients[i]!.accessToken)}${since === undefined ? '' : `&since=${encodeURIComponent(since)}`}`,
        senders: channels,
      },
      {
        client: options.client,
        rate: options.stormRate,
        warmupMs: options.stormWarmupSec * 1000,
        outageMs: options.stormOutageSec * 1000,
        senderAfterReconnectMs: options.stormSenderAfterSec * 1000,
        reconnectConcurrency: options.stormReconnectConcurrency,
        connectConcurrency: options.connectConcurrency,
        catchUpTimeoutMs: options.stormTimeoutSec * 1000,
      },
      () => startMeasurement(confab.child, confab.baseUrl),
    );
    report.confab.setup!.connectSec['storm'] = result.firstConnectSec;
    log(`  all ready after ${result.allReadyMs ?? '–'} ms, all caught up after ${result.allCaughtUpMs ?? '–'} ms`);
    log(`  lost ${result.lost}, duplicates ${result.duplicates}`);
    return result;
  } finally {
    await closeSockets(senderSockets);
  }
}

main().then(
  () => {
    cleanupSync();
    process.exit(0);
  },
  (error: unknown) => fatal(error),
);
