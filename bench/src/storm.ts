import { type ChannelEvents, type SendChannel, drain } from './channel.js';
import type { Measurement, Resources } from './measurement.js';
import { type ClientKind, openSocket } from './sockets.js';
import { StormClient, ackSeq } from './storm-client.js';
import { ConversationAcks, type StormResult, integrity, timings } from './storm-result.js';
import { Samples, mapPool, round, sleep, summarize } from './stats.js';

export interface StormOptions {
  client: ClientKind;
  /** Offered messages/s over all conversations, round-robin, for the whole phase. */
  rate: number;
  /** Messages flow this long before the disconnect. */
  warmupMs: number;
  /** From the disconnect to the start of the reconnect (0: at once). */
  outageMs: number;
  /** The sender stops this long after the reconnect starts. */
  senderAfterReconnectMs: number;
  /** Connection attempts in flight during the reconnect; 0: every client at once. */
  reconnectConcurrency: number;
  /** Handshakes in flight for the first connection (set-up, not measured). */
  connectConcurrency: number;
  /** From the disconnect: clients not caught up by then count their missing messages as lost. */
  catchUpTimeoutMs: number;
}

export interface StormTarget {
  /** One entry per client: its conversation (it is in no other that gets messages). */
  conversationIds: readonly string[];
  /** The client's WebSocket URL, resuming after `since` when given. */
  url(index: number, since: string | undefined): string;
  /** One sender per conversation, a member of it, never disconnected. */
  senders: readonly SendChannel[];
}

/**
 * Reconnect storm: clients hold sockets while messages flow at a fixed rate; all of them are
 * dropped at once and reconnect at once, resuming from their cursors, while messages keep
 * flowing. Measures how long until every client is back and holds every acknowledged message,
 * and counts what was lost or delivered twice.
 */
export async function runStorm(
  target: StormTarget,
  options: StormOptions,
  startMeasurement: () => Promise<Measurement>,
): Promise<StormResult> {
  const storm = new Storm(target, options);
  try {
    const started = performance.now();
    await mapPool(storm.clients, options.connectConcurrency, (client) => storm.connect(client));
    const firstConnectSec = round((performance.now() - started) / 1000, 2);
    await storm.settle();
    return { firstConnectSec, ...(await storm.run(startMeasurement)) };
  } finally {
    await storm.close();
  }
}

class Storm {
  readonly clients: StormClient[];
  private readonly conversations: Map<string, ConversationAcks>;
  private readonly sendErrors: Record<string, number> = {};
  private readonly ackLatency = { steady: new Samples(), storm: new Samples() };
  private disconnectAt = Infinity;
  private presenceBeforeStorm = 0;
  /** Connection attempts give up at this time (performance.now()). */
  private deadline = performance.now() + 120_000;
  private stopping = false;

  constructor(
    private readonly target: StormTarget,
    private readonly options: StormOptions,
  ) {
    this.clients = target.conversationIds.map((id, i) => new StormClient(i, id));
    this.conversations = new Map(target.conversationIds.map((id) => [id, new ConversationAcks()]));
    const events: ChannelEvents = {
      ack: (channel, sentAt, now, data) => {
        (sentAt < this.disconnectAt ? this.ackLatency.steady : this.ackLatency.storm).push(now - sentAt);
        const conversation = this.conversations.get(channel.conversationId);
        const seq = ackSeq(data);
        if (conversation && Number.isFinite(seq) && conversation.acks.record(seq, now) === 1) conversation.seqs.push(seq);
      },
      error: (_channel, code) => {
        this.sendErrors[code] = (this.sendErrors[code] ?? 0) + 1;
      },
    };
    for (const sender of target.senders) sender.events = events;
  }

