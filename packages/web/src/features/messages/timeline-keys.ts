import type { Virtualizer } from '@tanstack/react-virtual';
import { type RefObject, useEffect, useRef } from 'react';
import { type ShortcutId, shortcutFor } from '../keyboard/shortcuts.js';
import type { TimelineRow } from './timeline-rows.js';

/** The keys of a focused message that act on it (the rest move the focus). */
export type RowShortcut = Extract<ShortcutId, 'reply' | 'react' | 'thread' | 'edit'>;
const rowShortcuts: readonly ShortcutId[] = ['reply', 'react', 'thread', 'edit'] satisfies RowShortcut[];
const isRowShortcut = (id: ShortcutId): id is RowShortcut => rowShortcuts.includes(id);

/** Frames to wait for a row scrolled into view to be rendered by the virtualiser before giving up. */
const RENDER_FRAMES = 30;
/** How long (ms) a row focused by key is kept wholly in view while the rows around it are measured. */
const SETTLE_MS = 1_500;
/** Pixels a focused row may stick out of the view before it is scrolled back in (rounding). */
const SLACK = 0.5;

/** A message (sent or on its way) can take focus; a system notice or a folded run cannot. */
export const focusable = (row: TimelineRow | undefined) =>
  row !== undefined && (row.kind === 'pending' || (row.kind === 'message' && row.message.kind !== 'system'));

/**
 * Moving through a timeline by keyboard (shortcuts.ts, scope `timeline`), once it or one of its
 * messages has focus: ↑/k and ↓/j the previous and next message, Home and End the first loaded
 * and the newest; Enter, r, t and e act on the focused message (`onRowKey`); Esc goes back to
 * the message field (`onLeave`). The list is virtualised, so a message out of view is scrolled
 * in (and so rendered) before it takes focus, and kept wholly in view while the rows settle. Keys
 * typed in a field inside a row (the edit form) or on a button of its action bar are theirs, not
 * the timeline's.
 */
export function useTimelineKeys(
  scrollRef: RefObject<HTMLDivElement | null>,
  virtualizer: Virtualizer<HTMLDivElement, Element>,
  rows: readonly TimelineRow[],
  handlers: { onRowKey?: ((row: TimelineRow, key: RowShortcut) => void) | undefined; onLeave?: (() => void) | undefined },
): void {
  const latest = useRef({ rows, handlers });
  useEffect(() => {
    latest.current = { rows, handlers };
  });

  useEffect(() => {
    const scroller = scrollRef.current;
    if (!scroller) return;
    const rowElement = (index: number) => scroller.querySelector<HTMLElement>(`[data-index="${index}"] article.message`);
    // The virtualiser lands a scroll on the row heights it knows; a row measured again after it has
    // landed (seen in a slow browser after older pages were loaded: rows above shrank by 35 px) can
    // leave the focused row partly out of view, so for a moment the view follows the row itself,
    // by what the page shows. The person scrolling, or their next key, ends that.
    let settling = 0;
    const stopSettling = () => void (settling += 1);
    const keepInView = (element: HTMLElement) => {
      const generation = ++settling;
      const until = performance.now() + SETTLE_MS;
      const check = () => {
        if (generation !== settling || document.activeElement !== element) return;
        const box = element.getBoundingClientRect();
        const top = scroller.getBoundingClientRect().top + scroller.clientTop;
        const bottom = top + scroller.clientHeight;
        // Its top first: a row taller than the view shows its beginning.
        if (box.top < top - SLACK) virtualizer.scrollBy(box.top - top);
        else if (box.bottom > bottom + SLACK) virtualizer.scrollBy(Math.min(box.bottom - bottom, box.top - top));
        if (performance.now() < until) requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    };
    const focusRow = (index: number) => {
      virtualizer.scrollToIndex(index, { align: 'auto' });
      let frames = 0;
      const attempt = () => {
        const element = rowElement(index);
        if (element) {
          element.focus({ preventScroll: true });
          keepInView(element);
        } else if (++frames < RENDER_FRAMES) requestAnimationFrame(attempt);
      };
      // The row may already be rendered (in the overscan): focus at once; else after the scroll renders it.
      // Meanwhile the timeline itself holds the focus: the row that had it may be unmounted as the
      // view moves away, and focus left on the page's body would take no more keys.
      if (rowElement(index)) attempt();
      else {
        scroller.focus({ preventScroll: true });
        requestAnimationFrame(attempt);
      }
    };
    // Where a move starts when the timeline itself has focus: the first or last message on screen.
    const onScreen = (from: 'top' | 'bottom') => {
      const top = scroller.scrollTop;
      const bottom = top + scroller.clientHeight;
      const visible = virtualizer
        .getVirtualItems()
        .filter((item) => item.end > top && item.start < bottom && focusable(latest.current.rows[item.index]));
      return (from === 'top' ? visible[0] : visible.at(-1))?.index;
    };
    const step = (from: number, by: -1 | 1) => {
      const all = latest.current.rows;
      for (let i = from + by; i >= 0 && i < all.length; i += by) if (focusable(all[i])) return i;
      return undefined;
    };

    const onKey = (event: KeyboardEvent) => {
      stopSettling(); // a key of its own (Page Down) may scroll away; a move starts again below
      if (event.defaultPrevented || event.isComposing) return;
      const target = event.target as HTMLElement;
      const onRow = target.matches('article.message');
      if (target !== scroller && !onRow) return;
      const id = shortcutFor('timeline', event);
      if (id === null) return;
      const { rows: all, handlers: on } = latest.current;
      const current = onRow ? Number(target.closest<HTMLElement>('[data-index]')?.dataset['index']) : undefined;
      let to: number | undefined;
      if (id === 'previous-message') to = current === undefined ? onScreen('bottom') : step(current, -1);
      else if (id === 'next-message') to = current === undefined ? onScreen('top') : step(current, 1);
      else if (id === 'first-message') to = step(-1, 1);
      else if (id === 'last-message') to = step(all.length, -1);
      else if (id === 'to-composer') {
        event.preventDefault();
        event.stopPropagation(); // not also closing a side panel
        on.onLeave?.();
        return;
      } else if (isRowShortcut(id) && current !== undefined && all[current]) {
        event.preventDefault();
        on.onRowKey?.(all[current], id);
        return;
      } else return;
      // At the first or last message the key does nothing, rather than scroll the list under the focus.
      event.preventDefault();
      if (to !== undefined) focusRow(to);
    };
    const userScrolls = ['wheel', 'touchstart', 'pointerdown'] as const;
    scroller.addEventListener('keydown', onKey);
    for (const type of userScrolls) scroller.addEventListener(type, stopSettling, { passive: true });
    return () => {
      stopSettling();
      scroller.removeEventListener('keydown', onKey);
      for (const type of userScrolls) scroller.removeEventListener(type, stopSettling);
    };
  }, [scrollRef, virtualizer]);
}
