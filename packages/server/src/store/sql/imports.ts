import type { Selectable } from 'kysely';
import type { Database } from '../schema.js';
import type { ImportProgress, ImportRecord, ImportSource, Mapping, MappingKind } from '../imports/import-store.js';
import type { Db } from './rows.js';

/** Import runs and the exported-id map (store/imports/import-store.ts). */

export async function createImport(db: Db, record: ImportRecord): Promise<void> {
  await db
    .insertInto('imports')
    .values({
      id: record.id,
      source: record.source,
      state: record.state,
      counts: JSON.stringify(record.counts),
      errors: JSON.stringify(record.errors),
      created_by: record.createdBy,
      created_at: record.createdAt,
      updated_at: record.updatedAt,
    })
    .execute();
}

export async function getImport(db: Db, id: string): Promise<ImportRecord | undefined> {
  const row = await db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toImport(row);
}

export async function updateImport(db: Db, id: string, progress: ImportProgress, at: number): Promise<boolean> {
  const result = await db
    .updateTable('imports')
    .set({ state: progress.state, counts: JSON.stringify(progress.counts), errors: JSON.stringify(progress.errors), updated_at: at })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function getMappings(
  db: Db,
  source: ImportSource,
  kind: MappingKind,
  externalIds: readonly string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const unique = [...new Set(externalIds)];
  // Chunked: SQLite binds at most 32,766 parameters, and a big channel has many members.
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await db
      .selectFrom('import_mappings')
      .select(['external_id', 'local_id'])
      .where('source', '=', source)
      .where('kind', '=', kind)
      .where('external_id', 'in', unique.slice(i, i + 500))
      .execute();
    for (const row of rows) found.set(row.external_id, row.local_id);
  }
  return found;
}

export async function putMappings(
  db: Db,
  source: ImportSource,
  kind: MappingKind,
  entries: readonly Mapping[],
): Promise<Map<string, string>> {
  for (let i = 0; i < entries.length; i += 300) {
    await db
      .insertInto('import_mappings')
      .values(entries.slice(i, i + 300).map((e) => ({ source, kind, external_id: e.externalId, local_id: e.localId })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  return getMappings(
    db,
    source,
    kind,
    entries.map((e) => e.externalId),
  );
}

function toImport(row: Selectable<Database['imports']>): ImportRecord {
  return {
    id: row.id,
    source: row.source as ImportSource,
    state: row.state as ImportRecord['state'],
    counts: JSON.parse(row.counts) as ImportRecord['counts'],
    errors: JSON.parse(row.errors) as ImportRecord['errors'],
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
