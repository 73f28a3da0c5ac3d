import { describe, expect, it } from 'vitest';
import { applyFormat, insertAt } from './formatting.js';

const sel = (text: string, start: number, end = start) => ({ text, start, end });

describe('applyFormat', () => {
  it('wraps the selection in bold and keeps it selected', () => {
    expect(applyFormat(sel('say hi now', 4, 6), 'bold')).toEqual({ text: 'say **hi** now', start: 6, end: 8 });
  });

  it('unwraps a selection already wrapped', () => {
    expect(applyFormat(sel('say **hi** now', 6, 8), 'bold')).toEqual({ text: 'say hi now', start: 4, end: 6 });
  });

  it('puts the caret between the marks with nothing selected', () => {
    expect(applyFormat(sel('', 0), 'italic')).toEqual({ text: '__', start: 1, end: 1 });
    expect(applyFormat(sel('a', 1), 'strike')).toEqual({ text: 'a~~~~', start: 3, end: 3 });
    expect(applyFormat(sel('x', 0, 1), 'code')).toEqual({ text: '`x`', start: 1, end: 2 });
  });

  it('makes a link with "url" selected', () => {
    const out = applyFormat(sel('see docs', 4, 8), 'link');
    expect(out.text).toBe('see [docs](url)');
    expect(out.text.slice(out.start, out.end)).toBe('url');
    expect(applyFormat(sel('', 0), 'link').text).toBe('[text](url)');
  });

  it('fences a code block on lines of its own', () => {
    const out = applyFormat(sel('run ls -l now', 4, 9), 'codeBlock');
    expect(out.text).toBe('run \n```\nls -l\n```\n now');
    expect(out.text.slice(out.start, out.end)).toBe('ls -l');
  });

  it('prefixes each selected line for a list or a quote', () => {
    expect(applyFormat(sel('one\ntwo', 0, 7), 'bulletList').text).toBe('- one\n- two');
    const quoted = applyFormat(sel('a\nbc', 3), 'quote');
    expect(quoted).toEqual({ text: 'a\n> bc', start: 5, end: 5 });
  });
});

describe('insertAt', () => {
  it('replaces the selection and puts the caret after', () => {
    expect(insertAt(sel('hi there', 3, 8), '👋')).toEqual({ text: 'hi 👋', start: 5, end: 5 });
  });
});
