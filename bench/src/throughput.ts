import { type ChannelEvents, type SendChannel, drain } from './channel.js';
import type { Measurement, Resources } from './server-process.js';
import { PerSecond, Samples, type Summary, round, sleep, summarize } from './stats.js';

export interface ThroughputOptions {
  window: number;
  warmupMs: number;
  durationMs: number;
  drainTimeoutMs: number;
}

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
  let phase: 'warmup' | 'measure' | 'drain' = 'warmup';
  let acks = 0;
  const latency = new Samples(1 << 16);
  const errors: Record<string, number> = {};
  let perSecond = new PerSecond(0, 0);

  const events: ChannelEvents = {
    ack(channel, stamp, now) {
      if (phase === 'measure') {
        acks += 1;
        perSecond.add(now);
        latency.push(now - stamp);
      }
      if (phase !== 'drain') channel.send(performance.now());
    },
    error(channel, code) {
      errors[code] = (errors[code] ?? 0) + 1;
      if (phase !== 'drain') channel.send(performance.now());
    },
  };
  for (const channel of channels) channel.events = events;

  for (const channel of channels) for (let i = 0; i < options.window; i++) channel.send(performance.now());
  await sleep(options.warmupMs);

  const measurement = await startMeasurement();
  const start = performance.now();
  perSecond = new PerSecond(start, options.durationMs / 1000);
  phase = 'measure';
  await sleep(options.durationMs);
  phase = 'drain';
  const elapsed = performance.now() - start;
  const resources = await measurement.stop();
  const unacknowledged = await drain(channels, options.drainTimeoutMs);

  return {
    clients: channels.length,
    conversations: new Set(channels.map((c) => c.conversationId)).size,
    window: options.window,
    durationSec: round(elapsed / 1000),
    acks,
    acksPerSec: Math.round(acks / (elapsed / 1000)),
    acksPerSecSeries: perSecond.series(),
    ackLatencyMs: summarize(latency),
    errors,
    unacknowledgedAfterDrain: unacknowledged,
    resources,
  };
}
