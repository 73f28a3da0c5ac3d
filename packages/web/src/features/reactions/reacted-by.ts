import { useEffect, useSyncExternalStore } from 'react';
import { useApp } from '../../state/AppContext.js';

/** Past this many names, the rest are counted: "and 4 others". */
export const NAMES_SHOWN = 10;

/**
 * Who reacted, as a chip's tooltip and accessible name say it (Slack): "Ada, Bo and you";
 * I am "you" and come last; beyond ten names, "and N others". A name not loaded yet is "someone".
 */
export function reactedBy(userIds: readonly string[], meId: string, nameOf: (userId: string) => string | undefined): string {
  const mine = userIds.includes(meId);
  const others = userIds.filter((id) => id !== meId);
  const shownOthers = others.slice(0, mine ? NAMES_SHOWN - 1 : NAMES_SHOWN).map((id) => nameOf(id) ?? 'someone');
  const names = mine ? [...shownOthers, 'you'] : shownOthers;
  const rest = others.length - shownOthers.length;
  if (rest > 0) return `${names.join(', ')} and ${rest} ${rest === 1 ? 'other' : 'others'}`;
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** The display names of these people (each fetched once by the people store). */
export function useDisplayNames(userIds: readonly string[]): (userId: string) => string | undefined {
  const { people } = useApp();
  const all = useSyncExternalStore(people.subscribe, people.getSnapshot);
  const wanted = userIds.slice(0, NAMES_SHOWN).join(',');
  useEffect(() => {
    for (const id of wanted.split(',')) if (id) people.request(id);
  }, [people, wanted]);
  return (userId) => all.get(userId)?.displayName;
}
