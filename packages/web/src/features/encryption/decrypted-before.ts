import type { Message } from '@confab/protocol';
import { useEffect, useState } from 'react';
import { useApp } from '../../state/AppContext.js';

/**
 * The text of an encrypted message this browser decrypted before (the conversation list's last
 * message comes as an envelope, also after a reload): read from the crypto store, no MLS work
 * (`client.decryptedText`). Undefined while reading, and for one never decrypted here.
 */
export function useDecryptedBefore(message: Message): string | undefined {
  const { client } = useApp();
  const [known, setKnown] = useState<{ id: string; text: string }>();
  const envelope = message.kind === 'encrypted' && message.body === undefined && message.deletedAt === null;
  useEffect(() => {
    if (!envelope) return;
    let current = true;
    client
      .decryptedText(message)
      .then((text) => {
        if (current && text !== undefined) setKnown({ id: message.id, text });
      })
      // Unreadable store (a private window without IndexedDB): the placeholder stays.
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [client, message, envelope]);
  return envelope && known?.id === message.id ? known.text : undefined;
}
