import { useSyncExternalStore } from 'react';
import { ExternalStore } from '../state/external-store.js';

/** What a message row is showing besides the message: its editor, a delete confirmation, the reaction picker. */
export type RowMode = 'edit' | 'delete' | 'react';

/**
 * The one message row (at most) that shows a form of its own. A message action opens it and the
 * row's add-on renders it: the action menu and the add-ons are separate extension points, and
 * this is what connects them. Opening another closes the first, as a menu does.
 */
class RowModeStore extends ExternalStore<{ messageId: string; mode: RowMode } | null> {
  constructor() {
    super(null);
  }

  open(messageId: string, mode: RowMode): void {
    this.set({ messageId, mode });
  }

  /** Toggles: the same action again closes it. */
  toggle(messageId: string, mode: RowMode): void {
    const now = this.getSnapshot();
    this.set(now?.messageId === messageId && now.mode === mode ? null : { messageId, mode });
  }

  close(): void {
    this.set(null);
  }
}

export const rowMode = new RowModeStore();

/** The mode this message's row is in, or null. */
export function useRowMode(messageId: string): RowMode | null {
  const current = useSyncExternalStore(rowMode.subscribe, rowMode.getSnapshot);
  return current?.messageId === messageId ? current.mode : null;
}
