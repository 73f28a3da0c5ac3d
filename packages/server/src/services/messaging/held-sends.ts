import type { MessageRecord, NewMessage } from '../../store/store.js';
import type { Content } from './message-content.js';
import type { PreparedSend } from './send-preparation.js';

/** A send held for review by the screen (issue 40): stored apart, delivered to no one. */
export interface HeldResult {
  held: NewMessage;
  /** False for a repeat of a send held already. */
  created: boolean;
}

/** Decides, before a send is stored, whether it is held for review (services/assist/spam-screen.ts). */
export interface SendScreen {
  /** The held record (the one held before, for a repeat of its clientId), or undefined to deliver. */
  screen(draft: NewMessage): Promise<{ draft: NewMessage; created: boolean } | undefined>;
}

/** The held record for a send the screen holds, or undefined to deliver it. */
export async function screenSend(screen: SendScreen | undefined, { draft, content }: PreparedSend): Promise<HeldResult | undefined> {
  // An encrypted message's text is not the server's to read, so the spam model never sees one.
  if (!screen || content.kind === 'encrypted') return undefined;
  const held = await screen.screen(draft);
  return held ? { held: held.draft, created: held.created } : undefined;
}

/** A held message made ready to deliver as it was sent (its id kept), dated now; a link to a message no longer stored is dropped. */
export async function releasedSend(
  held: NewMessage,
  readMessage: (id: string) => Promise<MessageRecord | undefined>,
): Promise<PreparedSend> {
  const [quoted, root] = await Promise.all([
    held.replyToId ? readMessage(held.replyToId) : undefined,
    held.threadRootId ? readMessage(held.threadRootId) : undefined,
  ]);
  const draft = { ...held, createdAt: Date.now(), replyToId: quoted ? quoted.id : null, threadRootId: root ? root.id : null };
  return { draft, content: { body: held.body, kind: (held.kind ?? 'text') as Content['kind'], ...pickContent(held) }, quoted, root };
}

const pickContent = (m: NewMessage): Omit<Content, 'body' | 'kind'> => {
  const { location, attachments, voice, poll, forwardedFrom } = m;
  return {
    ...(location ? { location } : {}),
    ...(attachments ? { attachments } : {}),
    ...(voice ? { voice } : {}),
    ...(poll ? { poll } : {}),
    ...(forwardedFrom ? { forwardedFrom } : {}),
  } as Omit<Content, 'body' | 'kind'>;
};
