/**
 * The Socket.IO peer's storage (socketio-peer-server.ts): the table a hand-written server keeps,
 * and (`GUARANTEES=1`) the least it must keep to make Confab's promises on the send path.
 */
import type Database from 'better-sqlite3';

export interface PeerMessage {
  id: number;
  senderId: string;
  recipientId: string;
  body: string;
  createdAt: number;
  /** With `GUARANTEES=1`: the sender's id for the send, the DM, its place in the DM, and its frame's place in the log. */
  clientId?: string;
  conversationId?: number;
  seq?: number;
  pos?: number;
}

/** Stores a message; `fresh` is false when the sender's client id was stored before (nothing new to deliver). */
export type Store = (senderId: string, to: string, clientId: string, body: string) => { message: PeerMessage; fresh: boolean };

/** The peer as written: one row, no client id, no order of its own beyond the row id. */
export function plainStore(db: Database.Database): Store {
  db.exec(`
    create table if not exists messages (
      id integer primary key autoincrement,
      sender_id text not null,
      recipient_id text not null,
      body text not null,
      created_at integer not null
    );
    create index if not exists messages_pair on messages (sender_id, recipient_id, id);
  `);
  const insert = db.prepare<[string, string, string, number], { id: number }>(
    'insert into messages (sender_id, recipient_id, body, created_at) values (?, ?, ?, ?) returning id',
  );
  return (senderId, to, _clientId, body) => {
    const createdAt = Date.now();
    const { id } = insert.get(senderId, to, body, createdAt)!;
    return { message: { id, senderId, recipientId: to, body, createdAt }, fresh: true };
  };
}

/**
 * `GUARANTEES=1`: the idempotency key, the DM's gap-free seq and the log by position, in one
 * immediate transaction: the DM found (made on its first message) and its seq reserved by one
 * upsert, the message row with its two unique indexes, the frame appended to the log.
 */
export function guaranteedStore(db: Database.Database): Store {
  db.exec(`
    create table if not exists conversations (
      id integer primary key,
      user_a text not null,
      user_b text not null,
      last_seq integer not null,
      unique (user_a, user_b)
    );
    create table if not exists messages (
      id integer primary key autoincrement,
      conversation_id integer not null references conversations (id),
      seq integer not null,
      sender_id text not null,
      client_id text not null,
      body text not null,
      created_at integer not null
    );
    create unique index if not exists messages_history on messages (conversation_id, seq);
    create unique index if not exists messages_client on messages (sender_id, client_id);
    create table if not exists events (pos integer primary key autoincrement, conversation_id integer not null, payload text not null);
    create index if not exists events_resume on events (conversation_id, pos);
  `);
  const stored = db.prepare<[string, string], { id: number; conversationId: number; seq: number; body: string; createdAt: number }>(
    'select id, conversation_id as conversationId, seq, body, created_at as createdAt from messages where sender_id = ? and client_id = ?',
  );
  const reserveSeq = db.prepare<[string, string], { id: number; last_seq: number }>(
    'insert into conversations (user_a, user_b, last_seq) values (?, ?, 1) ' +
      'on conflict (user_a, user_b) do update set last_seq = last_seq + 1 returning id, last_seq',
  );
  const insert = db.prepare<[number, number, string, string, string, number], { id: number }>(
    'insert into messages (conversation_id, seq, sender_id, client_id, body, created_at) values (?, ?, ?, ?, ?, ?) returning id',
  );
  const log = db.prepare<[number, string], { pos: number }>('insert into events (conversation_id, payload) values (?, ?) returning pos');
  const store = db.transaction((senderId: string, to: string, clientId: string, body: string) => {
    const before = stored.get(senderId, clientId);
    if (before) return { message: { ...before, senderId, recipientId: to, clientId }, fresh: false };
    const [a, b] = senderId < to ? [senderId, to] : [to, senderId];
    const { id: conversationId, last_seq: seq } = reserveSeq.get(a, b)!;
    const createdAt = Date.now();
    const { id } = insert.get(conversationId, seq, senderId, clientId, body, createdAt)!;
    const message: PeerMessage = { id, senderId, recipientId: to, body, createdAt, clientId, conversationId, seq };
    // The log holds the frame as delivered, its position the one a reconnecting client names.
    message.pos = log.get(conversationId, JSON.stringify(message))!.pos;
    return { message, fresh: true };
  });
  return (senderId, to, clientId, body) => store.immediate(senderId, to, clientId, body);
}
