import { type ComponentProps, type ReactElement, Suspense, lazy } from 'react';
import Markdown, { type Components, defaultUrlTransform } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { remarkChat, remarkNoHtml } from './markdown-plugins.js';

/** Code blocks are coloured by a highlighter loaded only when a message has one (not in first-load JS). */
const HighlightedMarkdown = lazy(() => import('./HighlightedMarkdown.js'));
const FENCE_WITH_LANGUAGE = /^\s*(```|~~~)\s*[\w+#-]+/m;

const SAFE_URL = /^(https?:|mailto:)/i;

/** Only http(s) and mailto links; anything else (`javascript:`, `data:`) is no link at all. */
export function safeUrl(url: string): string {
  const transformed = defaultUrlTransform(url);
  return SAFE_URL.test(transformed) ? transformed : '';
}

export const markdownComponents: Components = {
  a: ({ href, children }) =>
    href ? (
      <a href={href} target="_blank" rel="noopener noreferrer nofollow">
        {children}
      </a>
    ) : (
      <span>{children}</span>
    ),
  p: ({ children }) => <p dir="auto">{children}</p>,
  pre: ({ children }) => <pre dir="ltr">{children}</pre>,
  // Images in a message are never loaded from wherever the text points (a tracking pixel):
  // they show as a link to the address instead; pictures are sent as attachments.
  img: ({ src, alt }) =>
    typeof src === 'string' && src !== '' ? (
      <a href={src} target="_blank" rel="noopener noreferrer nofollow">
        {alt || src}
      </a>
    ) : (
      <span>{alt}</span>
    ),
  table: ({ children }) => (
    <div className="rich-text-table">
      <table>{children}</table>
    </div>
  ),
};

export const markdownProps = {
  remarkPlugins: [remarkNoHtml, remarkGfm, remarkChat],
  urlTransform: safeUrl,
  components: markdownComponents,
} satisfies Partial<ComponentProps<typeof Markdown>>;

/**
 * A message body as Markdown (react-markdown + GFM: emphasis, links, lists, quotes, tables, task
 * lists, strikethrough, code), rendered as React elements: no HTML from the message ever becomes
 * markup (remarkChat turns it into text), links are only http(s) or mailto and open apart from the
 * app. A single newline breaks the line, `@name` is a mention chip. Paragraphs isolate their
 * direction (`dir="auto"`). Its own chunk: RichText loads it for the first message that has markup.
 */
export default function MarkdownText({ text }: { text: string }) {
  const plain = rendered(text);
  return FENCE_WITH_LANGUAGE.test(text) ? (
    <Suspense fallback={plain}>
      <HighlightedMarkdown text={text} />
    </Suspense>
  ) : (
    plain
  );
}

/** How many rendered bodies are kept: a few screens' worth of a scrolled timeline, not a whole conversation's memory. */
const KEPT = 150;
const kept = new Map<string, ReactElement>();

/**
 * The body's elements, parsed once per text while it is among the KEPT most recently shown: a
 * virtualised timeline mounts a row again each time it scrolls back into view, and parsing (a
 * new unified processor with its micromark extensions, per call) was most of a row's cost.
 * `Markdown` is a plain function of its props, without hooks, so its result can be kept.
 */
function rendered(text: string): ReactElement {
  let elements = kept.get(text);
  if (elements) {
    kept.delete(text); // most recently used last
  } else {
    elements = Markdown({ ...markdownProps, children: text });
    if (kept.size >= KEPT) kept.delete(kept.keys().next().value!);
  }
  kept.set(text, elements);
  return elements;
}
