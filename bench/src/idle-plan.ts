/**
 * The idle phase's plan, pure so it can be tested: which seeded users share which groups, and how
 * the sockets are split over the generator's processes (the sandbox allows 20,000 file
 * descriptors per process, so 19,000 sockets need several holders).
 */

/** Counts summing to `total`, as even as possible, none above `perChild`. */
export function splitAcross(total: number, perChild: number): number[] {
  if (total <= 0) return [];
  const children = Math.ceil(total / perChild);
  const base = Math.floor(total / children);
  return Array.from({ length: children }, (_, i) => base + (i < total % children ? 1 : 0));
}

/**
 * `perUser` rounds; in each, users 0…count-1 in a different order are cut into groups of `size`
 * (the last one of a round takes the remainder): every user is in exactly `perUser` groups, and a
 * round's order is a multiplication by a stride coprime with `count`, so rounds mix the users.
 * Returns the members of each group as user indexes.
 */
export function planGroups(count: number, perUser: number, size: number): number[][] {
  const groups: number[][] = [];
  for (let round = 0; round < perUser; round++) {
    const stride = coprimeStride(count, round);
    let group: number[] = [];
    for (let i = 0; i < count; i++) {
      group.push((i * stride + round) % count);
      if (group.length === size) {
        groups.push(group);
        group = [];
      }
    }
    if (group.length > 0) groups.push(group);
  }
  return groups;
}

/** The round-th stride: 1, then the smallest numbers above 1 + 7·round coprime with `count`. */
function coprimeStride(count: number, round: number): number {
  if (round === 0 || count < 3) return 1;
  for (let s = 2 + 7 * round; ; s++) if (gcd(s, count) === 1) return s % count || 1;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
