const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayOfYear = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const fullDay = new Intl.DateTimeFormat(undefined, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });

/** In the list: the time for today, the date otherwise. */
export function formatListTime(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  return sameDay(date, now) ? timeOfDay.format(date) : dayOfYear.format(date);
}

/** Times already formatted: each row shows its time twice, and rows mount again as the timeline scrolls. */
const times = new Map<string, string>();

export function formatTime(iso: string): string {
  let text = times.get(iso);
  if (text === undefined) {
    if (times.size >= 5000) times.clear();
    text = timeOfDay.format(new Date(iso));
    times.set(iso, text);
  }
  return text;
}

/** A date separator's text: Today, Yesterday, or the full date. */
export function formatDay(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (sameDay(date, now)) return 'Today';
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (sameDay(date, yesterday)) return 'Yesterday';
  return fullDay.format(date);
}

export function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}
