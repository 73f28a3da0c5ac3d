/**
 * What an avatar shows when a person has no picture: up to two initials (first graphemes of the
 * first and last words of the display name, so "Zoë Ng" is ZN and an emoji or a CJK name stays
 * whole) on a colour chosen from the user id, stable across sessions and devices.
 */
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Names seen, with their initials: segmenting is slow enough to show when a long list of rows mounts. */
const known = new Map<string, string>();

export function initialsOf(name: string): string {
  let initials = known.get(name);
  if (initials === undefined) {
    if (known.size >= 2000) known.clear();
    initials = initialsOfUncached(name);
    known.set(name, initials);
  }
  return initials;
}

function initialsOfUncached(name: string): string {
  const words = name.trim().split(/\s+/u).filter(Boolean);
  if (words.length === 0) return '?';
  const first = (word: string) => graphemes.segment(word)[Symbol.iterator]().next().value?.segment ?? '';
  const letters = words.length === 1 ? first(words[0]!) : first(words[0]!) + first(words.at(-1)!);
  return letters.toLocaleUpperCase();
}

/** Mid-tone colours that carry white text at 4.5:1 or more, on light and dark backgrounds alike. */
export const AVATAR_COLOURS = ['#b4235a', '#a63d12', '#7a5a00', '#2f6b1f', '#0f6b62', '#1f5fa8', '#4b47b8', '#7b3ab0', '#5b6270'] as const;

export function avatarColourOf(userId: string): string {
  // FNV-1a: a few lines, evenly spread, the same everywhere.
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return AVATAR_COLOURS[(hash >>> 0) % AVATAR_COLOURS.length]!;
}
