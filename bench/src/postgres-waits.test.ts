import { describe, expect, it } from 'vitest';
import { statementOf } from './postgres-waits.js';

describe('statementOf (what a PostgreSQL session is in, by verb and table)', () => {
  it('names the verb and the table, and a locking read as such', () => {
    expect(statementOf('select "id", "last_seq" from "conversations" where "id" in ($1, $2) order by "id" for update', true)).toBe(
      'select … from conversations for update',
    );
    expect(statementOf('select * from "messages" where (sender_id, client_id) in (values ($1, $2))', false)).toBe('select … from messages');
    expect(statementOf('insert into "events" ("pos") values ($1)', false)).toBe('insert into events');
    expect(statementOf('update "stream_head" set "pos" = "pos" + $1', false)).toBe('update stream_head');
    expect(statementOf('delete from "node_reports" where "reported_at" < $1', false)).toBe('delete from node_reports');
    expect(statementOf('BEGIN', false)).toBe('begin');
    expect(
      statementOf(
        'with locked as materialized (select id from conversations where id in ($1) order by id for update) update conversations set',
        false,
      ),
    ).toBe('with … from conversations for update, then a write');
  });
});
