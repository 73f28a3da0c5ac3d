import {
  ColumnNode,
  CompiledQuery,
  CreateIndexNode,
  type DatabaseConnection,
  DropIndexNode,
  type Kysely,
  type Migration,
  type QueryResult,
  sql,
} from 'kysely';

/**
 * Resumable migrations on MySQL and MariaDB, whose DDL is not transactional: each statement
 * commits on its own, so a migration that fails halfway (a crash, a lost connection, a key too
 * long) leaves the steps before it done, and running it again from the top would fail on the
 * first of them ("table exists"). Every schema statement a migration runs is a numbered step,
 * recorded in `confab_migration_steps` (migration name, step, the statement, when) once it has
 * run; a migration run again skips the steps recorded and goes on from the first one that is not.
 * The data statements between them (backfills) run again: each is written to be idempotent.
 *
 * It also does what needs the catalog and cannot be a rewrite of the query tree
 * (mysql-translation.ts): `drop index` names its table, a unique partial index becomes a unique
 * index over a stored generated column, and an expression index is left out.
 */
export const STEPS_TABLE = 'confab_migration_steps';

const SCHEMA_STATEMENT = /^\s*(create|alter|drop|rename)\b/i;
const EMPTY: QueryResult<unknown> = { rows: [] };

export class MigrationSteps {
  #current: { name: string; done: Set<number>; next: number } | undefined;

  /** The table of steps, made before any migration runs. */
  async prepare(db: Kysely<unknown>, collation: string): Promise<void> {
    await sql`create table if not exists ${sql.table(STEPS_TABLE)} (
      name varchar(190) not null, step integer not null, statement text not null, done_at bigint not null,
      primary key (name, step)) character set utf8mb4 collate ${sql.raw(collation)}`.execute(db);
  }

  /** `migration` with its steps recorded and, when run again, skipped. */
  resumable(name: string, migration: Migration): Migration {
    return {
      up: async (db) => {
        const { rows } = await sql<{ step: number }>`select step from ${sql.table(STEPS_TABLE)} where name = ${name}`.execute(db);
        this.#current = { name, done: new Set(rows.map((r) => Number(r.step))), next: 0 };
        try {
          await migration.up(db);
        } finally {
          this.#current = undefined;
        }
      },
    };
  }

  /** Runs a statement on `conn`: a schema statement of a migration as a step, anything else as it is. */
  async execute(conn: DatabaseConnection, compiled: CompiledQuery): Promise<QueryResult<unknown>> {
    const current = this.#current;
    if (current === undefined || !isSchemaStatement(compiled)) return conn.executeQuery(compiled);
    const step = current.next++;
    if (current.done.has(step)) return EMPTY;
    const result = await runSchemaStatement(conn, compiled);
    await conn.executeQuery(
      CompiledQuery.raw(`insert into ${STEPS_TABLE} (name, step, statement, done_at) values (?, ?, ?, ?)`, [
        current.name,
        step,
        compiled.sql.slice(0, 2000),
        Date.now(),
      ]),
    );
    return result;
  }
}

function isSchemaStatement(compiled: CompiledQuery): boolean {
  switch (compiled.query.kind) {
    case 'CreateTableNode':
    case 'CreateIndexNode':
    case 'DropIndexNode':
    case 'AlterTableNode':
    case 'DropTableNode':
      return true;
    case 'RawNode':
      return SCHEMA_STATEMENT.test(compiled.sql);
    default:
      return false;
  }
}

const one = async <T>(conn: DatabaseConnection, text: string, params: unknown[]): Promise<T | undefined> =>
  (await conn.executeQuery<T>(CompiledQuery.raw(text, params))).rows[0];

const id = (name: string) => `\`${name.replaceAll('`', '``')}\``;

async function runSchemaStatement(conn: DatabaseConnection, compiled: CompiledQuery): Promise<QueryResult<unknown>> {
  const node = compiled.query;
  if (DropIndexNode.is(node) && node.table === undefined) {
    // MySQL drops an index of a table (`drop index i on t`); the shared migrations name the index alone.
    const name = node.name.identifier.name;
    const found = await one<{ table_name: string }>(
      conn,
      'select table_name as table_name from information_schema.statistics where table_schema = database() and index_name = ? limit 1',
      [name],
    );
    if (found === undefined) return EMPTY;
    // The index may be the one a foreign key uses (InnoDB drops its own index for the key once another
    // serves); the migration that drops it makes another in its next step.
    await conn.executeQuery(CompiledQuery.raw('set foreign_key_checks = 0'));
    try {
      return await conn.executeQuery(CompiledQuery.raw(`alter table ${id(found.table_name)} drop index ${id(name)}`));
    } finally {
      await conn.executeQuery(CompiledQuery.raw('set foreign_key_checks = 1'));
    }
  }
  if (CreateIndexNode.is(node) && node.columns?.some((c) => c.kind === 'RawNode')) {
    // An expression index (`lower(display_name)`): MariaDB has none, MySQL 8 writes it another way.
    // The queries it served work without it (a scan of the users: decision 0026).
    return EMPTY;
  }
  if (CreateIndexNode.is(node) && node.unique && node.where !== undefined) return uniqueWhere(conn, compiled, node);
  return conn.executeQuery(compiled);
}

/**
 * `create unique index i on t (c) where <condition>` → a stored generated column `i_key`, c where the
 * condition holds and null elsewhere, with a unique index `i` over it: InnoDB's unique indexes let
 * any number of nulls in, so only the rows the condition picks are held unique.
 */
async function uniqueWhere(conn: DatabaseConnection, compiled: CompiledQuery, node: CreateIndexNode): Promise<QueryResult<unknown>> {
  const column = node.columns?.length === 1 && ColumnNode.is(node.columns[0]!) ? node.columns[0].column.name : undefined;
  const table = node.table?.table.identifier.name;
  const condition = / where (.+)$/s.exec(compiled.sql)?.[1];
  if (column === undefined || table === undefined || condition === undefined) {
    throw new Error(`MySQL: a unique partial index of one column only (${compiled.sql})`);
  }
  const type = await one<{ column_type: string }>(
    conn,
    'select column_type as column_type from information_schema.columns where table_schema = database() and table_name = ? and column_name = ?',
    [table, column],
  );
  if (type === undefined) throw new Error(`MySQL: no column ${table}.${column}`);
  const name = node.name.name;
  return conn.executeQuery(
    CompiledQuery.raw(
      `alter table ${id(table)} add column ${id(`${name}_key`)} ${type.column_type} ` +
        `as (case when ${condition} then ${id(column)} end) stored, add unique index ${id(name)} (${id(`${name}_key`)})`,
      [...compiled.parameters],
    ),
  );
}
