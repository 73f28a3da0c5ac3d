import { Connection } from 'mysql2';
import { afterAll, expect, it } from 'vitest';
import { Fixture, sendPlan } from '../conformance/fixtures.js';
import { createTestDatabase, mysqlService, requireService } from '../../../test/services.js';
import { openMysqlStore } from './mysql-store.js';

const describeMysql = await requireService(mysqlService);

describeMysql('round trips', () => {
  const seen: string[] = [];
  const original = Connection.prototype.query;
  afterAll(() => {
    Connection.prototype.query = original;
  });
  it('counts', async () => {
    const database = await createTestDatabase();
    const store = openMysqlStore(database.url, { poolSize: 2 });
    await store.migrate();
    const f = new Fixture();
    f.store = store;
    const a = await f.user('alice');
    const b = await f.user('bob');
    const { conversation: c } = await f.conversation('group', [a.id, b.id]);
    await f.append([f.msg(c.id, a.id, 'warm')]);
    Connection.prototype.query = function (this: Connection, ...args: unknown[]) {
      seen.push(String(typeof args[0] === 'string' ? args[0] : (args[0] as { sql: string }).sql).slice(0, 100));
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
    await f.append([f.msg(c.id, a.id, 'one'), f.msg(c.id, b.id, 'two'), f.msg(c.id, a.id, 'three')], sendPlan);
    Connection.prototype.query = original;
    console.log(seen.length, seen);
    expect(seen.length).toBeGreaterThan(0);
    await store.close();
    await database.drop();
  });
});
