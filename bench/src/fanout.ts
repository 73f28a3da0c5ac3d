import type { Measurement, Resources } from './measurement.js';
import { classify, isAck, isError } from './server-frames.js';
import type { BenchSocket } from './sockets.js';
import { Samples, type Summary, round, summarize } from './stats.js';

/** What is measured: one sender (sockets[0]) and every socket, sender included, receiving. */
export interface FanoutTarget {
  sockets: readonly BenchSocket[];
  /** The frame the sender writes to have `payload` delivered to every socket. */
  triggerFrame(payload: string, k: number): string;
}

export interface FanoutOptions {
  messages: number;
  warmup: number;
  /** Messages in flight: sent but not yet received by every socket. */
  window: number;
  /** A message still missing deliveries after this long is given up (its missing ones are lost). */
  messageTimeoutMs: number;
  /** Bound on each batch (warm-up, measured). */
  batchTimeoutMs: number;
}

export interface FanoutResult {
  sockets: number;
  messages: number;
  window: number;
  durationSec: number;
  deliveries: number;
  expectedDeliveries: number;
  lost: number;
  /** message frames received by all sockets together, per second, first send → last delivery. */
  deliveriesPerSec: number;
  messagesPerSec: number;
  /** Send→receive time of every delivery (send time embedded in the body). */
  latencyMs: Summary | null;
  /** Size of one delivered frame. */
  frameBytes: number;
  errors: Record<string, number>;
  socketsClosed: number;
  aborted: string | null;
  resources: Resources;
}

const MARKER = Buffer.from('fo|');
const PIPE = 0x7c;

interface Batch {
  offset: number;
  count: number;
  measured: boolean;
  received: Uint32Array;
  expected: Uint32Array;
  sentAt: Float64Array;
  inFlight: Set<number>;
  next: number;
  done: number;
  deliveries: number;
  lost: number;
  firstSend: number;
  lastDelivery: number;
  finish: (reason: string | null) => void;
}

/**
 * Windowed fan-out: the sender keeps `window` messages in flight, sending the next one as soon as
 * an earlier one has reached every socket. That saturates the pipeline while keeping queues (and
 * so latency) bounded, and measures Confab and the bare ws baseline in exactly the same way.
 */
export async function runFanout(
  target: FanoutTarget,
  options: FanoutOptions,
  startMeasurement: () => Promise<Measurement>,
): Promise<FanoutResult> {
  const sockets = target.sockets;
  const sender = sockets[0]!;
  let open = sockets.filter((s) => s.open).length;
  let socketsClosed = 0;
  let frameBytes = 0;
  const errors: Record<string, number> = {};
  const latency = new Samples(options.messages * sockets.length + 16);
  let batch: Batch | undefined;
  let offset = 0;

  const complete = (b: Batch, i: number) => {
    if (!b.inFlight.delete(i)) return;
    b.done += 1;
    if (b.done === b.count) b.finish(null);
    else sendMore(b);
  };

  const sendMore = (b: Batch) => {
    while (b.inFlight.size < options.window && b.next < b.count) {
      const i = b.next++;
      const now = performance.now();
      if (b.firstSend === 0) b.firstSend = now;
      b.sentAt[i] = now;
      b.expected[i] = open;
      b.inFlight.add(i);
      sender.send(target.triggerFrame(`fo|${b.offset + i}|${now.toFixed(3)}|`, b.offset + i));
    }
  };

  const onFrame = (data: Buffer) => {
    const b = batch;
    if (isAck(data)) return;
    if (isError(data)) {
      const frame = classify(data);
      if (frame.kind !== 'error') return;
      errors[frame.code] = (errors[frame.code] ?? 0) + 1;
      // The sender's own send failed: that message will never arrive.
      const k = frame.id?.startsWith('f') ? Number(frame.id.slice(1)) : NaN;
      if (b && k >= b.offset && k < b.offset + b.count) {
        b.lost += b.expected[k - b.offset]! - b.received[k - b.offset]!;
        complete(b, k - b.offset);
      }
      return;
    }
    const at = data.indexOf(MARKER);
    if (at < 0 || !b) return;
    const now = performance.now();
    let p = at + MARKER.length;
    let k = 0;
    while (data[p] !== PIPE && p < data.length) k = k * 10 + (data[p++]! - 48);
    const tsEnd = data.indexOf(PIPE, p + 1);
    const sentAt = Number(data.toString('latin1', p + 1, tsEnd));
    const i = k - b.offset;
    if (i < 0 || i >= b.count) return; // a straggler from the previous batch
    if (frameBytes === 0) frameBytes = data.length;
    b.deliveries += 1;
    b.received[i]! += 1;
    b.lastDelivery = now;
    if (b.measured) latency.push(now - sentAt);
    if (b.received[i]! >= b.expected[i]!) complete(b, i);
  };
  const onClose = () => {
    open -= 1;
    socketsClosed += 1;
    batch?.finish(`a socket closed during the run (${socketsClosed} so far)`);
  };
  for (const socket of sockets) {
    socket.onFrame = onFrame;
    socket.onClose = onClose;
  }

  const runBatch = (count: number, measured: boolean) =>
    new Promise<{ b: Batch; aborted: string | null }>((resolve) => {
      const b: Batch = {
        offset,
        count,
        measured,
        received: new Uint32Array(count),
        expected: new Uint32Array(count),
        sentAt: new Float64Array(count),
        inFlight: new Set(),
        next: 0,
        done: 0,
        deliveries: 0,
        lost: 0,
        firstSend: 0,
        lastDelivery: 0,
        finish: (reason) => {
          clearInterval(reaper);
          clearTimeout(deadline);
          for (const i of b.inFlight) b.lost += b.expected[i]! - b.received[i]!;
          b.lost += (b.count - b.next) * open;
          batch = undefined;
          resolve({ b, aborted: reason });
        },
      };
      offset += count;
      const reaper = setInterval(() => {
        const now = performance.now();
        for (const i of [...b.inFlight]) {
          if (now - b.sentAt[i]! > options.messageTimeoutMs) {
            b.lost += b.expected[i]! - b.received[i]!;
            complete(b, i);
          }
        }
      }, 250);
      const deadline = setTimeout(() => b.finish(`batch timed out after ${options.batchTimeoutMs} ms`), options.batchTimeoutMs);
      batch = b;
      if (count === 0) b.finish(null);
      else sendMore(b);
    });

  try {
    const warm = await runBatch(options.warmup, false);
    if (warm.aborted) return result(warm.b, warm.aborted, await (await startMeasurement()).stop());
    const measurement = await startMeasurement();
    const run = await runBatch(options.messages, true);
    return result(run.b, run.aborted, await measurement.stop());
  } finally {
    for (const socket of sockets) {
      socket.onFrame = () => {};
      socket.onClose = () => {};
    }
  }

  function result(b: Batch, aborted: string | null, resources: Resources): FanoutResult {
    const seconds = Math.max(1e-3, (b.lastDelivery - b.firstSend) / 1000);
    return {
      sockets: sockets.length,
      messages: b.count,
      window: options.window,
      durationSec: round(seconds),
      deliveries: b.deliveries,
      expectedDeliveries: b.deliveries + b.lost,
      lost: b.lost,
      deliveriesPerSec: Math.round(b.deliveries / seconds),
      messagesPerSec: round(b.done / seconds, 1),
      latencyMs: summarize(latency),
      frameBytes,
      errors,
      socketsClosed,
      aborted,
      resources,
    };
  }
}
