import {
  BinaryOperationNode,
  ColumnNode,
  type CompiledQuery,
  type DatabaseConnection,
  DeleteQueryNode,
  type FromNode,
  InsertQueryNode,
  OperatorNode,
  PrimitiveValueListNode,
  type QueryCompiler,
  type QueryResult,
  ReferenceNode,
  SelectModifierNode,
  SelectQueryNode,
  SelectionNode,
  UpdateQueryNode,
  WhereNode,
} from 'kysely';

/**
 * `UPDATE … RETURNING` and `DELETE … RETURNING` on engines without them (MySQL has no RETURNING
 * at all, MariaDB only on INSERT and DELETE, and Kysely's MySQL compiler writes it anyway: MariaDB
 * then answers an UPDATE with no rows and no error). The shared queries keep their one text; here,
 * in the same transaction, the rows the statement will change are read and locked first
 * (`select …, id … for update` with the statement's own WHERE), the statement runs, and the rows
 * are answered: an UPDATE's as they are after it (read again by id, under the locks just taken:
 * the same rows the statement changed, since nobody else could change them in between), a
 * DELETE's as they were. Every table the store updates or deletes RETURNING from has an `id`
 * primary key. Three round trips instead of one, for the few statements that use it.
 */
export async function withEmulatedReturning(
  conn: DatabaseConnection,
  compiled: CompiledQuery,
  compiler: QueryCompiler,
): Promise<QueryResult<unknown> | undefined> {
  const node = compiled.query;
  const compile = (query: Parameters<QueryCompiler['compileQuery']>[0]) => compiler.compileQuery(query, compiled.queryId);
  // MariaDB would run it and MySQL 8 refuse it: refused on both, so MariaDB's tests catch it.
  if (InsertQueryNode.is(node) && node.returning !== undefined)
    throw new Error('MySQL has no INSERT … RETURNING: read the row back instead');
  if (UpdateQueryNode.is(node) && node.returning !== undefined && node.table !== undefined) {
    if (node.from !== undefined || node.joins !== undefined) throw new Error('MySQL: UPDATE … FROM … RETURNING is not emulated');
    const ids = await lockedIds(conn, compile, [node.table], node.where);
    const { returning, ...update } = node;
    const result = await conn.executeQuery(compile(update));
    if (ids.length === 0) return { ...result, rows: [] };
    const reread = select([node.table], returning.selections, byId(ids));
    const { rows } = await conn.executeQuery(compile(reread));
    return { ...result, rows };
  }
  if (DeleteQueryNode.is(node) && node.returning !== undefined) {
    // `delete from a using t as a` (mysql-translation.ts): the rows are read from `t as a`.
    const tables = node.using?.tables ?? node.from.froms;
    if (node.joins !== undefined || (node.using !== undefined && tables.length !== 1)) {
      throw new Error('MySQL: DELETE … USING … RETURNING of several tables is not emulated');
    }
    const locked = forUpdate(select(tables, node.returning.selections, node.where));
    const { rows } = await conn.executeQuery(compile(locked));
    const { returning: _, ...remove } = node;
    const result = await conn.executeQuery(compile(remove));
    return { ...result, rows };
  }
  return undefined;
}

type Compile = (query: Parameters<QueryCompiler['compileQuery']>[0]) => CompiledQuery;

async function lockedIds(
  conn: DatabaseConnection,
  compile: Compile,
  from: readonly Parameters<typeof FromNode.create>[0][number][],
  where: WhereNode | undefined,
): Promise<unknown[]> {
  const query = forUpdate(select(from, [SelectionNode.create(ReferenceNode.create(ColumnNode.create('id')))], where));
  const { rows } = await conn.executeQuery(compile(query));
  return rows.map((row) => (row as { id: unknown }).id);
}

function select(
  from: readonly Parameters<typeof FromNode.create>[0][number][],
  selections: readonly SelectionNode[],
  where: WhereNode | undefined,
): SelectQueryNode {
  const query = SelectQueryNode.cloneWithSelections(SelectQueryNode.createFrom(from), selections);
  return where === undefined ? query : { ...query, where };
}

const forUpdate = (query: SelectQueryNode): SelectQueryNode => ({ ...query, endModifiers: [SelectModifierNode.create('ForUpdate')] });

const byId = (ids: readonly unknown[]): WhereNode =>
  WhereNode.create(
    BinaryOperationNode.create(
      ReferenceNode.create(ColumnNode.create('id')),
      OperatorNode.create('in'),
      PrimitiveValueListNode.create(ids),
    ),
  );
