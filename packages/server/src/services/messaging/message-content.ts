import type { LocationInput, PollInput, VoiceInfo } from '@confab/protocol';
import { detail, invalid } from '../../errors.js';
import { extendedCopy } from '../../infra/extended-copy.js';
import type { AttachmentRecord, ForwardedFromRecord, LocationRecord, MessageRecord, PollRecord, Store } from '../../store/store.js';
import { sendContent, validateBody } from './message-rules.js';
import { pollRecord, samePoll } from './polls.js';
import type { MlsContent } from '../encryption/mls-delivery.js';

/** What a send asks for besides its links: the kind and what that kind carries (REST body and frame alike). */
export interface ContentInput {
  kind?: 'text' | 'attachment' | 'voice' | 'location' | 'poll';
  body?: string;
  attachmentIds?: string[];
  voice?: VoiceInfo;
  location?: LocationInput;
  poll?: PollInput;
}

/** A send's content as stored. */
export interface Content {
  kind: 'text' | 'attachment' | 'voice' | 'location' | 'poll';
  body: string;
  attachments?: AttachmentRecord[];
  voice?: VoiceInfo;
  location?: LocationRecord;
  poll?: PollRecord;
  /** A forwarded copy's origin (set by forwarding, never by a send). */
  forwardedFrom?: ForwardedFromRecord;
}

/**
 * The rules of each kind of message (issue 11): `text` has a body and nothing else; `attachment`
 * carries 1–10 of the sender's own uploads (the schema counts them) and an optional caption;
 * `voice` carries one audio upload of the sender's and its `voice` data, and no body. Each file
 * is described on the message as its upload record says, never as the client does.
 */
export async function resolveContent(store: Store, senderId: string, input: ContentInput, maxLength: number): Promise<Content> {
  const kind = input.kind ?? 'text';
  if (input.body !== undefined) validateBody(input.body, maxLength);
  if (kind !== 'poll') refuse(input.poll !== undefined, '/poll', 'is only for poll messages');
  if (kind === 'poll') {
    // A poll's question is its body, so search, previews and mentions treat it as text.
    refuse(input.poll === undefined, '/poll', 'is required for a poll message');
    refuse(input.body !== undefined, '/body', 'is not allowed on a poll message: the question is its body');
    refuse(input.attachmentIds !== undefined, '/attachmentIds', 'is only for attachment and voice messages');
    refuse(input.voice !== undefined, '/voice', 'is only for voice messages');
    refuse(input.location !== undefined, '/location', 'is only for location messages');
    validateBody(input.poll!.question, maxLength);
    return { kind, body: input.poll!.question, poll: pollRecord(input.poll!, Date.now()) };
  }
  if (kind === 'text' || kind === 'location') {
    refuse(input.attachmentIds !== undefined, '/attachmentIds', 'is only for attachment and voice messages');
    refuse(input.voice !== undefined, '/voice', 'is only for voice messages');
    // A text message's body, a location message's place (message-rules.ts).
    return sendContent(extendedCopy(input, { kind }), Date.now());
  }
  refuse(input.location !== undefined, '/location', 'is only for location messages');
  const ids = input.attachmentIds;
  if (ids === undefined)
    throw invalid(`A ${kind} message needs attachmentIds`, [detail('/attachmentIds', `is required for a ${kind} message`)]);
  if (kind === 'voice') {
    refuse(input.voice === undefined, '/voice', 'is required for a voice message');
    refuse(ids.length !== 1, '/attachmentIds', 'must be exactly one audio upload for a voice message');
    refuse(input.body !== undefined, '/body', 'is not allowed on a voice message');
  } else {
    refuse(input.voice !== undefined, '/voice', 'is only for voice messages');
  }
  const attachments = await ownUploads(store, senderId, ids);
  if (kind === 'voice' && !attachments[0]!.contentType.startsWith('audio/')) {
    throw invalid('A voice message carries an audio file', [
      detail('/attachmentIds/0', `must be an audio upload (this one is ${attachments[0]!.contentType})`),
    ]);
  }
  return { kind, body: input.body ?? '', attachments, ...(kind === 'voice' ? { voice: input.voice! } : {}) };
}

/** The uploads, in the order named; each must be the sender's own (anyone else's is as if it did not exist). */
export async function ownUploads(store: Store, senderId: string, ids: readonly string[]): Promise<AttachmentRecord[]> {
  const found = new Map((await store.uploads.getUploads(ids)).map((u) => [u.id, u]));
  return ids.map((id, i) => {
    const upload = found.get(id);
    if (!upload || upload.ownerId !== senderId) throw notYourUploads([i]);
    const { filename, contentType, size, width, height, durationMs } = upload;
    return { id, filename, contentType, size, width, height, durationMs };
  });
}

/** 400 naming the attachmentIds (by position) that are no uploads of the sender's: never theirs, or gone. */
export function notYourUploads(positions: readonly number[]) {
  return invalid(
    'attachmentIds must name uploads of yours',
    positions.map((i) => detail(`/attachmentIds/${i}`, 'no such upload of yours')),
  );
}

function refuse(condition: boolean, path: string, message: string): void {
  if (condition) throw invalid(`${path.slice(1)} ${message}`, [detail(path, message)]);
}

/** Whether a stored message is the one this content describes (an idempotent retry), or the clientId was used for another. */
export function sameContent(stored: MessageRecord, content: Content | MlsContent): boolean {
  if (content.kind === 'encrypted') return stored.kind === 'encrypted' && stored.mls?.ciphertext === content.mls.ciphertext;
  const storedIds = (stored.attachments ?? []).map((a) => a.id).join(',');
  const ids = (content.attachments ?? []).map((a) => a.id).join(',');
  return stored.kind === content.kind && stored.body === content.body && storedIds === ids && samePoll(stored.poll, content.poll);
}
