/**
 * What a fault cost, counted from what the clients saw: the acknowledgements the senders got,
 * the messages as stored, and each receiver's arrivals (the `seq`s of one conversation's
 * `message.created` events, in the order they arrived). Pure, so it is unit-tested on its own.
 */
export interface Ack {
  clientId: string;
  messageId: string;
  seq: number;
  /** When the acknowledgement arrived (ms, any clock shared with the arrivals). */
  at: number;
}

export interface Arrival {
  seq: number;
  at: number;
}

export interface ReceiverLog {
  name: string;
  arrivals: readonly Arrival[];
}

export interface StoredMessage {
  seq: number;
  clientId: string;
}

export interface TallyInput {
  acks: readonly Ack[];
  /** The conversation's history as read back at the end. */
  stored: readonly StoredMessage[];
  receivers: readonly ReceiverLog[];
  /** Where "time to recover" counts from: the fault, or its end for faults that last on purpose. */
  recoveryFrom: number;
}

export interface Tally {
  /** Distinct messages acknowledged to a sender. */
  acknowledged: number;
  /** Acknowledged messages missing from the history or from at least one receiver. */
  lost: number;
  /** Acknowledged messages stored twice, or delivered twice to at least one receiver. */
  duplicated: number;
  /** Deliveries of a seq below one the receiver already had (first deliveries only). */
  outOfOrder: number;
  /**
   * From `recoveryFrom` until every receiver held every message acknowledged before it, and a
   * message acknowledged after it had reached every receiver after it; null if that never happened.
   */
  recoveryMs: number | null;
  /** Which receiver missed which seqs (for the failure report). */
  missing: { receiver: string; seqs: number[] }[];
}

export function tally(input: TallyInput): Tally {
  const { acks, stored, receivers, recoveryFrom } = input;
  const ackedSeq = new Map<number, number>(); // seq → first ack time
  const idsByClientId = new Map<string, Set<string>>();
  for (const ack of acks) {
    const ids = idsByClientId.get(ack.clientId) ?? new Set<string>();
    ids.add(ack.messageId);
    idsByClientId.set(ack.clientId, ids);
    const at = ackedSeq.get(ack.seq);
    if (at === undefined || ack.at < at) ackedSeq.set(ack.seq, ack.at);
  }

  const lostSeqs = new Set<number>();
  const duplicatedSeqs = new Set<number>();
  const storedSeqs = new Set(stored.map((m) => m.seq));
  for (const seq of ackedSeq.keys()) if (!storedSeqs.has(seq)) lostSeqs.add(seq);
  const storedByClientId = new Map<string, number[]>();
  for (const m of stored) storedByClientId.set(m.clientId, [...(storedByClientId.get(m.clientId) ?? []), m.seq]);
  for (const [clientId, ids] of idsByClientId) {
    const seqs = storedByClientId.get(clientId) ?? [];
    if (ids.size > 1 || seqs.length > 1) for (const ack of acks.filter((a) => a.clientId === clientId)) duplicatedSeqs.add(ack.seq);
  }

  let outOfOrder = 0;
  const missing: Tally['missing'] = [];
  const firstArrival = receivers.map((receiver) => {
    const first = new Map<number, number>();
    let max = 0;
    for (const { seq, at } of receiver.arrivals) {
      if (first.has(seq)) {
        if (ackedSeq.has(seq)) duplicatedSeqs.add(seq);
        continue;
      }
      first.set(seq, at);
      if (seq < max) outOfOrder += 1;
      max = Math.max(max, seq);
    }
    const gone = [...ackedSeq.keys()].filter((seq) => !first.has(seq)).sort((a, b) => a - b);
    for (const seq of gone) lostSeqs.add(seq);
    if (gone.length > 0) missing.push({ receiver: receiver.name, seqs: gone });
    return first;
  });

  return {
    acknowledged: ackedSeq.size,
    lost: lostSeqs.size,
    duplicated: duplicatedSeqs.size,
    outOfOrder,
    recoveryMs: recovery(ackedSeq, firstArrival, recoveryFrom),
    missing,
  };
}

function recovery(ackedSeq: Map<number, number>, firstArrival: readonly Map<number, number>[], from: number): number | null {
  /** When the last receiver got `seq`; undefined if one never did. */
  const everywhere = (seq: number): number | undefined => {
    let last = -Infinity;
    for (const first of firstArrival) {
      const at = first.get(seq);
      if (at === undefined) return undefined;
      last = Math.max(last, at);
    }
    return last;
  };
  let caughtUp = from;
  let firstAfter = Infinity;
  for (const [seq, ackedAt] of ackedSeq) {
    const at = everywhere(seq);
    if (ackedAt <= from) {
      if (at === undefined) return null;
      caughtUp = Math.max(caughtUp, at);
    } else if (at !== undefined && at > from) firstAfter = Math.min(firstAfter, at);
    // (A message delivered before the fault but acknowledged after it — its first ack was lost
    // with the connection, a retry fetched it — says nothing about recovery.)
  }
  if (firstAfter === Infinity) return null;
  return Math.max(caughtUp, firstAfter) - from;
}
