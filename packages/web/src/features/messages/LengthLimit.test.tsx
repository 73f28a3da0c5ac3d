// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { LengthCounter, measure } from './LengthLimit.js';

afterEach(cleanup);

describe('the length counter', () => {
  it('says nothing below 90 % of the limit', () => {
    const { container } = render(<LengthCounter measured={measure('x'.repeat(89), 100)} id="c" />);
    expect(container.textContent).toBe('');
  });

  it('shows the count and what is left within the last 10 %', () => {
    render(<LengthCounter measured={measure('x'.repeat(95), 100)} id="c" />);
    expect(screen.getByText('95 / 100')).toBeTruthy();
    expect(screen.getByText(/5 left/)).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('past the limit says by how much instead, as an alert', () => {
    render(<LengthCounter measured={measure('x'.repeat(101), 100)} id="c" />);
    expect(screen.getByRole('alert').textContent).toContain('1 character over the limit');
    expect(screen.queryByText(/left/)).toBeNull();
  });
});
