import { isReactionKey } from '@confab/protocol';
import type { Readable } from 'node:stream';
import type { ImportItem, ImportedConversation, ImportedFile, ImportedMessage, ImportedUser, MarkupConverter } from './import-model.js';

/**
 * A Mattermost bulk export (https://docs.mattermost.com/manage/bulk-export-tool.html): one JSON
 * object a line, `{"type": "version" | "team" | "channel" | "user" | "post" | "direct_channel" |
 * "direct_post", "<type>": {…}}`, in that order (server/channels/app/imports/import_types.go).
 * Channels come before the people whose `teams[].channels[]` say who is in them, so both are
 * held (they are small) until the first post; posts are then handed on a slice at a time (up to
 * 1,000 of one channel, replies with their root). A line that is not JSON is reported and skipped.
 */

const SLICE = 1000;

type Json = Record<string, unknown>;
type OpenFile = (path: string) => (() => Promise<Readable>) | undefined;

export async function* readMattermostExport(lines: AsyncIterable<string>, file: string, openFile: OpenFile): AsyncGenerator<ImportItem> {
  const channels: Json[] = [];
  const users: Json[] = [];
  let announced = false;
  const directs = new Set<string>();
  let slice: { conversationId: string; messages: ImportedMessage[] } | undefined;
  const flush = function* (): Generator<ImportItem> {
    if (slice && slice.messages.length > 0) {
      slice.messages.sort((a, b) => a.sentAt - b.sentAt || Number(a.rootKey !== null) - Number(b.rootKey !== null));
      yield { type: 'messages', conversationId: slice.conversationId, file, messages: slice.messages };
    }
    slice = undefined;
  };
  let n = 0;
  for await (const line of lines) {
    n += 1;
    if (line.trim() === '') continue;
    let entry: Json;
    try {
      entry = JSON.parse(line) as Json;
      if (typeof entry !== 'object' || entry === null || typeof entry.type !== 'string')
        throw new Error('expected an object with a "type"');
    } catch (error) {
      yield { type: 'error', file: `${file}:${n}`, message: error instanceof Error ? error.message : String(error) };
      continue;
    }
    const body = (entry[entry.type] ?? {}) as Json;
    if (entry.type === 'channel') channels.push(body);
    else if (entry.type === 'user') users.push(body);
    else if (entry.type === 'post' || entry.type === 'direct_channel' || entry.type === 'direct_post') {
      if (!announced) {
        announced = true;
        yield* announce(channels, users);
      }
      if (entry.type === 'direct_channel') {
        const members = directMembers(body, 'members');
        const id = directId(members);
        if (members.length >= 2 && !directs.has(id)) {
          directs.add(id);
          yield { type: 'conversation', conversation: directConversation(id, members, str(body.header)) };
        }
        continue;
      }
      const direct = entry.type === 'direct_post';
      const members = direct ? directMembers(body, 'channel_members') : [];
      const conversationId = direct ? directId(members) : `${str(body.team)}:${str(body.channel)}`;
      if (direct && !directs.has(conversationId) && members.length >= 2) {
        directs.add(conversationId);
        yield* flush();
        yield { type: 'conversation', conversation: directConversation(conversationId, members, '') };
      }
      if (slice && (slice.conversationId !== conversationId || slice.messages.length >= SLICE)) yield* flush();
      slice ??= { conversationId, messages: [] };
      slice.messages.push(...postMessages(body, openFile));
    }
  }
  if (!announced) yield* announce(channels, users);
  yield* flush();
}

function* announce(channels: readonly Json[], users: readonly Json[]): Generator<ImportItem> {
  yield { type: 'users', users: users.flatMap((u) => mattermostUser(u) ?? []) };
  const members = new Map<string, string[]>();
  for (const user of users) {
    for (const team of Array.isArray(user.teams) ? (user.teams as Json[]) : []) {
      for (const channel of Array.isArray(team.channels) ? (team.channels as Json[]) : []) {
        const id = `${str(team.name)}:${str(channel.name)}`;
        members.set(id, [...(members.get(id) ?? []), str(user.username)]);
      }
    }
  }
  for (const channel of channels) {
    const id = `${str(channel.team)}:${str(channel.name)}`;
    const conversation: ImportedConversation = {
      id,
      kind: 'group',
      title: str(channel.display_name) || str(channel.name),
      description: str(channel.header) || str(channel.purpose) || null,
      creatorId: null,
      memberIds: members.get(id) ?? [],
      createdAt: 0,
    };
    yield { type: 'conversation', conversation };
  }
}

