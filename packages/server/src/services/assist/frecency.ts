import type { InteractionRecord } from '../../store/store.js';

/**
 * Frecency (issue 40): how often and how lately I dealt with a person or a conversation. Each
 * interaction counts by its kind, halved every week of age; the sum ranks. Explainable, cheap,
 * and computed from what the store already keeps (store/sql/assist.ts `listInteractions`).
 */
export const HALF_LIFE_MS = 7 * 86_400_000;
/** Interactions older than this are not read: at 12 half-lives they weigh under 1/4000. */
export const FRECENCY_WINDOW_MS = 12 * HALF_LIFE_MS;

/** What each kind of interaction is worth: writing to someone beats reading them. */
export const WEIGHTS: Readonly<Record<InteractionRecord['kind'], number>> = {
  sent: 1,
  replied: 2,
  mentioned: 2,
  mentioned_me: 1.5,
  reacted: 0.5,
  read: 0.25,
};

/** Scores by key (a conversation or a person; `keyOf` null skips the interaction), best first. */
export function rankByFrecency(
  interactions: readonly InteractionRecord[],
  now: number,
  keyOf: (i: InteractionRecord) => string | null,
): { key: string; score: number }[] {
  const scores = new Map<string, number>();
  for (const i of interactions) {
    const key = keyOf(i);
    if (key === null) continue;
    const age = Math.max(0, now - i.at);
    scores.set(key, (scores.get(key) ?? 0) + WEIGHTS[i.kind] * 0.5 ** (age / HALF_LIFE_MS));
  }
  return [...scores]
    .map(([key, score]) => ({ key, score: Math.round(score * 1000) / 1000 }))
    .sort((a, b) => b.score - a.score || (a.key < b.key ? -1 : 1));
}
