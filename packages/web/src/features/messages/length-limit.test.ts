import { describe, expect, it } from 'vitest';
import { measure } from './LengthLimit.js';

/** Issue 35 item 5: the composer's count matches the server's (code points), shows from 90 %, refuses past the limit. */
describe('measuring a message against the limit', () => {
  it('counts code points, as the server does: an emoji is one', () => {
    expect(measure('😀😀😀', 10).length).toBe(3);
    expect(measure('é', 10).length).toBe(1);
  });

  it('shows the counter from 90 % of the limit and refuses only past it', () => {
    expect(measure('x'.repeat(89), 100)).toMatchObject({ near: false, over: false });
    expect(measure('x'.repeat(90), 100)).toMatchObject({ near: true, over: false });
    expect(measure('x'.repeat(100), 100)).toMatchObject({ near: true, over: false });
    expect(measure('x'.repeat(101), 100)).toMatchObject({ near: true, over: true });
    expect(measure('😀'.repeat(101), 100).over).toBe(true);
  });

  it('refuses nothing before the limit is known', () => {
    expect(measure('x'.repeat(100_000), undefined)).toMatchObject({ near: false, over: false, limit: undefined });
  });
});
