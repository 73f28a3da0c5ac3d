import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import type { Database } from './schema.js';
import { migrationProvider, renamedMigrations } from './migrations.js';
import type { Dialect } from './dialect.js';

/** Kysely's Migrator records the migrations it ran in this table (by name). */
const MIGRATION_TABLE = 'kysely_migration';

/** Brings the database to the newest schema: the shared migrations and the engine's own, merged by name. */
export async function migrate(dialect: Dialect): Promise<void> {
  const shared = await migrationProvider.getMigrations();
  const schema = await dialect.migrationTableSchema?.();
  const migrator = new Migrator({
    db: dialect.db,
    provider: { getMigrations: async () => resumable(dialect, { ...shared, ...dialect.migrations }) },
    migrationTableSchema: schema,
    // '0004b_event_cursors' (once '0005_event_cursors') and '0005_people'…'0005d_system_messages'
    // were written apart and are independent: a database that ran either set runs the other.
    allowUnorderedMigrations: true,
  });
  const run = async () => {
    await renameRecorded(dialect.db, schema);
    return migrator.migrateToLatest();
  };
  const { error, results } = await (dialect.duringMigrations ? dialect.duringMigrations(run) : run());
  const failed = results?.find((r) => r.status === 'Error');
  if (error) throw new Error(`migration ${failed?.migrationName ?? ''} failed`, { cause: error });
}

/** Each migration as the engine runs it (Dialect.resumableMigration), where it says. */
function resumable(dialect: Dialect, migrations: Record<string, Migration>): Record<string, Migration> {
  const wrap = dialect.resumableMigration;
  if (!wrap) return migrations;
  return Object.fromEntries(Object.entries(migrations).map(([name, migration]) => [name, wrap(name, migration)]));
}

/**
 * Renames migrations an earlier version recorded under their old names (renamedMigrations), so
 * the Migrator knows them as run. Idempotent, and harmless on a fresh database (no table yet) or
 * when several nodes do it at once.
 */
async function renameRecorded(db: Kysely<Database>, schema: string | undefined): Promise<void> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === MIGRATION_TABLE && (schema === undefined || t.schema === schema))) return;
  const table = sql.table(schema === undefined ? MIGRATION_TABLE : `${schema}.${MIGRATION_TABLE}`);
  for (const [from, to] of Object.entries(renamedMigrations)) {
    await sql`update ${table} set name = ${to} where name = ${from}`.execute(db);
  }
}
