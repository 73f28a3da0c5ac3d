import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { PresenceTracker } from './presence-tracker.js';

/**
 * What every PresenceTracker must do, written once and run against each implementation
 * (local-presence-tracker.test.ts, redis-presence-tracker.integration.test.ts).
 */
export function describePresenceTrackerConformance(
  name: string,
  open: () => Promise<PresenceTracker>,
  describeFn: typeof describe | typeof describe.skip = describe,
): void {
  describeFn(`PresenceTracker conformance: ${name}`, () => {
    const opened: PresenceTracker[] = [];
    afterEach(async () => {
      for (const tracker of opened.splice(0)) await tracker.close();
    });
    const tracker = async () => {
      const t = await open();
      opened.push(t);
      return t;
    };

    it('is online while any connection is open, across devices', async () => {
      const t = await tracker();
      const user = randomUUID();
      expect(await t.isOnline(user)).toBe(false);
      expect(await t.connect(user, 'phone')).toBe(true);
      expect(await t.connect(user, 'laptop')).toBe(false);
      expect(await t.isOnline(user)).toBe(true);
      expect(await t.connectionCount(user)).toBe(2);
      expect(await t.disconnect(user, 'phone')).toBe(false);
      expect(await t.isOnline(user)).toBe(true);
      expect(await t.connectionCount(user)).toBe(1);
      expect(await t.disconnect(user, 'laptop')).toBe(true);
      expect(await t.isOnline(user)).toBe(false);
      expect(await t.connectionCount(user)).toBe(0);
    });

    it('ignores a disconnect it never saw, or sees twice', async () => {
      const t = await tracker();
      const user = randomUUID();
      expect(await t.disconnect(user, 'never')).toBe(false);
      await t.connect(user, 'one');
      expect(await t.disconnect(user, 'one')).toBe(true);
      expect(await t.disconnect(user, 'one')).toBe(false);
    });

    it('keeps users apart', async () => {
      const t = await tracker();
      const [a, b] = [randomUUID(), randomUUID()];
      await t.connect(a, 'x');
      expect(await t.isOnline(b)).toBe(false);
      expect(await t.connect(b, 'x')).toBe(true);
    });
  });
}
