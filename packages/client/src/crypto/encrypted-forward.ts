import type { Message } from '@confab/protocol';
import { ApiError } from '../errors.js';
import type { FileCalls } from '../files.js';
import { type EncryptedContent, encryptedFilesOf } from './encrypted-content.js';
import { downloadEncrypted, uploadOneEncrypted } from './encrypted-files.js';
import { pollContentOf } from './encrypted-polls.js';
import { EncryptionError } from './encryption-error.js';
import type { EncryptedFileRef } from './file-crypto.js';

/**
 * Forwarding into encrypted conversations (issue 39): the server cannot copy a message whose
 * text it never had, nor put a copy into a conversation where it may hold only ciphertext, so the
 * device makes the copy: the message as it reads it, its files downloaded (and decrypted) here and
 * encrypted again under fresh keys, inside an MLS message of each target, with who wrote it and
 * when (`forwarded`) inside too. As the server's copy (`copyContent` there): a live place becomes
 * the fixed place it is at now, a poll is sent afresh (no votes, open, no deadline).
 */

/** Who wrote a forwarded message and when: inside the MLS message, so only the target's members see it. */
export interface ForwardedOrigin {
  senderId: string;
  sentAt: string;
}

/** The origin a copy of `source` names: the first author, through copies of copies. */
export const originOf = (source: Message): ForwardedOrigin => ({
  senderId: source.forwardedFrom?.senderId ?? source.senderId,
  sentAt: source.forwardedFrom?.sentAt ?? source.createdAt,
});

/** The server's refusals of a forward, made here for a copy the device makes. */
export function checkForwardable(source: Message, targetsEncrypted: readonly boolean[]): void {
  if (source.deletedAt !== null) throw new ApiError(409, 'conflict', 'The message was deleted');
  if (source.kind === 'system') throw new ApiError(400, 'validation_failed', 'A system message cannot be forwarded');
  if (source.encrypted && targetsEncrypted.some((encrypted) => !encrypted))
    throw new ApiError(
      400,
      'encrypted_conversation',
      'A message of an end-to-end encrypted conversation is forwarded only into encrypted conversations: the server would read the copy',
    );
  if (source.kind === 'encrypted' && source.body === undefined)
    throw new EncryptionError('not_readable', 'This device cannot read the message (sent before it joined): there is nothing to forward');
}

/** The content of one copy of `source`: its files uploaded again, encrypted under fresh keys (`files` uploads the ciphertext). */
export async function forwardedContent(source: Message, files: FileCalls): Promise<{ content: EncryptedContent; attachmentIds: string[] }> {
  const forwarded = originOf(source);
  const refs = await copiedFiles(source, files);
  const attachmentIds = refs.map((r) => r.uploadId);
  const caption = source.body !== undefined && source.body !== '' ? { text: source.body } : {};
  if (source.kind === 'voice' && source.voice) return { content: { files: refs, voice: source.voice, forwarded }, attachmentIds };
  if (refs.length > 0) return { content: { text: source.body ?? '', files: refs, forwarded }, attachmentIds };
  if (source.kind === 'poll' && source.poll) {
    const { question, options, multiple, anonymous } = source.poll;
    const poll = pollContentOf({ question, options: options.map((o) => o.text), multiple, anonymous });
    return { content: { text: question, poll, forwarded }, attachmentIds };
  }
  if (source.kind === 'location' && source.location) {
    const { lat, lng, accuracyM, label } = source.location;
    const place = { lat, lng, ...(accuracyM !== null ? { accuracyM } : {}), ...(label !== null ? { label } : {}) };
    return { content: { ...caption, location: place, forwarded }, attachmentIds };
  }
  return { content: { text: source.body ?? '', forwarded }, attachmentIds };
}

/** Each file of `source` (its own encrypted refs, or a plain message's attachments), encrypted again and uploaded. */
async function copiedFiles(source: Message, files: FileCalls): Promise<EncryptedFileRef[]> {
  const sealed = encryptedFilesOf(source);
  const plain = sealed.length > 0 ? [] : (source.attachments ?? []);
  const copies: EncryptedFileRef[] = [];
  for (const ref of sealed) {
    const data = await downloadEncrypted(files, ref);
    copies.push((await uploadOneEncrypted(files, { data, name: ref.name, type: ref.type })).ref);
  }
  for (const attachment of plain) {
    const response = await files.download(attachment.id);
    if (!response.ok) throw new ApiError(404, 'not_found', `The file ${attachment.filename} could not be read (${response.status})`);
    const data = await response.blob();
    copies.push((await uploadOneEncrypted(files, { data, name: attachment.filename, type: attachment.contentType })).ref);
  }
  return copies;
}
