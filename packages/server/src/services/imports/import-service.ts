import { rm } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Logger } from 'pino';
import { newId } from '../../ids.js';
import { notFound } from '../../errors.js';
import type { ImportCounts, ImportRecord, ImportSource, Store, StoredEvent, UserRecord } from '../../store/store.js';
import { ClaimMails } from './claim-mails.js';
import { openExport } from './open-export.js';
import { importUsers } from './import-users.js';
import { type ImportedTarget, importConversation } from './import-conversations.js';
import { type StoreUpload, importMessages } from './import-messages.js';
import type { ImportItem, MarkupConverter, NameLookup } from './import-model.js';

/** The errors a run keeps (the rest are counted in the last one): a broken export must not make a huge record. */
const MAX_ERRORS = 500;
/** How often a running import writes its progress for `GET /api/v1/admin/imports/:id`. */
const PROGRESS_INTERVAL_MS = 1000;

export interface ImportOptions {
  /** Mails a created account's owner how to claim it (accounts/account-claim.ts). */
  claim?: (user: UserRecord, source: ImportSource) => Promise<void>;
}

/**
 * Imports (issue 37): runs an export through its reader and the writers, one item at a time,
 * keeping the run's state, counts and errors in the store. Sends nothing anyone is notified of:
 * the events are logged and published (clients see the conversations and history arrive) but no
 * notification, mail or push is made for history.
 */
export class ImportService {
  private readonly running = new Set<Promise<unknown>>();
  private stopping = false;

  constructor(
    private readonly store: Store,
    private readonly publish: (events: readonly StoredEvent[]) => Promise<void>,
    private readonly storeUpload: StoreUpload,
    private readonly logger: Logger,
    private readonly options: ImportOptions = {},
  ) {}

  /** Queues an import of the export at `path` (deleted once read) and answers at once; it runs in the background. */
  async start(adminId: string | null, source: ImportSource, path: string, name: string): Promise<ImportRecord> {
    const record = await this.create(adminId, source);
    const run = this.run(record, path, undefined, name)
      .catch((error: unknown) => this.logger.error({ err: error, importId: record.id }, 'import failed'))
      .finally(() => {
        this.running.delete(run);
        rm(path, { force: true }).catch(() => {});
      });
    this.running.add(run);
    return record;
  }

  async create(adminId: string | null, source: ImportSource): Promise<ImportRecord> {
    const now = Date.now();
    const record: ImportRecord = {
      id: newId(),
      source,
      state: 'queued',
      counts: { users: 0, conversations: 0, messages: 0, replies: 0, reactions: 0, pins: 0, files: 0 },
      errors: [],
      createdBy: adminId,
      createdAt: now,
      updatedAt: now,
    };
    await this.store.imports.createImport(record);
    return record;
  }

  async get(id: string): Promise<ImportRecord> {
    const record = await this.store.imports.getImport(id);
    if (!record) throw notFound('No such import');
    return record;
  }

  /**
   * Shutdown: each running import stops after the item it is writing and is marked failed (a
   * second run carries on where it stopped: nothing is written twice).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.settle();
  }

  /** Resolves once every import this node started has finished (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** Runs the import to its end; `onProgress` hears every item (the CLI's bar). */
  async run(record: ImportRecord, path: string, onProgress?: (record: ImportRecord) => void, name = basename(path)): Promise<ImportRecord> {
    const progress = new Progress(this.store, record, onProgress);
    await progress.set('running');
    let source;
    try {
      source = await openExport(record.source, path, name);
    } catch (error) {
      progress.error(name, messageOf(error));
      return progress.set('failed');
    }
    const run = new Run(this.store, record.source, source.convert, this.publish, this.storeUpload, this.options, progress);
    let state: ImportRecord['state'];
    try {
      for await (const item of source.items) {
        if (this.stopping) throw new Error('stopped by the server’s shutdown: run the import again to finish it');
        await run.take(item);
      }
      // An export of which nothing could be read (no users.json, not JSONL) failed; one with broken files is done, with its errors.
      state = run.nothingRead ? 'failed' : 'done';
    } catch (error) {
      progress.error('', messageOf(error));
      state = 'failed';
    } finally {
      source.close();
    }
    // The history is written: its counts show while the last claim mails go, and their failures are in the end record.
    await progress.flush();
    await run.claimMails.settled();
    return progress.set(state);
  }
}

/** One run's state as the items are written: the exported people and conversations mapped so far. */
class Run {
  private users = new Map<string, UserRecord>();
  private usersByName = new Map<string, UserRecord>();
  private readonly targets = new Map<string, ImportedTarget>();
  private readonly channelNames = new Map<string, string>();
  nothingRead = true;
  /** Sent beside the run, not in it (claim-mails.ts). */
  readonly claimMails: ClaimMails;

