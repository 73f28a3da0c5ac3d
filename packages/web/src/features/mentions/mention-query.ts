import type { User } from '@confab/protocol';

/**
 * The logic of mention autocomplete, apart from React: which `@word` the caret is in, who
 * matches it, and the text once a name is picked. The token rules are the server's
 * (services/mentions.ts): an `@` not preceded by a word or e-mail character, then the letters,
 * digits and `_ . -` usernames are made of.
 */
const BEFORE_AT = /[\p{L}\p{M}\p{N}_.@-]/u;
const NAME_CHARACTER = /[\p{L}\p{M}\p{Nd}_.-]/u;
const MAX_NAME = 32;

/** The `@partial` being typed: `start` at the `@`, `end` at the caret, `query` between. */
export interface MentionQuery {
  start: number;
  end: number;
  query: string;
}

/** The mention being typed at `caret`, or null when the caret is not right after `@` and name characters. */
export function mentionAt(text: string, caret: number): MentionQuery | null {
  let at = caret;
  while (at > 0 && NAME_CHARACTER.test(text[at - 1]!)) at -= 1;
  if (at === 0 || text[at - 1] !== '@') return null;
  const start = at - 1;
  if (start > 0 && BEFORE_AT.test(text[start - 1]!)) return null;
  const query = text.slice(at, caret);
  if (query.length > MAX_NAME) return null;
  return { start, end: caret, query };
}

/** What the list offers: a member, or `@all` (everyone in the group). */
export type MentionCandidate = { kind: 'user'; user: User } | { kind: 'all' };

/**
 * Members whose username starts with the query, then those with a word of their display name
 * starting with it (case and accents aside), me and erased accounts left out (deactivated ones
 * too, but for admins), at most `limit`; `@all` first when it
 * is offered and matches.
 */
export function matchCandidates(
  members: readonly User[],
  query: string,
  /** `showDeactivated`: deactivated accounts are offered too (to admins only, issue 35). */
  options: { myId: string; offerAll: boolean; limit?: number; showDeactivated?: boolean },
): MentionCandidate[] {
  const q = fold(query);
  const byUsername: User[] = [];
  const byName: User[] = [];
  for (const user of members) {
    if (user.id === options.myId || user.deleted || (user.deactivated && !options.showDeactivated)) continue;
    if (fold(user.username).startsWith(q)) byUsername.push(user);
    else if (
      fold(user.displayName)
        .split(/\s+/)
        .some((word) => word.startsWith(q))
    )
      byName.push(user);
  }
  const order = (a: User, b: User) => a.username.localeCompare(b.username);
  const users = [...byUsername.sort(order), ...byName.sort(order)].map((user): MentionCandidate => ({ kind: 'user', user }));
  const all: MentionCandidate[] = options.offerAll && 'all'.startsWith(q) ? [{ kind: 'all' }] : [];
  return [...all, ...users].slice(0, options.limit ?? 8);
}

/** The text with the typed `@partial` replaced by `@name ` and where the caret goes after it. */
export function applyMention(text: string, mention: MentionQuery, name: string): { text: string; caret: number } {
  const inserted = `@${name} `;
  const rest = text.slice(mention.end).replace(/^ /, '');
  return { text: text.slice(0, mention.start) + inserted + rest, caret: mention.start + inserted.length };
}

function fold(value: string): string {
  return value.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}
