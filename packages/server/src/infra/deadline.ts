/** A signal that ends at a deadline or with an outer signal, and the way to let go of its timer. */
export interface Deadline {
  signal: AbortSignal;
  /** Clears the timer and the outer signal's listener; call it once the work is done. */
  clear(): void;
}

/**
 * Aborts `ms` after now (reason: a `TimeoutError`, as `AbortSignal.timeout` gives) or when `outer`
 * aborts (its reason), whichever comes first. Not `AbortSignal.any([AbortSignal.timeout(ms), …])`:
 * on Node 20–24 the garbage collector may take the timeout's own signal, held only weakly by the
 * combined one, and then the deadline never comes (nodejs/node#57736; a link preview of a page
 * that drips hung until the server gave up). Here the timer holds the controller strongly.
 */
export function deadlineAfter(ms: number, outer?: AbortSignal): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms);
  const onOuter = () => controller.abort(outer?.reason);
  if (outer?.aborted) onOuter();
  else outer?.addEventListener('abort', onOuter, { once: true });
  return {
    signal: controller.signal,
    clear() {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuter);
    },
  };
}
