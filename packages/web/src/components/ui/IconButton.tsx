import { type ComponentPropsWithoutRef, type ReactNode, forwardRef } from 'react';
import { Tooltip } from './Tooltip.js';

/**
 * A button that shows only an icon: `label` is its accessible name and its tooltip, so a control
 * is never a bare glyph to a screen reader or to someone wondering what it does.
 */
export const IconButton = forwardRef<
  HTMLButtonElement,
  { label: string; icon: ReactNode; tooltip?: boolean; pressed?: boolean } & Omit<ComponentPropsWithoutRef<'button'>, 'children'>
>(function IconButton({ label, icon, tooltip = true, pressed, className, ...rest }, ref) {
  const button = (
    <button
      ref={ref}
      type="button"
      aria-label={label}
      aria-pressed={pressed}
      className={className ? `icon-button ${className}` : 'icon-button'}
      {...rest}
    >
      {icon}
    </button>
  );
  return tooltip ? <Tooltip label={label}>{button}</Tooltip> : button;
});
