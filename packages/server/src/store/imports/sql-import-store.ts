import type { SqlContext } from '../sql-context.js';
import type { ImportStore } from './import-store.js';
import * as imports from '../sql/imports.js';

/** `store.imports` on the SQL engines: each method calls its query in store/sql/imports.ts. */
export function sqlImportStore({ db }: SqlContext): ImportStore {
  return {
    createImport: (record) => imports.createImport(db, record),
    getImport: (id) => imports.getImport(db, id),
    updateImport: (id, progress, at) => imports.updateImport(db, id, progress, at),
    getMappings: (source, kind, externalIds) => imports.getMappings(db, source, kind, externalIds),
    putMappings: (source, kind, entries) => imports.putMappings(db, source, kind, entries),
  };
}
