import { Migrator } from 'kysely';
import { migrationProvider } from './migrations.js';
import type { Dialect } from './dialect.js';

/** Brings the database to the newest schema: the shared migrations and the engine's own, merged by name. */
export async function migrate(dialect: Dialect): Promise<void> {
  const shared = await migrationProvider.getMigrations();
  const migrator = new Migrator({
    db: dialect.db,
    provider: { getMigrations: async () => ({ ...shared, ...dialect.migrations }) },
    migrationTableSchema: await dialect.migrationTableSchema?.(),
    // '0005_event_cursors' and '0005_people'…'0005d_system_messages' are independent: a database that ran either set runs the other.
    allowUnorderedMigrations: true,
  });
  const run = () => migrator.migrateToLatest();
  const { error, results } = await (dialect.duringMigrations ? dialect.duringMigrations(run) : run());
  const failed = results?.find((r) => r.status === 'Error');
  if (error) throw new Error(`migration ${failed?.migrationName ?? ''} failed`, { cause: error });
}
