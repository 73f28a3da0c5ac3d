import type { ReactNode } from 'react';
import { Dialog as RadixDialog } from 'radix-ui';
import { X } from 'lucide-react';
import { submitStaysInside } from './portal-events.js';

/**
 * A modal dialog (the shortcuts sheet, a lightbox, the quick switcher): the page behind is inert,
 * focus is trapped inside and returns to where it was, Escape closes. `variant: 'sheet'` slides it
 * up from the bottom edge (phone message actions, Sheet.tsx).
 */
export function Dialog({
  open,
  onOpenChange,
  title,
  description,
  hideTitle = false,
  variant = 'center',
  className,
  onOpenAutoFocus,
  onCloseAutoFocus,
  children,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description?: string;
  /** The title is still read by screen readers, just not shown (a lightbox, a quick switcher). */
  hideTitle?: boolean;
  variant?: 'center' | 'sheet' | 'fullscreen';
  className?: string;
  /** Where focus goes when it opens (by default its first control: the Close button); `event.preventDefault()` and focus another. */
  onOpenAutoFocus?: (event: Event) => void;
  /** Where focus goes when it closes; `event.preventDefault()` keeps it from returning to where it was (the quick switcher sends it to the conversation it opened). */
  onCloseAutoFocus?: (event: Event) => void;
  children: ReactNode;
}) {
  return (
    <RadixDialog.Root open={open} onOpenChange={onOpenChange}>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="ui-overlay" />
        <RadixDialog.Content
          className={`ui-dialog ui-dialog-${variant}${className ? ` ${className}` : ''}`}
          {...(description ? {} : { 'aria-describedby': undefined })}
          {...(onOpenAutoFocus ? { onOpenAutoFocus } : {})}
          {...(onCloseAutoFocus ? { onCloseAutoFocus } : {})}
          onSubmit={submitStaysInside}
        >
          {/* A div, not a <header>: outside a sectioning element that would be a second banner landmark. */}
          <div className={hideTitle ? 'visually-hidden' : 'ui-dialog-header'}>
            <RadixDialog.Title className="ui-dialog-title">{title}</RadixDialog.Title>
            <RadixDialog.Close className="icon-button" aria-label="Close">
              <X size={18} aria-hidden="true" />
            </RadixDialog.Close>
          </div>
          {description && <RadixDialog.Description className="ui-dialog-description">{description}</RadixDialog.Description>}
          {children}
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}