  /** Connects, resuming from the client's cursor once it has one; retries with backoff until the deadline. */
  async connect(client: StormClient): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      client.beginAttempt();
      try {
        const socket = await openSocket(this.target.url(client.index, client.cursor), this.options.client, {
          timeoutMs: Math.max(1000, Math.min(30_000, this.deadline - performance.now())),
          onFrame: client.onFrame,
        });
        client.socket = socket;
        socket.onClose = () => {
          // Not closed by the bench: a real client reconnects and resumes, and so does this one.
          client.socket = null;
          client.unexpectedCloses += 1;
          if (!this.stopping) this.connect(client).catch(() => {});
        };
        return;
      } catch (error) {
        client.failedAttempts += 1;
        if (this.stopping || performance.now() >= this.deadline) throw error;
        await sleep(Math.min(2000, 100 * 2 ** attempt) * (0.5 + Math.random() / 2));
      }
    }
  }

  /**
   * The server announces each connection to the user's contacts after its `ready`, so it is still
   * busy when the last client is ready: wait until those announcements stop arriving (bounded),
   * so the steady window measures the message flow alone.
   */
  async settle(quietMs = 500, maxMs = 30_000): Promise<void> {
    const until = performance.now() + maxMs;
    let last = -1;
    let quietSince = performance.now();
    while (performance.now() < until) {
      const seen = this.clients.reduce((n, c) => n + c.presenceFrames, 0);
      if (seen !== last) {
        last = seen;
        quietSince = performance.now();
      } else if (performance.now() - quietSince >= quietMs) return;
      await sleep(50);
    }
  }

  async run(startMeasurement: () => Promise<Measurement>): Promise<Omit<StormResult, 'firstConnectSec'>> {
    const steadyMeasurement = await startMeasurement();
    const sender = startSender(this.target.senders, this.options.rate);
    try {
      await sleep(this.options.warmupMs);
      const steady = await steadyMeasurement.stop();
      const stormMeasurement = await startMeasurement();
      const disconnectAt = performance.now();
      this.disconnectAt = disconnectAt;
      this.presenceBeforeStorm = this.clients.reduce((n, c) => n + c.presenceFrames, 0);
      this.deadline = disconnectAt + this.options.catchUpTimeoutMs;
      const reconnected = await this.disconnectAndReconnect();
      await sleep(Math.max(0, reconnected.startedAt + this.options.senderAfterReconnectMs - performance.now()));
      const sends = sender.stop();
      const senderStoppedAt = performance.now();
      const unacknowledged = await drain(this.target.senders, Math.max(1000, this.deadline - performance.now()));
      for (const conversation of this.conversations.values()) conversation.seqs.sort((a, b) => a - b);
      const backAgain = await reconnected.done;
      await this.waitUntilCaughtUp();
      const storm = await stormMeasurement.stop();
      const neverReconnected = backAgain.filter((ok) => !ok).length;
      return this.result({ sends, unacknowledged, disconnectAt, senderStoppedAt, neverReconnected, steady, storm });
    } finally {
      sender.stop();
    }
  }

  async close(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.clients.map((c) => {
        if (!c.socket) return;
        c.socket.onClose = () => {};
        return c.socket.close(2000);
      }),
    );
  }

  /** Drops every client's connection without a close frame, then reconnects them all. */
  private async disconnectAndReconnect(): Promise<{ startedAt: number; done: Promise<boolean[]> }> {
    for (const client of this.clients) {
      if (!client.socket) continue;
      client.socket.onClose = () => {};
      client.socket.terminate();
      client.socket = null;
    }
    if (this.options.outageMs > 0) await sleep(this.options.outageMs);
    const startedAt = performance.now();
    const concurrency = this.options.reconnectConcurrency > 0 ? this.options.reconnectConcurrency : this.clients.length;
    const done = mapPool(this.clients, concurrency, (client) =>
      this.connect(client).then(
        () => true,
        () => false,
      ),
    );
    return { startedAt, done };
  }

  /** Polls until every client holds every acknowledged message of its conversation, or the deadline. */
  private async waitUntilCaughtUp(): Promise<void> {
    const holdsAll = (client: StormClient, acked: readonly number[]) => acked.every((seq) => client.seqs.has(seq));
    while (performance.now() < this.deadline) {
      for (const client of this.clients) {
        const acked = this.conversations.get(client.conversationId)!.seqs;
        if (!client.caughtUp && client.seqs.distinct >= acked.length) client.caughtUp = holdsAll(client, acked);
      }
      if (this.clients.every((c) => c.caughtUp)) return;
      await sleep(20);
    }
  }

  private result(run: {
    sends: number;
    unacknowledged: number;
    disconnectAt: number;
    senderStoppedAt: number;
    neverReconnected: number;
    steady: Resources;
    storm: Resources;
  }): Omit<StormResult, 'firstConnectSec'> {
    const { clients, conversations } = this;
    const sum = (f: (c: StormClient) => number) => clients.reduce((n, c) => n + f(c), 0);
    return {
      clients: clients.length,
      conversations: conversations.size,
      offeredPerSec: this.options.rate,
      outageSec: round(this.options.outageMs / 1000),
      sends: run.sends,
      acked: [...conversations.values()].reduce((n, c) => n + c.seqs.length, 0),
      unacknowledged: run.unacknowledged,
      sendErrors: this.sendErrors,
      ackLatencyMs: { steady: summarize(this.ackLatency.steady), storm: summarize(this.ackLatency.storm) },
      presenceFramesInStorm: sum((c) => c.presenceFrames) - this.presenceBeforeStorm,
      senderStoppedMs: round(run.senderStoppedAt - run.disconnectAt, 1),
      ...timings(clients, conversations, run.disconnectAt),
      eventsReplayed: sum((c) => c.replayed),
      replayedPerClientMax: clients.reduce((n, c) => Math.max(n, c.replayed), 0),
      ...integrity(clients, conversations),
      resets: sum((c) => c.resets),
      failedAttempts: sum((c) => c.failedAttempts),
      unexpectedCloses: sum((c) => c.unexpectedCloses),
      neverReconnected: run.neverReconnected,
      steady: run.steady,
      storm: run.storm,
    };
  }
}

/**
 * Open loop: sends at `rate`/s on a timer, round-robin over the senders, whatever the answers.
 * `stop()` ends it and returns how many were sent.
 */
function startSender(senders: readonly SendChannel[], rate: number): { stop(): number } {
  const interval = 1000 / rate;
  const t0 = performance.now();
  let issued = 0;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    const due = Math.floor((performance.now() - t0) / interval) + 1;
    while (issued < due) senders[issued++ % senders.length]!.send(performance.now());
    timer = setTimeout(tick, Math.max(0, t0 + issued * interval - performance.now()));
  };
  tick();
  return {
    stop() {
      clearTimeout(timer);
      return issued;
    },
  };
}
