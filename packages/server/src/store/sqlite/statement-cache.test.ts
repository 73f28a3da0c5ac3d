import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { RowStatement, withStatementCache } from './statement-cache.js';

const connections: SQLite.Database[] = [];
afterEach(() => {
  for (const c of connections.splice(0)) c.close();
});

function open(): SQLite.Database {
  const connection = new SQLite(':memory:');
  connection.exec(`create table t (id integer primary key, body text, n real, b blob);
    insert into t (body, n, b) values ('a', 1.5, x'0102'), (null, null, null), ('c', 3, x'')`);
  connections.push(connection);
  return connection;
}

describe('withStatementCache', () => {
  it('answers the same rows as better-sqlite3 does: values, nulls, blobs, aliases and repeated names', () => {
    const connection = open();
    const cache = withStatementCache(connection);
    for (const sql of [
      'select * from t order by id',
      'select id as "weird name", body, body as "x.y" from t order by id',
      // Two columns of one name: the later one wins, as in better-sqlite3's own objects.
      'select id as k, body as k from t order by id',
      'select count(*), max(n) from t',
    ]) {
      const rows = cache.prepare(sql).all([]);
      expect(rows).toEqual(connection.prepare(sql).all());
      expect(Object.keys(rows[0] as object)).toEqual(Object.keys(connection.prepare(sql).get() as object));
    }
  });

  it('reads through RowStatement, and iterates and writes as before', () => {
    const cache = withStatementCache(open());
    const select = cache.prepare('select id, body from t where id > ? order by id');
    expect(select).toBeInstanceOf(RowStatement);
    expect([...select.iterate([1])]).toEqual([
      { id: 2, body: null },
      { id: 3, body: 'c' },
    ]);
    const returning = cache.prepare('insert into t (body) values (?) returning id, body');
    expect(returning.reader).toBe(true);
    expect(returning.all(['d'])).toEqual([{ id: 4, body: 'd' }]);
    const insert = cache.prepare('insert into t (body) values (?)');
    expect(insert.reader).toBe(false);
    expect(insert.run(['e'])).toMatchObject({ changes: 1, lastInsertRowid: 5 });
  });

  it('leaves a statement with a column named __proto__ to better-sqlite3 (a literal key of that name would set the prototype)', () => {
    const connection = open();
    const sql = 'select id, body as "__proto__" from t where id = 1';
    const statement = withStatementCache(connection).prepare(sql);
    expect(statement).not.toBeInstanceOf(RowStatement);
    const [row] = statement.all([]) as object[];
    expect(row).toEqual(connection.prepare(sql).get());
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
  });

  it('reuses a prepared statement and remembers the last one run', () => {
    const connection = open();
    const cache = withStatementCache(connection, 2);
    const first = cache.prepare('select 1');
    expect(cache.prepare('select 1')).toBe(first);
    expect(cache.last?.source).toBe('select 1');
    cache.prepare('select 2');
    cache.prepare('select 3'); // the cache holds 2: 'select 1' goes
    expect(cache.prepare('select 1')).not.toBe(first);
  });
});
