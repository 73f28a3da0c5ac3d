import {
  MAX_LIVE_LOCATION_MS,
  MAX_POLL_OPEN_MS,
  MAX_POLL_OPTIONS,
  MAX_WAVEFORM_POINTS,
  MIN_POLL_OPTIONS,
  type PollInput,
  type SendMessageBody,
  type VoiceInfo,
} from '@confab/protocol';
import { ApiError } from '../errors.js';
import type { EncryptedContent } from './encrypted-content.js';
import { pollContentOf, readVoice } from './encrypted-polls.js';
import type { EncryptedFileRef } from './file-crypto.js';

type Links = Omit<SendMessageBody, 'clientId' | 'body' | 'scheduledAt'>;

/**
 * What a send (`sendMessage`, `live.send`, `locations.send`) puts inside the MLS message when its
 * conversation is encrypted: a text, a poll, a place (fixed or live), a voice note, or files uploaded encrypted
 * with `client.upload(…, { conversationId })` (their keys from `fileRefsOf`, which throws for an
 * id it has none for), with the links the server may still see (reply, thread, the files' upload
 * ids); undefined for what has no encrypted form here, which the server then refuses as before
 * (400 `encrypted_conversation`).
 */
export function encryptedSendOf(
  body: string | undefined,
  links: Links,
  fileRefsOf: (uploadIds: readonly string[]) => EncryptedFileRef[],
): { content: EncryptedContent; links: Links } | undefined {
  const { kind = 'text', poll, location, voice, attachmentIds = [], ...rest } = links;
  const visible = {
    ...(rest.replyToId ? { replyToId: rest.replyToId } : {}),
    ...(rest.threadRootId ? { threadRootId: rest.threadRootId } : {}),
  };
  // Files: their refs inside (the caption as the text, as sendEncryptedFiles sends them), their ids beside `mls`.
  if ((kind === 'attachment' || kind === 'text') && attachmentIds.length > 0)
    return { content: { text: body ?? '', files: fileRefsOf(attachmentIds) }, links: { ...visible, attachmentIds } };
  if (kind === 'voice') {
    const files = checkVoice(body, voice, attachmentIds, fileRefsOf);
    return { content: { files, voice: voice! }, links: { ...visible, attachmentIds } };
  }
  if (kind === 'poll' && poll) {
    checkPoll(poll);
    return { content: { text: poll.question, poll: pollContentOf(poll) }, links: visible };
  }
  if (kind === 'location' && location) {
    const { lat, lng, accuracyM, label, liveUntil } = location;
    // A live place: the server's bound, checked here (readers hold it to 8 hours after its message too).
    if (liveUntil !== undefined && !liveUntilAllowed(liveUntil))
      throw new ApiError(400, 'validation_failed', 'liveUntil must be in the future and at most 8 hours ahead');
    const place = {
      lat,
      lng,
      ...(accuracyM !== undefined ? { accuracyM } : {}),
      ...(label !== undefined ? { label } : {}),
      ...(liveUntil !== undefined ? { liveUntil: new Date(Date.parse(liveUntil)).toISOString() } : {}),
    };
    return { content: { ...(body !== undefined ? { text: body } : {}), location: place }, links: visible };
  }
  // A text goes with its links as it did before polls and places (part 2).
  if (kind === 'text' && body !== undefined) return { content: { text: body }, links: rest };
  return undefined;
}

/**
 * The server's checks of a plain voice note (message-content.ts there), made here with its answers:
 * it sees only a ciphertext upload. Answers the note's one file ref.
 */
function checkVoice(
  body: string | undefined,
  voice: VoiceInfo | undefined,
  attachmentIds: readonly string[],
  fileRefsOf: (uploadIds: readonly string[]) => EncryptedFileRef[],
): EncryptedFileRef[] {
  // As the server words it: the field, then what is wrong (its `details` path differs by transport: not given).
  const refuse = (path: string, message: string) => {
    throw new ApiError(400, 'validation_failed', `${path.slice(1)} ${message}`);
  };
  if (voice === undefined) refuse('/voice', 'is required for a voice message');
  if (readVoice(voice) === undefined)
    refuse('/voice', `must have a durationMs up to a day and at most ${MAX_WAVEFORM_POINTS} amplitudes 0–255`);
  if (attachmentIds.length !== 1) refuse('/attachmentIds', 'must be exactly one audio upload for a voice message');
  if (body !== undefined) refuse('/body', 'is not allowed on a voice message');
  const files = fileRefsOf(attachmentIds);
  if (!files[0]!.type.startsWith('audio/'))
    refuse('/attachmentIds/0', `must be an audio upload (this one is ${files[0]!.type || 'of no type'})`);
  return files;
}

function liveUntilAllowed(liveUntil: string, now = Date.now()): boolean {
  const until = Date.parse(liveUntil);
  return until > now && until - now <= MAX_LIVE_LOCATION_MS;
}

/** The server's checks of a plain poll (polls.ts there), made here: it cannot read an encrypted one. */
function checkPoll(poll: PollInput, now = Date.now()): void {
  const refuse = (message: string) => {
    throw new ApiError(400, 'validation_failed', message);
  };
  const options = poll.options.map((o) => o.trim());
  if (poll.question.trim() === '') refuse('A poll needs a question');
  if (options.length < MIN_POLL_OPTIONS || options.length > MAX_POLL_OPTIONS)
    refuse(`A poll has ${MIN_POLL_OPTIONS} to ${MAX_POLL_OPTIONS} options`);
  if (options.some((o) => o === '')) refuse('A poll’s options cannot be empty');
  if (new Set(options).size !== options.length) refuse('A poll’s options must differ');
  const closesAt = poll.closesAt === undefined ? undefined : Date.parse(poll.closesAt);
  if (closesAt !== undefined && (Number.isNaN(closesAt) || closesAt <= now || closesAt > now + MAX_POLL_OPEN_MS))
    refuse('closesAt must be in the future and at most a year ahead');
}