  constructor(
    private readonly store: Store,
    private readonly source: ImportSource,
    private readonly convert: MarkupConverter,
    private readonly publish: (events: readonly StoredEvent[]) => Promise<void>,
    private readonly storeUpload: StoreUpload,
    private readonly options: ImportOptions,
    private readonly progress: Progress,
  ) {
    const claim = options.claim;
    this.claimMails = new ClaimMails(
      (user) => (claim ? claim(user, this.source) : Promise.resolve()),
      // A mail that cannot go is the run's error, not its end: the admin can send a reset later.
      (user, error) => this.progress.error(`@${user.username}`, `the claim mail could not be sent: ${messageOf(error)}`),
    );
  }

  private readonly names: NameLookup = {
    user: (id) => this.users.get(id),
    userByName: (name) => this.usersByName.get(name.toLowerCase()),
    channelName: (id) => this.channelNames.get(id),
  };

  async take(item: ImportItem): Promise<void> {
    try {
      await this.write(item);
    } catch (error) {
      // One file's failure (a quota, a database error) is its own: the next file is written.
      this.progress.error(fileOf(item), messageOf(error));
    }
    await this.progress.tick();
  }

  private async write(item: ImportItem): Promise<void> {
    if (item.type === 'error') return this.progress.error(item.file, item.message);
    this.nothingRead = false;
    if (item.type === 'users') {
      const outcome = await importUsers(this.store, this.source, item.users, Date.now());
      this.users = outcome.users;
      this.usersByName = new Map(
        item.users.flatMap((u) => (outcome.users.has(u.id) ? [[u.username.toLowerCase(), outcome.users.get(u.id)!]] : [])),
      );
      this.progress.add({ users: outcome.mapped });
      // The accounts are committed: their mails go beside the rest of the run.
      if (this.options.claim) for (const user of outcome.created) if (user.email !== null) this.claimMails.add(user);
      return;
    }
    if (item.type === 'conversation') {
      const { conversation } = item;
      if (conversation.title) this.channelNames.set(conversation.id, conversation.title);
      const made = await importConversation(this.store, this.source, conversation, this.users);
      if (!made) return this.progress.error(conversation.title ?? conversation.id, 'none of its members is in the export: skipped');
      this.targets.set(conversation.id, made.target);
      if (made.created) this.progress.add({ conversations: 1 });
      await this.publish(made.events);
      return;
    }
    const target = this.targets.get(item.conversationId);
    if (!target) return;
    const context = {
      store: this.store,
      source: this.source,
      convert: this.convert,
      names: this.names,
      users: this.users,
      storeUpload: this.storeUpload,
    };
    const written = await importMessages(context, item.conversationId, target, item.messages);
    this.progress.add(written.counts);
    for (const problem of written.problems) this.progress.error(item.file, problem);
    await this.publish(written.events);
  }
}

/** The run's record, written to the store at most once a second while it runs, and at its end. */
class Progress {
  private writtenAt = 0;

  constructor(
    private readonly store: Store,
    private readonly record: ImportRecord,
    private readonly onProgress?: (record: ImportRecord) => void,
  ) {}

  add(counts: Partial<ImportCounts>): void {
    for (const [kind, n] of Object.entries(counts) as [keyof ImportCounts, number][]) this.record.counts[kind] += n;
  }

  error(file: string, message: string): void {
    const { errors } = this.record;
    if (errors.length < MAX_ERRORS) errors.push({ file, message });
    else if (errors.length === MAX_ERRORS) errors.push({ file: '', message: `more errors than ${MAX_ERRORS}: the rest are not listed` });
  }

  async tick(): Promise<void> {
    this.onProgress?.(this.record);
    if (Date.now() - this.writtenAt < PROGRESS_INTERVAL_MS) return;
    await this.write();
  }

  /** Writes the record now, whenever it was last written. */
  flush(): Promise<void> {
    return this.write();
  }

  async set(state: ImportRecord['state']): Promise<ImportRecord> {
    this.record.state = state;
    await this.write();
    this.onProgress?.(this.record);
    return this.record;
  }

  private async write(): Promise<void> {
    this.writtenAt = Date.now();
    this.record.updatedAt = this.writtenAt;
    await this.store.imports.updateImport(this.record.id, this.record, this.writtenAt);
  }
}

const fileOf = (item: ImportItem) =>
  item.type === 'messages' || item.type === 'error' ? item.file : item.type === 'users' ? 'users' : item.conversation.id;
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
