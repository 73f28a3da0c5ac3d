import { type ChannelEvents, type SendChannel } from './channel.js';
import { ClosedLoop } from './closed-loop.js';
import type { Measurement, Resources } from './measurement.js';
import { Samples, type Summary, round, summarize } from './stats.js';

export type { ClosedLoopOptions as ThroughputOptions } from './closed-loop.js';
import type { ClosedLoopOptions as ThroughputOptions } from './closed-loop.js';

export interface ThroughputResult {
  clients: number;
  conversations: number;
  window: number;
  durationSec: number;
  acks: number;
  acksPerSec: number;
  /** Acks in each second of the measured window: a falling series means the server slows as it fills. */
  acksPerSecSeries: number[];
  /** Closed-loop send→ack time (with `window` sends queued per client, so not the open-loop figure). */
  ackLatencyMs: Summary | null;
  errors: Record<string, number>;
  unacknowledgedAfterDrain: number;
  resources: Resources;
}

/**
 * Closed loop: every client keeps `window` sends outstanding and sends again on each ack, so the
 * server runs as fast as it can; acks are counted over `durationMs` after a warm-up.
 */
export async function runThroughput(
  channels: readonly SendChannel[],
  options: ThroughputOptions,
  startMeasurement: () => Promise<Measurement>,
): Promise<ThroughputResult> {
  const loop = new ClosedLoop();
  let acks = 0;
  const latency = new Samples(1 << 16);
  const errors: Record<string, number> = {};

  const events: ChannelEvents = {
    ack(channel, stamp, now) {
      if (loop.phase === 'measure') {
        acks += 1;
        loop.perSecond.add(now);
        latency.push(now - stamp);
      }
      if (loop.phase !== 'drain') channel.send(performance.now());
    },
    error(channel, code) {
      errors[code] = (errors[code] ?? 0) + 1;
      if (loop.phase !== 'drain') channel.send(performance.now());
    },
  };
  for (const channel of channels) channel.events = events;

  const {
    elapsedMs: elapsed,
    resources,
    unacknowledged,
  } = await loop.run(channels, options, startMeasurement, (channel) => channel.send(performance.now()));

  return {
    clients: channels.length,
    conversations: new Set(channels.map((c) => c.conversationId)).size,
    window: options.window,
    durationSec: round(elapsed / 1000),
    acks,
    acksPerSec: Math.round(acks / (elapsed / 1000)),
    acksPerSecSeries: loop.perSecond.series(),
    ackLatencyMs: summarize(latency),
    errors,
    unacknowledgedAfterDrain: unacknowledged,
    resources,
  };
}
