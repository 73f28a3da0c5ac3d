import { useEffect, useMemo, useState } from 'react';
import type { ConfabClient, EncryptedFileRef } from '@confab/client';

/**
 * Files are served only with the bearer token, so an `<img>` or `<audio>` cannot point at them:
 * the app downloads each once through the SDK and shows it from a `blob:` URL. One URL per file
 * and variant for the whole session (a row scrolled away and back does not download again).
 */
const urls = new Map<string, Promise<string>>();

export type FileVariant = 'file' | 'thumbnail';

export function fileUrl(client: ConfabClient, uploadId: string, variant: FileVariant): Promise<string> {
  const key = `${variant}:${uploadId}`;
  let url = urls.get(key);
  if (!url) {
    const response = variant === 'thumbnail' ? client.files.thumbnail(uploadId) : client.files.download(uploadId);
    url = response.then(async (r) => URL.createObjectURL(await r.blob()));
    // A failure is not kept: the next time it is shown, it is tried again.
    url.catch(() => urls.delete(key));
    urls.set(key, url);
  }
  return url;
}

/**
 * The `blob:` URL of a file of an encrypted conversation: downloaded, its hash checked and
 * decrypted here (the SDK's `downloadEncryptedFile`), once per session as the others.
 */
export function decryptedFileUrl(client: ConfabClient, ref: EncryptedFileRef): Promise<string> {
  const key = `decrypted:${ref.uploadId}`;
  let url = urls.get(key);
  if (!url) {
    url = client.downloadEncryptedFile(ref).then((blob) => URL.createObjectURL(blob));
    url.catch(() => urls.delete(key));
    urls.set(key, url);
  }
  return url;
}

/** The `blob:` URL of a file once downloaded (undefined until then, or if it failed: `failed` says). */
export function useFileUrl(client: ConfabClient, uploadId: string, variant: FileVariant, enabled = true) {
  const load = useMemo(() => (enabled ? () => fileUrl(client, uploadId, variant) : null), [client, uploadId, variant, enabled]);
  return useUrl(load);
}

/** The same for an encrypted file (`ref` undefined: nothing to fetch). */
export function useDecryptedFileUrl(client: ConfabClient, ref: EncryptedFileRef | undefined, enabled = true) {
  const load = useMemo(() => (enabled && ref ? () => decryptedFileUrl(client, ref) : null), [client, ref, enabled]);
  return useUrl(load);
}

/** Runs `load` when it changes (null: nothing yet) and answers its URL or its failure. */
function useUrl(load: (() => Promise<string>) | null) {
  const [state, setState] = useState<{ url?: string; failed: boolean }>({ failed: false });
  useEffect(() => {
    if (!load) return;
    let current = true;
    load().then(
      (url) => current && setState({ url, failed: false }),
      () => current && setState({ failed: true }),
    );
    return () => {
      current = false;
    };
  }, [load]);
  return state;
}

/** "1.2 MB" and the like, for people. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
