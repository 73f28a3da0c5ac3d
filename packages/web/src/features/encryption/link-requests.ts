import type { PendingDeviceLink } from '@confab/client';

/**
 * The link requests a device of mine should still offer to answer: pending on the server (the
 * list it answered), not answered meanwhile on any of my devices (`device_link.answered` may
 * arrive while a look is in flight), and not expired by this device's clock (the server stops
 * listing an expired one too; a prompt need not wait for the next look to take it down).
 */
export function stillPending(list: readonly PendingDeviceLink[], answered: ReadonlySet<string>, now: number): PendingDeviceLink[] {
  return list.filter((link) => !answered.has(link.id) && Date.parse(link.expiresAt) > now);
}

/** Milliseconds until the first of these requests expires (null for none): when to look at the list again. */
export function untilFirstExpiry(list: readonly PendingDeviceLink[], now: number): number | null {
  if (list.length === 0) return null;
  return Math.max(0, Math.min(...list.map((link) => Date.parse(link.expiresAt))) - now);
}
