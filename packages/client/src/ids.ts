/** A fresh idempotency key for a send; keep it to retry the same send safely. */
export function newClientId(): string {
  return globalThis.crypto.randomUUID();
}
