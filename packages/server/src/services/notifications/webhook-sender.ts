import { createHmac } from 'node:crypto';
import type { DeliveryRecord } from '../../store/store.js';
import type { DeliveryOutcome } from './outbox-dispatcher.js';

/** `sha256=<hex HMAC-SHA256 of the raw body>`: what the receiver recomputes with the shared secret. */
export function webhookSignature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * POSTs a delivery's body to the webhook, signed: `X-Confab-Signature` over the raw body,
 * `X-Confab-Delivery` the delivery id (the same on every attempt, so the receiver can drop a
 * repeat), `X-Confab-Attempt` which attempt this is. Any 2xx is success.
 */
export function webhookSender(url: string, secret: string, timeoutMs: number) {
  return async (delivery: DeliveryRecord): Promise<DeliveryOutcome> => {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Confab-Webhook',
          'x-confab-event': 'notification.created',
          'x-confab-delivery': delivery.id,
          'x-confab-attempt': String(delivery.attempts),
          'x-confab-signature': webhookSignature(delivery.payload, secret),
        },
        body: delivery.payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel(); // the answer's body is not read: free the connection
      return response.ok ? { done: true } : { done: false, error: `HTTP ${response.status}` };
    } catch (error) {
      return { done: false, error: failureOf(error, timeoutMs) };
    }
  };
}

/** A failed request in a few words: a timeout says so, a network error names its cause. */
export function failureOf(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return `timed out after ${timeoutMs} ms`;
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
  }
  return String(error);
}
