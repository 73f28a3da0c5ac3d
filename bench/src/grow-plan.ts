import { mulberry32 } from './stats.js';

/**
 * The large instance's plan (issue 41 item 3), pure so it can be tested: who is in which
 * conversation, which conversation each message goes to and who sends it, when, and what every
 * member has read. User 0 is the measured user, in `userConversations` conversations, the first
 * of which (conversation 0) is the big one with `bigMessages` messages. The seeder (grow-seed.ts)
 * writes this plan's rows; the measurements (grow-measure.ts) check their answers against it.
 */
export interface GrowSizes {
  users: number;
  messages: number;
  /** Every conversation of the instance. */
  conversations: number;
  /** The measured user's conversations (0 … userConversations − 1). */
  userConversations: number;
  /** Messages of conversation 0, the biggest. */
  bigMessages: number;
}

/** The history spans a year; the newest message is a minute old when the seed starts. */
export const SPAN_MS = 365 * 86_400_000;
/**
 * Only the last 6 days of messages keep their events: the server prunes what is older than
 * EVENT_RETENTION_SECONDS (7 days by default); a day less leaves the run a day before its first
 * prune would find anything due.
 */
export const LOG_KEPT_MS = 6 * 86_400_000;
/** The big conversation's members (at most; fewer with fewer users). */
export const BIG_MEMBERS = 1000;

export function checkGrowSizes(s: GrowSizes): void {
  const problems: string[] = [];
  if (s.users < 3) problems.push('--grow-users: at least 3');
  if (s.conversations < 2) problems.push('--grow-conversations: at least 2');
  if (s.userConversations > s.conversations) problems.push('--grow-user-conversations cannot exceed --grow-conversations');
  if (s.bigMessages > s.messages) problems.push('--grow-big-messages cannot exceed --grow-messages');
  // The measured user's DMs are each with another user; the others' DMs are distinct pairs (pairOf).
  if (Math.ceil(s.userConversations / 2) > s.users - 1) problems.push('--grow-users: too few for the measured user’s DMs');
  const n = s.users - 1;
  if (1 + Math.floor(Math.floor((s.conversations - 1) / 3) / n) > Math.floor((n - 1) / 2))
    problems.push('--grow-users: too few for that many DMs');
  if (problems.length > 0) throw new Error(problems.join('; '));
}

export type Kind = 'direct' | 'group';

/** Conversation 0 is a group; the measured user's others alternate DM and group; a third of the rest are DMs. */
export function kindOf(s: GrowSizes, c: number): Kind {
  if (c === 0) return 'group';
  if (c < s.userConversations) return c % 2 === 1 ? 'direct' : 'group';
  return c % 3 === 0 ? 'direct' : 'group';
}

/** Members of conversation `c` as user indexes, the owner (or DM starter) first. */
export function membersOf(s: GrowSizes, c: number): number[] {
  const n = s.users - 1; // users 1 … users − 1: everyone but the measured user
  const block = (start: number, size: number) => Array.from({ length: size }, (_, j) => 1 + ((start + j) % n));
  if (c === 0) return [0, ...block(0, Math.min(BIG_MEMBERS, s.users) - 1)];
  const mine = c < s.userConversations;
  if (kindOf(s, c) === 'direct') return mine ? [0, 1 + (((c - 1) / 2) % n)] : pairOf(n, c / 3);
  const size = Math.min(3 + ((c * 7) % 28), n);
  const start = (c * 7919) % n;
  return mine ? [0, ...block(start, size - 1)] : block(start, size);
}

/** The d-th DM between two of users 1 … n: (a, a + k), k < n / 2, so no unordered pair comes twice. */
function pairOf(n: number, d: number): number[] {
  const a = d % n;
  const k = 1 + Math.floor(d / n);
  return [1 + a, 1 + ((a + k) % n)];
}

/** A DM's key as the conversation service makes it: the two user ids, sorted, joined by `:`. */
export const directKey = (userIds: readonly string[]): string => [...userIds].sort().join(':');

/** One message of the plan, in the order they were sent (= their log positions). */
export interface PlannedMessage {
  index: number;
  conversation: number;
  /** Gap-free per conversation, from 1. */
  seq: number;
  sender: number;
}

/**
 * The messages in sending order: conversation 0 takes exactly `bigMessages`, spread evenly; the
 * rest go to the other conversations at random; each is sent by a random member. Deterministic:
 * every pass over it yields the same messages.
 */
