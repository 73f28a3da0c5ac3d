import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { guaranteedStore, plainStore } from './peer-store.js';

// The peer with Confab's guarantees is only a fair yardstick if it keeps them: checked here.
describe("the Socket.IO peer's store", () => {
  const open: Database.Database[] = [];
  const database = () => {
    const db = new Database(':memory:');
    open.push(db);
    return db;
  };
  afterEach(() => {
    for (const db of open.splice(0)) db.close();
  });

  it('as written: stores every send as a new row, client id or not', () => {
    const store = plainStore(database());
    const first = store('ann', 'bob', 'c1', 'hello');
    const again = store('ann', 'bob', 'c1', 'hello');
    expect([first.fresh, again.fresh]).toEqual([true, true]);
    expect(again.message.id).toBe(first.message.id + 1);
  });

  it('with the guarantees: a repeated client id answers the stored message and stores nothing', () => {
    const db = database();
    const store = guaranteedStore(db);
    const first = store('ann', 'bob', 'c1', 'hello');
    const again = store('ann', 'bob', 'c1', 'hello, edited in flight');
    expect(first.fresh).toBe(true);
    expect(again).toEqual({
      fresh: false,
      message: { ...first.message, pos: undefined, body: 'hello' },
    });
    expect(db.prepare('select count(*) from messages').pluck().get()).toBe(1);
    expect(db.prepare('select count(*) from events').pluck().get()).toBe(1);
    // Client ids are the sender's own: another sender may use the same one.
    expect(store('bob', 'ann', 'c1', 'hi').fresh).toBe(true);
  });

  it('with the guarantees: numbers each DM from 1 without gaps, whichever side sends', () => {
    const store = guaranteedStore(database());
    const seqs = (pairs: [string, string][]) => pairs.map(([from, to], i) => store(from, to, `c${i}-${from}`, 'x').message);
    const messages = seqs([
      ['ann', 'bob'],
      ['bob', 'ann'],
      ['ann', 'cat'],
      ['ann', 'bob'],
      ['cat', 'ann'],
    ]);
    expect(messages.map((m) => [m.conversationId, m.seq])).toEqual([
      [1, 1],
      [1, 2],
      [2, 1],
      [1, 3],
      [2, 2],
    ]);
  });

  it('with the guarantees: logs each new message as its frame, by increasing position', () => {
    const db = database();
    const store = guaranteedStore(db);
    const sent = [store('ann', 'bob', 'a', 'one'), store('bob', 'ann', 'b', 'two')].map((s) => s.message);
    expect(sent.map((m) => m.pos)).toEqual([1, 2]);
    const log = db.prepare('select pos, conversation_id as conversationId, payload from events order by pos').all() as {
      pos: number;
      conversationId: number;
      payload: string;
    }[];
    expect(log.map((e) => ({ pos: e.pos, conversationId: e.conversationId, ...JSON.parse(e.payload) }))).toEqual(
      sent.map((m) => ({ ...m, pos: m.pos })),
    );
  });

  it('with the guarantees: a send that fails stores nothing of itself', () => {
    const db = database();
    const store = guaranteedStore(db);
    store('ann', 'bob', 'a', 'one');
    db.exec(`create trigger refuse before insert on events begin select raise(abort, 'disk full'); end`);
    expect(() => store('ann', 'bob', 'b', 'two')).toThrow(/disk full/);
    db.exec('drop trigger refuse');
    // The seq the failed send reserved was rolled back with it: the next message takes it.
    expect(store('ann', 'bob', 'c', 'three').message.seq).toBe(2);
    expect(db.prepare('select count(*) from messages').pluck().get()).toBe(2);
  });
});
