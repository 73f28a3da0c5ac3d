/**
 * The encryption phase's groups (encryption.ts): many devices added in one commit and the time
 * until each of them reads a message sent just after (`measureAdd`), and the MLS state a device
 * keeps per conversation for groups of several sizes (`measureState`). A group is made as the SDK
 * makes it: `createGroup(title, members, {encrypted: true})` claims one KeyPackage per member
 * device and commits them all in one commit, then posts their Welcome.
 */
import { type BenchDevice, readers, storedBytes } from './encryption-devices.js';
import { type RouteTotal, busyMs, byRoute, textOf } from './encryption-plan.js';
import type { Measurement, Resources } from './measurement.js';
import { type Summary, round, summarize } from './stats.js';

export interface AddResult {
  members: number;
  /** `createGroup` with every member, to its return: the conversation, the claims, the commit and the Welcome stored. */
  commitMs: number;
  /** The creator's HTTP calls in that time, by route (some run side by side: each route's sum of their times). */
  commitHttp: RouteTotal[];
  /** The time in which at least one of them was in flight: the commit's wait on the server; the rest is the creator's own work. */
  commitHttpMs: number;
  /** Bytes posted: the commit (its PublicMessage and the GroupInfo beside it) and the Welcome for every added device. */
  commitRequestBytes: number;
  welcomeRequestBytes: number;
  /** The message sent just after, to its ack. */
  sendAckMs: number;
  /** From the start of the add, and from the send, to each device emitting the message decrypted. */
  readableFromStartMs: Summary | null;
  readableFromSendMs: Summary | null;
  /** Devices that got the message but could not decrypt it (an envelope without body). */
  unreadable: number;
  /** Each added device's HTTP calls from the start of the add to its reading (the Welcome, the credential checks). */
  memberCallsPerDevice: Summary | null;
  memberKiBPerDevice: Summary | null;
  memberHttp: RouteTotal[];
  /** The load generator's CPU over the whole add, per added device (all of them share its one thread). */
  generatorCpuMsPerDevice: number;
  resources: Resources;
}

export interface StateRow {
  /** Devices in the group, the creator's included. */
  devices: number;
  /** `group:<id>` in the creator's crypto store: its MLS state (serialised ts-mls ClientState). */
  creatorBytes: number;
  /** The same on each member's device. */
  memberBytes: Summary | null;
  /** Everything a member's store keeps under keys naming the conversation (state, applied position, the decrypted text). */
  memberConversationBytes: Summary | null;
  /** The group formed, to every member reading the first message (for scale, not a figure to quote). */
  formedMs: number;
}

interface Formed {
  conversationId: string;
  startedAt: number;
  commitMs: number;
  sentAt: number;
  sendAckMs: number;
  readAt: (number | undefined)[];
  unreadable: number;
}

/**
 * `creator` makes an encrypted group of itself and `members` (one commit adds them all), then
 * sends a text; resolves once every `watched` member has emitted it (read, or an envelope it could not read).
 */
async function formAndRead(
  creator: BenchDevice,
  members: readonly BenchDevice[],
  title: string,
  timeoutMs: number,
  watched: readonly BenchDevice[] = members,
): Promise<Formed> {
  if (!creator.live) throw new Error('the creator is not connected');
  // Known once createGroup returns; the message watched for is sent after.
  const made: { id?: string } = {};
  const clientId = `eb-${title.replaceAll(' ', '-')}-${Date.now()}`;
  const text = textOf(20, `${title} `);
  const watch = readers(watched, () => made.id, clientId, text, timeoutMs);
  const startedAt = performance.now();
  const conversation = await creator.client.createGroup(
    title,
    members.map((m) => m.userId),
    { encrypted: true },
  );
  made.id = conversation.id;
  const sentAt = performance.now();
  await creator.live.send(conversation.id, text, clientId);
  const sendAckMs = performance.now() - sentAt;
  await watch.done;
  return {
    conversationId: conversation.id,
    startedAt,
    commitMs: sentAt - startedAt,
    sentAt,
    sendAckMs,
    readAt: watch.readAt,
    unreadable: watch.unreadable,
  };
}

