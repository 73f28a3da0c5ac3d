import type { Measurement, Resources } from './measurement.js';
import { isAck, isError } from './server-frames.js';
import type { BenchSocket } from './sockets.js';
import { Samples, type Summary, round, sleep, summarize } from './stats.js';

/** Delivery latency between senders and the other members of their groups (the scale-out comparison's cross-node figure). */
export interface DeliveryResult {
  groups: number;
  /** Receiving sockets, over every group. */
  receivers: number;
  /** True when every receiver was on another node than the senders. */
  crossNode: boolean;
  offeredPerSec: number;
  durationSec: number;
  deliveries: number;
  lost: number;
  deliveriesPerSec: number;
  /** Send → receipt of each delivery to a receiver (the sender's own copy is not counted). */
  latencyMs: Summary | null;
  errors: Record<string, number>;
  resources: Resources;
}

const MARKER = Buffer.from('dl|');
const PIPE = 0x7c;

/**
 * Open loop at a fixed, modest rate (a latency measurement, far from saturation): message k goes
 * from senders[k mod G] into its group; every receiver of that group notes when it arrives. The
 * sender's own copy is not counted. Messages sent during the warm-up are not measured.
 */
export async function runDelivery(
  senders: readonly BenchSocket[],
  receivers: readonly (readonly BenchSocket[])[],
  conversationIds: readonly string[],
  options: { rate: number; warmupMs: number; durationMs: number; drainTimeoutMs: number; measure: () => Promise<Measurement> },
): Promise<DeliveryResult> {
  const interval = 1000 / options.rate;
  const total = Math.round((options.rate * (options.warmupMs + options.durationMs)) / 1000);
  const firstMeasured = Math.round((options.rate * options.warmupMs) / 1000);
  const sentAt = new Float64Array(total);
  const received = new Uint32Array(total);
  const expected = new Uint32Array(total);
  const latency = new Samples(total * Math.max(1, ...receivers.map((r) => r.length)) + 16);
  const errors: Record<string, number> = {};
  let lastDelivery = 0;

  for (const sender of senders) {
    sender.onFrame = (data) => {
      if (isAck(data) || !isError(data)) return;
      const code = /"code":"([^"]+)"/.exec(data.toString('utf8'))?.[1] ?? 'unknown';
      errors[code] = (errors[code] ?? 0) + 1;
    };
  }
  const onReceive = (data: Buffer) => {
    const at = data.indexOf(MARKER);
    if (at < 0) return;
    const now = performance.now();
    let p = at + MARKER.length;
    let k = 0;
    while (p < data.length && data[p] !== PIPE) k = k * 10 + (data[p++]! - 48);
    if (k >= total) return;
    received[k]! += 1;
    if (k >= firstMeasured) {
      latency.push(now - sentAt[k]!);
      lastDelivery = now;
    }
  };
  for (const group of receivers) for (const socket of group) socket.onFrame = onReceive;

  const t0 = performance.now() + 5;
  let measurement: Promise<Measurement> | undefined;
  let measureStart = 0;
  let issued = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor((now - t0) / interval) + 1);
      while (issued < due) {
        const k = issued++;
        if (k === firstMeasured) {
          measurement = options.measure();
          measureStart = performance.now();
        }
        const g = k % senders.length;
        sentAt[k] = performance.now();
        expected[k] = receivers[g]!.filter((s) => s.open).length;
        senders[g]!.send(
          `{"type":"message.send","id":"d${k}","conversationId":"${conversationIds[g]}","clientId":"dl-${k}","body":"dl|${k}|"}`,
        );
      }
      if (issued >= total) return resolve();
      setTimeout(tick, Math.max(0, t0 + issued * interval - performance.now()));
    };
    setTimeout(tick, Math.max(0, t0 - performance.now()));
  });
  const sendEnd = performance.now();
  const owed = () => {
    let missing = 0;
    for (let k = firstMeasured; k < total; k++) missing += Math.max(0, expected[k]! - received[k]!);
    return missing;
  };
  const deadline = performance.now() + options.drainTimeoutMs;
  while (owed() > 0 && performance.now() < deadline) await sleep(20);
  const resources = await (measurement ?? options.measure()).then((m) => m.stop());
  let deliveries = 0;
  for (let k = firstMeasured; k < total; k++) deliveries += received[k]!;
  const seconds = Math.max(1e-3, (Math.max(lastDelivery, sendEnd) - measureStart) / 1000);
  return {
    groups: senders.length,
    receivers: receivers.reduce((n, r) => n + r.length, 0),
    crossNode: false,
    offeredPerSec: options.rate,
    durationSec: round(seconds),
    deliveries,
    lost: owed(),
    deliveriesPerSec: Math.round(deliveries / seconds),
    latencyMs: summarize(latency),
    errors,
    resources,
  };
}
