import { useSyncExternalStore } from 'react';
import { useApp } from '../../state/AppContext.js';
import { ExternalStore } from '../../state/external-store.js';

/**
 * What I had typed in each conversation and not sent, per user, kept in localStorage so it
 * survives switching conversations, a reload and a crash. The text is held in memory at once
 * (the list shows "Draft: …" as I type) and written a moment later, in one batch; leaving the
 * page (pagehide, the tab hidden) writes at once, so nothing typed is lost to the delay.
 */
export class DraftStore extends ExternalStore<ReadonlyMap<string, string>> {
  private timer: ReturnType<typeof setTimeout> | undefined;
  /**
   * The conversations whose draft changed here since the last write. Only they are written, over
   * what storage holds then: another tab's drafts (or a page this tab left a moment ago, whose
   * write may reach storage after this page read it) are never overwritten by an older copy.
   */
  private readonly changed = new Set<string>();
  private readonly elsewhere = new Set<(conversationId: string) => void>();

  constructor(
    private readonly key: string,
    private readonly storage: Storage,
    /** How long typing may go on before it is written: a write per keystroke is wasted work. */
    private readonly delayMs = 300,
  ) {
    super(readDrafts(storage, key));
  }

  get(conversationId: string): string | undefined {
    return this.getSnapshot().get(conversationId);
  }

  /** Replaces a conversation's draft; blank text (only spaces) removes it. */
  save(conversationId: string, text: string): void {
    if ((this.get(conversationId) ?? '') === text) return;
    const next = new Map(this.getSnapshot());
    if (text.trim() === '') next.delete(conversationId);
    else next.set(conversationId, text);
    this.changed.add(conversationId);
    this.set(next);
    this.schedule();
  }

  /** Sent: the draft goes, written at once (a reload right after sending must not bring it back). */
  clear(conversationId: string): void {
    if (!this.getSnapshot().has(conversationId)) return;
    const next = new Map(this.getSnapshot());
    next.delete(conversationId);
    this.changed.add(conversationId);
    this.set(next);
    this.flush();
  }

  /** Writes what changed here now, into what storage holds; the others' drafts come in with it. */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.changed.size === 0) return;
    const merged = this.mergedWithStored();
    this.changed.clear();
    writeDrafts(this.storage, this.key, merged);
    this.adopt(merged);
  }

  /** Every draft goes (signing out). */
  clearAll(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.changed.clear();
    this.set(new Map());
    writeDrafts(this.storage, this.key, new Map());
  }

  /** Another tab wrote the drafts: take its version, but for what changed here and is not written yet. */
  reload(): void {
    this.adopt(this.mergedWithStored());
  }

  /**
   * Calls `listener` with each conversation whose draft another page wrote and this store took
   * (`reload`, `flush`): a composer that read its draft before must show the new one. That page
   * may be the one this tab just left: its pagehide write can reach storage after this page read it.
   */
  onWrittenElsewhere(listener: (conversationId: string) => void): () => void {
    this.elsewhere.add(listener);
    return () => this.elsewhere.delete(listener);
  }

  /** Takes `next` as the snapshot only when it differs (a new Map each time would re-render every reader). */
  private adopt(next: Map<string, string>): void {
    const now = this.getSnapshot();
    const changed = [...new Set([...now.keys(), ...next.keys()])].filter((id) => now.get(id) !== next.get(id));
    if (changed.length === 0) return;
    this.set(next);
    for (const id of changed) for (const listener of this.elsewhere) listener(id);
  }

  /** What storage holds, with this page's unwritten changes over it. */
  private mergedWithStored(): Map<string, string> {
    const merged = readDrafts(this.storage, this.key);
    const mine = this.getSnapshot();
    for (const id of this.changed) {
      const text = mine.get(id);
      if (text === undefined) merged.delete(id);
      else merged.set(id, text);
    }
    return merged;
  }

  private schedule(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.delayMs);
  }
}

const keyOf = (userId: string) => `confab.drafts.${userId}`;
/** Where draft-sync.ts keeps what this device knows of each draft on the server (its version). */
export const draftMetaKey = (userId: string) => `confab.draftMeta.${userId}`;
/** The conversations whose drafts stay on this device (encrypted ones), for draft-sync.ts. */
export const deviceOnlyDraftsKey = (userId: string) => `${draftMetaKey(userId)}:device-only`;

function readDrafts(storage: Storage, key: string): Map<string, string> {
  try {
    const value = JSON.parse(storage.getItem(key) ?? '{}') as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return new Map();
    return new Map(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  } catch {
    // A value this app did not write: no drafts.
    return new Map();
  }
}

function writeDrafts(storage: Storage, key: string, drafts: ReadonlyMap<string, string>): void {
  try {
    if (drafts.size === 0) storage.removeItem(key);
    else storage.setItem(key, JSON.stringify(Object.fromEntries(drafts)));
  } catch {
    // Storage full or refused (private mode): the drafts stay in this page only.
  }
}

const stores = new Map<string, DraftStore>();

/** The signed-in user's drafts (one store per user for the page's life, flushed when the page is left). */
export function draftsOf(userId: string): DraftStore {
  let store = stores.get(userId);
  if (!store) {
    const created = new DraftStore(keyOf(userId), localStorage);
    stores.set(userId, created);
    const flush = () => created.flush();
    addEventListener('pagehide', flush);
    document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && flush());
    addEventListener('storage', (event) => event.key === keyOf(userId) && created.reload());
    store = created;
  }
  return store;
}

/** Signing out forgets my drafts on this device. */
export function forgetDrafts(userId: string, storage: Storage = localStorage): void {
  // The store's page listeners outlive it: emptied, a later flush writes nothing back.
  stores.get(userId)?.clearAll();
  stores.delete(userId);
  storage.removeItem(keyOf(userId));
  storage.removeItem(draftMetaKey(userId));
  storage.removeItem(deviceOnlyDraftsKey(userId));
}

/** The signed-in user's draft in a conversation (undefined: none): the list shows "Draft: …". */
export function useDraft(conversationId: string): string | undefined {
  const store = draftsOf(useApp().me.id);
  return useSyncExternalStore(store.subscribe, store.getSnapshot).get(conversationId);
}

/** All of my drafts, by conversation id. */
export function useDrafts(): ReadonlyMap<string, string> {
  const store = draftsOf(useApp().me.id);
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
