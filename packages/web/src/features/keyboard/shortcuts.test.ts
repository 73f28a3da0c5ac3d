import { describe, expect, it } from 'vitest';
import { allShortcuts, comboLabel, matches, shortcutFor, shortcuts } from './shortcuts.js';

const press = (key: string, mods: { ctrl?: boolean; meta?: boolean; alt?: boolean; shift?: boolean } = {}) => ({
  key,
  ctrlKey: mods.ctrl ?? false,
  metaKey: mods.meta ?? false,
  altKey: mods.alt ?? false,
  shiftKey: mods.shift ?? false,
});

describe('the shortcut table', () => {
  it('takes Ctrl or ⌘ for mod, and a letter in either case', () => {
    expect(matches('quick-switcher', press('k', { ctrl: true }))).toBe(true);
    expect(matches('quick-switcher', press('K', { meta: true }))).toBe(true);
    expect(matches('quick-switcher', press('k'))).toBe(false);
    expect(matches('quick-switcher', press('k', { ctrl: true, alt: true }))).toBe(false);
  });

  it('reads `?` whatever Shift it took, but Shift changes a named key or a letter', () => {
    expect(matches('shortcuts-sheet', press('?', { shift: true }))).toBe(true);
    expect(matches('shortcuts-sheet', press('?'))).toBe(true);
    expect(shortcutFor('composer', press('Enter'))).toBe('send');
    expect(shortcutFor('composer', press('Enter', { shift: true }))).toBe('new-line');
    expect(shortcutFor('timeline', press('j', { shift: true }))).toBeNull();
  });

  it('keeps Alt+arrows for conversations and bare arrows (or j/k) for messages', () => {
    expect(shortcutFor('global', press('ArrowDown', { alt: true }))).toBe('next-conversation');
    expect(shortcutFor('timeline', press('ArrowDown', { alt: true }))).toBeNull();
    expect(shortcutFor('timeline', press('k'))).toBe('previous-message');
    expect(shortcutFor('timeline', press('ArrowUp'))).toBe('previous-message');
    expect(shortcutFor('timeline', press('End'))).toBe('last-message');
    expect(shortcutFor('global', press('x'))).toBeNull();
  });

  it('lists every shortcut once in the sheet, with the formatting keys the composer reads', () => {
    const ids = allShortcuts.map((row) => row.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining([...Object.keys(shortcuts), 'format-bold', 'format-link']));
    expect(allShortcuts.every(({ shortcut }) => shortcut.keys.length > 0 && shortcut.description !== '')).toBe(true);
  });

  it('writes keys as the platform names them', () => {
    expect(comboLabel({ key: 'k', mod: true }, false)).toEqual(['Ctrl', 'K']);
    expect(comboLabel({ key: 'k', mod: true }, true)).toEqual(['⌘', 'K']);
    expect(comboLabel({ key: 'ArrowUp', alt: true }, false)).toEqual(['Alt', '↑']);
    expect(comboLabel({ key: 'j' }, false)).toEqual(['j']);
  });
});
