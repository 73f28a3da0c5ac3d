import { describe, expect, it } from 'vitest';
import type { ConversationRecord, Store } from '../../store/store.js';
import { ConversationFactsCache } from './conversation-facts.js';

function storeOf(rows: Record<string, Pick<ConversationRecord, 'kind' | 'encrypted'>>) {
  const reads: string[] = [];
  const conversations = {
    async getConversation(id: string) {
      reads.push(id);
      const row = rows[id];
      return row ? ({ id, ...row } as ConversationRecord) : undefined;
    },
  } as Partial<Store['conversations']> as Store['conversations'];
  return { store: { conversations }, reads, rows };
}

describe('ConversationFactsCache', () => {
  it('reads a conversation once for its kind and encryption, and never caches one that does not exist', async () => {
    const { store, reads } = storeOf({ g: { kind: 'group', encrypted: false } });
    const facts = new ConversationFactsCache(store);
    expect(await facts.of('g')).toEqual({ kind: 'group', encrypted: false });
    expect(await facts.of('g')).toEqual({ kind: 'group', encrypted: false });
    expect(await facts.of('missing')).toBeUndefined();
    expect(await facts.of('missing')).toBeUndefined();
    expect(reads).toEqual(['g', 'missing', 'missing']);
  });

  it('reads again once an entry is older than its bound (a group turned encrypted is seen then)', async () => {
    let now = 5000;
    const { store, reads, rows } = storeOf({ g: { kind: 'group', encrypted: false } });
    const facts = new ConversationFactsCache(store, 100, 1000, () => now);
    await facts.of('g');
    rows.g = { kind: 'group', encrypted: true };
    now = 5999;
    expect(await facts.of('g')).toEqual({ kind: 'group', encrypted: false });
    now = 6001;
    expect(await facts.of('g')).toEqual({ kind: 'group', encrypted: true });
    expect(reads).toEqual(['g', 'g']);
  });
});
