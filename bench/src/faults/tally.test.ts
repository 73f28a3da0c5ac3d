import { describe, expect, it } from 'vitest';
import { type Ack, type Arrival, tally } from './tally.js';

const ack = (seq: number, at: number, clientId = `c${seq}`, messageId = `m${seq}`): Ack => ({ clientId, messageId, seq, at });
const arrivals = (...pairs: [number, number][]): Arrival[] => pairs.map(([seq, at]) => ({ seq, at }));
const stored = (...seqs: number[]) => seqs.map((seq) => ({ seq, clientId: `c${seq}` }));

describe('tally', () => {
  it('a clean run: nothing lost, duplicated or out of order; recovery when the first later message reached everyone', () => {
    const result = tally({
      acks: [ack(1, 10), ack(2, 20), ack(3, 120)],
      stored: stored(1, 2, 3),
      receivers: [
        { name: 'a', arrivals: arrivals([1, 11], [2, 21], [3, 121]) },
        { name: 'b', arrivals: arrivals([1, 12], [2, 60], [3, 130]) },
      ],
      recoveryFrom: 50,
    });
    // b got seq 2 (acknowledged before the fault) at 60; seq 3 reached the last receiver at 130.
    expect(result).toEqual({ acknowledged: 3, lost: 0, duplicated: 0, outOfOrder: 0, recoveryMs: 80, missing: [] });
  });

  it('counts a message missing at one receiver as lost, once, and names it', () => {
    const result = tally({
      acks: [ack(1, 10), ack(2, 20), ack(3, 30)],
      stored: stored(1, 2, 3),
      receivers: [
        { name: 'a', arrivals: arrivals([1, 11], [3, 31]) },
        { name: 'b', arrivals: arrivals([1, 11], [3, 31]) },
      ],
      recoveryFrom: 5,
    });
    expect(result.lost).toBe(1);
    expect(result.missing).toEqual([
      { receiver: 'a', seqs: [2] },
      { receiver: 'b', seqs: [2] },
    ]);
  });

  it('counts an acknowledged message missing from the history as lost (a write that did not survive)', () => {
    const result = tally({ acks: [ack(1, 10), ack(2, 20)], stored: stored(1), receivers: [], recoveryFrom: 0 });
    expect(result.lost).toBe(1);
  });

  it('counts a message delivered twice, and a clientId stored twice, as duplicated', () => {
    const twiceDelivered = tally({
      acks: [ack(1, 10), ack(2, 20)],
      stored: stored(1, 2),
      receivers: [{ name: 'a', arrivals: arrivals([1, 11], [2, 21], [2, 40]) }],
      recoveryFrom: 0,
    });
    expect(twiceDelivered.duplicated).toBe(1);
    // A retry with the same clientId that the server stored again (another id, another seq).
    const storedTwice = tally({
      acks: [ack(1, 10, 'same', 'm1'), ack(2, 20, 'same', 'm2')],
      stored: [
        { seq: 1, clientId: 'same' },
        { seq: 2, clientId: 'same' },
      ],
      receivers: [{ name: 'a', arrivals: arrivals([1, 11], [2, 21]) }],
      recoveryFrom: 0,
    });
    expect(storedTwice.duplicated).toBe(2);
  });

  it('counts first deliveries below the highest seq as out of order, not the duplicates', () => {
    const result = tally({
      acks: [ack(1, 1), ack(2, 2), ack(3, 3)],
      stored: stored(1, 2, 3),
      receivers: [{ name: 'a', arrivals: arrivals([1, 5], [3, 6], [2, 7], [3, 8]) }],
      recoveryFrom: 0,
    });
    expect(result.outOfOrder).toBe(1);
    expect(result.duplicated).toBe(1);
    expect(result.lost).toBe(0);
  });

  it('has no recovery time when nothing acknowledged after the fault reached everyone, or an earlier message never did', () => {
    const nothingAfter = tally({
      acks: [ack(1, 10)],
      stored: stored(1),
      receivers: [{ name: 'a', arrivals: arrivals([1, 11]) }],
      recoveryFrom: 50,
    });
    expect(nothingAfter.recoveryMs).toBeNull();
    const earlierMissing = tally({
      acks: [ack(1, 10), ack(2, 100)],
      stored: stored(1, 2),
      receivers: [{ name: 'a', arrivals: arrivals([2, 101]) }],
      recoveryFrom: 50,
    });
    expect(earlierMissing.recoveryMs).toBeNull();
    expect(earlierMissing.lost).toBe(1);
  });

  it('does not take a message delivered before the fault, acknowledged after it (a retried send), for recovery', () => {
    const result = tally({
      acks: [ack(1, 10), ack(2, 70), ack(3, 90)],
      stored: stored(1, 2, 3),
      receivers: [{ name: 'a', arrivals: arrivals([1, 11], [2, 40], [3, 95]) }],
      recoveryFrom: 50,
    });
    expect(result.recoveryMs).toBe(45);
  });

  it('ignores messages stored without an acknowledgement (a sender that gave up) and seqs nobody acknowledged', () => {
    const result = tally({
      acks: [ack(1, 10), ack(3, 100)],
      stored: stored(1, 2, 3),
      receivers: [{ name: 'a', arrivals: arrivals([1, 11], [2, 60], [3, 101]) }],
      recoveryFrom: 50,
    });
    expect(result).toMatchObject({ acknowledged: 2, lost: 0, duplicated: 0, outOfOrder: 0, recoveryMs: 51 });
  });
});
