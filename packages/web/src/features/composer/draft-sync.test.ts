import { ApiError } from '@confab/client';
import type { Draft } from '@confab/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DraftSync } from './draft-sync.js';
import { DraftStore } from './drafts.js';
import { MemoryStorage } from '../../test-support/memory-storage.js';

describe('DraftSync', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** The server taking a save: the draft back at the next version. */
  const acceptingSave = async (conversationId: string, { body, version }: { body: string; version: number }): Promise<Draft> => ({
    conversationId,
    body,
    replyToId: null,
    version: version + 1,
    updatedAt: '',
  });

  function setUp(saveDraft: (conversationId: string, body: { body: string; version: number }) => Promise<Draft>) {
    const storage = new MemoryStorage();
    const local = new DraftStore('drafts', storage, 300);
    const client = { saveDraft: vi.fn(saveDraft), drafts: vi.fn(async () => ({ items: [] as Draft[] })) };
    const connection = { on: () => () => undefined, onStateChange: () => () => undefined };
    const sync = new DraftSync(client as never, connection as never, local, 'me', storage, 1000);
    return { sync, local, client };
  }

  it('saves a second after typing stops, on the version it last saw', async () => {
    const { sync, client } = setUp(acceptingSave);
    sync.edited('c1', 'hel');
    sync.edited('c1', 'hello');
    await vi.advanceTimersByTimeAsync(1000);
    expect(client.saveDraft.mock.calls).toEqual([['c1', { body: 'hello', version: 0 }]]);
    sync.edited('c1', 'hello there');
    await vi.advanceTimersByTimeAsync(1000);
    expect(client.saveDraft.mock.calls[1]).toEqual(['c1', { body: 'hello there', version: 1 }]);
  });

  it('keeps an encrypted conversation’s draft on this device after the server refuses it once', async () => {
    const { sync, local, client } = setUp(async () => {
      throw new ApiError(400, 'encrypted_conversation', 'A draft kept on the server is not possible in an encrypted conversation');
    });
    sync.edited('secret', 'words nobody else may read');
    await vi.advanceTimersByTimeAsync(1000);
    sync.edited('secret', 'more words');
    await vi.advanceTimersByTimeAsync(1000);
    sync.flush('secret');
    await vi.advanceTimersByTimeAsync(0);
    expect(client.saveDraft).toHaveBeenCalledTimes(1);
    expect(local.get('secret')).toBe('more words');
  });

  it('keeps an encrypted conversation’s draft on this device from the start, across a reload: its text never leaves', async () => {
    const storage = new MemoryStorage();
    const open = () => {
      const local = new DraftStore('drafts', storage, 300);
      const client = {
        saveDraft: vi.fn(acceptingSave),
        drafts: vi.fn(async () => ({ items: [] as Draft[] })),
      };
      const connection = { on: () => () => undefined, onStateChange: () => () => undefined };
      return { sync: new DraftSync(client as never, connection as never, local, 'me', storage, 1000), local, client };
    };
    const page = open();
    page.sync.keepOnDevice('secret');
    page.sync.edited('secret', 'words nobody else may read');
    await vi.advanceTimersByTimeAsync(1000);
    page.sync.flush('secret');
    page.local.flush();
    expect(page.client.saveDraft).not.toHaveBeenCalled();

    // Reloaded: loading the drafts finds this one only here, and sends it nowhere; a plain one still goes.
    const reloaded = open();
    reloaded.sync.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(reloaded.local.get('secret')).toBe('words nobody else may read');
    reloaded.sync.edited('secret', 'still only here');
    reloaded.sync.edited('plain', 'hello');
    await vi.advanceTimersByTimeAsync(1000);
    expect(reloaded.client.saveDraft.mock.calls).toEqual([['plain', { body: 'hello', version: 0 }]]);
  });
  it('keeps a draft a reload brought when the second list, asked before its save, answers after it', async () => {
    const storage = new MemoryStorage();
    const local = new DraftStore('drafts', storage, 300);
    // The page a reload left wrote it and never saved it; this page lists drafts at start and again when the socket opens.
    local.save('c1', 'keep these words');
    let answerSecond: (list: { items: Draft[] }) => void = () => undefined;
    const client = {
      saveDraft: vi.fn(acceptingSave),
      drafts: vi
        .fn<() => Promise<{ items: Draft[] }>>()
        .mockResolvedValueOnce({ items: [] })
        .mockImplementationOnce(() => new Promise((resolve) => (answerSecond = resolve))),
    };
    let opened: (state: string) => void = () => undefined;
    const connection = { on: () => () => undefined, onStateChange: (listener: typeof opened) => ((opened = listener), () => undefined) };
    const sync = new DraftSync(client as never, connection as never, local, 'me', storage, 1000);
    sync.start();
    opened('open');
    await vi.advanceTimersByTimeAsync(0);
    expect(client.saveDraft.mock.calls).toEqual([['c1', { body: 'keep these words', version: 0 }]]);
    // Listed before that save landed: its absence is not "cleared on another device".
    answerSecond({ items: [] });
    await vi.advanceTimersByTimeAsync(0);
    expect(local.get('c1')).toBe('keep these words');
  });
});
