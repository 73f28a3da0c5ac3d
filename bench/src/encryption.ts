/**
 * `npm run bench -- --only encryption` (issue 39's figures): end-to-end encryption through the
 * SDK, as an application uses it, against a server of its own (SQLite, or with
 * `--encryption-store postgres` one cluster node on PostgreSQL + Redis). Every device is a
 * `ConfabClient` with a memory crypto store in this process, its HTTP calls and frames metered:
 *  1. `--encryption-members` (50) added in one commit, and the time until each reads a message sent just after;
 *  2. send → receive of encrypted and plain messages between the same two devices, alternating;
 *  3. the bytes of a send's, an ack's and a delivery's frames, encrypted and plain, 20 and 1,000 characters;
 *  4. the MLS state a device keeps per conversation, for groups of `--encryption-state-groups` (2, 10, 50).
 * Results: results/encryption-<time>.json.
 */
import { type ClusterSpace, makeClusterSpace } from './cluster-space.js';
import { closeDevices, connectDevices, makeDevices, storedBytes } from './encryption-devices.js';
import { measureAdd, measureAlone, measureState } from './encryption-join.js';
import { measureLatency, measureWire } from './encryption-pair.js';
import { LATENCY_WARMUP_PAIRS, WIRE_REPEATS, WIRE_TEXT_LENGTHS } from './encryption-plan.js';
import { type EncryptionResult, formatEncryption, loadAverage, machineOf, saveEncryption } from './encryption-report.js';
import type { Options } from './options.js';
import { startMeasurement } from './measurement.js';
import { startConfab } from './server-process.js';
import { round, summarize } from './stats.js';

/** How long every device of a group may take to read a message (a bound, not a figure). */
const READ_TIMEOUT_MS = 300_000;

export async function runEncryption(options: Options, log: (text: string) => void, fatal: (error: unknown) => never): Promise<void> {
  const store = options.encryptionStore;
  const sizes = { members: options.encryptionMembers, messages: options.encryptionMessages, stateGroups: options.encryptionStateGroups };
  const loadBefore = loadAverage();
  const space: ClusterSpace | null = store === 'postgres' ? await makeClusterSpace(options.postgresUrl, options.redisUrl, log) : null;
  const confab = await startConfab(fatal, options.serverNodeArgs, space?.env ?? {});
  const devices = [];
  try {
    log(`encryption on ${store}: server pid ${confab.child.pid}; load average ${loadBefore.join(' ')}`);
    log(`encryption: ${sizes.members + 3} users, each enabling encryption on a device (keys, signed list, 21 KeyPackages)`);
    const setupStarted = performance.now();
    // Device 0 makes the groups; the members are added to them; the pair talk to each other alone.
    const group = await makeDevices(confab.baseUrl, 'enc', sizes.members + 1, options.registerConcurrency);
    const pairDevices = await makeDevices(confab.baseUrl, 'pair', 2, 2);
    devices.push(...group, ...pairDevices);
    await connectDevices(devices, options.connectConcurrency);
    const setup = {
      devices: devices.length,
      enableMs: summarize(devices.map((d) => d.enableMs)),
      sec: round((performance.now() - setupStarted) / 1000, 1),
    };
    log(`  ${setup.sec} s; enableEncryption p50 ${setup.enableMs?.p50} ms, max ${setup.enableMs?.max} ms`);
    const measure = () => startMeasurement(confab.child, confab.baseUrl);
    const [creator, ...members] = group as [(typeof group)[number], ...typeof group];

    log(`encryption 1: ${members.length} members added in one commit, then a message; waiting until each device reads it`);
    const add = await measureAdd(creator, members, measure, READ_TIMEOUT_MS);
    log(
      `  commit ${add.commitMs} ms; readable p50 ${add.readableFromStartMs?.p50} / max ${add.readableFromStartMs?.max} ms from the add's start; unreadable ${add.unreadable}`,
    );

    log(`encryption 4: MLS state for groups of ${sizes.stateGroups.join(', ')}`);
    const state = await measureState(creator, members, sizes.stateGroups, READ_TIMEOUT_MS, log);

    log(`encryption 1b: the same add with only one of the ${members.length} devices connected`);
    const alone = await measureAlone(creator, members, READ_TIMEOUT_MS);
    log(`  commit ${alone.commitMs} ms; that device reads after ${alone.fromStartMs} ms from the add's start`);

    const [sender, receiver] = pairDevices as [(typeof group)[number], (typeof group)[number]];
    const pair = {
      sender,
      receiver,
      plainId: (await sender.client.openDirect(receiver.userId)).id,
      encryptedId: (await sender.client.openDirect(receiver.userId, { encrypted: true })).id,
    };
    log(`encryption 2: ${sizes.messages} encrypted and ${sizes.messages} plain messages, one at a time, alternating`);
    const latency = await measureLatency(pair, sizes.messages, measure, (done) => log(`  ${done}/${sizes.messages} pairs`));
    log(
      `  send → receive p50 / p99: plain ${latency.plain.sendToReceiveMs?.p50} / ${latency.plain.sendToReceiveMs?.p99} ms, encrypted ${latency.encrypted.sendToReceiveMs?.p50} / ${latency.encrypted.sendToReceiveMs?.p99} ms`,
    );
    log('encryption 3: the frames of 20- and 1,000-character messages');
    const wire = await measureWire(pair);
    const dmState = {
      messages: LATENCY_WARMUP_PAIRS + sizes.messages + WIRE_TEXT_LENGTHS.length * WIRE_REPEATS,
      senderBytes: (await storedBytes(sender.store, pair.encryptedId)).group,
      receiverBytes: (await storedBytes(receiver.store, pair.encryptedId)).group,
    };

    const result: EncryptionResult = {
      date: new Date().toISOString(),
      store,
      quick: options.quick,
      machine: machineOf(loadBefore),
      sizes,
      setup,
      add,
      alone,
      state,
      latency,
      wire,
      dmState,
    };
    process.stdout.write(formatEncryption(result));
    if (options.save) log(`saved ${saveEncryption(result)}`);
  } finally {
    closeDevices(devices);
    await confab.stop();
    await space?.cleanup();
  }
}
