import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DraftStore } from './drafts.js';
import { MemoryStorage } from '../../test-support/memory-storage.js';

describe('DraftStore', () => {
  let storage: MemoryStorage;
  beforeEach(() => {
    vi.useFakeTimers();
    storage = new MemoryStorage();
  });
  afterEach(() => vi.useRealTimers());

  it('holds a draft at once and writes it after the delay', () => {
    const drafts = new DraftStore('k', storage, 300);
    drafts.save('c1', 'hello');
    expect(drafts.get('c1')).toBe('hello');
    expect(storage.getItem('k')).toBeNull();
    vi.advanceTimersByTime(300);
    expect(JSON.parse(storage.getItem('k')!)).toEqual({ c1: 'hello' });
  });

  it('writes at once on flush, and a new store reads it back', () => {
    const drafts = new DraftStore('k', storage, 300);
    drafts.save('c1', 'one');
    drafts.save('c2', 'two');
    drafts.flush();
    const again = new DraftStore('k', storage);
    expect(again.get('c1')).toBe('one');
    expect(again.get('c2')).toBe('two');
  });

  it('drops a blank draft and clears a sent one at once', () => {
    const drafts = new DraftStore('k', storage, 300);
    drafts.save('c1', 'hi');
    drafts.save('c2', 'there');
    drafts.flush();
    drafts.save('c2', '   ');
    expect(drafts.get('c2')).toBeUndefined();
    drafts.clear('c1');
    expect(storage.getItem('k')).toBeNull();
    expect(new DraftStore('k', storage).getSnapshot().size).toBe(0);
  });

  it('notifies only on a change', () => {
    const drafts = new DraftStore('k', storage);
    const listener = vi.fn();
    drafts.subscribe(listener);
    drafts.save('c1', 'a');
    drafts.save('c1', 'a');
    drafts.clear('nope');
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('ignores a stored value it did not write, and survives a refused write', () => {
    storage.setItem('k', '[1,2');
    expect(new DraftStore('k', storage).getSnapshot().size).toBe(0);
    storage.setItem('k', JSON.stringify({ c1: 'ok', c2: 5 }));
    const drafts = new DraftStore('k', storage);
    expect([...drafts.getSnapshot()]).toEqual([['c1', 'ok']]);
    storage.refuse = true;
    drafts.save('c3', 'kept in memory');
    expect(() => drafts.flush()).not.toThrow();
    expect(drafts.get('c3')).toBe('kept in memory');
  });

  it('clearAll empties memory and storage', () => {
    const drafts = new DraftStore('k', storage);
    drafts.save('c1', 'x');
    drafts.clearAll();
    expect(drafts.getSnapshot().size).toBe(0);
    expect(storage.getItem('k')).toBeNull();
  });

  it('writes only what changed here, over what another tab (or the page before) wrote meanwhile', () => {
    const here = new DraftStore('k', storage, 300);
    const there = new DraftStore('k', storage, 300);
    here.save('c1', 'mine');
    there.save('c2', 'theirs');
    there.flush();
    // Written before this page read it, or while its own write waited: neither is lost.
    here.flush();
    expect(JSON.parse(storage.getItem('k')!)).toEqual({ c1: 'mine', c2: 'theirs' });
    expect(here.get('c2')).toBe('theirs');
    there.clear('c2');
    here.save('c1', 'mine, longer');
    here.flush();
    expect(JSON.parse(storage.getItem('k')!)).toEqual({ c1: 'mine, longer' });
  });

  it("takes another tab's write, but not over what it has typed and not written yet", () => {
    const here = new DraftStore('k', storage, 300);
    const there = new DraftStore('k', storage, 300);
    here.save('c1', 'typing here');
    there.save('c1', 'older, from there');
    there.save('c2', 'new there');
    there.flush();
    here.reload();
    expect(here.get('c1')).toBe('typing here');
    expect(here.get('c2')).toBe('new there');
    const listener = vi.fn();
    here.subscribe(listener);
    here.reload();
    expect(listener).not.toHaveBeenCalled();
  });

  it('names each draft another page wrote once it is taken: the page a reload left writes after the new one read', () => {
    const reloaded = new DraftStore('k', storage, 300);
    const written = vi.fn();
    reloaded.onWrittenElsewhere(written);
    // The page left: its pagehide write lands after the new page read storage (then a storage event).
    const left = new DraftStore('k', storage, 300);
    left.save('c1', 'keep these words');
    left.flush();
    reloaded.save('c2', 'typed here');
    reloaded.reload();
    expect(reloaded.get('c1')).toBe('keep these words');
    expect(written.mock.calls).toEqual([['c1']]);
    // Its own write and a reload with nothing new name nothing.
    reloaded.flush();
    reloaded.reload();
    expect(written).toHaveBeenCalledTimes(1);
    // A draft cleared there is named too (its composer empties), and a flush takes it as a reload does.
    left.clear('c1');
    reloaded.save('c2', 'typed here, more');
    reloaded.flush();
    expect(reloaded.get('c1')).toBeUndefined();
    expect(written.mock.calls).toEqual([['c1'], ['c1']]);
  });

  it('a flush with nothing changed here writes nothing (signed out: the emptied store stays empty)', () => {
    const drafts = new DraftStore('k', storage);
    drafts.save('c1', 'x');
    drafts.clearAll();
    storage.setItem('k', JSON.stringify({ c9: "the next person's" }));
    drafts.flush();
    expect(JSON.parse(storage.getItem('k')!)).toEqual({ c9: "the next person's" });
  });
});
