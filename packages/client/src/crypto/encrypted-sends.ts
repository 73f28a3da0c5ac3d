import { MAX_POLL_OPEN_MS, MAX_POLL_OPTIONS, MIN_POLL_OPTIONS, type PollInput, type SendMessageBody } from '@confab/protocol';
import { ApiError } from '../errors.js';
import type { EncryptedContent } from './encrypted-content.js';
import { pollContentOf } from './encrypted-polls.js';
import { EncryptionError } from './encryption-error.js';
import type { EncryptedFileRef } from './file-crypto.js';

type Links = Omit<SendMessageBody, 'clientId' | 'body' | 'scheduledAt'>;

/**
 * What a send (`sendMessage`, `live.send`, `locations.send`) puts inside the MLS message when its
 * conversation is encrypted: a text, a poll, a place, or files uploaded encrypted with
 * `client.upload(…, { conversationId })` (their keys from `fileRefsOf`, which throws for an id it
 * has none for), with the links the server may still see (reply, thread, the files' upload ids);
 * undefined for what has no encrypted form here (a voice message), which the server then refuses
 * as before (400 `encrypted_conversation`).
 */
export function encryptedSendOf(
  body: string | undefined,
  links: Links,
  fileRefsOf: (uploadIds: readonly string[]) => EncryptedFileRef[],
): { content: EncryptedContent; links: Links } | undefined {
  const { kind = 'text', poll, location, attachmentIds = [], ...rest } = links;
  const visible = {
    ...(rest.replyToId ? { replyToId: rest.replyToId } : {}),
    ...(rest.threadRootId ? { threadRootId: rest.threadRootId } : {}),
  };
  // Files: their refs inside (the caption as the text, as sendEncryptedFiles sends them), their ids beside `mls`.
  if ((kind === 'attachment' || kind === 'text') && attachmentIds.length > 0)
    return { content: { text: body ?? '', files: fileRefsOf(attachmentIds) }, links: { ...visible, attachmentIds } };
  if (kind === 'poll' && poll) {
    checkPoll(poll);
    return { content: { text: poll.question, poll: pollContentOf(poll) }, links: visible };
  }
  if (kind === 'location' && location) {
    // A live place is moved by PATCHes the server reads: not offered in an encrypted conversation.
    if (location.liveUntil !== undefined)
      throw new EncryptionError('not_supported', 'A live location cannot be shared in an encrypted conversation; share a fixed place');
    const { lat, lng, accuracyM, label } = location;
    const place = { lat, lng, ...(accuracyM !== undefined ? { accuracyM } : {}), ...(label !== undefined ? { label } : {}) };
    return { content: { ...(body !== undefined ? { text: body } : {}), location: place }, links: visible };
  }
  // A text goes with its links as it did before polls and places (part 2).
  if (kind === 'text' && body !== undefined) return { content: { text: body }, links: rest };
  return undefined;
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
