import type { Message } from '@confab/protocol';
import type { AppServices } from '../../state/AppContext.js';
import { SERVICE_WORKER_URL } from '../push/browser-push.js';
import { withNotificationLock } from '../../sw/notification-lock.js';
import { jumpToMessage } from '../search/jump.js';
import { deservesNotification, notificationTag, notificationText } from './desktop-rules.js';
import { desktopSettings } from './desktop-settings.js';
import { playNotificationSound } from './notification-sound.js';

/** What the service worker posts to a tab when one of these notifications is clicked. */
export interface OpenMessageRequest {
  type: 'confab.open-message';
  conversationId: string;
  seq: number;
}

/** Whether the browser can show desktop notifications at all. */
export const desktopSupported = () => typeof window !== 'undefined' && 'Notification' in window && 'serviceWorker' in navigator;

/**
 * Turning desktop notifications on: the browser's permission prompt (from the click, never on
 * load) and the service worker registered, which shows them, the same worker that shows Web Push.
 */
export async function enableDesktopNotifications(userId: string): Promise<void> {
  if (!desktopSupported()) throw new Error('This browser cannot show notifications from a website');
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') throw new Error('Notifications are blocked for this site. Allow them in your browser’s site settings.');
  await navigator.serviceWorker.register(SERVICE_WORKER_URL);
  await navigator.serviceWorker.ready;
  desktopSettings.update(userId, { enabled: true });
}

/**
 * Desktop notifications while the tab is hidden (issue 36 item 7): for each new direct message or
 * mention of me (`desktop-rules.ts`), the service worker's `showNotification` with one tag per
 * message. The worker is the one that shows Web Push too, so both kinds live in one place; each
 * open tab hears the message, and a lock across the tabs plus a look at what is already shown
 * under that tag make one of them show it (and play the sound). A click reaches the worker,
 * which focuses a tab and asks it to open the conversation at that message.
 */
export class DesktopNotifier {
  private readonly stops: (() => void)[] = [];

  constructor(private readonly services: AppServices) {}

  start(): void {
    const { connection } = this.services;
    this.stops.push(connection.on('message.created', ({ message }) => void this.consider(message)));
    if (desktopSupported()) {
      const onMessage = (event: MessageEvent<unknown>) => {
        const request = event.data as Partial<OpenMessageRequest> | null;
        if (request?.type === 'confab.open-message' && typeof request.conversationId === 'string' && typeof request.seq === 'number')
          void jumpToMessage(request.conversationId, request.seq);
      };
      navigator.serviceWorker.addEventListener('message', onMessage);
      this.stops.push(() => navigator.serviceWorker.removeEventListener('message', onMessage));
    }
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  private async consider(message: Message): Promise<void> {
    const { me, conversations, blocks, people } = this.services;
    const preferences = desktopSettings.load(me.id);
    if (!preferences.enabled || !desktopSupported() || Notification.permission !== 'granted') return;
    // Only while I am not looking: the tab hidden, or its window not the one in front (as Slack does).
    if (document.visibilityState === 'visible' && document.hasFocus()) return;
    // A conversation not in my list yet (a first DM from someone, or the list reloading) is asked for.
    const conversation =
      conversations.find(message.conversationId) ??
      (await this.services.client.getConversation(message.conversationId).catch(() => undefined));
    if (!conversation || !deservesNotification(message, conversation, me.id, blocks.getSnapshot().ids)) return;
    const person = people.getSnapshot().get(message.senderId) ?? (await this.services.client.getUser(message.senderId).catch(() => null));
    const sender = person ? person.displayName || `@${person.username}` : 'Someone';
    const peer = conversation.kind === 'direct' && conversation.peerId ? people.getSnapshot().get(conversation.peerId) : undefined;
    const text = notificationText(message, sender, { kind: conversation.kind, title: conversation.title ?? peer?.displayName ?? null });
    const shown = await showOnce(notificationTag(message.id), text.title, {
      body: text.body,
      icon: '/icons/icon-192.png',
      data: { url: `/c/${encodeURIComponent(message.conversationId)}`, conversationId: message.conversationId, seq: message.seq },
    });
    if (shown && preferences.sound) await playNotificationSound();
  }
}

/** Shows the notification unless a tab already did (its tag is showing); true when this tab showed it. */
async function showOnce(tag: string, title: string, options: NotificationOptions): Promise<boolean> {
  // Registered when notifications were turned on; again if it was removed since (site data cleared).
  if (!(await navigator.serviceWorker.getRegistration(SERVICE_WORKER_URL))) await navigator.serviceWorker.register(SERVICE_WORKER_URL);
  const registration = await navigator.serviceWorker.ready;
  const show = async () => {
    if ((await registration.getNotifications({ tag })).length > 0) return false;
    await registration.showNotification(title, { ...options, tag });
    return true;
  };
  // The tabs take turns (a lock of the origin), so the second finds the first one's notification.
  return withNotificationLock(show);
}
