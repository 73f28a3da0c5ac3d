import type { ConversationSummary, Message } from '@confab/protocol';

const EXCERPT = 120;

/**
 * Whether a new message deserves a desktop notification (issue 36 item 7): a direct message or a
 * mention of me, from someone else and not someone I block; in a muted conversation, mentions
 * only. Whether the tab is hidden and notifications are on is the caller's question.
 */
export function deservesNotification(
  message: Message,
  conversation: Pick<ConversationSummary, 'kind' | 'muted'> | undefined,
  meId: string,
  blocked: ReadonlySet<string>,
): boolean {
  if (message.senderId === meId || message.kind === 'system' || message.deletedAt !== null) return false;
  if (blocked.has(message.senderId) || !conversation) return false;
  const mentioned = message.mentions.includes(meId);
  return mentioned || (conversation.kind === 'direct' && !conversation.muted);
}

/** The notification's words: who (and where, in a group), and a short line of what. */
export function notificationText(
  message: Message,
  sender: string,
  conversation: Pick<ConversationSummary, 'kind' | 'title'>,
): { title: string; body: string } {
  const title = conversation.kind === 'direct' ? sender : `${sender} in ${conversation.title ?? 'a group'}`;
  return { title, body: bodyOf(message) };
}

function bodyOf(message: Message): string {
  if (message.kind === 'voice') return 'Sent a voice message';
  if (message.kind === 'location') return 'Shared a location';
  if (message.kind === 'poll') return `Poll: ${excerpt(message.body ?? '')}`;
  const attachments = message.attachments?.length ?? 0;
  if ((message.body ?? '').trim() === '' && attachments > 0) return attachments === 1 ? 'Sent a file' : `Sent ${String(attachments)} files`;
  return excerpt(message.body ?? '');
}

function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const chars = [...line];
  return chars.length > EXCERPT ? `${chars.slice(0, EXCERPT).join('')}…` : line;
}

/** One tag per message: the tabs that would each show it show one notification, which later copies replace silently. */
export const notificationTag = (messageId: string) => `message:${messageId}`;