export async function measureAdd(
  creator: BenchDevice,
  members: readonly BenchDevice[],
  measure: () => Promise<Measurement>,
  timeoutMs: number,
): Promise<AddResult> {
  const measurement = await measure();
  const cpu0 = process.cpuUsage();
  const formed = await formAndRead(creator, members, `add ${members.length}`, timeoutMs);
  const cpu = process.cpuUsage(cpu0);
  const resources = await measurement.stop();
  const read = formed.readAt.filter((at): at is number => at !== undefined);
  const commitCalls = creator.meter.callsBetween(formed.startedAt, formed.sentAt);
  const memberCalls = members.map((m, i) => m.meter.callsBetween(formed.startedAt, formed.readAt[i] ?? Number.POSITIVE_INFINITY));
  const sent = (mls: string) => commitCalls.filter((c) => c.route.endsWith(`(${mls})`)).reduce((sum, c) => sum + c.requestBytes, 0);
  return {
    members: members.length,
    commitMs: round(formed.commitMs, 1),
    commitHttp: byRoute(commitCalls),
    commitHttpMs: round(busyMs(commitCalls), 1),
    commitRequestBytes: sent('commit'),
    welcomeRequestBytes: sent('welcome'),
    sendAckMs: round(formed.sendAckMs, 1),
    readableFromStartMs: summarize(read.map((at) => at - formed.startedAt)),
    readableFromSendMs: summarize(read.map((at) => at - formed.sentAt)),
    unreadable: formed.unreadable,
    memberCallsPerDevice: summarize(memberCalls.map((calls) => calls.length)),
    memberKiBPerDevice: summarize(memberCalls.map((calls) => calls.reduce((sum, c) => sum + c.requestBytes + c.responseBytes, 0) / 1024)),
    memberHttp: byRoute(memberCalls.flat(), members.length),
    generatorCpuMsPerDevice: round((cpu.user + cpu.system) / 1000 / members.length, 1),
    resources,
  };
}

export interface AloneResult {
  /** The add's start, and the send, to that one device reading the message. */
  fromStartMs: number | null;
  fromSendMs: number | null;
  commitMs: number;
  calls: number;
}

/**
 * The same add with one device connected: the others' connections are closed first (for good: run
 * it last), so they apply nothing, and the one device joins and decrypts with no other device of
 * the generator beside it, as a phone on its own would (the server and the machine still shared).
 */
export async function measureAlone(creator: BenchDevice, members: readonly BenchDevice[], timeoutMs: number): Promise<AloneResult> {
  const [one, ...others] = members as [BenchDevice, ...BenchDevice[]];
  for (const device of others) {
    device.live?.close();
    device.live = null;
  }
  const formed = await formAndRead(creator, members, `alone ${members.length}`, timeoutMs, [one]);
  const readAt = formed.readAt[0];
  return {
    fromStartMs: readAt === undefined ? null : round(readAt - formed.startedAt, 1),
    fromSendMs: readAt === undefined ? null : round(readAt - formed.sentAt, 1),
    commitMs: round(formed.commitMs, 1),
    calls: one.meter.callsBetween(formed.startedAt, readAt ?? Number.POSITIVE_INFINITY).length,
  };
}

/** For each size, a group of the creator and the first `size - 1` devices; the state each keeps once all have read a message. */
export async function measureState(
  creator: BenchDevice,
  devices: readonly BenchDevice[],
  sizes: readonly number[],
  timeoutMs: number,
  log: (text: string) => void,
): Promise<StateRow[]> {
  const rows: StateRow[] = [];
  for (const size of sizes) {
    const members = devices.slice(0, size - 1);
    const formed = await formAndRead(creator, members, `state ${size}`, timeoutMs);
    const creatorBytes = (await storedBytes(creator.store, formed.conversationId)).group;
    const kept = await Promise.all(members.map((m) => storedBytes(m.store, formed.conversationId)));
    const row: StateRow = {
      devices: size,
      creatorBytes,
      memberBytes: summarize(kept.map((k) => k.group)),
      memberConversationBytes: summarize(kept.map((k) => k.conversation)),
      formedMs: round(Math.max(...formed.readAt.map((at) => (at ?? Number.NaN) - formed.startedAt)), 1),
    };
    log(`  a group of ${size}: the creator keeps ${creatorBytes} bytes of MLS state, a member p50 ${row.memberBytes?.p50} bytes`);
    rows.push(row);
  }
  return rows;
}
