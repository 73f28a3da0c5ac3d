/**
 * Files in encrypted conversations (issue 39 part 5, decision 0027): each file is encrypted here
 * with AES-256-GCM under a fresh key and IV (WebCrypto, in browsers and on Node alike), only the
 * ciphertext is uploaded, and what reads it back (key, IV, SHA-256 of the ciphertext, name, type,
 * size) travels inside the MLS application message. The receiver checks the hash before it
 * decrypts: a blob swapped on the server is refused before any byte of it is used.
 */

/** What a member needs to fetch and read an encrypted file: sent inside the MLS message only. */
export interface EncryptedFileRef {
  /** The upload holding the ciphertext. */
  uploadId: string;
  /** AES-256-GCM key, base64url (32 bytes). */
  key: string;
  /** GCM IV, base64url (12 bytes). */
  iv: string;
  /** SHA-256 of the ciphertext, base64url: checked before decrypting. */
  sha256: string;
  /** The file's own name, type and size (the server sees none of them). */
  name: string;
  type: string;
  size: number;
}

/** An encrypted file before its upload: the ciphertext to upload and the ref without its upload id. */
export interface EncryptedFile {
  ciphertext: Uint8Array<ArrayBuffer>;
  ref: Omit<EncryptedFileRef, 'uploadId'>;
}

/** Why an encrypted file was refused: its hash differs (`hash_mismatch`) or GCM refused it (`decrypt_failed`). */
export class FileDecryptError extends Error {
  constructor(
    readonly code: 'hash_mismatch' | 'decrypt_failed' | 'bad_ref',
    message: string,
  ) {
    super(message);
    this.name = 'FileDecryptError';
  }
}

const KEY_BYTES = 32;
const IV_BYTES = 12;

/** Encrypts `plaintext` under a fresh key and IV; `name`, `type` and the size go into the ref. */
export async function encryptFile(plaintext: Uint8Array, name: string, type: string): Promise<EncryptedFile> {
  const rawKey = crypto.getRandomValues(new Uint8Array(KEY_BYTES));
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const key = await crypto.subtle.importKey('raw', rawKey, 'AES-GCM', false, ['encrypt']);
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, copy(plaintext)));
  const sha256 = new Uint8Array(await crypto.subtle.digest('SHA-256', ciphertext));
  return {
    ciphertext,
    ref: { key: toB64(rawKey), iv: toB64(iv), sha256: toB64(sha256), name, type, size: plaintext.byteLength },
  };
}

/** The file's bytes from its ciphertext; refused when the hash differs or GCM's tag does not verify. */
export async function decryptFile(ciphertext: Uint8Array, ref: Omit<EncryptedFileRef, 'uploadId'>): Promise<Uint8Array<ArrayBuffer>> {
  const rawKey = fromB64(ref.key);
  const iv = fromB64(ref.iv);
  if (rawKey.byteLength !== KEY_BYTES || iv.byteLength !== IV_BYTES)
    throw new FileDecryptError('bad_ref', 'The file’s key or IV is malformed');
  const bytes = copy(ciphertext);
  const sha256 = toB64(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
  if (sha256 !== ref.sha256) throw new FileDecryptError('hash_mismatch', 'The file downloaded is not the one that was sent');
  const key = await crypto.subtle.importKey('raw', rawKey, 'AES-GCM', false, ['decrypt']);
  try {
    return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, key, bytes));
  } catch {
    throw new FileDecryptError('decrypt_failed', 'The file could not be decrypted with its key');
  }
}

/** Whether `value` has the shape of an `EncryptedFileRef` (it came out of a decrypted message). */
export function isFileRef(value: unknown): value is EncryptedFileRef {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return ['uploadId', 'key', 'iv', 'sha256', 'name', 'type'].every((k) => typeof v[k] === 'string') && typeof v.size === 'number';
}

function copy(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes.byteLength);
  out.set(bytes);
  return out;
}

function toB64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromB64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
