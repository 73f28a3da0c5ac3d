import { type Member, Sender, registerMembers } from './members.js';
import { RawClient } from './raw-client.js';
import { type StoredMessage, type Tally, tally } from './tally.js';
import { mapPool, sleep } from '../stats.js';

/**
 * One fault under load, the same way every time: a group of members (SDK connections, and raw
 * WebSocket clients that do no gap filling), some of them sending at a steady rate; the fault is
 * played once the traffic is flowing; sending goes on for a while after it; then the run waits
 * for every receiver to hold every acknowledged message, reads the history back and tallies.
 */
export interface ExerciseOptions {
  /** Prefix of the users' names: unique per scenario and run. */
  prefix: string;
  /** Where member `i` connects (REST and WebSocket): a proxy, nginx, a node. */
  entryFor: (index: number) => string;
  members: number;
  /** How many of the last members are raw WebSocket clients instead of SDK connections. */
  raw: number;
  /** The first `ws` members send over their WebSocket, the next `rest` over REST. */
  wsSenders: number;
  restSenders: number;
  /** Messages a second, per sender. */
  rate: number;
  bodyBytes?: number;
  /** The SDK's delivery receipts (default on). */
  deliveryReceipts?: boolean;
  warmupMs: number;
  /** Sending goes on this long after the fault returns. */
  afterMs: number;
  /** Plays the fault; resolves with the instant "time to recover" counts from. */
  fault: (run: RunningExercise) => Promise<number>;
  log: (text: string) => void;
}

export interface RunningExercise {
  members: Member[];
  raws: RawClient[];
  conversationId: string;
}

export interface ExerciseResult {
  tally: Tally;
  /** Send failures by HTTP status (REST) or error code (WebSocket). */
  failures: Map<string, number>;
  problems: string[];
  notes: string[];
  raws: RawClient[];
}

const CATCH_UP_MS = 60_000;

export async function exercise(options: ExerciseOptions): Promise<ExerciseResult> {
  const { log } = options;
  const members: Member[] = [];
  for (let i = 0; i < options.members;) {
    const entry = options.entryFor(i);
    let end = i + 1;
    while (end < options.members && options.entryFor(end) === entry) end++;
    members.push(...(await registerMembers(entry, options.prefix, end - i, i)));
    i = end;
  }
  const [owner, ...others] = members as [Member, ...Member[]];
  const group = await owner.client.createGroup(
    `${options.prefix} group`,
    others.map((m) => m.id),
  );
  const sdkMembers = members.slice(0, options.members - options.raw);
  await mapPool(sdkMembers, 8, (member) => member.connect(group.id, options.deliveryReceipts));
  const raws = members
    .slice(options.members - options.raw)
    .map((member, i) => new RawClient(member.name, options.entryFor(options.members - options.raw + i), member.accessToken, group.id));
  await Promise.all(raws.map((raw) => raw.start()));
  log(`${members.length} members connected (${raws.length} raw)`);

  const senders = [
    ...sdkMembers.slice(0, options.wsSenders).map((m) => new Sender(m, 'ws', group.id, options.rate, options.bodyBytes)),
    ...sdkMembers
      .slice(options.wsSenders, options.wsSenders + options.restSenders)
      .map((m) => new Sender(m, 'rest', group.id, options.rate, options.bodyBytes)),
  ];
  for (const sender of senders) sender.start();
  await sleep(options.warmupMs);
  const running: RunningExercise = { members, raws, conversationId: group.id };
  const recoveryFrom = await options.fault(running);
  await sleep(options.afterMs);

  const problems: string[] = [];
  const unacknowledged = (await Promise.all(senders.map((s) => s.stop(CATCH_UP_MS)))).reduce((a, b) => a + b, 0);
  if (unacknowledged > 0) problems.push(`${unacknowledged} sends still unacknowledged ${CATCH_UP_MS / 1000} s after sending stopped`);
  const acks = senders.flatMap((s) => s.acks);
  const acked = new Set(acks.map((a) => a.seq));
  const receivers = [...sdkMembers.map((m) => ({ name: m.name, arrivals: m.arrivals })), ...raws];
  const behind = () => receivers.filter((r) => !holdsAll(r.arrivals, acked));
  const deadline = performance.now() + CATCH_UP_MS;
  while (behind().length > 0 && performance.now() < deadline) await sleep(200);
  await Promise.all(sdkMembers.map((m) => m.conn!.settled()));
  await sleep(300); // room for a late duplicate to show itself

  const stored = await readHistory(owner, group.id);
  for (const member of sdkMembers) member.close();
  for (const raw of raws) raw.close();

  const failures = new Map<string, number>();
  for (const sender of senders) for (const [key, n] of sender.failures) failures.set(key, (failures.get(key) ?? 0) + n);
  const resets = sdkMembers.reduce((n, m) => n + m.resets, 0) + raws.reduce((n, r) => n + r.resets, 0);
  if (resets > 0) problems.push(`${resets} resumes answered with a reset`);
  const sent = senders.reduce((n, s) => n + s.sent, 0);
  const notes = [`${sent} sends by ${senders.length} senders to ${receivers.length} receivers`];
  const slowest = receivers
    .map((r) => ({ name: r.name, ms: tally({ acks, stored, receivers: [r], recoveryFrom }).recoveryMs ?? Infinity }))
    .sort((a, b) => b.ms - a.ms)[0];
  if (slowest) notes.push(`slowest to recover: ${slowest.name} (${(slowest.ms / 1000).toFixed(1)} s)`);
  for (const raw of raws) {
    const readies = raw.readyAt.filter((at) => at >= recoveryFrom).map((at) => `${((at - recoveryFrom) / 1000).toFixed(1)} s`);
    const closes = raw.closedAt.filter((at) => at >= recoveryFrom).map((at) => `${((at - recoveryFrom) / 1000).toFixed(1)} s`);
    if (readies.length > 0) notes.push(`${raw.name} (raw) saw closes ${closes.join(', ')}, resumed ${readies.join(', ')} after the fault`);
  }
  return { tally: tally({ acks, stored, receivers, recoveryFrom }), failures, problems, notes, raws };
}

function holdsAll(arrivals: readonly { seq: number }[], acked: ReadonlySet<number>): boolean {
  const seen = new Set(arrivals.map((a) => a.seq));
  for (const seq of acked) if (!seen.has(seq)) return false;
  return true;
}

/** The whole history, read back with retries (the fault may have just ended). */
async function readHistory(member: Member, conversationId: string): Promise<StoredMessage[]> {
  for (let attempt = 0; ; attempt++) {
    try {
      const stored: StoredMessage[] = [];
      for (let after = 0; ;) {
        const page = await member.client.history(conversationId, { after, limit: 1000 });
        stored.push(...page.items.map((m) => ({ seq: m.seq, clientId: m.clientId })));
        if (page.nextCursor === null) return stored;
        after = Number(page.nextCursor);
      }
    } catch (error) {
      if (attempt >= 20) throw error;
      await sleep(500);
    }
  }
}
