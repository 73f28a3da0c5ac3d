import type { Resources } from './measurement.js';
import { SeqRecord, type StormClient } from './storm-client.js';
import { Samples, type Summary, round, summarize } from './stats.js';

// What a reconnect storm reports, and the scoring of what its clients received against what the
// senders had acknowledged: times from the drop, and every message lost or delivered twice.

export interface StormResult {
  /** The first connection of every client, `connectConcurrency` at a time (set-up, for comparison). */
  firstConnectSec: number;
  clients: number;
  conversations: number;
  offeredPerSec: number;
  outageSec: number;
  /** Sends issued, acknowledged and not (errors, or no answer within the drain timeout). */
  sends: number;
  acked: number;
  unacknowledged: number;
  sendErrors: Record<string, number>;
  /** Send→ack time of the messages sent before the disconnect, and of those sent from it on. */
  ackLatencyMs: { steady: Summary | null; storm: Summary | null };
  /** `presence` frames the clients received from the disconnect on (every reconnect is announced to the contacts online). */
  presenceFramesInStorm: number;
  /** Times from the disconnect (ms): the sender's stop, every client's `ready`, every client caught up. */
  senderStoppedMs: number;
  allReadyMs: number | null;
  allCaughtUpMs: number | null;
  /** Disconnect → the client's `ready` on its resumed connection. */
  readyMs: Summary | null;
  /** Disconnect → the client holds every message acknowledged before the sender stopped. */
  caughtUpMs: Summary | null;
  /** Disconnect → the client holds every message acknowledged before its own `ready`: the outage as it felt it. */
  recoveredMs: Summary | null;
  eventsReplayed: number;
  replayedPerClientMax: number;
  /** Acknowledged messages × the clients of their conversation: deliveries owed. */
  expectedDeliveries: number;
  lost: number;
  duplicates: number;
  outOfOrder: number;
  chainBreaks: number;
  resets: number;
  failedAttempts: number;
  unexpectedCloses: number;
  neverReconnected: number;
  /** Messages flowing, before the disconnect. */
  steady: Resources;
  /** From the disconnect until every client is caught up (or the timeout). */
  storm: Resources;
}

/** The conversation's acknowledged messages, by seq, with the time each ack arrived. */
export class ConversationAcks {
  readonly acks = new SeqRecord();
  /** The acked seqs, ascending once the run ends. */
  readonly seqs: number[] = [];
}

/** Per-client times from the disconnect, computed from when each seq first arrived. */
export function timings(clients: readonly StormClient[], conversations: ReadonlyMap<string, ConversationAcks>, disconnectAt: number) {
  const ready = new Samples(clients.length);
  const caughtUp = new Samples(clients.length);
  const recovered = new Samples(clients.length);
  for (const client of clients) {
    if (client.readyAt > disconnectAt) ready.push(client.readyAt - disconnectAt);
    const { acks, seqs } = conversations.get(client.conversationId)!;
    let all = disconnectAt;
    let beforeReady = disconnectAt;
    let complete = true;
    for (const seq of seqs) {
      const at = client.seqs.timeOf(seq);
      if (Number.isNaN(at)) complete = false;
      else {
        all = Math.max(all, at);
        if (acks.timeOf(seq) <= client.readyAt) beforeReady = Math.max(beforeReady, at);
      }
    }
    if (!complete) continue;
    caughtUp.push(all - disconnectAt);
    if (client.readyAt > disconnectAt) recovered.push(beforeReady - disconnectAt);
  }
  const allOf = (samples: Samples) => (samples.length === clients.length ? round(Math.max(...samples.values()), 1) : null);
  return {
    allReadyMs: allOf(ready),
    allCaughtUpMs: allOf(caughtUp),
    readyMs: summarize(ready),
    caughtUpMs: summarize(caughtUp),
    recoveredMs: summarize(recovered),
  };
}

/** Every acknowledged message of a client's conversation must have reached it exactly once. */
export function integrity(clients: readonly StormClient[], conversations: ReadonlyMap<string, ConversationAcks>) {
  let expectedDeliveries = 0;
  let lost = 0;
  for (const client of clients) {
    const { seqs } = conversations.get(client.conversationId)!;
    expectedDeliveries += seqs.length;
    for (const seq of seqs) if (!client.seqs.has(seq)) lost += 1;
  }
  return {
    expectedDeliveries,
    lost,
    duplicates: clients.reduce((n, c) => n + c.seqs.duplicates, 0),
    outOfOrder: clients.reduce((n, c) => n + c.outOfOrder, 0),
    chainBreaks: clients.reduce((n, c) => n + c.chainBreaks, 0),
  };
}
