import type { PendingDeviceLink } from '@confab/client';
import { describe, expect, it } from 'vitest';
import { stillPending, untilFirstExpiry } from './link-requests.js';

const now = Date.parse('2026-11-27T10:00:00.000Z');
const link = (id: string, expiresInMs: number): PendingDeviceLink => ({
  id,
  deviceName: `device ${id}`,
  code: '123 456',
  createdAt: new Date(now - 1000).toISOString(),
  expiresAt: new Date(now + expiresInMs).toISOString(),
});

describe('link requests still to answer', () => {
  it('keeps pending ones, drops those answered on another device and those expired by now', () => {
    const list = [link('a', 60_000), link('b', 60_000), link('c', 0), link('d', -5)];
    expect(stillPending(list, new Set(['b']), now).map((l) => l.id)).toEqual(['a']);
    expect(stillPending(list, new Set(), now + 60_000)).toEqual([]);
  });

  it('says when the first one expires, never a negative wait, and nothing for none', () => {
    expect(untilFirstExpiry([link('a', 90_000), link('b', 30_000)], now)).toBe(30_000);
    expect(untilFirstExpiry([link('a', -1_000)], now)).toBe(0);
    expect(untilFirstExpiry([], now)).toBeNull();
  });
});
