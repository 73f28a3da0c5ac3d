import { Fragment, type ReactNode } from 'react';
import { type Inline, parseRichText } from './rich-text.js';

/**
 * A message body, safely: the text is parsed into a small Markdown subset (rich-text.ts) and
 * rendered as React elements, so whatever it contains (`<script>`, `<img onerror>`) is text.
 * Nothing is ever set as HTML. Each paragraph isolates its direction (`dir="auto"`).
 */
export function RichText({ text }: { text: string }) {
  return (
    <div className="rich-text">
      {parseRichText(text).map((block, i) =>
        block.kind === 'code' ? (
          <pre key={i} dir="ltr">
            <code>{block.text}</code>
          </pre>
        ) : (
          <p key={i} dir="auto">
            {renderInline(block.content)}
          </p>
        ),
      )}
    </div>
  );
}

function renderInline(nodes: Inline[]): ReactNode {
  return nodes.map((node, i) => {
    switch (node.kind) {
      case 'text':
        return <Fragment key={i}>{node.text}</Fragment>;
      case 'break':
        return <br key={i} />;
      case 'code':
        return <code key={i}>{node.text}</code>;
      case 'link':
        return (
          <a key={i} href={node.href} target="_blank" rel="noopener noreferrer nofollow">
            {node.text}
          </a>
        );
      case 'strong':
        return <strong key={i}>{renderInline(node.content)}</strong>;
      case 'em':
        return <em key={i}>{renderInline(node.content)}</em>;
      case 'strike':
        return <s key={i}>{renderInline(node.content)}</s>;
    }
  });
}
