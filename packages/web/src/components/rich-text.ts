/**
 * The Markdown subset a message body may use, parsed into a tree the app renders as React
 * elements (never HTML): paragraphs, ``` fenced code blocks, `code`, **bold**, *italic* or
 * _italic_, ~~strike~~, [text](https://…) links and bare http(s) URLs. Anything else is text,
 * angle brackets included. Links are only ever http:, https: or mailto: (no `javascript:`).
 */
export type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'break' }
  | { kind: 'code'; text: string }
  | { kind: 'link'; href: string; text: string }
  | { kind: 'strong' | 'em' | 'strike'; content: Inline[] };

export type Block = { kind: 'paragraph'; content: Inline[] } | { kind: 'code'; text: string };

export function parseRichText(source: string): Block[] {
  const blocks: Block[] = [];
  const parts = source.split(/^```[^\n]*\n?/m);
  // Between fences (odd parts) is code; an unclosed fence leaves the rest as code too.
  parts.forEach((part, i) => {
    if (i % 2 === 1) {
      blocks.push({ kind: 'code', text: part.replace(/\n$/, '') });
      return;
    }
    for (const paragraph of part.split(/\n{2,}/)) {
      const trimmed = paragraph.replace(/^\n+|\n+$/g, '');
      if (trimmed !== '') blocks.push({ kind: 'paragraph', content: parseInline(trimmed) });
    }
  });
  return blocks;
}

const SAFE_LINK = /^(https?:\/\/|mailto:)/i;

/** The next token: the earliest match of any inline rule (ordered by precedence at a tie). */
const RULES: { kind: Inline['kind']; pattern: RegExp }[] = [
  { kind: 'code', pattern: /`([^`\n]+)`/ },
  { kind: 'link', pattern: /\[([^\]\n]+)\]\(((?:https?:\/\/|mailto:)[^\s)]+)\)/i },
  { kind: 'link', pattern: /\bhttps?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]'’]/i },
  { kind: 'strong', pattern: /\*\*(?=\S)([^\n]*?\S)\*\*/ },
  { kind: 'strike', pattern: /~~(?=\S)([^\n]*?\S)~~/ },
  { kind: 'em', pattern: /(?<![\w*])\*(?=[^\s*])([^\n*]*?[^\s*])\*(?![\w*])/ },
  { kind: 'em', pattern: /(?<!\w)_(?=\S)([^\n_]*?\S)_(?!\w)/ },
  { kind: 'break', pattern: /\n/ },
];

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let rest = text;
  while (rest !== '') {
    let best: { kind: Inline['kind']; match: RegExpExecArray } | undefined;
    for (const rule of RULES) {
      const match = rule.pattern.exec(rest);
      if (match && (best === undefined || match.index < best.match.index)) best = { kind: rule.kind, match };
    }
    if (!best) {
      pushText(out, rest);
      break;
    }
    const { kind, match } = best;
    pushText(out, rest.slice(0, match.index));
    out.push(toInline(kind, match));
    rest = rest.slice(match.index + match[0].length);
  }
  return out;
}

function toInline(kind: Inline['kind'], match: RegExpExecArray): Inline {
  switch (kind) {
    case 'code':
      return { kind, text: match[1]! };
    case 'break':
      return { kind };
    case 'link': {
      const href = match[2] ?? match[0];
      const text = match[2] === undefined ? match[0] : match[1]!;
      return SAFE_LINK.test(href) ? { kind, href, text } : { kind: 'text', text: match[0] };
    }
    case 'strong':
    case 'em':
    case 'strike':
      return { kind, content: parseInline(match[1]!) };
    case 'text':
      return { kind, text: match[0] };
  }
}

function pushText(out: Inline[], text: string): void {
  if (text === '') return;
  const last = out.at(-1);
  if (last?.kind === 'text') last.text += text;
  else out.push({ kind: 'text', text });
}
