import { describe, expect, it } from 'vitest';
import { canonical, parentsFirst } from './store-copy.js';

describe('copying a store', () => {
  it('spells a value one way whatever the driver answered', () => {
    expect(canonical(12)).toBe(canonical('12')); // a BIGINT as a number (pg, SQLite) or as text (mysql2)
    expect(canonical('{"b":1,"a":[2,{"d":3,"c":4}]}')).toBe(canonical({ a: [2, { c: 4, d: 3 }], b: 1 })); // MySQL 8's JSON, parsed and reordered
    expect(canonical(null)).not.toBe(canonical('null'));
    expect(canonical('{not json')).toBe('value:{not json');
    expect(canonical(Buffer.from([1, 255]))).toBe('bytes:01ff');
  });

  it('orders tables after the tables they reference, and refuses a cycle', () => {
    const t = (name: string, references: string[] = []) => ({ name, references });
    const order = parentsFirst([
      t('a_attachments', ['messages', 'uploads']),
      t('messages', ['users']),
      t('uploads', ['users']),
      t('users'),
      t('blocks'),
    ]);
    expect(order.map((x) => x.name)).toEqual(['users', 'messages', 'uploads', 'a_attachments', 'blocks']);
    expect(() => parentsFirst([t('x', ['y']), t('y', ['x'])])).toThrow(/cycle: x → y → x/);
  });
});
