/**
 * Whether the device has a network, as the platform reports it. A browser's `offline` event
 * comes at once when the network goes, while a WebSocket may stay "open" on a dead link for a
 * long time: the realtime connection drops its socket on `offline` (its state shows it) and
 * reconnects the moment `online` comes, instead of waiting out its backoff.
 */
export interface NetworkStatus {
  /** Calls `listener` with `false` when the network goes and `true` when it returns; returns the unsubscribe function. */
  onChange(listener: (online: boolean) => void): () => void;
}

/** The browser's (`online`/`offline` events on `window`); undefined elsewhere (Node has no such events). */
export function platformNetworkStatus(): NetworkStatus | undefined {
  const target = (globalThis as { window?: Pick<Window, 'addEventListener' | 'removeEventListener'> }).window;
  if (target === undefined || typeof target.addEventListener !== 'function') return undefined;
  return {
    onChange(listener) {
      const online = () => listener(true);
      const offline = () => listener(false);
      target.addEventListener('online', online);
      target.addEventListener('offline', offline);
      return () => {
        target.removeEventListener('online', online);
        target.removeEventListener('offline', offline);
      };
    },
  };
}
