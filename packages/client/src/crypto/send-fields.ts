import { ApiError } from '../errors.js';
import type { EncryptedSend } from '../realtime-options.js';

type Fields = Record<string, unknown>;

/** Whether the server refused a send for being readable in an encrypted conversation (400 `encrypted_conversation`). */
export const refusedAsPlain = (error: unknown): boolean => error instanceof ApiError && error.code === 'encrypted_conversation';

/**
 * A send's fields, REST and realtime alike: `mls` and the links beside it when `encryptSend` has
 * an encrypted form for it, else the plain `fields`. The client may not know yet that the
 * conversation is encrypted (it learns that from what it reads: decision in docs/encryption.md);
 * when the server refuses a plain send for it, `learnt` records the flag and the send is made
 * again, encrypted, once. A send that was encrypted, or has no encrypted form, is not retried.
 */
export async function postEncryptedOrPlain<T>(
  encryptSend: () => Promise<EncryptedSend | undefined>,
  learnt: (error: unknown) => boolean,
  plain: Fields,
  post: (fields: Fields) => Promise<T>,
): Promise<T> {
  const encrypted = await encryptSend();
  try {
    return await post(encrypted ? { mls: encrypted.mls, ...encrypted.links } : plain);
  } catch (error) {
    if (encrypted || !learnt(error)) throw error;
    const again = await encryptSend();
    if (!again) throw error;
    return post({ mls: again.mls, ...again.links });
  }
}
