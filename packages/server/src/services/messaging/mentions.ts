import { type ConversationKind, type Role, usernameKey } from '@confab/protocol';
import type { Store } from '../../store/store.js';

/**
 * `@username` (a member's, any case, in any script usernames may use) and, in a group, `@all`. A
 * token starts after a character that cannot be part of an e-mail address or a word, so
 * "bob@example.com" mentions nobody.
 */
export const MENTION = /(?<![\p{L}\p{M}\p{N}_.@-])@([\p{L}\p{M}\p{Nd}_.-]{3,32})/gu;

export interface MentionContext {
  conversationId: string;
  /** Asked only when the body says `@all`. */
  kind: () => Promise<ConversationKind>;
  authorId: string;
  authorRole: Role;
  /** The conversation's members, for `@all`. */
  memberIds: () => Promise<Iterable<string>>;
  /** Whether plain members may use `@all` (ALLOW_MEMBER_MENTION_ALL). */
  allowMemberMentionAll: boolean;
}

/** The usernames a body names (as keys: usernameKey, each once, in order), `all` included. */
export function mentionTokens(body: string): string[] {
  const tokens: string[] = [];
  for (const match of body.matchAll(MENTION)) {
    const name = usernameKey(match[1]!);
    tokens.push(name);
    // "@bob." at the end of a sentence: the dots are punctuation when no user has them.
    const trimmed = name.replace(/[.-]+$/, '');
    if (trimmed !== name && trimmed.length >= 3) tokens.push(trimmed);
  }
  return [...new Set(tokens)];
}

/**
 * The user ids a body mentions, in the order they are named, each once, the author never.
 * `@all` expands to every member in a group where the author may use it (owners and admins,
 * or anyone with ALLOW_MEMBER_MENTION_ALL); elsewhere it is plain text (or a user named "all").
 */
export async function parseMentions(store: Store, context: MentionContext, body: string): Promise<string[]> {
  if (!body.includes('@')) return [];
  const tokens = mentionTokens(body);
  if (tokens.length === 0) return [];
  const everyone =
    tokens.includes('all') &&
    (context.authorRole === 'owner' || context.authorRole === 'admin' || context.allowMemberMentionAll) &&
    (await context.kind()) === 'group';
  const named = await store.members.findMembersByUsername(
    context.conversationId,
    tokens.filter((t) => !(everyone && t === 'all')),
  );
  const ids: string[] = [];
  for (const token of tokens) {
    if (everyone && token === 'all') ids.push(...(await context.memberIds()));
    else {
      const id = named.get(token);
      if (id !== undefined) ids.push(id);
    }
  }
  return [...new Set(ids)].filter((id) => id !== context.authorId);
}
