import { ApiError, type ConfabClient, type RealtimeConnection } from '@confab/client';
import type { Draft } from '@confab/protocol';
import { ExternalStore } from '../../state/external-store.js';
import { type DraftStore, deviceOnlyDraftsKey, draftMetaKey } from './drafts.js';

/** What this device knows of a conversation's draft on the server: the version it last saw, and whether it has typed since. */
interface SyncMeta {
  version: number;
  dirty: boolean;
}

/**
 * My drafts on the server (issue 37), so they follow me across devices. The text lives in the
 * local DraftStore first (typing, offline and reloads work as before); a second after typing stops
 * (at once when I switch conversation) it is saved on the version this device last saw. A save
 * another device got in first answers 409 with its text: kept as a conflict (this store's
 * snapshot, shown as a banner by the composer) until I choose "Use theirs" or "Keep mine"; what I
 * typed stays. `draft.updated` from another device replaces the text unless I have typed there
 * since my last save (then theirs is offered, as for a 409).
 * A failed save (offline) stays marked and goes again when the connection opens. An encrypted
 * conversation's draft is never sent to the server (it would be there in clear): the composer
 * says so before anything is typed (`keepOnDevice`, remembered across reloads), and a refusal
 * (`encrypted_conversation`: turned encrypted elsewhere) does the same.
 */
export class DraftSync extends ExternalStore<ReadonlyMap<string, Draft>> {
  private readonly meta: Map<string, SyncMeta>;
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** The text of each save in flight: its own `draft.updated` may arrive before its answer. */
  private readonly saving = new Map<string, string>();
  private readonly again = new Set<string>();
  private readonly remote = new Set<(conversationId: string) => void>();
  /** Conversations whose drafts the server refuses to keep (encrypted): saved here only, remembered across reloads. */
  private readonly deviceOnly: Set<string>;
  private readonly stops: (() => void)[] = [];
  private loaded = false;

  constructor(
    private readonly client: Pick<ConfabClient, 'saveDraft' | 'drafts'>,
    private readonly connection: Pick<RealtimeConnection, 'on' | 'onStateChange'>,
    private readonly local: DraftStore,
    private readonly userId: string,
    private readonly storage: Storage = localStorage,
    private readonly delayMs = 1000,
  ) {
    super(new Map());
    this.meta = readMeta(storage, draftMetaKey(userId));
    this.deviceOnly = readDeviceOnly(storage, deviceOnlyDraftsKey(userId));
  }

  start(): void {
    this.stops.push(
      this.connection.on('draft.updated', ({ draft }) => this.heard(draft)),
      this.connection.onStateChange((state) => {
        if (state !== 'open') return;
        if (!this.loaded) void this.load();
        else for (const [id, m] of this.meta) if (m.dirty) void this.save(id);
      }),
    );
    void this.load();
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
    for (const id of [...this.timers.keys()]) this.flush(id);
  }

  /** The composer's text changed (typed, formatted, refilled): kept locally at once, saved a moment later. */
  edited(conversationId: string, text: string): void {
    this.local.save(conversationId, text);
    if (this.deviceOnly.has(conversationId)) return;
    this.setMeta(conversationId, { ...this.metaOf(conversationId), dirty: true });
    clearTimeout(this.timers.get(conversationId));
    this.timers.set(
      conversationId,
      setTimeout(() => this.flush(conversationId), this.delayMs),
    );
  }

  /**
   * Keeps a conversation's draft on this device only (an encrypted one: the server would hold it
   * in clear, and refuses it). Told by the composer before anything is typed there, so no save is
   * even tried; the refusal of a save (a conversation turned encrypted elsewhere) does the same.
   */
  keepOnDevice(conversationId: string): void {
    if (!this.deviceOnly.has(conversationId)) {
      this.deviceOnly.add(conversationId);
      try {
        this.storage.setItem(deviceOnlyDraftsKey(this.userId), JSON.stringify([...this.deviceOnly]));
      } catch {
        // Storage refused: known for this page; the composer says it again after a reload.
      }
    }
    clearTimeout(this.timers.get(conversationId));
    this.timers.delete(conversationId);
    this.setMeta(conversationId, { ...this.metaOf(conversationId), dirty: false });
  }

  /** Saves now what waits for its delay (switching conversation, leaving). */
  flush(conversationId: string): void {
    if (!this.timers.has(conversationId)) return;
    clearTimeout(this.timers.get(conversationId));
    this.timers.delete(conversationId);
    void this.save(conversationId);
  }

  /** Sent: the server clears the draft itself (and tells my devices); nothing is left to save here. */
  sent(conversationId: string): void {
    clearTimeout(this.timers.get(conversationId));
    this.timers.delete(conversationId);
    this.local.clear(conversationId);
    this.setMeta(conversationId, { ...this.metaOf(conversationId), dirty: false });
    this.resolve(conversationId);
  }

  /** The conflict's other text replaces mine. */
  useTheirs(conversationId: string): void {
    const theirs = this.getSnapshot().get(conversationId);
    if (!theirs) return;
    this.resolve(conversationId);
    this.adopt(theirs);
  }

  /** Mine is saved over the other device's, now that I have seen it. */
  keepMine(conversationId: string): void {
    const theirs = this.getSnapshot().get(conversationId);
    if (!theirs) return;
    this.resolve(conversationId);
    this.setMeta(conversationId, { version: theirs.version, dirty: true });
    void this.save(conversationId);
  }

  /** Calls `listener` when another device's text replaced a conversation's draft here (the composer shows it). */
  onRemote(listener: (conversationId: string) => void): () => void {
    this.remote.add(listener);
    return () => this.remote.delete(listener);
  }

