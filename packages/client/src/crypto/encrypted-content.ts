import type { Message, MlsRelation, VoiceInfo } from '@confab/protocol';
import type { CryptoStore } from './crypto-store.js';
import { type EncryptedFileRef, isFileRef } from './file-crypto.js';
import {
  type EncryptedPlace,
  type EncryptedPollContent,
  type EncryptedVote,
  readPlace,
  readPoll,
  readPollClose,
  readVoice,
  readVote,
} from './encrypted-polls.js';
import { type EncryptedPlaceMove, readPlaceMove, readPlaceStop } from './encrypted-places.js';
import type { ForwardedOrigin } from './encrypted-forward.js';

/**
 * What an MLS application message carries (issue 39 part 5). A text alone is its UTF-8 bytes, as
 * since part 2; anything more (files, a reaction) is a NUL byte and then JSON, which no typed text
 * begins with. The server sees none of it: only that an application message of some size was sent.
 */
export interface EncryptedContent {
  text?: string;
  files?: EncryptedFileRef[];
  /** A reaction to the message `messageId` (its id is visible to members only, inside the message): set (`on`) or taken back. */
  reaction?: { messageId: string; key: string; on: boolean };
  /** A new text for my earlier message `messageId` (an edit: applied by readers only when the sender is that message's). */
  edit?: { messageId: string; text: string };
  /** A poll (`text` is its question too, so search finds it): its results are counted on each device (encrypted-polls.ts). */
  poll?: EncryptedPollContent;
  /** A shared place (`text` an optional caption). */
  location?: EncryptedPlace;
  /** A voice note: `files` holds its one audio file, this its length and waveform. */
  voice?: VoiceInfo;
  /** My vote on a poll of this conversation, replacing my earlier one. */
  vote?: EncryptedVote;
  /** Closes my poll `pollId`: votes ordered after it are not counted. */
  pollClose?: { pollId: string };
  /** Moves my live place `placeId` (encrypted-places.ts). */
  placeMove?: EncryptedPlaceMove;
  /** Ends my live place `placeId` now. */
  placeStop?: { placeId: string };
  /** A forwarded copy: who wrote the original and when (encrypted-forward.ts). */
  forwarded?: ForwardedOrigin;
}

/** What a decrypted message carries besides its text: relations counted elsewhere, not listed (reaction, edit, vote, close, a place's move or stop). */
type Carried = Pick<EncryptedContent, 'files' | 'reaction' | 'edit' | 'vote' | 'pollClose' | 'placeMove' | 'placeStop'>;

/** One reaction key on a message, counted on this device from the encrypted reactions it decrypted. */
export interface EncryptedReactionCount {
  key: string;
  count: number;
  userIds: string[];
}

/**
 * A message of an encrypted conversation as the SDK hands it out once decrypted: `body` is its
 * text, `files` the encrypted files it carries (`downloadEncryptedFile`), `reaction` set on a
 * reaction (counted by `encryptedReactions`, not listed in pages), `edit` on an edit (applied to
 * its message, not listed).
 */
export type DecryptedMessage = Message & Carried;

/** Whether a decrypted message changes or counts on another (a reaction, edit, vote, close, move or stop) rather than being listed. */
export function isRelation(message: Message): boolean {
  const m = message as DecryptedMessage;
  // The envelope's relation too: a client that cannot decrypt it knows it by that.
  return (
    m.relatesTo !== undefined ||
    m.reaction !== undefined ||
    m.edit !== undefined ||
    m.vote !== undefined ||
    m.pollClose !== undefined ||
    m.placeMove !== undefined ||
    m.placeStop !== undefined
  );
}

const STRUCTURED = 0;

/**
 * The fields a decrypted message shows: its text as `body`, files or a relation when it has them;
 * a place as a plain place message shows it (`kind: "location"`, fixed), and a voice note as a
 * plain one (`kind: "voice"` with `voice`; its audio in `files`). A poll gets its `kind` here and
 * its results from the tally (`EncryptedConversations`).
 */
export function readableContent(
  bytes: Uint8Array,
): { body: string } & Carried & Partial<Pick<Message, 'kind' | 'location' | 'voice' | 'forwardedFrom'>> {
  const { text, files, reaction, edit, poll, location, voice, vote, pollClose, placeMove, placeStop, forwarded } = decodeContent(bytes);
  return {
    body: text ?? poll?.question ?? '',
    ...(files && files.length > 0 ? { files } : {}),
    ...(reaction ? { reaction } : {}),
    ...(edit ? { edit } : {}),
    ...(vote ? { vote } : {}),
    ...(pollClose ? { pollClose } : {}),
    ...(placeMove ? { placeMove } : {}),
    ...(placeStop ? { placeStop } : {}),
    // As a plain copy names its origin, without the source conversation (the target's members may not be in it).
    ...(forwarded ? { forwardedFrom: forwarded } : {}),
    ...(poll ? { kind: 'poll' as const } : {}),
    ...(location
      ? {
          kind: 'location' as const,
          // A live place as sent; where it is now and until when comes from its moves (EncryptedReads).
          location: {
            lat: location.lat,
            lng: location.lng,
            accuracyM: location.accuracyM ?? null,
            label: location.label ?? null,
            liveUntil: location.liveUntil ?? null,
          },
        }
      : {}),
    // A voice note is one audio file with its player data; anything else claiming to be one is shown as the files it has.
    ...(voice && files?.length === 1 && files[0]!.type.startsWith('audio/') ? { kind: 'voice' as const, voice } : {}),
  };
}

