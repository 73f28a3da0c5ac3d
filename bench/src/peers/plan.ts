import type { PeerSenderUsers } from '../peer-selection.js';

/** One load of the peers phase: `senders` connections sending at once, signed in as `users` users. */
export interface Load {
  senders: number;
  users: number;
}

/**
 * The loads of a level list: every level with a user per sender, and again with each smaller
 * number of users (a number at or above the level's senders would be the same as `each`).
 */
export function loadsOf(levels: readonly number[], users: readonly PeerSenderUsers[]): Load[] {
  const loads: Load[] = [];
  for (const senders of levels)
    for (const u of users) {
      if (u === 'each') loads.push({ senders, users: senders });
      else if (u < senders) loads.push({ senders, users: u });
    }
  return loads;
}

/** The key a load's results are saved under: `100`, or `100/4u` when 4 users share the 100 senders. */
export const loadKey = (load: Load): string => (load.users === load.senders ? String(load.senders) : `${load.senders}/${load.users}u`);

/** How the tables name a load: `100`, or `100 (4 users)`. */
export const loadLabel = (load: Load): string =>
  load.users === load.senders ? String(load.senders) : `${load.senders} (${load.users} user${load.users === 1 ? '' : 's'})`;

/**
 * Every DM pair the phase needs, in the order the loads use them, as the index of each pair's
 * sender: pairs whose senders share a user share an index. Each pair has a recipient of its own.
 * `tail` more pairs (the open loop's), a user each, come last.
 */
export function senderPlan(loads: readonly Load[], repeat: number, tail: number): number[] {
  const senderOf: number[] = [];
  let nextUser = 0;
  for (let r = 0; r < repeat; r++)
    for (const { senders, users } of loads) {
      const first = nextUser;
      for (let i = 0; i < senders; i++) senderOf.push(first + (i % users));
      nextUser += users;
    }
  for (let i = 0; i < tail; i++) senderOf.push(nextUser++);
  return senderOf;
}

/** How many sender users a plan names (indices run from 0). */
export const senderCount = (senderOf: readonly number[]): number => senderOf.reduce((max, s) => Math.max(max, s + 1), 0);

/**
 * The order the servers take a level's round in: every server once, the first one step later each
 * round, so that none is always measured right after the same other one (whose after-work, and
 * whatever the machine did meanwhile, would fall on it alone).
 */
export const roundOrder = (round: number, servers: number): number[] =>
  Array.from({ length: servers }, (_, turn) => (turn + round) % servers);
