import { type Format, formatShortcuts } from '../composer/formatting.js';

/**
 * Every keyboard shortcut of the app, in one table: the handlers ask `matches(id, event)` and the
 * shortcuts sheet (`?`) lists the same rows, so the sheet cannot describe a key that does not
 * work, nor miss one that does.
 */

/** One key combination. `mod` is Ctrl, or ⌘ on a Mac (either is accepted everywhere). */
export interface KeyCombo {
  /** `KeyboardEvent.key`: a letter (matched whatever the case), a character such as `?`, or a named key (`ArrowUp`). */
  key: string;
  mod?: boolean;
  alt?: boolean;
  shift?: boolean;
}

/** Where a shortcut works: anywhere, in the conversation list or the timeline when it has focus, in the message field. */
export type ShortcutScope = 'global' | 'list' | 'timeline' | 'composer';

export interface Shortcut {
  keys: readonly KeyCombo[];
  scope: ShortcutScope;
  description: string;
  /** Also while typing in a field (a global shortcut such as Ctrl+K); `?` and the like never. */
  whileTyping?: boolean;
}

export const shortcuts = {
  'quick-switcher': { keys: [{ key: 'k', mod: true }], scope: 'global', description: 'Open the quick switcher', whileTyping: true },
  'shortcuts-sheet': { keys: [{ key: '?' }], scope: 'global', description: 'Show keyboard shortcuts' },
  'previous-conversation': {
    keys: [{ key: 'ArrowUp', alt: true }],
    scope: 'global',
    description: 'Previous conversation in the list',
    whileTyping: true,
  },
  'next-conversation': {
    keys: [{ key: 'ArrowDown', alt: true }],
    scope: 'global',
    description: 'Next conversation in the list',
    whileTyping: true,
  },
  'close-panel': { keys: [{ key: 'Escape' }], scope: 'global', description: 'Close a dialog, menu or side panel', whileTyping: true },
  'list-previous': { keys: [{ key: 'ArrowUp' }], scope: 'list', description: 'Focus the conversation above' },
  'list-next': { keys: [{ key: 'ArrowDown' }], scope: 'list', description: 'Focus the conversation below' },
  'list-first': { keys: [{ key: 'Home' }], scope: 'list', description: 'Focus the first conversation' },
  'list-last': { keys: [{ key: 'End' }], scope: 'list', description: 'Focus the last conversation' },
  'previous-message': { keys: [{ key: 'ArrowUp' }, { key: 'k' }], scope: 'timeline', description: 'Focus the previous message' },
  'next-message': { keys: [{ key: 'ArrowDown' }, { key: 'j' }], scope: 'timeline', description: 'Focus the next message' },
  'first-message': { keys: [{ key: 'Home' }], scope: 'timeline', description: 'Focus the first loaded message' },
  'last-message': { keys: [{ key: 'End' }], scope: 'timeline', description: 'Focus the newest message' },
  reply: { keys: [{ key: 'Enter' }], scope: 'timeline', description: 'Reply to the focused message' },
  react: { keys: [{ key: 'r' }], scope: 'timeline', description: 'React to the focused message' },
  thread: { keys: [{ key: 't' }], scope: 'timeline', description: 'Reply in thread' },
  edit: { keys: [{ key: 'e' }], scope: 'timeline', description: 'Edit the focused message (yours)' },
  'to-composer': { keys: [{ key: 'Escape' }], scope: 'timeline', description: 'Back to the message field' },
  send: { keys: [{ key: 'Enter' }, { key: 'Enter', mod: true }], scope: 'composer', description: 'Send', whileTyping: true },
  'new-line': { keys: [{ key: 'Enter', shift: true }], scope: 'composer', description: 'New line', whileTyping: true },
  'edit-last': {
    keys: [{ key: 'ArrowUp' }],
    scope: 'composer',
    description: 'Edit your last message (in an empty field)',
    whileTyping: true,
  },
  'cancel-reply': { keys: [{ key: 'Escape' }], scope: 'composer', description: 'Cancel the reply or edit', whileTyping: true },
} satisfies Record<string, Shortcut>;

