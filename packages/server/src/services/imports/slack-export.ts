import { isReactionKey } from '@confab/protocol';
import type { ImportItem, ImportedConversation, ImportedFile, ImportedMessage, ImportedUser } from './import-model.js';
import type { ZipArchive } from './zip-archive.js';

/**
 * A standard Slack workspace export (https://slack.com/help/articles/220556107), read from its
 * zip a file at a time: users.json, then each of channels.json, groups.json (private channels),
 * dms.json and mpims.json (group DMs) with its conversations, each followed by its day files
 * (`<folder>/YYYY-MM-DD.json`) in date order. Files the export holds are under
 * `__uploads/<file id>/<name>`. Memory holds one day of one conversation at a time.
 */

/** A list (users.json …) or one day's file is read whole; nothing Slack writes comes near this. */
const MAX_JSON_BYTES = 256 * 1024 * 1024;

/** Messages that say something (the rest record joins, leaves, renames: the import makes its own memberships). */
const KEPT_SUBTYPES = new Set([undefined, 'thread_broadcast', 'file_share', 'me_message', 'bot_message', 'reply_broadcast']);

export async function* readSlackExport(zip: ZipArchive): AsyncGenerator<ImportItem> {
  const users = await readList(zip, 'users.json', true);
  if ('error' in users) {
    yield users.error;
    return;
  }
  yield { type: 'users', users: users.list.flatMap((u) => slackUser(u) ?? []) };
  const uploads = uploadsByFileId(zip);
  for (const [file, kind] of [
    ['channels.json', 'channel'],
    ['groups.json', 'channel'],
    ['mpims.json', 'mpim'],
    ['dms.json', 'dm'],
  ] as const) {
    const listed = await readList(zip, file, false);
    if ('error' in listed) {
      yield listed.error;
      continue;
    }
    for (const raw of listed.list) {
      const conversation = slackConversation(raw, kind);
      if (!conversation) {
        yield { type: 'error', file, message: 'an entry without an id was skipped' };
        continue;
      }
      yield { type: 'conversation', conversation: conversation.conversation };
      yield* readDays(zip, conversation.conversation.id, conversation.folder, uploads);
    }
  }
}

type Json = Record<string, unknown>;

async function readList(zip: ZipArchive, name: string, required: boolean): Promise<{ list: Json[] } | { error: ImportItem }> {
  if (!zip.entries.has(name)) {
    return required ? { error: { type: 'error', file: name, message: 'missing: not a Slack export' } } : { list: [] };
  }
  try {
    const parsed: unknown = JSON.parse(await zip.text(name, MAX_JSON_BYTES));
    if (!Array.isArray(parsed)) throw new Error('expected a JSON array');
    return { list: parsed.filter((x): x is Json => typeof x === 'object' && x !== null) };
  } catch (error) {
    return { error: { type: 'error', file: name, message: messageOf(error) } };
  }
}

async function* readDays(
  zip: ZipArchive,
  conversationId: string,
  folder: string,
  uploads: Map<string, string>,
): AsyncGenerator<ImportItem> {
  const days = [...zip.entries.keys()]
    .filter((name) => name.startsWith(`${folder}/`) && /^\d{4}-\d{2}-\d{2}\.json$/.test(name.slice(folder.length + 1)))
    .sort();
  for (const file of days) {
    let messages: ImportedMessage[];
    try {
      const parsed: unknown = JSON.parse(await zip.text(file, MAX_JSON_BYTES));
      if (!Array.isArray(parsed)) throw new Error('expected a JSON array of messages');
      messages = parsed.flatMap((m) => slackMessage(m, zip, uploads) ?? []);
    } catch (error) {
      yield { type: 'error', file, message: messageOf(error) };
      continue;
    }
    messages.sort((a, b) => compareTs(a.key, b.key));
    yield { type: 'messages', conversationId, file, messages };
  }
}

function slackUser(raw: Json): ImportedUser | undefined {
  const id = str(raw.id);
  const name = str(raw.name);
  if (!id || !name) return undefined;
  const profile = (raw.profile ?? {}) as Json;
  return {
    id,
    username: name,
    displayName: str(profile.display_name) || str(profile.real_name) || str(raw.real_name) || name,
    email: str(profile.email) || null,
  };
}