/**
 * What the envelope of `content` says in clear (docs/encryption.md, "what the server sees"): that a
 * reaction, edit, poll vote or poll close relates to a message, and which, so the server counts it
 * neither unread nor last. The key, the text and the options chosen stay inside.
 */
export function relationOf(content: EncryptedContent): { relatesTo?: MlsRelation } {
  if (content.reaction) return { relatesTo: { type: 'reaction', messageId: content.reaction.messageId } };
  if (content.edit) return { relatesTo: { type: 'edit', messageId: content.edit.messageId } };
  // A vote or close names its poll, never the option chosen.
  if (content.vote) return { relatesTo: { type: 'vote', messageId: content.vote.pollId } };
  if (content.pollClose) return { relatesTo: { type: 'close', messageId: content.pollClose.pollId } };
  // A live place's move or stop is an edit of its own message to the server (only its author may): never which.
  if (content.placeMove) return { relatesTo: { type: 'edit', messageId: content.placeMove.placeId } };
  if (content.placeStop) return { relatesTo: { type: 'edit', messageId: content.placeStop.placeId } };
  return {};
}

/** The encrypted files a (decrypted) message carries; none for any other message. */
export function encryptedFilesOf(message: Message): EncryptedFileRef[] {
  return (message as DecryptedMessage).files ?? [];
}

export function encodeContent(content: EncryptedContent): Uint8Array {
  const textOnly = Object.entries(content).every(([key, value]) => key === 'text' || value === undefined);
  if (textOnly) return new TextEncoder().encode(content.text ?? '');
  const json = new TextEncoder().encode(JSON.stringify(content));
  const out = new Uint8Array(json.byteLength + 1);
  out[0] = STRUCTURED;
  out.set(json, 1);
  return out;
}

/** The content of decrypted bytes; what does not parse is kept as text (never thrown away). */
export function decodeContent(bytes: Uint8Array): EncryptedContent {
  if (bytes[0] !== STRUCTURED) return { text: new TextDecoder().decode(bytes) };
  try {
    const parsed = JSON.parse(new TextDecoder().decode(bytes.subarray(1))) as Record<string, unknown>;
    const content: EncryptedContent = {};
    if (typeof parsed.text === 'string') content.text = parsed.text;
    if (Array.isArray(parsed.files)) content.files = parsed.files.filter(isFileRef);
    const r = parsed.reaction as Record<string, unknown> | undefined;
    if (r && typeof r.messageId === 'string' && typeof r.key === 'string' && typeof r.on === 'boolean')
      content.reaction = { messageId: r.messageId, key: r.key, on: r.on };
    const e = parsed.edit as Record<string, unknown> | undefined;
    if (e && typeof e.messageId === 'string' && typeof e.text === 'string') content.edit = { messageId: e.messageId, text: e.text };
    const poll = readPoll(parsed.poll);
    if (poll) content.poll = poll;
    const location = readPlace(parsed.location);
    if (location) content.location = location;
    const voice = readVoice(parsed.voice);
    if (voice) content.voice = voice;
    const vote = readVote(parsed.vote);
    if (vote) content.vote = vote;
    const pollClose = readPollClose(parsed.pollClose);
    if (pollClose) content.pollClose = pollClose;
    const placeMove = readPlaceMove(parsed.placeMove);
    if (placeMove) content.placeMove = placeMove;
    const placeStop = readPlaceStop(parsed.placeStop);
    if (placeStop) content.placeStop = placeStop;
    const f = parsed.forwarded as Record<string, unknown> | undefined;
    if (f && typeof f.senderId === 'string' && typeof f.sentAt === 'string' && !Number.isNaN(Date.parse(f.sentAt)))
      content.forwarded = { senderId: f.senderId, sentAt: f.sentAt };
    return content;
  } catch {
    return { text: new TextDecoder().decode(bytes.subarray(1)) };
  }
}

/**
 * The reactions of a conversation, counted from the encrypted reactions this device decrypted
 * (`plain:` with its `about:` sender), applied in order: each user's last word on a key counts.
 * Answers, per message id, each key with its count and who.
 */
export async function countReactions(store: CryptoStore, conversationId: string): Promise<Map<string, EncryptedReactionCount[]>> {
  const prefix = `plain:${conversationId}:`;
  const places = (await store.keys(prefix)).map((key) => Number(key.slice(prefix.length))).sort((a, b) => a - b);
  const on = new Map<string, Map<string, Set<string>>>();
  for (const seq of places) {
    const bytes = await store.get(`${prefix}${seq}`);
    const reaction = bytes && bytes[0] === STRUCTURED ? decodeContent(bytes).reaction : undefined;
    const about = reaction && (await store.get(`about:${conversationId}:${seq}`));
    if (!reaction || !about) continue;
    const { senderId } = JSON.parse(new TextDecoder().decode(about)) as { senderId: string };
    const keys = on.get(reaction.messageId) ?? new Map<string, Set<string>>();
    on.set(reaction.messageId, keys);
    const users = keys.get(reaction.key) ?? new Set<string>();
    keys.set(reaction.key, users);
    if (reaction.on) users.add(senderId);
    else users.delete(senderId);
  }
  const counted = new Map<string, EncryptedReactionCount[]>();
  for (const [messageId, keys] of on) {
    const list = [...keys]
      .filter(([, users]) => users.size > 0)
      .map(([key, users]) => ({ key, count: users.size, userIds: [...users].sort() }));
    if (list.length > 0) counted.set(messageId, list);
  }
  return counted;
}
