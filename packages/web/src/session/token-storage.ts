import type { Tokens } from '@confab/client';

/**
 * Where the signed-in session's tokens live between page loads: localStorage, so a reload (and
 * another tab) stays signed in. The SDK rotates the refresh token on every refresh and reports
 * each new pair (`onTokens`), which is written here at once: a reload never presents a spent one.
 */
const KEY = 'confab.tokens';

export function loadTokens(storage: Storage = localStorage): Tokens | null {
  try {
    const value = JSON.parse(storage.getItem(KEY) ?? 'null') as Partial<Tokens> | null;
    if (typeof value?.accessToken === 'string' && typeof value.refreshToken === 'string') {
      return { accessToken: value.accessToken, refreshToken: value.refreshToken };
    }
  } catch {
    // A value this app did not write: treated as signed out.
  }
  return null;
}

export function saveTokens(tokens: Tokens | null, storage: Storage = localStorage): void {
  if (tokens === null) storage.removeItem(KEY);
  else storage.setItem(KEY, JSON.stringify(tokens));
}

/** Calls `listener` when another tab signs in, refreshes or signs out (the `storage` event fires in the other tabs only). */
export function onTokensElsewhere(listener: (tokens: Tokens | null) => void): () => void {
  const handler = (event: StorageEvent) => {
    if (event.key === KEY || event.key === null) listener(loadTokens());
  };
  window.addEventListener('storage', handler);
  return () => window.removeEventListener('storage', handler);
}
