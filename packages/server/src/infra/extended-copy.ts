/**
 * A copy of `base` with `extra`'s fields set on it: what `{ ...base, ...extra }` means, made with
 * `Object.assign`. On Node 20 (V8 11.3) an object made by a leading spread whose shape then changes
 * (it gains a field it did not have, `{ ...a, b }` or `{ ...a, ...b }`, or it is frozen) is kept
 * alive by every scavenge it meets and promoted to the old space, though nothing refers to it: on
 * the send path those copies were most of what one sender's scavenges copied and promoted
 * (`bench/spread-survival.mjs`; bench/README.md, "Copies that outlive themselves").
 * `Object.assign({}, …)` copies the same fields in the same order and dies young. Use it where a
 * copy is made per message; elsewhere the spread reads better and costs little.
 */
export function extendedCopy<T extends object, U extends object>(base: T, extra: U): Omit<T, keyof U> & U {
  return Object.assign({}, base, extra);
}
