import type { RealtimeConnection } from '@confab/client';
import { useCallback, useEffect, useRef } from 'react';

/** How often a continuing typist tells the others again (the server ends an indicator not refreshed within TYPING_EXPIRE_MS, 6 s by default). */
const REFRESH_MS = 3000;

/**
 * Tells the others I am typing while the field has text (refreshed every few seconds), and that
 * I stopped once it is empty, sent, or I leave the conversation. A signal that cannot go (offline)
 * is simply dropped: typing is never queued.
 */
export function useTypingSignal(connection: RealtimeConnection, conversationId: string): (text: string) => void {
  const lastSent = useRef(0);
  const stop = useCallback(() => {
    if (lastSent.current === 0) return;
    lastSent.current = 0;
    if (connection.state === 'open') connection.setTyping(conversationId, false).catch(() => undefined);
  }, [connection, conversationId]);
  useEffect(() => stop, [stop]);
  return useCallback(
    (text: string) => {
      if (text.trim() === '') return stop();
      if (connection.state !== 'open' || Date.now() - lastSent.current < REFRESH_MS) return;
      lastSent.current = Date.now();
      connection.setTyping(conversationId, true).catch(() => undefined);
    },
    [connection, conversationId, stop],
  );
}
