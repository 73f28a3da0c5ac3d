import { useEffect, useState } from 'react';
import type { ConfabClient } from '@confab/client';

/**
 * Pictures are served only with the bearer token (as files are: features/attachments/file-urls.ts),
 * so an `<img>` cannot point at them: each is downloaded once through the SDK and shown from a
 * `blob:` URL. The avatarUrl carries the version, so a new picture is a new key and an old one is
 * never shown again; one download per picture and size for the session.
 */
const urls = new Map<string, Promise<string>>();

export function avatarBlobUrl(client: ConfabClient, avatarUrl: string, size: 64 | 256): Promise<string> {
  const key = `${String(size)}:${avatarUrl}`;
  let url = urls.get(key);
  if (!url) {
    url = client.avatar(avatarUrl, size).then(async (r) => URL.createObjectURL(await r.blob()));
    // A failure is not kept: the next time it is shown, it is tried again.
    url.catch(() => urls.delete(key));
    urls.set(key, url);
  }
  return url;
}

/** The `blob:` URL of a picture once downloaded; undefined while it loads, without one, or when it failed. */
export function useAvatarUrl(client: ConfabClient | undefined, avatarUrl: string | null | undefined, size: 64 | 256): string | undefined {
  const [loaded, setLoaded] = useState<{ key: string; url: string }>();
  const key = avatarUrl ? `${String(size)}:${avatarUrl}` : undefined;
  useEffect(() => {
    if (!client || !avatarUrl) return;
    let current = true;
    avatarBlobUrl(client, avatarUrl, size).then(
      (url) => current && setLoaded({ key: `${String(size)}:${avatarUrl}`, url }),
      () => undefined, // the initials stay
    );
    return () => {
      current = false;
    };
  }, [client, avatarUrl, size]);
  return loaded && loaded.key === key ? loaded.url : undefined;
}
