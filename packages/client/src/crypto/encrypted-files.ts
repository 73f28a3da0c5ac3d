import type { Upload } from '@confab/protocol';
import type { FileCalls } from '../files.js';
import type { UploadOptions } from '../upload-transfer.js';
import { type EncryptedFileRef, decryptFile, encryptFile } from './file-crypto.js';

/** A file to send into an encrypted conversation: a browser `File`, or bytes with a name and type. */
export type FileToEncrypt = File | { data: Blob | Uint8Array; name: string; type?: string };

/**
 * The name and type under which a ciphertext is uploaded: the same for every file, so the server
 * learns neither. It finds the bytes to be `application/octet-stream` (ciphertext has no magic
 * number), which it does not thumbnail or preview.
 */
export const CIPHERTEXT_UPLOAD_NAME = 'encrypted.bin';

/** Encrypts each file under its own key and uploads the ciphertext; answers the refs to send inside the MLS message. */
export async function uploadEncrypted(files: FileCalls, list: readonly FileToEncrypt[]): Promise<EncryptedFileRef[]> {
  const refs: EncryptedFileRef[] = [];
  for (const file of list) refs.push((await uploadOneEncrypted(files, file)).ref);
  return refs;
}

/** One file encrypted under its own key, its ciphertext uploaded (with progress, if asked): the upload and the ref to send. */
export async function uploadOneEncrypted(
  files: FileCalls,
  file: FileToEncrypt,
  transfer: Pick<UploadOptions, 'onProgress' | 'signal'> = {},
): Promise<{ upload: Upload; ref: EncryptedFileRef }> {
  const { name, type, bytes } = await plainOf(file);
  const { ciphertext, ref } = await encryptFile(bytes, name, type);
  const options = { filename: CIPHERTEXT_UPLOAD_NAME, ...transfer };
  const upload = await files.upload(new Blob([ciphertext], { type: 'application/octet-stream' }), options);
  return { upload, ref: { uploadId: upload.id, ...ref } };
}

/** Downloads an encrypted file, checks its hash and decrypts it: a `Blob` of the file's own type. */
export async function downloadEncrypted(files: FileCalls, ref: EncryptedFileRef): Promise<Blob> {
  const response = await files.download(ref.uploadId);
  if (!response.ok) throw new Error(`The encrypted file could not be downloaded (${response.status})`);
  const plain = await decryptFile(new Uint8Array(await response.arrayBuffer()), ref);
  return new Blob([plain], { type: ref.type });
}

async function plainOf(file: FileToEncrypt): Promise<{ name: string; type: string; bytes: Uint8Array }> {
  if (file instanceof Blob)
    return { name: file.name, type: file.type || 'application/octet-stream', bytes: new Uint8Array(await file.arrayBuffer()) };
  const bytes = file.data instanceof Uint8Array ? file.data : new Uint8Array(await file.data.arrayBuffer());
  const type = file.type ?? (file.data instanceof Blob ? file.data.type : '') ?? '';
  return { name: file.name, type: type || 'application/octet-stream', bytes };
}
