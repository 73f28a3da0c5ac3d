// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import type { FormEvent, ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Dialog } from './Dialog.js';
import { Popover } from './Popover.js';

afterEach(cleanup);

/** A form holding `portal`, which holds a form of its own; returns what each form's submit handler saw. */
function nested(portal: (inner: ReactNode) => ReactNode) {
  const outer = vi.fn((event: FormEvent) => event.preventDefault());
  const inner = vi.fn((event: FormEvent) => event.preventDefault());
  render(
    <form onSubmit={outer}>
      <input aria-label="Outer field" />
      {portal(
        <form onSubmit={inner}>
          <button type="submit">Inner submit</button>
        </form>,
      )}
    </form>,
  );
  fireEvent.click(screen.getByRole('button', { name: 'Inner submit' }));
  return { outer, inner };
}

describe('a form inside a portal opened from within another form', () => {
  it("submits the dialog's form only", () => {
    const { outer, inner } = nested((form) => (
      <Dialog open onOpenChange={() => {}} title="Schedule send">
        {form}
      </Dialog>
    ));
    expect(inner).toHaveBeenCalledTimes(1);
    expect(outer).not.toHaveBeenCalled();
  });

  it("submits the popover's form only", () => {
    const { outer, inner } = nested((form) => (
      <Popover open trigger={<button type="button">Open</button>} label="Panel">
        {form}
      </Popover>
    ));
    expect(inner).toHaveBeenCalledTimes(1);
    expect(outer).not.toHaveBeenCalled();
  });
});
