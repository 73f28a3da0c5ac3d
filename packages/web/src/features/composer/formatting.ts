/** The formatting toolbar's choices, as Markdown (the subset RichText renders). */
export type Format = 'bold' | 'italic' | 'strike' | 'code' | 'codeBlock' | 'link' | 'bulletList' | 'quote';

/** A text with its selection (what the textarea holds), before or after formatting. */
export interface Edit {
  text: string;
  start: number;
  end: number;
}

const inline: Partial<Record<Format, string>> = { bold: '**', italic: '_', strike: '~~', code: '`' };
const linePrefix: Partial<Record<Format, string>> = { bulletList: '- ', quote: '> ' };

/**
 * Applies a format to the selection, as Slack and GitHub do: inline marks wrap it (and unwrap
 * it when it is already wrapped); with nothing selected they are inserted with the caret between
 * them. A code block fences the selection on lines of its own; a link wraps it as `[text](url)`
 * with "url" selected to type over; list and quote prefix each selected line.
 */
export function applyFormat(edit: Edit, format: Format): Edit {
  const { text, start, end } = edit;
  const selected = text.slice(start, end);
  const mark = inline[format];
  if (mark) {
    const before = text.slice(start - mark.length, start);
    const after = text.slice(end, end + mark.length);
    if (before === mark && after === mark) {
      return {
        text: text.slice(0, start - mark.length) + selected + text.slice(end + mark.length),
        start: start - mark.length,
        end: end - mark.length,
      };
    }
    return { text: text.slice(0, start) + mark + selected + mark + text.slice(end), start: start + mark.length, end: end + mark.length };
  }
  if (format === 'link') {
    const label = selected === '' ? 'text' : selected;
    const inserted = `[${label}](url)`;
    const urlStart = start + label.length + 3;
    return { text: text.slice(0, start) + inserted + text.slice(end), start: urlStart, end: urlStart + 3 };
  }
  if (format === 'codeBlock') {
    const lead = start > 0 && text[start - 1] !== '\n' ? '\n' : '';
    const trail = end < text.length && text[end] !== '\n' ? '\n' : '';
    const open = `${lead}\`\`\`\n`;
    return {
      text: `${text.slice(0, start)}${open}${selected}\n\`\`\`${trail}${text.slice(end)}`,
      start: start + open.length,
      end: start + open.length + selected.length,
    };
  }
  const prefix = linePrefix[format]!;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const lines = text.slice(lineStart, end).split('\n');
  const prefixed = lines.map((line) => prefix + line).join('\n');
  return {
    text: text.slice(0, lineStart) + prefixed + text.slice(end),
    start: start + prefix.length,
    end: end + prefix.length * lines.length,
  };
}

/** Inserts text at the selection (an emoji), the caret after it. */
export function insertAt(edit: Edit, inserted: string): Edit {
  const caret = edit.start + inserted.length;
  return { text: edit.text.slice(0, edit.start) + inserted + edit.text.slice(edit.end), start: caret, end: caret };
}

/** Ctrl/⌘ + this key applies the format. */
export const formatShortcuts: Record<string, Format> = { b: 'bold', i: 'italic', e: 'code', k: 'link' };
