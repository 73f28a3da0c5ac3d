import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Numbers owned by other parts and read on scrape: each part sets its reader once it exists
 * (the gateway its subscriptions, the PostgreSQL store its pool, the outbox its depth).
 */
export interface MetricReaders {
  subscriptions?: () => { topics: number; subscriptions: number };
  dbPool?: () => { waiting: number; idle: number; total: number };
  outboxDepth?: () => Promise<number>;
}

/** How long a scrape waits for the outbox count before answering with the previous one. */
const OUTBOX_READ_WAIT_MS = 500;

/** Sub-millisecond to seconds: a send is a group commit away, a fan-out a bus hop. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * How late the event loop ran a 10 ms timer (event-loop-delay.ts): a healthy node stays under a
 * few ms, a stall of a second shows in the top buckets.
 */
export const EVENT_LOOP_DELAY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** Prometheus metrics, served at GET /metrics. One registry per server instance; deploy/grafana/confab.json graphs them. */
export function createMetrics() {
  const registry = new Registry();
  // Event-loop lag (nodejs_eventloop_lag_*), heap, GC, handles: prom-client's default collectors.
  collectDefaultMetrics({ register: registry });
  const readers: MetricReaders = {};
  let outboxRead: Promise<unknown> | undefined;
  const registers = [registry];
  return {
    registry,
    readers,
    messagesStored: new Counter({ name: 'confab_messages_stored_total', help: 'Messages committed', registers }),
    commitBatches: new Counter({ name: 'confab_commit_batches_total', help: 'Group-commit transactions', registers }),
    // SQLite only: where the write-ahead log was flushed (store/sqlite/wal-sync.ts).
    walFlushes: new Counter({
      name: 'confab_sqlite_wal_flushes_total',
      help: 'fdatasync calls of the SQLite write-ahead log, on libuv pool threads or on the event loop (one client alone served)',
      labelNames: ['on'] as const,
      registers,
    }),
    // End-to-end encryption (issue 39): what devices could not decrypt, as they report it (counts and reasons, never content).
    decryptFailures: new Counter({
      name: 'confab_decrypt_failures_total',
      help: 'MLS messages member devices reported they could not decrypt',
      labelNames: ['reason'] as const,
      registers,
    }),
    sockets: new Gauge({ name: 'confab_websockets_open', help: 'Open WebSocket connections', registers }),
    framesDelivered: new Counter({ name: 'confab_ws_frames_delivered_total', help: 'Event frames written to sockets', registers }),
    gapFills: new Counter({
      name: 'confab_ws_gap_fills_total',
      help: "Gaps in a socket's conversation the node filled from the event log (live events the bus lost)",
      registers,
    }),
    busPublishFailures: new Counter({
      name: 'confab_bus_publish_failures_total',
      help: 'Events the bus could not publish (broker unreachable); clients recover them by resuming',
      registers,
    }),
    busResyncs: new Counter({
      name: 'confab_bus_resyncs_total',
      help: 'Times the bus told consumers events may have been missed',
      registers,
    }),
    busReconnects: new Counter({
      name: 'confab_bus_reconnects_total',
      help: "Times the bus's subscriber came (back) with topics to catch up on: after a dropped connection, or Redis down at start; each resyncs",
      registers,
    }),
    sendAckSeconds: new Histogram({
      name: 'confab_ws_send_ack_seconds',
      help: 'From a message.send frame parsed to its ack written: validation, group commit, answer',
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    fanOutSeconds: new Histogram({
      name: 'confab_fanout_latency_seconds',
      help: "From a message's createdAt (taken at send) to this node writing it to its sockets: commit, bus and fan-out; once per message per node",
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    eventLoopDelay: new Histogram({
      name: 'confab_event_loop_delay_seconds',
      help: 'How late a 10 ms timer ran: each stall of the event loop is one sample of its length (sum it over any window, unlike nodejs_eventloop_lag_p99_seconds)',
      buckets: EVENT_LOOP_DELAY_BUCKETS,
      registers,
    }),
    gapsClosedByBus: new Counter({
      name: 'confab_ws_gaps_closed_by_bus_total',
      help: "Gaps in a socket's conversation that the bus closed while they waited (events arriving out of order), with no log read",
      registers,
    }),
    liveCheckRepairs: new Counter({
      name: 'confab_live_check_repairs_total',
      help: 'Conversations in which the live check found sockets behind (events the bus never delivered), then filled from the log',
      registers,
    }),
    rateLimitTrips: new Counter({
      name: 'confab_rate_limit_trips_total',
      help: 'Requests and frames refused by a rate limit, by limit',
      labelNames: ['limit'],
      registers,
    }),
    subscriptions: new Gauge({
      name: 'confab_ws_subscriptions',
      help: "Socket subscriptions to bus topics on this node (a socket listens to its user's topic and each of its conversations')",
      registers,
      collect() {
        this.set(readers.subscriptions?.().subscriptions ?? 0);
      },
    }),
    busTopics: new Gauge({
      name: 'confab_bus_topics',
      help: 'Bus topics this node is subscribed to',
      registers,
      collect() {
        this.set(readers.subscriptions?.().topics ?? 0);
      },
    }),
    dbPool: new Gauge({
      name: 'confab_db_pool_connections',
      help: 'PostgreSQL pool: `waiting` is queries queued for a connection (all busy). No series on SQLite (one writer, no pool)',
      labelNames: ['state'],
      registers,
      collect() {
        const pool = readers.dbPool?.();
        if (!pool) return;
        for (const state of ['waiting', 'idle', 'total'] as const) this.set({ state }, pool[state]);
      },
    }),
    outboxDepth: new Gauge({
      name: 'confab_outbox_pending',
      help: 'Webhook and push deliveries waiting in the outbox (counted on scrape)',
      registers,
      async collect() {
        if (!readers.outboxDepth) return;
        // One count at a time, and a database that is slow or away does not hold the scrape up: the last value stands.
        outboxRead ??= readers
          .outboxDepth()
          .then((depth) => this.set(depth))
          .catch(() => {})
          .finally(() => (outboxRead = undefined));
        await Promise.race([outboxRead, new Promise((resolve) => setTimeout(resolve, OUTBOX_READ_WAIT_MS).unref())]);
      },
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
