/**
 * Message rules both sides apply alike: the server when it answers, the SDK when it applies
 * events to a snapshot (so a quoted message's excerpt comes out the same on both).
 */

/** Code points of a quoted message's body that a reply carries (`replyTo.excerpt`). */
export const REPLY_EXCERPT_LENGTH = 100;

/** The start of a quoted body: at most REPLY_EXCERPT_LENGTH code points (an emoji counts once). */
export function replyExcerpt(body: string): string {
  let out = '';
  let n = 0;
  for (const ch of body) {
    if (n === REPLY_EXCERPT_LENGTH) return `${out}…`;
    out += ch;
    n += 1;
  }
  return out;
}

/** `:shortcode:` reactions: lower-case letters, digits and `_+-`. */
export const REACTION_SHORTCODE_PATTERN = /^:[a-z0-9_+-]{1,64}:$/;

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
const emojiGrapheme = /^(?:\p{Extended_Pictographic}|\p{Regional_Indicator}{2}$|[0-9#*]\uFE0F?\u20E3$)/u;

/**
 * Emoji already judged, so the few in use are segmented once, not at every reaction (grapheme
 * segmentation is the costly part); bounded, dropped whole when full.
 */
const judged = new Map<string, boolean>();
const JUDGED_MAX = 1000;

/** A reaction key: exactly one emoji grapheme (with its modifiers and joiners), or a `:shortcode:`. */
export function isReactionKey(value: string): boolean {
  if (REACTION_SHORTCODE_PATTERN.test(value)) return true;
  if (value.length === 0 || value.length > 64 || !value.isWellFormed()) return false;
  let verdict = judged.get(value);
  if (verdict === undefined) {
    verdict = [...graphemes.segment(value)].length === 1 && emojiGrapheme.test(value);
    if (judged.size >= JUDGED_MAX) judged.clear();
    judged.set(value, verdict);
  }
  return verdict;
}