  private async save(conversationId: string): Promise<void> {
    if (this.saving.has(conversationId)) {
      this.again.add(conversationId);
      return;
    }
    const meta = this.metaOf(conversationId);
    if (!meta.dirty || this.getSnapshot().has(conversationId) || this.deviceOnly.has(conversationId)) return;
    const text = this.local.get(conversationId) ?? '';
    this.saving.set(conversationId, text);
    try {
      const draft = await this.client.saveDraft(conversationId, { body: text, version: meta.version });
      const known = this.metaOf(conversationId).version;
      this.setMeta(conversationId, { version: Math.max(known, draft.version), dirty: (this.local.get(conversationId) ?? '') !== text });
    } catch (error) {
      if (error instanceof ApiError && error.code === 'draft_conflict') this.conflicted(conversationId, text, error.draft ?? null);
      else if (error instanceof ApiError && error.code === 'not_found') this.setMeta(conversationId, { version: 0, dirty: false });
      else if (error instanceof ApiError && error.code === 'encrypted_conversation') this.keepOnDevice(conversationId);
      // Anything else (offline, the server restarting): still dirty, saved again when the connection opens.
    } finally {
      this.saving.delete(conversationId);
      if (this.again.delete(conversationId)) void this.save(conversationId);
    }
  }

  /** A save refused: nothing to lose when the stored draft is empty or the same text; otherwise both are shown. */
  private conflicted(conversationId: string, mine: string, current: Draft | null): void {
    if (current === null || current.body === '' || current.body === mine) {
      const same = current !== null && current.body === mine;
      this.setMeta(conversationId, { version: current?.version ?? 0, dirty: !same });
      if (!same) this.again.add(conversationId);
      return;
    }
    this.offer(current);
  }

  /** `draft.updated`, from any of my devices (this one's own saves come back too, at a version already known). */
  private heard(draft: Draft): void {
    const id = draft.conversationId;
    const shown = this.getSnapshot().get(id);
    if (shown) {
      if (draft.version > shown.version) this.offer(draft);
      return;
    }
    const meta = this.metaOf(id);
    if (draft.version <= meta.version) return;
    const mine = this.local.get(id) ?? '';
    if (this.saving.get(id) === draft.body) {
      this.setMeta(id, { version: draft.version, dirty: mine !== draft.body });
      return;
    }
    if (mine === draft.body) {
      this.setMeta(id, { version: draft.version, dirty: false });
      return;
    }
    // Typed here and not saved yet: the composer is being typed in, and what I typed stays.
    if (meta.dirty && mine !== '') {
      if (draft.body !== '') this.offer(draft);
      // Sent or cleared elsewhere while I type here: my text stays, saved on the new version.
      else this.setMeta(id, { version: draft.version, dirty: true });
      return;
    }
    this.adopt(draft);
  }

  private async load(): Promise<void> {
    try {
      // The versions known when asking: a save answered while the list was on its way (start and
      // the socket's first open each load) is newer than the list, whose absence then says nothing.
      const asked = new Map([...this.meta].map(([id, m]) => [id, m.version]));
      const { items } = await this.client.drafts();
      this.loaded = true;
      const listed = new Set<string>();
      for (const draft of items) {
        listed.add(draft.conversationId);
        this.heard(draft);
      }
      // Known here, gone there: sent or cleared on another device while this one was away.
      for (const id of this.local.getSnapshot().keys()) {
        if (this.deviceOnly.has(id)) continue;
        const meta = this.metaOf(id);
        if (!listed.has(id) && !meta.dirty && meta.version > 0 && meta.version === asked.get(id))
          this.adopt({ conversationId: id, body: '', replyToId: null, version: meta.version, updatedAt: '' });
        else if (!listed.has(id) && meta.version === 0) this.setMeta(id, { version: 0, dirty: true }); // typed before drafts synced
      }
      for (const [id, meta] of this.meta) if (meta.dirty) void this.save(id);
    } catch {
      // Offline: the local drafts stand; read again when the connection opens.
    }
  }

  private adopt(draft: Draft): void {
    const id = draft.conversationId;
    this.setMeta(id, { version: Math.max(draft.version, this.metaOf(id).version), dirty: false });
    if (draft.body === '') this.local.clear(id);
    else this.local.save(id, draft.body);
    for (const listener of this.remote) listener(id);
  }

  private offer(theirs: Draft): void {
    const next = new Map(this.getSnapshot());
    next.set(theirs.conversationId, theirs);
    this.set(next);
  }

  private resolve(conversationId: string): void {
    if (!this.getSnapshot().has(conversationId)) return;
    const next = new Map(this.getSnapshot());
    next.delete(conversationId);
    this.set(next);
  }

  private metaOf(conversationId: string): SyncMeta {
    return this.meta.get(conversationId) ?? { version: 0, dirty: false };
  }

  private setMeta(conversationId: string, meta: SyncMeta): void {
    this.meta.set(conversationId, meta);
    try {
      this.storage.setItem(draftMetaKey(this.userId), JSON.stringify(Object.fromEntries(this.meta)));
    } catch {
      // Storage refused: versions stay in this page; a later save may meet a 409 and ask.
    }
  }
}

function readDeviceOnly(storage: Storage, key: string): Set<string> {
  try {
    const value = JSON.parse(storage.getItem(key) ?? '[]') as unknown;
    return new Set(Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : []);
  } catch {
    return new Set();
  }
}

function readMeta(storage: Storage, key: string): Map<string, SyncMeta> {
  try {
    const value = JSON.parse(storage.getItem(key) ?? '{}') as Record<string, Partial<SyncMeta>>;
    return new Map(
      Object.entries(value).flatMap(([id, m]) =>
        typeof m?.version === 'number' ? [[id, { version: m.version, dirty: m.dirty === true }] as [string, SyncMeta]] : [],
      ),
    );
  } catch {
    return new Map();
  }
}
