import { describe, expect, it } from 'vitest';
import { newId } from '../../ids.js';
import type { Fixture } from '../conformance/fixtures.js';
import type { ImportRecord } from '../store.js';

export function describeImports(f: Fixture): void {
  const { tick } = f;
  const counts = { users: 0, conversations: 0, messages: 0, replies: 0, reactions: 0, pins: 0, files: 0 };

  describe('imports', () => {
    it('keeps a run and replaces its progress, Unicode errors intact', async () => {
      const run: ImportRecord = {
        id: newId(),
        source: 'slack',
        state: 'queued',
        counts,
        errors: [],
        createdBy: null,
        createdAt: tick(),
        updatedAt: f.now,
      };
      await f.store.imports.createImport(run);
      expect(await f.store.imports.getImport(run.id)).toEqual(run);
      const progress = {
        state: 'done' as const,
        counts: { ...counts, messages: 3, replies: 1 },
        errors: [{ file: 'général/2024-01-02.json', message: 'Unexpected token } — ligne 3' }],
      };
      expect(await f.store.imports.updateImport(run.id, progress, tick())).toBe(true);
      expect(await f.store.imports.getImport(run.id)).toEqual({ ...run, ...progress, updatedAt: f.now });
      expect(await f.store.imports.updateImport(newId(), progress, tick())).toBe(false);
      expect(await f.store.imports.getImport(newId())).toBeUndefined();
    });

    it('maps an exported id once: the first mapping holds, per source and kind', async () => {
      const first = await f.store.imports.putMappings('slack', 'user', [
        { externalId: 'U1', localId: 'a' },
        { externalId: 'U2', localId: 'b' },
      ]);
      expect(first).toEqual(
        new Map([
          ['U1', 'a'],
          ['U2', 'b'],
        ]),
      );
      // A second run (or a concurrent one) keeps what was mapped first.
      const again = await f.store.imports.putMappings('slack', 'user', [
        { externalId: 'U1', localId: 'z' },
        { externalId: 'U3', localId: 'c' },
      ]);
      expect(again).toEqual(
        new Map([
          ['U1', 'a'],
          ['U3', 'c'],
        ]),
      );
      expect(await f.store.imports.getMappings('slack', 'user', ['U1', 'U2', 'U3', 'U4', 'U1'])).toEqual(
        new Map([
          ['U1', 'a'],
          ['U2', 'b'],
          ['U3', 'c'],
        ]),
      );
      // The same id from another source or of another kind is another thing.
      expect(await f.store.imports.getMappings('mattermost', 'user', ['U1'])).toEqual(new Map());
      expect(await f.store.imports.getMappings('slack', 'conversation', ['U1'])).toEqual(new Map());
      expect(await f.store.imports.getMappings('slack', 'user', [])).toEqual(new Map());
    });
  });
}
