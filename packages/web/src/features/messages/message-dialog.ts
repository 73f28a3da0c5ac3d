import { useSyncExternalStore } from 'react';

/**
 * Which message a dialog of one kind is open for (at most one at a time): a menu action opens it
 * for its message, and that message's row shows it (Forward…, Report…).
 */
export function messageDialogSlot() {
  let openFor: string | null = null;
  const listeners = new Set<() => void>();
  const setOpenFor = (id: string | null) => {
    openFor = id;
    for (const listener of listeners) listener();
  };
  const subscribe = (listener: () => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  return {
    open: (messageId: string) => setOpenFor(messageId),
    close: () => setOpenFor(null),
    /** Whether the dialog is open for this message (a hook: re-renders when that changes). */
    useIsOpen: (messageId: string) => useSyncExternalStore(subscribe, () => openFor) === messageId,
  };
}
