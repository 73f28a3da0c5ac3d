import {
  AliasNode,
  type BinaryOperationNode,
  type ColumnDefinitionNode,
  type DeleteQueryNode,
  IdentifierNode,
  SelectQueryNode,
  SelectionNode,
  TableNode,
  UsingNode,
  type CreateIndexNode,
  type CreateTableNode,
  type DataTypeNode,
  DefaultValueNode,
  ForeignKeyConstraintNode,
  type InsertQueryNode,
  type KyselyPlugin,
  OnDuplicateKeyNode,
  OperationNodeTransformer,
  OrActionNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  RawNode,
  type ReferenceNode,
  type RootOperationNode,
  type UnknownRow,
  ValueNode,
} from 'kysely';

/**
 * What the shared queries and migrations (written for SQLite and PostgreSQL) mean on MySQL and
 * MariaDB, rewritten on Kysely's operation tree before compiling, so store/sql/* and
 * store/migrations/* stay one text for every engine (decision 0026):
 *
 * - `on conflict (…) do update set …` → `on duplicate key update …`, with `excluded.c` → `values(c)`;
 *   `on conflict do nothing` → `insert ignore` (its affected-rows count is 0 for a row it skipped,
 *   as the other engines answer; `on duplicate key update c = c` would count 1 under FOUND_ROWS).
 * - `text` → `longtext`: MySQL's TEXT holds 64 KiB, an event payload or a message can be more.
 *   A literal default of a text column is written as an expression, `default ('[]')`, the only
 *   form MySQL 8 accepts there.
 * - Every table is `utf8mb4` with a binary, no-pad collation (`collation`): identifiers, tokens,
 *   hashes and usernames compare byte for byte and `'a' <> 'a '`, as on SQLite and PostgreSQL.
 * - A unique or primary-key varchar too long for InnoDB's 3072-byte key in utf8mb4 (a Web Push
 *   endpoint URL, 2048 characters) is ASCII, a byte per character.
 * - An inline `references` becomes a table-level foreign key (MySQL 8 parses and ignores the inline form).
 * - `cast(x as bigint)` → `cast(x as signed)`, and `escape '\'` → `escape '\\'` (MySQL reads a
 *   backslash in a literal as an escape): `mysqlText`, for SQL written as text.
 * - `(a, b) in (values (…), …)` → `(a, b) in ((…), …)`: MySQL 8 spells a table value constructor
 *   `values row(…)` and MariaDB `values (…)`; a list of row values reads the same on both.
 * - `delete from t as a …` → `delete from a using t as a …` (MariaDB has no alias in a single-table DELETE).
 * - `x in (select … limit n)` → `x in (select * from (select … limit n) as limited)`: neither engine
 *   takes LIMIT in an IN subquery, and the derived table also lets a DELETE read its own table.
 * - A partial index (`where …`) is a plain one: InnoDB has none, and the index then also lists
 *   the rows whose column is null, which every query of it still skips by its `=` or `is not null`.
 *   A unique partial index is not rewritten here: it needs the column's type from the catalog
 *   (mysql-migration-steps.ts).
 */
export class MysqlTranslation implements KyselyPlugin {
  /** The binary, no-pad utf8mb4 collation: MariaDB's `utf8mb4_nopad_bin`, MySQL 8's `utf8mb4_0900_bin` (set once the server is known). */
  collation = 'utf8mb4_nopad_bin';
  readonly #transformer = new Transformer(this);

  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(node);
  }

  transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(result);
  }
}

/** InnoDB's longest index key, in bytes (DYNAMIC rows). */
const MAX_KEY_BYTES = 3072;

class Transformer extends OperationNodeTransformer {
  constructor(private readonly settings: MysqlTranslation) {
    super();
  }

  protected override transformInsertQuery(node: InsertQueryNode): InsertQueryNode {
    const inserted = super.transformInsertQuery(node);
    const conflict = inserted.onConflict;
    if (conflict === undefined) return inserted;
    if (conflict.updateWhere !== undefined || conflict.indexWhere !== undefined) {
      throw new Error('MySQL has no `on conflict … where`: write this upsert another way');
    }
    const { onConflict: _, ...rest } = inserted;
    if (conflict.doNothing) return { ...rest, orAction: OrActionNode.create('ignore') };
    return { ...rest, onDuplicateKey: OnDuplicateKeyNode.create(conflict.updates ?? []) };
  }

