import type { TimelineStore } from './timeline-store.js';

/**
 * The timeline of each conversation page on screen, so that something outside the page (a
 * search hit, a pinned message, a quote) can bring a message into it and show it.
 */
const timelines = new Map<string, TimelineStore>();

export function registerTimeline(timeline: TimelineStore): () => void {
  timelines.set(timeline.conversationId, timeline);
  return () => {
    if (timelines.get(timeline.conversationId) === timeline) timelines.delete(timeline.conversationId);
  };
}

export function activeTimeline(conversationId: string): TimelineStore | undefined {
  return timelines.get(conversationId);
}

/** Scrolls a virtualised timeline to the row of a message it holds; false when it holds none with that seq. */
export type RowScroller = (seq: number) => boolean;
const scrollers = new Map<string, RowScroller>();

export function registerScroller(conversationId: string, scroller: RowScroller): () => void {
  scrollers.set(conversationId, scroller);
  return () => {
    if (scrollers.get(conversationId) === scroller) scrollers.delete(conversationId);
  };
}

export function scrollerOf(conversationId: string): RowScroller | undefined {
  return scrollers.get(conversationId);
}
