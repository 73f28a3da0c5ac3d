// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { RichText, needsMarkdown } from './RichText.js';

afterEach(cleanup);

/** Renders and waits until the lazily loaded Markdown renderer (if the text needs it) has drawn. */
async function draw(text: string) {
  const view = render(<RichText text={text} />);
  await waitFor(() => expect(view.container.querySelector('.rich-text')!.childElementCount).toBeGreaterThan(0));
  // The plain fallback and the Markdown rendering agree on text; wait for the chunk itself.
  if (needsMarkdown(text)) await import('./MarkdownText.js');
  await new Promise((resolve) => setTimeout(resolve, 0));
  return view;
}

describe('RichText', () => {
  it('shows HTML as the text it is: no element comes from the message', async () => {
    const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const { container } = await draw(hostile);
    await waitFor(() => expect(container.textContent).toBe(hostile));
    expect(container.querySelector('script, img')).toBeNull();
  });

  it('reads markup around HTML as markup: the HTML stays text, the bold is bold', async () => {
    const text = '<script>x()</script><img src=x onerror=y()> **bold** https://example.com/x <https://example.com/auto>';
    const { container } = await draw(text);
    await waitFor(() => expect(container.querySelector('strong')?.textContent).toBe('bold'));
    expect(container.querySelector('script, img')).toBeNull();
    expect(container.textContent).toContain('<script>x()</script><img src=x onerror=y()>');
    expect([...container.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual([
      'https://example.com/x',
      'https://example.com/auto',
    ]);
  });

  it('makes links only of http(s) and mailto, opening apart from the app and passing nothing on', async () => {
    await draw('see https://example.com/a and [docs](https://example.com/docs) but not [this](javascript:alert(1))');
    const links = await screen.findAllByRole('link');
    expect(links.map((a) => [a.textContent, a.getAttribute('href'), a.getAttribute('rel'), a.getAttribute('target')])).toEqual([
      ['https://example.com/a', 'https://example.com/a', 'noopener noreferrer nofollow', '_blank'],
      ['docs', 'https://example.com/docs', 'noopener noreferrer nofollow', '_blank'],
    ]);
    expect(screen.getByText('this').closest('a')).toBeNull();
  });

  it('never loads an image a message points at: it becomes a link', async () => {
    const { container } = await draw('![pixel](https://tracker.example/p.gif)');
    await screen.findByRole('link', { name: 'pixel' });
    expect(container.querySelector('img')).toBeNull();
  });

  it('renders lists, quotes, tables, strikethrough and code blocks', async () => {
    const { container } = await draw(
      '- one\n- two\n\n> quoted\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\n~~gone~~\n\n```\nconst a = **b**;\n```',
    );
    await waitFor(() => expect(container.querySelectorAll('li')).toHaveLength(2));
    expect(container.querySelector('blockquote')?.textContent?.trim()).toBe('quoted');
    expect([...container.querySelectorAll('td')].map((td) => td.textContent)).toEqual(['1', '2']);
    expect(container.querySelector('del')?.textContent).toBe('gone');
    expect(container.querySelector('pre code')?.textContent).toBe('const a = **b**;\n');
  });

  it('breaks lines at a single newline and isolates the direction of each paragraph, plain or not', async () => {
    for (const text of ['שלום\nעולם\n\nhello', '**שלום**\nעולם\n\nhello']) {
      const { container } = await draw(text);
      await waitFor(() => expect(container.querySelectorAll('br')).toHaveLength(1));
      expect([...container.querySelectorAll('p')].map((p) => p.getAttribute('dir'))).toEqual(['auto', 'auto']);
      cleanup();
    }
  });

  it('shows @mentions as chips, not inside code or an email address', async () => {
    for (const text of ['hi @ada_l and @bo.b', 'hi @ada_l and @bo.b `@code` mail x@example.com']) {
      const { container } = await draw(text);
      await waitFor(() => expect([...container.querySelectorAll('.mention')].map((m) => m.textContent)).toEqual(['@ada_l', '@bo.b']));
      cleanup();
    }
  });

  it('sends only text with markup to the Markdown renderer', () => {
    expect(needsMarkdown('see you at 10, ok?')).toBe(false);
    expect(needsMarkdown('привет @ada')).toBe(false);
    for (const text of ['**b**', 'a_b_', '`x`', 'https://x.y', '- item', '1. item', '> q', '<b>', 'a &amp; b'])
      expect(needsMarkdown(text)).toBe(true);
  });
});
