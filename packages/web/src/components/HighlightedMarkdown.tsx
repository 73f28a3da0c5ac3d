import Markdown from 'react-markdown';
import rehypeHighlight from 'rehype-highlight';
import { markdownProps } from './MarkdownText.js';

/**
 * RichText with its code blocks coloured (rehype-highlight, highlight.js's common languages),
 * in a chunk of its own that loads the first time a message has a fenced block with a language.
 * `detect: false`: a block without a language stays plain rather than guessed.
 */
export default function HighlightedMarkdown({ text }: { text: string }) {
  return (
    <Markdown {...markdownProps} rehypePlugins={[[rehypeHighlight, { detect: false }]]}>
      {text}
    </Markdown>
  );
}
