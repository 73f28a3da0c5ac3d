/**
 * `store.imports` (issue 37): each import run's progress, and the map from an exported id (a
 * Slack or Mattermost user, channel, file) to the row it became here, which makes running the
 * same export again add nothing. Conformance: imports/imports.conformance.ts.
 */
export interface ImportStore {
  createImport(record: ImportRecord): Promise<void>;
  getImport(id: string): Promise<ImportRecord | undefined>;
  /** Replaces the run's state, counts and errors; false when there is no such run. */
  updateImport(id: string, progress: ImportProgress, at: number): Promise<boolean>;
  /** The local ids of those external ids already mapped, by external id. */
  getMappings(source: ImportSource, kind: MappingKind, externalIds: readonly string[]): Promise<Map<string, string>>;
  /**
   * Maps each external id to its local id unless it is mapped already (a concurrent run mapped
   * it first); answers the mapping that holds for each, by external id.
   */
  putMappings(source: ImportSource, kind: MappingKind, entries: readonly Mapping[]): Promise<Map<string, string>>;
}

export type ImportSource = 'slack' | 'mattermost';
export type ImportState = 'queued' | 'running' | 'done' | 'failed';
/** What an import maps: people, channels (and DMs), uploaded files. */
export type MappingKind = 'user' | 'conversation' | 'file';

export interface ImportCounts {
  users: number;
  conversations: number;
  messages: number;
  replies: number;
  reactions: number;
  pins: number;
  files: number;
}
export interface ImportErrorRecord {
  /** The file of the export it is about (a day file, users.json, a line of a JSONL file). */
  file: string;
  message: string;
}
export interface ImportProgress {
  state: ImportState;
  counts: ImportCounts;
  errors: ImportErrorRecord[];
}
export interface ImportRecord extends ImportProgress {
  id: string;
  source: ImportSource;
  /** The admin who started it; null when the operator ran `confab import`. */
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
}
export interface Mapping {
  externalId: string;
  localId: string;
}
