import { useConnectionState } from '../state/AppContext.js';

const LABELS = { connecting: 'Connecting…', open: 'Connected', reconnecting: 'Offline — reconnecting…', closed: 'Disconnected' } as const;

/** The realtime connection's state, always visible; announced politely when it changes. */
export function ConnectionStatus() {
  const state = useConnectionState();
  return (
    <p className="connection-status" data-state={state} role="status" aria-live="polite">
      <span className="dot" aria-hidden="true" />
      {LABELS[state]}
    </p>
  );
}
