import type { SendPath } from './peers/workload.js';

// The peers phase's selection (`--peer-targets`, `--peer-levels`, `--peer-paths`, `--peer-users`): what a focused A/B runs.

/**
 * `flushed` is the peer with `synchronous=FULL`: each commit flushed before it answers, as Confab's
 * ack promises; `fastify` is that flushed peer with its HTTP side on Fastify, Confab's framework;
 * `guaranteed` is the flushed peer keeping Confab's other promises on the send path (idempotency,
 * a gap-free order per conversation, a log to resume from).
 */
export const PEER_TARGETS = ['peer', 'flushed', 'fastify', 'guaranteed', 'floor', 'durable', 'confab'] as const;
export type PeerTargetName = (typeof PEER_TARGETS)[number];
export const PEER_PATHS = ['rest', 'socket'] as const satisfies readonly SendPath[];
export const PEER_LEVELS = [1, 10, 100] as const;
/** Who the senders are: a user each, or this many users sharing the senders (each sender its own connection). */
export type PeerSenderUsers = 'each' | number;
export const PEER_USERS: readonly PeerSenderUsers[] = ['each', 4];

export interface PeerSelection {
  targets: readonly PeerTargetName[];
  levels: readonly number[];
  paths: readonly SendPath[];
  /** Each level runs once per entry whose users are fewer than its senders ('each' always). */
  users: readonly PeerSenderUsers[];
  /** Every target, level and path: only such a run replaces results/peers-latest.json. */
  complete: boolean;
}

/**
 * `--peer-targets`, `--peer-levels`, `--peer-paths`, `--peer-users`: each a comma-separated list;
 * run in the tables' order whatever order was typed.
 */
export function parsePeerSelection(targets?: string, levels?: string, paths?: string, users?: string): PeerSelection {
  const list = (text: string) => [...new Set(text.split(',').map((s) => s.trim()))].filter((s) => s !== '');
  const pick = <T extends string>(flag: string, text: string | undefined, known: readonly T[]): readonly T[] => {
    if (text === undefined) return known;
    const asked = list(text);
    const unknown = asked.filter((a) => !(known as readonly string[]).includes(a));
    if (unknown.length > 0 || asked.length === 0) throw new Error(`--${flag}: expected some of ${known.join(', ')}, got "${text}"`);
    return known.filter((k) => asked.includes(k));
  };
  const chosenLevels = levels === undefined ? [...PEER_LEVELS] : list(levels).map(Number);
  if (chosenLevels.length === 0 || chosenLevels.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`--peer-levels: expected positive whole numbers of senders, got "${levels}"`);
  chosenLevels.sort((a, b) => a - b);
  const chosenUsers = users === undefined ? [...PEER_USERS] : list(users).map((u) => (u === 'each' ? u : Number(u)));
  if (chosenUsers.length === 0 || chosenUsers.some((u) => u !== 'each' && (!Number.isInteger(u) || u < 1)))
    throw new Error(`--peer-users: expected each and/or positive whole numbers of users, got "${users}"`);
  // 'each' first, then the fewest users.
  chosenUsers.sort((a, b) => (a === 'each' ? -1 : b === 'each' ? 1 : a - b));
  const selection = {
    targets: pick('peer-targets', targets, PEER_TARGETS),
    levels: chosenLevels,
    paths: pick('peer-paths', paths, PEER_PATHS),
    users: chosenUsers,
  };
  const complete =
    selection.targets.length === PEER_TARGETS.length &&
    selection.paths.length === PEER_PATHS.length &&
    selection.levels.join() === PEER_LEVELS.join() &&
    selection.users.join() === PEER_USERS.join();
  return { ...selection, complete };
}