function mattermostUser(raw: Json): ImportedUser | undefined {
  const username = str(raw.username);
  if (!username) return undefined;
  const name = [str(raw.first_name), str(raw.last_name)].filter(Boolean).join(' ');
  return { id: username, username, displayName: str(raw.nickname) || name || username, email: str(raw.email) || null };
}

function directMembers(body: Json, field: string): string[] {
  const listed = Array.isArray(body[field])
    ? (body[field] as unknown[])
    : Array.isArray(body.participants)
      ? (body.participants as unknown[])
      : [];
  const names = listed.map((m) => (typeof m === 'string' ? m : str((m as Json | null)?.username)));
  return [...new Set(names.filter(Boolean))].sort();
}

const directId = (members: readonly string[]) => `dm:${members.join(',')}`;

function directConversation(id: string, members: string[], header: string): ImportedConversation {
  return {
    id,
    kind: members.length === 2 ? 'direct' : 'group',
    title: null,
    description: header || null,
    creatorId: members[0] ?? null,
    memberIds: members,
    createdAt: 0,
  };
}

/** A post and its replies (which the export nests in it), each keyed by author and time. */
function postMessages(post: Json, openFile: OpenFile): ImportedMessage[] {
  const root = message(post, null, openFile);
  if (!root) return [];
  const replies = Array.isArray(post.replies) ? (post.replies as Json[]) : [];
  return [root, ...replies.flatMap((r) => message(r, root.key, openFile) ?? [])];
}

function message(raw: Json, rootKey: string | null, openFile: OpenFile): ImportedMessage | undefined {
  const user = str(raw.user);
  const createAt = typeof raw.create_at === 'number' ? raw.create_at : NaN;
  if (!user || !Number.isFinite(createAt)) return undefined;
  const byEmoji = new Map<string, string[]>();
  for (const r of Array.isArray(raw.reactions) ? (raw.reactions as Json[]) : []) {
    const emoji = `:${str(r.emoji_name)}:`;
    if (!isReactionKey(emoji) || !str(r.user)) continue;
    byEmoji.set(emoji, [...(byEmoji.get(emoji) ?? []), str(r.user)]);
  }
  const files = (Array.isArray(raw.attachments) ? (raw.attachments as Json[]) : []).flatMap((a): ImportedFile[] => {
    const path = str(a.path);
    return path ? [{ id: path, name: path.split('/').pop() ?? path, open: openFile(path) }] : [];
  });
  const editAt = typeof raw.edit_at === 'number' && raw.edit_at > 0 ? raw.edit_at : null;
  return {
    key: `${user}:${createAt}`,
    senderId: user,
    sentAt: createAt,
    text: str(raw.message),
    rootKey,
    editedAt: editAt,
    reactions: [...byEmoji].map(([emoji, userIds]) => ({ emoji, userIds })),
    pinned: raw.is_pinned === true,
    files,
  };
}

/**
 * Mattermost writes Markdown already: only `@username` needs mapping, to the username the person
 * has here (a taken name was given a suffix), and it is a mention when it names someone.
 */
export const convertMattermostMarkup: MarkupConverter = (text, names) => {
  const mentionIds: string[] = [];
  const body = text.replace(/(?<![\p{L}\p{M}\p{N}_.@-])@([\p{L}\p{M}\p{Nd}_.-]+)/gu, (whole, name: string) => {
    // "@bob." at the end of a sentence: the dot is punctuation unless a name has it.
    const exact = names.userByName(name);
    const trimmed = name.replace(/[.-]+$/, '');
    const user = exact ?? names.userByName(trimmed);
    if (!user) return whole;
    mentionIds.push(user.id);
    return `@${user.username}${exact ? '' : name.slice(trimmed.length)}`;
  });
  return { body, mentionIds: [...new Set(mentionIds)] };
};

const str = (value: unknown): string => (typeof value === 'string' ? value : '');
