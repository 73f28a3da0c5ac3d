import { describe, expect, it } from 'vitest';
import type { Fixture } from '../conformance/fixtures.js';

export function describeBlocks(f: Fixture): void {
  const { user, tick } = f;

  describe('blocks', () => {
    it('blocks and unblocks idempotently, saying when something changed', async () => {
      const [alice, bob] = [await user('alice'), await user('bob')];
      expect(await f.store.blocks.setBlock(alice.id, bob.id, true, tick())).toBe(true);
      expect(await f.store.blocks.setBlock(alice.id, bob.id, true, tick())).toBe(false);
      expect(await f.store.blocks.blockedIds([alice.id])).toEqual(new Map([[alice.id, [bob.id]]]));
      expect(await f.store.blocks.blockedIds([bob.id])).toEqual(new Map()); // one direction only
      expect(await f.store.blocks.setBlock(alice.id, bob.id, false, tick())).toBe(true);
      expect(await f.store.blocks.setBlock(alice.id, bob.id, false, tick())).toBe(false);
      expect(await f.store.blocks.blockedIds([alice.id])).toEqual(new Map());
    });

    it("reads many users' blocks at once, each user's alone", async () => {
      const [alice, bob, carol, dave] = [await user('alice'), await user('bob'), await user('carol'), await user('dave')];
      await f.store.blocks.setBlock(alice.id, bob.id, true, tick());
      await f.store.blocks.setBlock(alice.id, carol.id, true, tick());
      await f.store.blocks.setBlock(carol.id, alice.id, true, tick());
      const many = await f.store.blocks.blockedIds([alice.id, bob.id, carol.id, dave.id, alice.id]);
      expect([...many.keys()].sort()).toEqual([alice.id, carol.id].sort());
      expect(many.get(alice.id)!.sort()).toEqual([bob.id, carol.id].sort());
      expect(many.get(carol.id)).toEqual([alice.id]);
      expect(await f.store.blocks.blockedIds([])).toEqual(new Map());
    });

    it('reads who blocks each of many users at once (a block hides both ways)', async () => {
      const [alice, bob, carol, dave] = [await user('alice'), await user('bob'), await user('carol'), await user('dave')];
      await f.store.blocks.setBlock(alice.id, bob.id, true, tick());
      await f.store.blocks.setBlock(carol.id, bob.id, true, tick());
      await f.store.blocks.setBlock(bob.id, alice.id, true, tick());
      const many = await f.store.blocks.blockerIds([bob.id, alice.id, dave.id, bob.id]);
      expect([...many.keys()].sort()).toEqual([alice.id, bob.id].sort());
      expect(many.get(bob.id)!.sort()).toEqual([alice.id, carol.id].sort());
      expect(many.get(alice.id)).toEqual([bob.id]);
      await f.store.blocks.setBlock(carol.id, bob.id, false, tick());
      expect(await f.store.blocks.blockerIds([bob.id])).toEqual(new Map([[bob.id, [alice.id]]]));
      expect(await f.store.blocks.blockerIds([])).toEqual(new Map());
    });

    it('lists blocked users in pages by id', async () => {
      const alice = await user('alice');
      const others = [await user('b1'), await user('b2'), await user('b3')];
      for (const other of others) await f.store.blocks.setBlock(alice.id, other.id, true, tick());
      const sorted = others.map((u) => u.id).sort();
      const first = await f.store.blocks.listBlockedUsers(alice.id, { limit: 2 });
      expect(first.map((u) => u.id)).toEqual(sorted.slice(0, 2));
      expect(first[0]).toMatchObject({ username: expect.any(String), displayName: expect.any(String) });
      const rest = await f.store.blocks.listBlockedUsers(alice.id, { limit: 2, afterId: first.at(-1)!.id });
      expect(rest.map((u) => u.id)).toEqual(sorted.slice(2));
    });

    it('finds which candidates block a user, across more candidates than one statement binds', async () => {
      const target = await user('target');
      const [a, b, c] = [await user('a'), await user('b'), await user('c')];
      await f.store.blocks.setBlock(a.id, target.id, true, tick());
      await f.store.blocks.setBlock(c.id, target.id, true, tick());
      await f.store.blocks.setBlock(b.id, a.id, true, tick()); // blocks someone else
      const filler = Array.from({ length: 1200 }, (_, i) => `nobody-${i}`);
      expect((await f.store.blocks.blockersAmong(target.id, [...filler, a.id, b.id, c.id])).sort()).toEqual([a.id, c.id].sort());
      expect(await f.store.blocks.blockersAmong(target.id, [])).toEqual([]);
    });
  });
}
