import type { Message } from '@confab/protocol';

/**
 * What a list shows for an encrypted message this browser cannot read (issue 39: sent before its
 * device joined, or it has no device): said plainly, never an empty line or "(encrypted)". The
 * timeline's longer line is `EncryptedBody` in encryption.tsx.
 */
export const UNREADABLE_EXCERPT = "Sent before this device joined: this device can't read it";

/** An MLS message the SDK handed on without a `body`: not decrypted here. */
export const unreadableHere = (message: Pick<Message, 'kind' | 'body' | 'deletedAt'>): boolean =>
  message.kind === 'encrypted' && message.body === undefined && message.deletedAt === null;
