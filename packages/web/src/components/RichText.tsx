import { Fragment, Suspense, lazy, memo } from 'react';
import { MENTION } from './markdown-plugins.js';

/** The Markdown renderer (react-markdown + GFM), in a chunk of its own: most messages never need it. */
const MarkdownText = lazy(() => import('./MarkdownText.js'));

/**
 * Anything Markdown could read as markup: emphasis, code, links and bare URLs, headings, quotes,
 * lists, tables, HTML or an entity. A message with none of these reads the same as plain text.
 */
const MARKUP = /[*_~`[\]#>|<&\\]|https?:|www\.|mailto:|^\s*(?:[-+]|\d+[.)])\s/im;

export function needsMarkdown(text: string): boolean {
  return MARKUP.test(text);
}

/**
 * A message body, safely. Plain text (most chat) is drawn here at once: paragraphs, line breaks
 * and `@name` chips. Text with markup goes through MarkdownText (loaded the first time one
 * appears, the plain rendering standing in meanwhile). Either way nothing from the message ever
 * becomes HTML, and each paragraph isolates its direction (`dir="auto"`).
 */
export const RichText = memo(function RichText({ text }: { text: string }) {
  return (
    <div className="rich-text">
      {needsMarkdown(text) ? (
        <Suspense fallback={<PlainText text={text} />}>
          <MarkdownText text={text} />
        </Suspense>
      ) : (
        <PlainText text={text} />
      )}
    </div>
  );
});

function PlainText({ text }: { text: string }) {
  return text
    .split(/\n{2,}/)
    .filter((paragraph) => paragraph.trim() !== '')
    .map((paragraph, i) => (
      <p key={i} dir="auto">
        {paragraph.split('\n').map((line, j) => (
          <Fragment key={j}>
            {j > 0 && <br />}
            {withMentions(line)}
          </Fragment>
        ))}
      </p>
    ));
}

function withMentions(line: string): React.ReactNode {
  const parts: React.ReactNode[] = [];
  let at = 0;
  for (const match of line.matchAll(MENTION)) {
    if (match.index > at) parts.push(line.slice(at, match.index));
    parts.push(
      <span key={match.index} className="mention">
        {match[0]}
      </span>,
    );
    at = match.index + match[0].length;
  }
  if (at < line.length) parts.push(line.slice(at));
  return parts;
}
