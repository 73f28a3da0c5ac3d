import { useVirtualizer } from '@tanstack/react-virtual';
import { ArrowDown, ArrowUp } from 'lucide-react';
import { type ReactNode, memo, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { TimelineState, TimelineStore } from '../../state/timeline-store.js';
import { registerScroller } from '../../state/active-timelines.js';
import type { TimelineRow } from './timeline-rows.js';
import { type RowShortcut, useTimelineKeys } from './timeline-keys.js';

/** How close to the top (px) the view may come before the next older page is asked for. */
const LOAD_OLDER_WITHIN = 400;
/** Frames during which opening at the first unread message re-aims while row heights are measured. */
const SETTLE_FRAMES = 12;
/** How close to the bottom (px) still counts as "at the newest". */
const AT_END_WITHIN = 48;

/**
 * The scrolling part of a conversation, virtualised (@tanstack/react-virtual): only the rows in
 * and near the viewport are in the DOM, so ten thousand messages scroll like fifteen. Anchored
 * to the end, as chats are: a page of older messages added above keeps what is on screen where
 * it is, and a new message at the bottom is followed while the view is at the newest. Nearing
 * the top asks for the next older page; `onSeen` reports the newest row fully in view.
 */
export const Timeline = memo(function Timeline({
  rows,
  state,
  timeline,
  renderRow,
  onSeen,
  ready = true,
  firstUnread = null,
  onRowKey,
  onLeave,
}: {
  rows: TimelineRow[];
  state: TimelineState;
  timeline: TimelineStore;
  renderRow: (row: TimelineRow) => ReactNode;
  onSeen: (row: TimelineRow) => void;
  /** Whether it may open: the conversation waits until its first unread message is loaded. */
  ready?: boolean;
  /** The index of the row under the "New messages" divider: it opens there, not at the newest. */
  firstUnread?: number | null;
  /** A key pressed on a focused message (Enter, r, t, e: timeline-keys.ts). */
  onRowKey?: (row: TimelineRow, key: RowShortcut) => void;
  /** Esc in the timeline: back to the message field. */
  onLeave?: () => void;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [atEnd, setAtEnd] = useState(true);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 72,
    getItemKey: (index) => rows[index]!.key,
    overscan: 6,
    anchorTo: 'end',
    followOnAppend: true,
    // "At the end" (and so followed when messages arrive) within a few pixels, not within one: a
    // burst that lands while the last follow is being applied must not leave the view behind.
    scrollEndThreshold: AT_END_WITHIN,
    // Rendered in React's own time, not forced synchronously on every measurement: a flood of
    // live messages must not nest updates (React's "maximum update depth").
    useFlushSync: false,
    // Size changes reported by the ResizeObserver are applied together once a frame: each one
    // above the view moves the scroll position, and one write per row forced a layout per row.
    useAnimationFrameWithResizeObserver: true,
  });

  useTimelineKeys(scrollRef, virtualizer, rows, { onRowKey, onLeave });

  // It opens at the first unread message, under the divider (and then follows nothing until the
  // person reaches the end), or at the newest when nothing is unread.
  const opened = useRef(false);
  const jumped = useRef(false);
  const following = useRef(true);
  const [openedAt, setOpenedAt] = useState<number | null>(null);
  useLayoutEffect(() => {
    if (opened.current || !ready || !state.loaded || rows.length === 0) return;
    opened.current = true;
    if (firstUnread === null) {
      virtualizer.scrollToEnd();
      return;
    }
    following.current = false;
    setOpenedAt(firstUnread);
    // A row's true height is known only once rendered, and the end-anchored list moves as rows
    // above are measured: aim again each frame until the rows around it have settled.
    let frames = 0;
    const aim = () => {
      if (jumped.current) return; // a jump to a message (below) has taken the view elsewhere
      virtualizer.scrollToIndex(firstUnread, { align: 'start' });
      if (++frames < SETTLE_FRAMES) requestAnimationFrame(aim);
    };
    aim();
  }, [ready, state.loaded, rows.length, firstUnread, virtualizer]);

  // Whether new rows at the bottom are followed: yes while the view is at the newest, no once the
  // person scrolls up. Only scrolling changes it, never rows growing below the view, so a burst
  // of messages landing while the last follow is still being applied cannot leave the view
  // behind (the virtualiser's own followOnAppend judges "at the end" from its last read of the
  // scroll position, which lags then).
  const lastScrollTop = useRef(0);
  const lastKey = rows.at(-1)?.key;
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (element && opened.current && following.current) element.scrollTop = element.scrollHeight;
  }, [lastKey]);

  // The latest rows and callbacks, read by the handlers below, which therefore stay the same
  // function across renders (no listener re-attached per new message).
  const latest = useRef({ rows, onSeen });
  useLayoutEffect(() => {
    latest.current = { rows, onSeen };
  });

  const check = useCallback(() => {
    const element = scrollRef.current;
    if (!element) return;
    const fromEnd = element.scrollHeight - element.scrollTop - element.clientHeight;
    setAtEnd(fromEnd <= AT_END_WITHIN);
    timeline.viewAtEnd(fromEnd <= AT_END_WITHIN);
    if (fromEnd <= AT_END_WITHIN) following.current = true;
    if (element.scrollTop <= LOAD_OLDER_WITHIN) void timeline.loadOlder();
    // Nothing counts as seen before it opened where the person will read.
    if (!opened.current || document.visibilityState !== 'visible') return;
    // The newest row whose bottom is on screen has been seen, and everything before it.
    const bottom = element.scrollTop + element.clientHeight + 2;
    const items = virtualizer.getVirtualItems();
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i]!;
      if (item.end <= bottom && item.end > element.scrollTop) {
        const row = latest.current.rows[item.index];
        if (row) latest.current.onSeen(row);
        return;
      }
    }
  }, [timeline, virtualizer]);

  // A jump to a message (search, pins, notifications: features/search/jump.ts) scrolls here.
  useEffect(
    () =>
      registerScroller(timeline.conversationId, (seq) => {
        const index = latest.current.rows.findIndex((row) => row.kind === 'message' && row.message.seq === seq);
        if (index < 0) return false;
        // The view is where the person asked to go: it neither opens at the first unread
        // afterwards nor follows new messages from here.
        jumped.current = opened.current = true;
        following.current = false;
        virtualizer.scrollToIndex(index, { align: 'center' });
        return true;
      }),
    [timeline, virtualizer],
  );

  // After a change of rows (a page loaded, a message arrived), and when the tab comes back.
  useEffect(() => {
    check();
  }, [check, rows]);
  useEffect(() => {
    document.addEventListener('visibilitychange', check);
    return () => document.removeEventListener('visibilitychange', check);
  }, [check]);

  const onScroll = useCallback(() => {
    const element = scrollRef.current;
    if (!element) return;
    if (element.scrollTop < lastScrollTop.current) following.current = false; // scrolled up (check() sets it again at the end)
    lastScrollTop.current = element.scrollTop;
    check();
  }, [check]);

  const items = virtualizer.getVirtualItems();
  // "Jump to first unread" while the divider is above what is on screen.
  const unreadAbove = firstUnread !== null && openedAt !== null && items.length > 0 && items[0]!.index > firstUnread;
  return (
    <div className="timeline-frame">
      {state.loadingOlder && (
        <p className="timeline-loading" role="status">
          Loading older messages…
        </p>
      )}
      <div ref={scrollRef} className="timeline" role="log" aria-label="Messages" aria-live="off" tabIndex={0} onScroll={onScroll}>
        {state.loaded && rows.length === 0 && <p className="timeline-note">No messages yet. Say hello!</p>}
        <div className="timeline-rows" style={{ height: virtualizer.getTotalSize() }}>
          <div className="timeline-window" style={{ transform: `translateY(${items[0]?.start ?? 0}px)` }}>
            {items.map((item) => (
              <div key={item.key} data-index={item.index} ref={virtualizer.measureElement} className="timeline-row">
                {/* Inside the first row, so the anchoring measures it like any row. */}
                {item.index === 0 && state.loaded && !state.hasOlder && (
                  <p className="timeline-note">This is the beginning of the conversation.</p>
                )}
                {renderRow(rows[item.index]!)}
              </div>
            ))}
          </div>
        </div>
      </div>
      {unreadAbove && (
        <button
          type="button"
          className="jump-pill jump-to-unread"
          onClick={() => virtualizer.scrollToIndex(firstUnread, { align: 'start' })}
        >
          <ArrowUp size={16} aria-hidden="true" /> Jump to first unread
        </button>
      )}
      {!atEnd && (
        <button type="button" className="jump-pill jump-to-newest" onClick={() => virtualizer.scrollToEnd()}>
          <ArrowDown size={16} aria-hidden="true" /> Jump to newest
        </button>
      )}
    </div>
  );
});
