import { describe, expect, it } from 'vitest';
import { linkCode } from './device-linking.js';

describe('linkCode', () => {
  it('is six digits, the same for the same key on both devices, and another for another key', async () => {
    const key = new Uint8Array(32).map((_, i) => i);
    const other = key.map((b, i) => (i === 0 ? b ^ 1 : b));
    const code = await linkCode(key);
    expect(code).toMatch(/^\d{3} \d{3}$/);
    expect(await linkCode(key.slice())).toBe(code);
    expect(await linkCode(other)).not.toBe(code);
  });
});
