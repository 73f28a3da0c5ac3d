import { type ChannelEvents, type SendChannel, drain } from './channel.js';
import type { Measurement, Resources } from './measurement.js';
import { Samples, type Summary, round, summarize } from './stats.js';

export interface LatencyOptions {
  /** Offered sends per second, over all clients. */
  rate: number;
  warmupMs: number;
  durationMs: number;
  drainTimeoutMs: number;
  /** Stop offering load once this many sends are outstanding (the server cannot keep up). */
  maxOutstanding: number;
}

export interface LatencyResult {
  offeredPerSec: number;
  achievedAcksPerSec: number;
  durationSec: number;
  /** Send→ack time, measured from each send's *scheduled* time (no coordinated omission). */
  ackLatencyMs: Summary | null;
  /** p99 of the sends scheduled in each second: a rising series means the server slows as it fills. */
  p99PerSecondMs: number[];
  /** How late the generator issued sends against the schedule: large values mean it could not keep up. */
  sendLagMs: Summary | null;
  sends: number;
  /** Measured sends never acknowledged; they are included in ackLatencyMs with the time waited. */
  unacknowledged: number;
  saturated: boolean;
  errors: Record<string, number>;
  resources: Resources;
}

/**
 * Open loop: sends are scheduled at a fixed rate on a timer, round-robin over the clients,
 * whether or not earlier ones were acknowledged; each ack's latency counts from the scheduled time.
 */
export async function runLatency(
  channels: readonly SendChannel[],
  options: LatencyOptions,
  startMeasurement: () => Promise<Measurement>,
): Promise<LatencyResult> {
  const interval = 1000 / options.rate;
  const total = Math.round((options.rate * (options.warmupMs + options.durationMs)) / 1000);
  const latency = new Samples(total + 16);
  const sendLag = new Samples(total + 16);
  const perSecond = Array.from({ length: Math.ceil(options.durationMs / 1000) }, () => new Samples(options.rate + 16));
  const errors: Record<string, number> = {};
  let measuredSends = 0;
  let measuredAcks = 0;
  let saturated = false;

  const t0 = performance.now() + 5;
  const measureFrom = t0 + options.warmupMs;
  const events: ChannelEvents = {
    ack(_channel, scheduled, now) {
      if (scheduled < measureFrom) return;
      measuredAcks += 1;
      latency.push(now - scheduled);
      perSecond[Math.floor((scheduled - measureFrom) / 1000)]?.push(now - scheduled);
    },
    error(_channel, code) {
      errors[code] = (errors[code] ?? 0) + 1;
    },
  };
  for (const channel of channels) channel.events = events;

  let issued = 0;
  let measurement: Promise<Measurement> | undefined;
  let outstanding = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      if (measurement === undefined && now >= measureFrom) measurement = startMeasurement();
      const due = Math.min(total, Math.floor((now - t0) / interval) + 1);
      if (issued < due) {
        outstanding = 0;
        for (const channel of channels) outstanding += channel.outstanding;
      }
      while (issued < due) {
        if (outstanding >= options.maxOutstanding) {
          saturated = true;
          return resolve();
        }
        const scheduled = t0 + issued * interval;
        channels[issued % channels.length]!.send(scheduled);
        outstanding += 1;
        if (scheduled >= measureFrom) {
          measuredSends += 1;
          sendLag.push(now - scheduled);
        }
        issued += 1;
      }
      if (issued >= total) return resolve();
      setTimeout(tick, Math.max(0, t0 + issued * interval - performance.now()));
    };
    setTimeout(tick, Math.max(0, t0 - performance.now()));
  });
  const end = performance.now();
  const resources = await (measurement ?? startMeasurement()).then((m) => m.stop());

  const unacknowledged = await drain(channels, options.drainTimeoutMs);
  // Whatever is still unanswered counts with the time it was waited for, so it weighs on the tail.
  const waitedUntil = performance.now();
  for (const channel of channels) {
    for (const scheduled of channel.pendingStamps()) if (scheduled >= measureFrom) latency.push(waitedUntil - scheduled);
  }
  const measuredMs = Math.max(1, end - measureFrom);
  return {
    offeredPerSec: options.rate,
    achievedAcksPerSec: Math.round(measuredAcks / (measuredMs / 1000)),
    durationSec: round(measuredMs / 1000),
    ackLatencyMs: summarize(latency),
    p99PerSecondMs: perSecond.map((samples) => summarize(samples)?.p99 ?? 0),
    sendLagMs: summarize(sendLag),
    sends: measuredSends,
    unacknowledged,
    saturated,
    errors,
    resources,
  };
}
