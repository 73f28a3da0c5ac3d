import { describe, expect, it } from 'vitest';
import { retryDelay } from './outbox-dispatcher.js';
import { webhookSignature } from './webhook-sender.js';

describe('retryDelay', () => {
  it('doubles per attempt, between half and all of base·2^(n-1), capped', () => {
    const low = () => 0;
    const high = () => 0.999999;
    expect([1, 2, 3, 4].map((n) => retryDelay(n, 1000, 60_000, low))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((n) => retryDelay(n, 1000, 60_000, high))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelay(10, 1000, 60_000, high)).toBe(60_000);
    expect(retryDelay(10, 1000, 60_000, low)).toBe(30_000);
    expect(retryDelay(1000, 1000, 60_000, high)).toBe(60_000); // no overflow far out
  });

  it('spreads the retries of rows that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelay(3, 1000, 60_000)));
    expect(delays.size).toBeGreaterThan(10);
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(2000);
      expect(d).toBeLessThanOrEqual(4000);
    }
  });
});

describe('webhookSignature', () => {
  it('is sha256= and the hex HMAC-SHA256 of the raw body (a known vector)', () => {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    expect(webhookSignature('what do ya want for nothing?', 'Jefe')).toBe(
      'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});
