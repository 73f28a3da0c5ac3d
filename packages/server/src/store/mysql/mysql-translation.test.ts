import { describe, expect, it } from 'vitest';
import { mysqlText } from './mysql-translation.js';

describe('SQL written as text, as MySQL and MariaDB read it', () => {
  it('matches row values against a list of rows, which MySQL 8 and MariaDB both read (not `values (…)`, MariaDB’s alone)', () => {
    expect(mysqlText('select * from "messages" where (sender_id, client_id) in (values (?, ?), (?, ?))')).toBe(
      'select * from "messages" where (sender_id, client_id) in ((?, ?), (?, ?))',
    );
    // A fragment of a sql`` template, the rows bound after it.
    expect(mysqlText('(conversation_id, user_id) in (values ')).toBe('(conversation_id, user_id) in (');
    // Only a table value constructor: a column or a word that merely starts so is left alone.
    expect(mysqlText("select 'in (values are kept)' as a")).toBe("select 'in (values are kept)' as a");
  });

  it('casts to signed and doubles the escape backslash, as before', () => {
    expect(mysqlText("cast(x as bigint) like ? escape '\\'")).toBe("cast(x as signed) like ? escape '\\\\'");
  });
});