export type ShortcutId = keyof typeof shortcuts;

const formatNames: Record<Format, string> = {
  bold: 'Bold',
  italic: 'Italic',
  strike: 'Strikethrough',
  code: 'Inline code',
  codeBlock: 'Code block',
  link: 'Link (the selected text)',
  bulletList: 'Bulleted list',
  quote: 'Quote',
};

/**
 * Every row of the shortcuts sheet: the table above, then the composer's formatting keys from
 * the composer's own table (formatting.ts), which its handler reads.
 */
export const allShortcuts: readonly { id: string; shortcut: Shortcut }[] = [
  ...Object.entries(shortcuts).map(([id, shortcut]) => ({ id, shortcut })),
  ...Object.entries(formatShortcuts).map(([key, format]) => ({
    id: `format-${format}`,
    shortcut: { keys: [{ key, mod: true }], scope: 'composer', description: formatNames[format], whileTyping: true } satisfies Shortcut,
  })),
];

/** What a key press carries that a shortcut looks at. */
export type KeyPress = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>;

/** A named key (Enter, ArrowUp) or a letter: Shift must be as the combination says. A character such as `?` already tells it. */
const shiftMatters = (key: string) => key.length > 1 || /^[a-z]$/i.test(key);

export function comboMatches(combo: KeyCombo, event: KeyPress): boolean {
  const letter = combo.key.length === 1 ? event.key.toLowerCase() === combo.key.toLowerCase() : event.key === combo.key;
  if (!letter) return false;
  if ((event.ctrlKey || event.metaKey) !== Boolean(combo.mod)) return false;
  if (event.altKey !== Boolean(combo.alt)) return false;
  return !shiftMatters(combo.key) || event.shiftKey === Boolean(combo.shift);
}

/** Whether the key press is shortcut `id` (any of its combinations). */
export function matches(id: ShortcutId, event: KeyPress): boolean {
  const shortcut: Shortcut = shortcuts[id];
  return shortcut.keys.some((combo) => comboMatches(combo, event));
}

/** The first shortcut of `scope` the key press is, if any. */
export function shortcutFor(scope: ShortcutScope, event: KeyPress): ShortcutId | null {
  for (const id of Object.keys(shortcuts) as ShortcutId[]) {
    if (shortcuts[id].scope === scope && matches(id, event)) return id;
  }
  return null;
}

/** Whether keys typed at `target` are text (a field, an editable element): single-key shortcuts stay out of its way. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return (
    target instanceof HTMLInputElement &&
    !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file'].includes(target.type)
  );
}

const named: Record<string, string> = { ArrowUp: '↑', ArrowDown: '↓', ArrowLeft: '←', ArrowRight: '→', Escape: 'Esc' };

/** A combination as the sheet shows it, one string per key: `['Ctrl', 'K']`, or `['⌘', 'K']` on a Mac. */
export function comboLabel(combo: KeyCombo, mac: boolean): string[] {
  const parts: string[] = [];
  if (combo.mod) parts.push(mac ? '⌘' : 'Ctrl');
  if (combo.alt) parts.push(mac ? '⌥' : 'Alt');
  if (combo.shift) parts.push('Shift');
  // A letter with a modifier is written in capitals (Ctrl+K); alone, as typed (j, k), since a capital reads as Shift.
  const letter = combo.mod || combo.alt ? combo.key.toUpperCase() : combo.key;
  parts.push(named[combo.key] ?? letter);
  return parts;
}

/** The sheet's sections, in this order. */
export const scopeTitles: Record<ShortcutScope, string> = {
  global: 'Anywhere',
  list: 'In the conversation list (Enter opens the focused one)',
  timeline: 'In the messages (focus them with Tab or a click)',
  composer: 'In the message field',
};

export const isMac = () => typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.userAgent);
