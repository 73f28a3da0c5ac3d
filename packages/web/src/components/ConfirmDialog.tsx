import { type ReactNode, useEffect, useId, useRef } from 'react';

/**
 * A question that must be answered before an action (issue 35: blocking): the browser's own
 * modal `<dialog>` (`showModal`), so the page behind is inert — focus stays in the dialog and
 * screen readers see only it — and Escape cancels (its `cancel` event). The focus starts on the
 * safe choice and returns to where it was when the dialog closes.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  cancelLabel = 'Cancel',
  busy = false,
  error,
  onConfirm,
  onCancel,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  busy?: boolean;
  error?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const bodyId = useId();
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    element.showModal();
    cancel.current?.focus();
    return () => {
      element.close();
      before?.focus();
    };
  }, []);
  return (
    <dialog
      ref={dialog}
      className="confirm-dialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onKeyDown={(event) => {
        // Escape answers this question only: a panel behind (Members) listens on the window and
        // would close too.
        if (event.key === 'Escape') event.stopPropagation();
      }}
      onCancel={(event) => {
        // Escape: closed by us, not by the browser, so React's state stays the truth.
        event.preventDefault();
        onCancel();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      <div id={bodyId}>{children}</div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="confirm-actions">
        <button ref={cancel} type="button" onClick={onCancel}>
          {cancelLabel}
        </button>
        <button type="button" className="danger solid" disabled={busy} onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