  protected override transformDeleteQuery(node: DeleteQueryNode): DeleteQueryNode {
    const deleted = super.transformDeleteQuery(node);
    const [from] = deleted.from.froms;
    if (deleted.from.froms.length !== 1 || deleted.using !== undefined || from === undefined || !AliasNode.is(from)) return deleted;
    const alias = from.alias;
    if (!IdentifierNode.is(alias)) return deleted;
    return { ...deleted, from: { ...deleted.from, froms: [TableNode.create(alias.name)] }, using: UsingNode.create([from]) };
  }

  protected override transformBinaryOperation(node: BinaryOperationNode): BinaryOperationNode {
    const operation = super.transformBinaryOperation(node);
    const right = operation.rightOperand;
    if (!SelectQueryNode.is(right) || right.limit === undefined) return operation;
    const limited = SelectQueryNode.cloneWithSelections(
      SelectQueryNode.createFrom([AliasNode.create(right, IdentifierNode.create('limited'))]),
      [SelectionNode.createSelectAll()],
    );
    return { ...operation, rightOperand: limited };
  }

  protected override transformReference(node: ReferenceNode): ReferenceNode {
    const table = node.table?.table.identifier.name;
    if (table === 'excluded' && node.column.kind === 'ColumnNode') {
      const column = node.column.column.name.replaceAll('`', '``');
      return RawNode.createWithSql(`values(\`${column}\`)`) as unknown as ReferenceNode;
    }
    return super.transformReference(node);
  }

  protected override transformRaw(node: RawNode): RawNode {
    const raw = super.transformRaw(node);
    return { ...raw, sqlFragments: raw.sqlFragments.map(mysqlText) };
  }

  protected override transformCreateTable(node: CreateTableNode): CreateTableNode {
    const table = super.transformCreateTable(node);
    const foreignKeys = table.columns.flatMap((c) => {
      if (c.references === undefined) return [];
      const fk = ForeignKeyConstraintNode.create([c.column], c.references.table, c.references.columns);
      return [
        ForeignKeyConstraintNode.cloneWith(fk, {
          ...(c.references.onDelete ? { onDelete: c.references.onDelete } : {}),
          ...(c.references.onUpdate ? { onUpdate: c.references.onUpdate } : {}),
        }),
      ];
    });
    return {
      ...table,
      columns: table.columns.map(({ references: _, ...column }) => column),
      constraints: [...(table.constraints ?? []), ...foreignKeys],
      endModifiers: [...(table.endModifiers ?? []), RawNode.createWithSql(`character set utf8mb4 collate ${this.settings.collation}`)],
    };
  }

  protected override transformColumnDefinition(node: ColumnDefinitionNode): ColumnDefinitionNode {
    const column = super.transformColumnDefinition(node);
    const type = column.dataType.kind === 'DataTypeNode' ? (column.dataType as DataTypeNode).dataType : undefined;
    if (type === 'text') {
      const fallback = column.defaultTo?.defaultValue;
      const literal = fallback && ValueNode.is(fallback) && typeof fallback.value === 'string' ? fallback.value : undefined;
      return {
        ...column,
        dataType: RawNode.createWithSql('longtext'),
        ...(literal === undefined ? {} : { defaultTo: DefaultValueNode.create(RawNode.createWithSql(`(${quote(literal)})`)) }),
      };
    }
    const length = type === undefined ? undefined : /^varchar\((\d+)\)$/.exec(type)?.[1];
    if (length !== undefined && (column.primaryKey || column.unique) && Number(length) * 4 > MAX_KEY_BYTES) {
      return { ...column, dataType: RawNode.createWithSql(`varchar(${length}) character set ascii collate ascii_bin`) };
    }
    return column;
  }

  protected override transformCreateIndex(node: CreateIndexNode): CreateIndexNode {
    const index = super.transformCreateIndex(node);
    if (index.where === undefined || index.unique) return index;
    const { where: _, ...plain } = index;
    return plain;
  }
}

/** SQL text the other engines read as written, as MySQL and MariaDB read it (see MysqlTranslation). */
export function mysqlText(text: string): string {
  return (
    text
      .replaceAll(' as bigint)', ' as signed)')
      .replaceAll("escape '\\'", "escape '\\\\'")
      // A fragment may end at `values ` with the rows bound after it (member-settings.ts).
      .replace(/ in \(values (?=\(|$)/g, ' in (')
  );
}

/** A string literal for DDL (no bound values there). */
const quote = (value: string) => `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
