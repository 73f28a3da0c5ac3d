/**
 * The remark plugins that make Markdown read as chat (used by RichText): a single newline is a
 * line break (as in every chat app, not a space as in documents), HTML in a message is shown as
 * the text it is (never dropped, never rendered), and `@username` becomes a mention chip.
 */

/** The mdast shapes these plugins touch (mdast's own types are not a dependency of the app). */
interface MdNode {
  type: string;
  value?: string;
  children?: MdNode[];
  data?: { hName?: string; hProperties?: Record<string, unknown> };
}

/** The same rule as the server's (services/messaging/mentions.ts): not after a word character or `@`. */
export const MENTION = /(?<![\p{L}\p{M}\p{N}_.@-])@[\p{L}\p{M}\p{Nd}_.-]{3,32}/gu;
const MENTION_OR_BREAK = new RegExp(`${MENTION.source}|\\n`, 'gu');

/** Where text is code or already a link, it is left alone. */
const VERBATIM = new Set(['code', 'inlineCode', 'link', 'linkReference']);

/** What unified hands a plugin as `this`: the processor's data, where parser extensions go. */
interface Processor {
  data(): object;
}

/**
 * HTML is not a construct at all: the parser never opens an HTML block or tag (micromark's
 * `disable`), so `<script>…</script> **bold**` is text followed by bold, as typed. Autolinks
 * (`<https://…>`) are a construct of their own and still work.
 */
export function remarkNoHtml(this: Processor) {
  const data = this.data() as { micromarkExtensions?: unknown[] };
  (data.micromarkExtensions ??= []).push({ disable: { null: ['htmlFlow', 'htmlText'] } });
}

export function remarkChat() {
  return (tree: MdNode) => transform(tree);
}

function transform(parent: MdNode): void {
  if (!parent.children || VERBATIM.has(parent.type)) return;
  const out: MdNode[] = [];
  for (const child of parent.children) {
    // Raw HTML is text: `<b>hi</b>` shows as typed (skipHtml would silently drop it).
    if (child.type === 'html') out.push(...split({ type: 'text', value: child.value ?? '' }));
    else if (child.type === 'text') out.push(...split(child));
    else {
      transform(child);
      out.push(child);
    }
  }
  parent.children = out;
}

function split(text: MdNode): MdNode[] {
  const value = text.value ?? '';
  if (!MENTION_OR_BREAK.test(value)) return [text];
  MENTION_OR_BREAK.lastIndex = 0;
  const parts: MdNode[] = [];
  let at = 0;
  for (const match of value.matchAll(MENTION_OR_BREAK)) {
    if (match.index > at) parts.push({ type: 'text', value: value.slice(at, match.index) });
    if (match[0] === '\n') parts.push({ type: 'break' });
    else
      parts.push({
        type: 'emphasis', // any phrasing node: its element and class come from `data`
        data: { hName: 'span', hProperties: { className: ['mention'] } },
        children: [{ type: 'text', value: match[0] }],
      });
    at = match.index + match[0].length;
  }
  if (at < value.length) parts.push({ type: 'text', value: value.slice(at) });
  return parts;
}
