// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { RichText } from './RichText.js';

afterEach(cleanup);

describe('RichText', () => {
  it('renders markup as text: no element comes from the message', () => {
    const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const { container } = render(<RichText text={hostile} />);
    expect(container.querySelector('script, img')).toBeNull();
    expect(container.textContent).toBe(hostile);
  });

  it('makes links that open apart from the app and pass nothing on', () => {
    render(<RichText text="see https://example.com/a and [docs](https://example.com/docs)" />);
    const links = screen.getAllByRole('link');
    expect(links.map((a) => [a.textContent, a.getAttribute('href'), a.getAttribute('rel'), a.getAttribute('target')])).toEqual([
      ['https://example.com/a', 'https://example.com/a', 'noopener noreferrer nofollow', '_blank'],
      ['docs', 'https://example.com/docs', 'noopener noreferrer nofollow', '_blank'],
    ]);
  });

  it('isolates the direction of each paragraph', () => {
    const { container } = render(<RichText text={'שלום\n\nhello'} />);
    expect([...container.querySelectorAll('p')].map((p) => p.getAttribute('dir'))).toEqual(['auto', 'auto']);
  });
});
