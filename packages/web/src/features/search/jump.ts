import { navigate } from 'wouter/use-browser-location';
import { activeTimeline, scrollerOf } from '../../state/active-timelines.js';

const MAX_PAGES = 200;

/**
 * Opens the conversation (if it is not open), loads older history until the message with `seq`
 * is in the timeline, scrolls it into view, marks it for a moment and moves focus to it.
 * Resolves false when it could not be shown (a thread reply, or history cleared past it).
 */
export async function jumpToMessage(conversationId: string, seq: number): Promise<boolean> {
  const path = `/c/${conversationId}`;
  if (!window.location.pathname.startsWith(path)) navigate(path);
  const timeline = await until(() => {
    const t = activeTimeline(conversationId);
    return t && t.getSnapshot().loaded ? t : undefined;
  });
  if (!timeline) return false;
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const state = timeline.getSnapshot();
    if (state.messages.some((m) => m.seq <= seq) || !state.hasOlder) break;
    await timeline.loadOlder();
  }
  // The timeline is virtualised: the row is in the DOM once scrolled to. Scrolled to even when it
  // is already in the DOM, so the timeline knows the view was taken there (and stays).
  let scrolled = false;
  const row = await until(() => {
    const found = document.querySelector<HTMLElement>(`.timeline [data-seq="${seq}"]`);
    if (!found || !scrolled) scrolled = scrollerOf(conversationId)?.(seq) ?? false;
    return found ?? undefined;
  });
  if (!row) return false;
  row.scrollIntoView({ block: 'center' });
  row.tabIndex = -1;
  row.focus({ preventScroll: true });
  row.classList.add('jumped-to');
  setTimeout(() => row.classList.remove('jumped-to'), 2500);
  return true;
}

/** The value once `find` gives one, checked each frame for up to 5 s. */
function until<T>(find: () => T | undefined): Promise<T | undefined> {
  const deadline = performance.now() + 5000;
  return new Promise((resolve) => {
    const check = () => {
      const found = find();
      if (found !== undefined || performance.now() > deadline) resolve(found);
      else requestAnimationFrame(check);
    };
    check();
  });
}
