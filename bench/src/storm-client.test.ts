import { describe, expect, it } from 'vitest';
import { SeqRecord, StormClient, ackSeq, readCreated } from './storm-client.js';

const message = (conversationId: string, seq: number) => ({
  id: `m${seq}`,
  conversationId,
  seq,
  senderId: 'u1',
  clientId: `s-0-${seq}`,
  body: `s0.${seq} xxxx`,
  createdAt: '2026-01-01T00:00:00.000Z',
});
const created = (conversationId: string, seq: number, pos: number, prev: number) =>
  Buffer.from(JSON.stringify({ type: 'message.created', message: message(conversationId, seq), pos, prev }));
const ready = (cursor: string, reset: string | null = null) =>
  Buffer.from(JSON.stringify({ type: 'ready', userId: 'u2', connectionId: 'c', cursor, reset, heads: {} }));

describe('readCreated', () => {
  it('reads the fields of the frame the server writes, as JSON.parse would', () => {
    expect(readCreated(created('c1', 42, 1234, 1200))).toEqual({ conversationId: 'c1', seq: 42, pos: 1234, prev: 1200 });
  });

  it('does not depend on the order of the keys', () => {
    const frame = Buffer.from(JSON.stringify({ type: 'message.created', pos: 9, prev: 0, message: message('c2', 1) }));
    expect(readCreated(frame)).toEqual({ conversationId: 'c2', seq: 1, pos: 9, prev: 0 });
  });

  it('leaves other frames to the JSON path', () => {
    expect(readCreated(ready('ab.1'))).toBeNull();
    expect(readCreated(Buffer.from('{"type":"message.created","pos":3}'))).toBeNull();
  });
});

describe('ackSeq', () => {
  it('reads the stored message seq of an ack', () => {
    expect(ackSeq(Buffer.from(JSON.stringify({ type: 'ack', id: '7', message: message('c1', 17) })))).toBe(17);
    expect(ackSeq(Buffer.from('{"type":"ack","id":"7"}'))).toBeNaN();
  });
});

describe('SeqRecord', () => {
  it('keeps the first arrival and counts the repeats, growing past its first size', () => {
    const record = new SeqRecord();
    expect(record.record(3, 10)).toBe(1);
    expect(record.record(3, 20)).toBe(2);
    expect(record.record(1000, 30)).toBe(1);
    expect(record.timeOf(3)).toBe(10);
    expect(record.timeOf(1000)).toBe(30);
    expect(record.timeOf(4)).toBeNaN();
    expect(record).toMatchObject({ distinct: 2, duplicates: 1, maxSeq: 1000 });
  });
});

describe('StormClient', () => {
  it('resumes from the last position received, counts replay, duplicates and prev-chain breaks', () => {
    const client = new StormClient(0, 'c1');
    expect(client.cursor).toBeUndefined();
    client.beginAttempt();
    client.onFrame(ready('ab.10'));
    client.onFrame(created('c1', 1, 11, 10));
    client.onFrame(created('c9', 1, 12, 0)); // another conversation: moves the cursor only
    client.onFrame(created('c1', 2, 13, 11));
    expect(client.cursor).toBe('ab.13');
    expect(client.replayed).toBe(0);

    client.beginAttempt(); // the resumed connection: its replay comes before `ready`
    client.onFrame(created('c1', 2, 13, 11)); // a duplicate
    client.onFrame(created('c1', 4, 15, 14)); // seq 3 missing: prev names pos 14, not 13
    client.onFrame(ready('ab.15'));
    expect(client.replayed).toBe(2);
    expect(client.seqs).toMatchObject({ distinct: 3, duplicates: 1 });
    expect(client.seqs.has(3)).toBe(false);
    expect(client.chainBreaks).toBe(2);
    expect(client.outOfOrder).toBe(0);
    expect(client.resets).toBe(0);
    expect(client.cursor).toBe('ab.15');
  });

  it('counts a ready that could not resume', () => {
    const client = new StormClient(0, 'c1');
    client.onFrame(ready('ab.5'));
    client.onFrame(ready('cd.7', 'epoch_mismatch'));
    expect(client.resets).toBe(1);
    expect(client.cursor).toBe('cd.7');
  });
});
