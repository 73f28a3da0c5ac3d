/**
 * The lock (Web Locks, one per origin) under which the app's tabs and its service worker show
 * notifications and read what is shown. Chromium's `getNotifications` drops from its store a
 * notification being shown while it runs (it keeps only what it found displayed when it began):
 * a tab's look for a tag beside the worker's show of a push would lose that push's notification
 * from every later look. Taken in turn, neither overlaps the other.
 */
export const NOTIFICATION_LOCK = 'confab.desktop-notification';

/** Runs `work` holding the lock (at once where the browser has no Web Locks). */
export function withNotificationLock<T>(work: () => Promise<T>): Promise<T> {
  return 'locks' in navigator ? navigator.locks.request(NOTIFICATION_LOCK, work) : work();
}
