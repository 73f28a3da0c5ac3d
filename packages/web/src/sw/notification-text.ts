import type { NotificationKind, OutboundNotification } from '@confab/protocol';

/** What the service worker shows for a push: a title, a line of text, where a click goes, and a tag that groups a conversation's. */
export interface ShownNotification {
  title: string;
  body: string;
  url: string;
  tag: string;
}

/**
 * A push carries no names or message text (the push service could read them otherwise; the
 * server sends ids only), so the text says what happened and the click opens the conversation.
 */
const SENTENCES: Record<NotificationKind, string> = {
  mention: 'You were mentioned in a conversation',
  reply: 'Someone replied to your message',
  thread_reply: 'New reply in a thread you follow',
  reaction: 'Someone reacted to your message',
  added_to_conversation: 'You were added to a conversation',
};

/** The notification for a push's payload; a payload it cannot read still shows something (Chromium requires one per push). */
export function notificationFor(payload: unknown): ShownNotification {
  const notification = isOutbound(payload) ? payload.notification : undefined;
  if (!notification) return { title: 'Confab', body: 'Something new is waiting for you', url: '/', tag: 'confab' };
  return {
    title: 'Confab',
    body: SENTENCES[notification.kind] ?? 'Something new is waiting for you',
    url: `/c/${encodeURIComponent(notification.conversationId)}`,
    tag: `conversation:${notification.conversationId}`,
  };
}

function isOutbound(payload: unknown): payload is OutboundNotification {
  const value = payload as Partial<OutboundNotification> | null;
  return (
    typeof value === 'object' &&
    value !== null &&
    value.type === 'notification.created' &&
    typeof value.notification === 'object' &&
    value.notification !== null &&
    typeof value.notification.conversationId === 'string'
  );
}
