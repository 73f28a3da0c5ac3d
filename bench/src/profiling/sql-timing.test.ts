import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { type DatabaseClass, SqlTimings, statementKey, timeStatements } from './sql-timing.js';

describe('the SQLite statement timing preload', () => {
  it('keys a statement by its text, with placeholder lists folded', () => {
    expect(statementKey('select *\n  from t where id in (?, ?, ?)')).toBe('select * from t where id in (?…)');
    expect(statementKey('insert into t (a, b) values (?, ?), (?, ?), (?, ?)')).toBe('insert into t (a, b) values (?…)…');
    // A CASE with a branch per row: the batch's size shows past the first 100 characters only.
    const reserve = (rows: number) => `update c set n = n + case id ${'when ? then cast(? as bigint) '.repeat(rows)}end`;
    expect(statementKey(reserve(3))).toBe(statementKey(reserve(30)));
    expect(statementKey(reserve(3))).toHaveLength(100);
  });

  it('times every run, all and get of a statement, and ranks the statements by total time', () => {
    // A subclass, so the wrapper never touches the class other tests use.
    class Timed extends Database {}
    const timings = new SqlTimings();
    timeStatements(Timed as unknown as DatabaseClass, timings);
    const db = new Timed(':memory:');
    db.prepare('create table t (id integer primary key, body text)').run();
    const insert = db.prepare('insert into t (body) values (?), (?)');
    for (let i = 0; i < 50; i++) insert.run(`a${i}`, `b${i}`);
    expect(db.prepare('select count(*) as n from t').get()).toEqual({ n: 100 });
    expect(db.prepare('select * from t where id in (?, ?)').all(1, 2)).toHaveLength(2);
    db.close();

    const top = timings.top(10);
    expect(top.map((t) => [t.key, t.calls])).toEqual(
      expect.arrayContaining([
        ['insert into t (body) values (?)…', 50],
        ['select count(*) as n from t', 1],
        ['select * from t where id in (?…)', 1],
        ['create table t (id integer primary key, body text)', 1],
      ]),
    );
    expect(top).toHaveLength(4);
    expect(top.every((t) => t.totalUs > 0)).toBe(true);
    expect([...top].sort((a, b) => b.totalUs - a.totalUs)).toEqual(top);
    expect(timings.report()).toMatch(/^SQLite statements: \d+ ms in all\n.* 50 × .*insert into t \(body\) values/s);
    timings.reset();
    expect(timings.top(10)).toEqual([]);
  });
});