export function* plannedMessages(s: GrowSizes, members: readonly (readonly number[])[]): Generator<PlannedMessage> {
  const rnd = mulberry32(41);
  const seqs = new Int32Array(s.conversations);
  for (let index = 0; index < s.messages; index++) {
    const big = Math.floor(((index + 1) * s.bigMessages) / s.messages) > Math.floor((index * s.bigMessages) / s.messages);
    const conversation = big ? 0 : 1 + Math.floor(rnd() * (s.conversations - 1));
    const who = members[conversation]!;
    const sender = who[Math.floor(rnd() * who.length)]!;
    yield { index, conversation, seq: (seqs[conversation]! += 1), sender };
  }
}

/** When message `index` was sent, and whether its event is still in the log. */
export function timeline(s: GrowSizes, now: number) {
  const end = now - 60_000;
  const start = end - SPAN_MS;
  const sentAt = (index: number) => start + Math.floor((index * SPAN_MS) / Math.max(1, s.messages - 1));
  const keptFrom = end - LOG_KEPT_MS;
  return { start, sentAt, keptFrom };
}

/** What the member has not read: a few conversations left with some unread, most read to the end. */
export function unreadLeft(c: number, member: number): number {
  if (member === 0) return c === 0 ? 250 : c % 4 === 0 ? (c * 13) % 40 : 0;
  return (c + member) % 7 === 0 ? member % 20 : 0;
}

/** Read markers move to a member's own sends (sendPlan.readBy), so a read seq is never below the member's last send. */
export const readSeqOf = (lastSeq: number, lastOwnSeq: number, left: number): number => Math.max(lastOwnSeq, lastSeq - left, 0);

/**
 * The whole plan, from a pass over the messages without their bodies: each conversation's count
 * and last message, each member's last send, and the log positions of the events the measured
 * user may read (those still kept), for resume cursors. Positions: conversation c was created at
 * position c + 1 (its `conversation.created`, long pruned), message i is at conversations + i + 1.
 */
export function planGrow(s: GrowSizes, now: number) {
  checkGrowSizes(s);
  const members = Array.from({ length: s.conversations }, (_, c) => membersOf(s, c));
  const time = timeline(s, now);
  const lastSeq = new Int32Array(s.conversations);
  const lastIndex = new Int32Array(s.conversations).fill(-1);
  const lastOwnSeq = new Map<number, number>();
  const visible: number[] = [];
  let firstKept = s.messages;
  for (const m of plannedMessages(s, members)) {
    lastSeq[m.conversation] = m.seq;
    lastIndex[m.conversation] = m.index;
    lastOwnSeq.set(m.conversation * s.users + m.sender, m.seq);
    if (firstKept === s.messages && time.sentAt(m.index) >= time.keptFrom) firstKept = m.index;
    if (m.index >= firstKept && m.conversation < s.userConversations) visible.push(positionOf(s, m.index));
  }
  const readSeq = (c: number, member: number) => readSeqOf(lastSeq[c]!, lastOwnSeq.get(c * s.users + member) ?? 0, unreadLeft(c, member));
  // The measured user's unread: all after their read seq is from others (their own sends moved it).
  let unreadTotal = 0;
  for (let c = 0; c < s.userConversations; c++) unreadTotal += lastSeq[c]! - readSeq(c, 0);
  return {
    sizes: s,
    members,
    time,
    lastSeq,
    lastIndex,
    readSeq,
    firstKept,
    /** The log's floor: every position up to it is pruned. */
    floor: s.conversations + firstKept,
    head: s.conversations + s.messages,
    visible,
    unreadTotal,
  };
}

export type GrowPlan = ReturnType<typeof planGrow>;

export const positionOf = (s: GrowSizes, index: number): number => s.conversations + index + 1;

/**
 * A cursor after which exactly `missed` events the measured user may read follow (fewer if the
 * log holds fewer): "offline" since just before the `missed`-th newest of them.
 */
export function resumeCursor(plan: Pick<GrowPlan, 'visible' | 'head'>, missed: number): { pos: number; missed: number } {
  const k = Math.min(missed, plan.visible.length);
  return k === 0 ? { pos: plan.head, missed: 0 } : { pos: plan.visible[plan.visible.length - k]! - 1, missed: k };
}

/** `--grow-resume 1000,10000`: how many missed events each resume measures, ascending, distinct. */
export function parseResumeCounts(text: string): number[] {
  const counts = [
    ...new Set(
      text
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== '')
        .map(Number),
    ),
  ];
  if (counts.length === 0 || counts.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`--grow-resume: expected positive whole numbers of missed events, got "${text}"`);
  return counts.sort((a, b) => a - b);
}
