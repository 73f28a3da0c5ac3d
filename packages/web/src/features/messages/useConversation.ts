import type { ConversationSummary } from '@confab/protocol';
import { ApiError } from '@confab/client';
import { useEffect, useState } from 'react';
import { useApp, useConversationList } from '../../state/AppContext.js';

export type ConversationLookup = { status: 'loading' } | { status: 'missing' } | { status: 'found'; conversation: ConversationSummary };

/**
 * One of my conversations by id: from the live list, or — just created or joined, before its
 * event reached the list — read once from the server and shown until the list has it.
 */
export function useConversation(conversationId: string): ConversationLookup {
  const { client } = useApp();
  const { loaded, conversations } = useConversationList();
  const listed = conversations.find((c) => c.id === conversationId);
  const [fetched, setFetched] = useState<{ id: string; conversation: ConversationSummary | null } | null>(null);
  const needFetch = loaded && !listed && fetched?.id !== conversationId;
  useEffect(() => {
    if (!needFetch) return;
    let live = true;
    client.getConversation(conversationId).then(
      (conversation) => live && setFetched({ id: conversationId, conversation }),
      (error: unknown) => {
        // Not a member (404): say so. Anything else (offline): keep waiting for the list.
        if (live && error instanceof ApiError && error.status === 404) setFetched({ id: conversationId, conversation: null });
      },
    );
    return () => {
      live = false;
    };
  }, [client, conversationId, needFetch]);
  if (listed) return { status: 'found', conversation: listed };
  if (fetched?.id === conversationId)
    return fetched.conversation ? { status: 'found', conversation: fetched.conversation } : { status: 'missing' };
  return { status: 'loading' };
}
