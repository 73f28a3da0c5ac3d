import { describe, expect, it } from 'vitest';
import { parseInline, parseRichText } from './rich-text.js';

describe('parseRichText', () => {
  it('keeps HTML as text', () => {
    expect(parseRichText('<script>alert(1)</script> <img src=x onerror=alert(1)>')).toEqual([
      { kind: 'paragraph', content: [{ kind: 'text', text: '<script>alert(1)</script> <img src=x onerror=alert(1)>' }] },
    ]);
  });

  it('splits paragraphs on blank lines and keeps single newlines as breaks', () => {
    expect(parseRichText('one\ntwo\n\nthree')).toEqual([
      { kind: 'paragraph', content: [{ kind: 'text', text: 'one' }, { kind: 'break' }, { kind: 'text', text: 'two' }] },
      { kind: 'paragraph', content: [{ kind: 'text', text: 'three' }] },
    ]);
  });

  it('takes fenced code verbatim, Markdown inside it included', () => {
    expect(parseRichText('look:\n```ts\nconst a = **b**;\n```\ndone')).toEqual([
      { kind: 'paragraph', content: [{ kind: 'text', text: 'look:' }] },
      { kind: 'code', text: 'const a = **b**;' },
      { kind: 'paragraph', content: [{ kind: 'text', text: 'done' }] },
    ]);
  });
});

describe('parseInline', () => {
  it('parses bold, italic, strike and code, nested', () => {
    expect(parseInline('**bold _it_** ~~gone~~ `a*b*c`')).toEqual([
      {
        kind: 'strong',
        content: [
          { kind: 'text', text: 'bold ' },
          { kind: 'em', content: [{ kind: 'text', text: 'it' }] },
        ],
      },
      { kind: 'text', text: ' ' },
      { kind: 'strike', content: [{ kind: 'text', text: 'gone' }] },
      { kind: 'text', text: ' ' },
      { kind: 'code', text: 'a*b*c' },
    ]);
  });

  it('links bare URLs without trailing punctuation, and [text](url) links', () => {
    expect(parseInline('see https://example.com/a?b=1. or [docs](https://example.com/docs)')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', href: 'https://example.com/a?b=1', text: 'https://example.com/a?b=1' },
      { kind: 'text', text: '. or ' },
      { kind: 'link', href: 'https://example.com/docs', text: 'docs' },
    ]);
  });

  it('never links a javascript: URL', () => {
    expect(parseInline('[click](javascript:alert(1))')).toEqual([{ kind: 'text', text: '[click](javascript:alert(1))' }]);
  });

  it('leaves a lone asterisk or underscore in a word alone', () => {
    expect(parseInline('2 * 3 = 6 and snake_case_name')).toEqual([{ kind: 'text', text: '2 * 3 = 6 and snake_case_name' }]);
  });
});
