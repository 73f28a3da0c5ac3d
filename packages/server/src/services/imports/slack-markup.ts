import type { MarkupConverter, NameLookup } from './import-model.js';

/**
 * Slack's message markup (mrkdwn) into Confab's Markdown: `<@U123>` → `@username` (a mention),
 * `<#C123|name>` → `#name`, `<https://x|label>` → `[label](https://x)`, `<!channel>` → `@all`,
 * `*bold*` → `**bold**`, `~strike~` → `~~strike~~`, and Slack's three escapes (`&amp;`, `&lt;`,
 * `&gt;`) undone. Code spans and blocks are left as they are.
 * https://api.slack.com/reference/surfaces/formatting
 */
export const convertSlackMarkup: MarkupConverter = (text, names) => {
  const mentionIds: string[] = [];
  const body = splitCode(text)
    .map(({ code, part }) => (code ? unescape(part) : unescape(emphasis(links(part, names, mentionIds)))))
    .join('');
  return { body, mentionIds: [...new Set(mentionIds)] };
};

const CODE = /```[\s\S]*?```|`[^`\n]+`/g;

/** The text in runs of code (kept) and prose (converted). */
function splitCode(text: string): { code: boolean; part: string }[] {
  const parts: { code: boolean; part: string }[] = [];
  let at = 0;
  for (const match of text.matchAll(CODE)) {
    if (match.index > at) parts.push({ code: false, part: text.slice(at, match.index) });
    parts.push({ code: true, part: match[0] });
    at = match.index + match[0].length;
  }
  if (at < text.length) parts.push({ code: false, part: text.slice(at) });
  return parts;
}

function links(text: string, names: NameLookup, mentionIds: string[]): string {
  return text.replace(/<([^<>]+)>/g, (whole, inner: string) => {
    const bar = inner.indexOf('|');
    const target = bar === -1 ? inner : inner.slice(0, bar);
    const label = bar === -1 ? undefined : inner.slice(bar + 1);
    if (target.startsWith('@')) {
      const user = names.user(target.slice(1));
      if (!user) return `@${label ?? target.slice(1)}`;
      mentionIds.push(user.id);
      return `@${user.username}`;
    }
    if (target.startsWith('#')) return `#${label ?? names.channelName(target.slice(1)) ?? target.slice(1)}`;
    if (target.startsWith('!')) return special(target.slice(1), label);
    if (/^(https?|mailto|ftp):/i.test(target)) {
      const shown = label ?? target.replace(/^mailto:/i, '');
      return shown === target ? `<${target}>` : `[${shown.replace(/([[\]])/g, '\\$1')}](${target.replace(/([()])/g, '\\$1')})`;
    }
    return whole;
  });
}

function special(command: string, label: string | undefined): string {
  if (command === 'channel' || command === 'everyone' || command === 'here') return '@all';
  // <!subteam^S123|@team>, <!date^1392734382^{date}|Feb 18, 2014>: the label is what people saw.
  return label ?? command;
}

/** Slack's single-character emphasis into Markdown's (`_italic_` is the same in both). */
function emphasis(text: string): string {
  return text
    .replace(/(^|[\s(])\*(?=\S)([^*\n]*?\S)\*(?=$|[\s).,;:!?])/g, '$1**$2**')
    .replace(/(^|[\s(])~(?=\S)([^~\n]*?\S)~(?=$|[\s).,;:!?])/g, '$1~~$2~~');
}

const unescape = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
