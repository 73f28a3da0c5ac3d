import type { ReactNode } from 'react';

/**
 * A wide table that scrolls sideways on a narrow screen. The scrolling box can take the focus,
 * so a keyboard can scroll it too (axe: scrollable-region-focusable); it is named like its table.
 */
export function ScrollingTable({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-scroll" role="region" aria-label={`${label}, scrollable`} tabIndex={0}>
      <table className="admin-table" aria-label={label}>
        {children}
      </table>
    </div>
  );
}
