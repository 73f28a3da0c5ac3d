import { useSyncExternalStore } from 'react';
import { ExternalStore } from '../../state/external-store.js';

/** This browser's choice for desktop notifications while the tab is hidden, per person signed in. */
export interface DesktopPreferences {
  enabled: boolean;
  sound: boolean;
}

const OFF: DesktopPreferences = { enabled: false, sound: false };
const key = (userId: string) => `confab.desktopNotifications.${userId}`;

/** Kept in localStorage (a device's choice, like the theme), read by the notifier on each message. */
class DesktopSettings extends ExternalStore<DesktopPreferences> {
  private userId: string | null = null;

  constructor() {
    super(OFF);
  }

  /** Reads the signed-in person's choice (a new sign-in reads theirs). */
  load(userId: string): DesktopPreferences {
    if (this.userId !== userId) {
      this.userId = userId;
      this.set(read(userId));
    }
    return this.getSnapshot();
  }

  update(userId: string, change: Partial<DesktopPreferences>): void {
    this.load(userId);
    const next = { ...this.getSnapshot(), ...change };
    localStorage.setItem(key(userId), JSON.stringify(next));
    this.set(next);
  }
}

function read(userId: string): DesktopPreferences {
  try {
    const stored = JSON.parse(localStorage.getItem(key(userId)) ?? 'null') as Partial<DesktopPreferences> | null;
    return { enabled: stored?.enabled === true, sound: stored?.sound === true };
  } catch {
    return OFF;
  }
}

export const desktopSettings = new DesktopSettings();

export function useDesktopPreferences(userId: string): DesktopPreferences {
  desktopSettings.load(userId);
  return useSyncExternalStore(desktopSettings.subscribe, desktopSettings.getSnapshot);
}
