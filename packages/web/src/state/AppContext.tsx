import type { ConfabClient, ConnectionState, RealtimeConnection } from '@confab/client';
import type { Me, Presence, User } from '@confab/protocol';
import { createContext, useContext, useEffect, useMemo, useSyncExternalStore } from 'react';
import type { BlocksStore } from './blocks-store.js';
import type { ConversationListState, ConversationStore } from './conversation-store.js';
import type { PeopleStore } from './people-store.js';
import type { Outbox, PendingMessage } from './outbox.js';
import type { PresenceStore } from './presence-store.js';
import { TypingWatch } from './typing-watch.js';
import type { DraftSync } from '../features/composer/draft-sync.js';

/** What every signed-in component may use: the SDK, the realtime connection and the shared stores. */
export interface AppServices {
  me: Me;
  client: ConfabClient;
  connection: RealtimeConnection;
  conversations: ConversationStore;
  people: PeopleStore;
  outbox: Outbox;
  presence: PresenceStore;
  /** Whom I block (issue 35). */
  blocks: BlocksStore;
  /** My drafts synced across my devices, and the conflicts to show (issue 37). */
  drafts: DraftSync;
}

export const AppContext = createContext<AppServices | null>(null);

export function useApp(): AppServices {
  const services = useContext(AppContext);
  if (services === null) throw new Error('useApp outside the signed-in app');
  return services;
}

export function useConversationList(): ConversationListState {
  const { conversations } = useApp();
  return useSyncExternalStore(conversations.subscribe, conversations.getSnapshot);
}

/** A user's profile, read on first use; undefined until it arrives. */
export function usePerson(userId: string | null | undefined): User | undefined {
  const { people } = useApp();
  const all = useSyncExternalStore(people.subscribe, people.getSnapshot);
  useEffect(() => {
    if (userId) people.request(userId);
  }, [people, userId]);
  return userId ? all.get(userId) : undefined;
}

export function useConnectionState(): ConnectionState {
  const { connection } = useApp();
  return useSyncExternalStore(
    (listener) => connection.onStateChange(listener),
    () => connection.state,
  );
}

/** My messages not yet confirmed by the server, in one conversation. */
export function usePending(conversationId: string): PendingMessage[] {
  const { outbox } = useApp();
  const all = useSyncExternalStore(outbox.subscribe, outbox.getSnapshot);
  return useMemo(() => all.filter((p) => p.conversationId === conversationId), [all, conversationId]);
}

/** Whether a user is online (watched from first use, kept by presence events). */
export function usePresence(userId: string | null | undefined): Presence | undefined {
  const { presence } = useApp();
  const all = useSyncExternalStore(presence.subscribe, presence.getSnapshot);
  useEffect(() => {
    if (userId) presence.watch(userId);
  }, [presence, userId]);
  return userId ? all.get(userId) : undefined;
}

/** Who is typing in a conversation now (others only: my own typing is never sent back to me). */
export function useTyping(conversationId: string): readonly string[] {
  const { connection } = useApp();
  const typing = useMemo(() => new TypingWatch(connection, conversationId), [connection, conversationId]);
  return useSyncExternalStore(typing.subscribe, typing.getSnapshot);
}

/** Whom I block, and whether that has been read yet (issue 35). */
export function useBlocked(): { loaded: boolean; ids: ReadonlySet<string> } {
  const { blocks } = useApp();
  return useSyncExternalStore(blocks.subscribe, blocks.getSnapshot);
}