function slackConversation(raw: Json, kind: 'channel' | 'mpim' | 'dm'): { conversation: ImportedConversation; folder: string } | undefined {
  const id = str(raw.id);
  if (!id) return undefined;
  const name = str(raw.name);
  const members = Array.isArray(raw.members) ? raw.members.filter((m): m is string => typeof m === 'string') : [];
  const topic = str((raw.topic as Json | undefined)?.value) || str((raw.purpose as Json | undefined)?.value);
  const createdAt = typeof raw.created === 'number' ? raw.created * 1000 : 0;
  const direct = kind === 'dm' && members.length === 2;
  return {
    folder: kind === 'dm' ? id : name || id,
    conversation: {
      id,
      kind: direct ? 'direct' : 'group',
      // A group DM has no name of its own ("mpdm-alice--bob--carol-1"): the writer names it by its members.
      title: kind === 'channel' ? name || id : null,
      description: topic || null,
      creatorId: str(raw.creator) || members[0] || null,
      memberIds: members,
      createdAt,
    },
  };
}

function slackMessage(raw: unknown, zip: ZipArchive, uploads: Map<string, string>): ImportedMessage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const m = raw as Json;
  const ts = str(m.ts);
  const user = str(m.user);
  if (!ts || !user || !/^\d+(\.\d+)?$/.test(ts) || !KEPT_SUBTYPES.has(str(m.subtype) || undefined)) return undefined;
  const threadTs = str(m.thread_ts);
  const edited = (m.edited ?? null) as Json | null;
  const reactions = Array.isArray(m.reactions) ? (m.reactions as Json[]) : [];
  const files = Array.isArray(m.files) ? (m.files as Json[]) : [];
  return {
    key: ts,
    senderId: user,
    sentAt: tsToMs(ts),
    text: str(m.text),
    rootKey: threadTs && threadTs !== ts ? threadTs : null,
    editedAt: edited && str(edited.ts) ? tsToMs(str(edited.ts)) : null,
    reactions: reactions.flatMap((r) => {
      const emoji = reactionKey(str(r.name));
      const userIds = Array.isArray(r.users) ? r.users.filter((u): u is string => typeof u === 'string') : [];
      return emoji && userIds.length > 0 ? [{ emoji, userIds }] : [];
    }),
    pinned: Array.isArray(m.pinned_to) && m.pinned_to.length > 0,
    files: files.flatMap((f): ImportedFile[] => {
      const id = str(f.id);
      if (!id) return [];
      const entry = uploads.get(id);
      return [
        { id, name: str(f.name) || str(f.title) || entry?.split('/').pop() || id, open: entry ? () => zip.stream(entry) : undefined },
      ];
    }),
  };
}

/** Slack's reaction names (`+1`, `thumbsup::skin-tone-2`) as Confab's `:shortcode:` keys. */
function reactionKey(name: string): string | undefined {
  const key = `:${name.split('::')[0]}:`;
  return isReactionKey(key) ? key : undefined;
}

/** `__uploads/F123/name.png` by file id: the files an export with files holds. */
function uploadsByFileId(zip: ZipArchive): Map<string, string> {
  const found = new Map<string, string>();
  for (const name of zip.entries.keys()) {
    const match = /^__uploads\/([^/]+)\/[^/]+$/.exec(name);
    if (match) found.set(match[1]!, name);
  }
  return found;
}

/** "1700000000.000100": seconds and microseconds, compared as integers (a double would round the microseconds). */
export function compareTs(a: string, b: string): number {
  const [as = '0', af = ''] = a.split('.');
  const [bs = '0', bf = ''] = b.split('.');
  return Number(as) - Number(bs) || Number(af.padEnd(6, '0')) - Number(bf.padEnd(6, '0'));
}

const tsToMs = (ts: string): number => {
  const [seconds = '0', fraction = ''] = ts.split('.');
  return Number(seconds) * 1000 + Number(fraction.padEnd(3, '0').slice(0, 3));
};

const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
