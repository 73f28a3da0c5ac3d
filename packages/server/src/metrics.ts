import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics, served at GET /metrics. One registry per server instance. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    messagesStored: new Counter({ name: 'confab_messages_stored_total', help: 'Messages committed', registers: [registry] }),
    commitBatches: new Counter({ name: 'confab_commit_batches_total', help: 'Group-commit transactions', registers: [registry] }),
    sockets: new Gauge({ name: 'confab_websockets_open', help: 'Open WebSocket connections', registers: [registry] }),
    framesDelivered: new Counter({
      name: 'confab_ws_frames_delivered_total',
      help: 'Event frames written to sockets',
      registers: [registry],
    }),
    gapFills: new Counter({
      name: 'confab_ws_gap_fills_total',
      help: "Gaps in a socket's conversation the node filled from the event log (live events the bus lost)",
      registers: [registry],
    }),
    busPublishFailures: new Counter({
      name: 'confab_bus_publish_failures_total',
      help: 'Events the bus could not publish (broker unreachable); clients recover them by resuming',
      registers: [registry],
    }),
    busResyncs: new Counter({
      name: 'confab_bus_resyncs_total',
      help: 'Times the bus told consumers events may have been missed',
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
