import { type SendChannel, drain } from './channel.js';
import type { Measurement, Resources } from './measurement.js';
import { PerSecond, sleep } from './stats.js';

export interface ClosedLoopOptions {
  window: number;
  warmupMs: number;
  durationMs: number;
  drainTimeoutMs: number;
}

/**
 * The clock of a closed-loop phase (throughput, mixed): `window` actions primed per client, a
 * warm-up, `durationMs` measured, then a drain. The phase's event handlers read `phase` to count
 * only measured acks and to stop acting once the drain starts.
 */
export class ClosedLoop {
  phase: 'warmup' | 'measure' | 'drain' = 'warmup';
  perSecond = new PerSecond(0, 0);

  async run(
    channels: readonly SendChannel[],
    options: ClosedLoopOptions,
    startMeasurement: () => Promise<Measurement>,
    act: (channel: SendChannel) => void,
  ): Promise<{ elapsedMs: number; resources: Resources; unacknowledged: number }> {
    for (const channel of channels) for (let i = 0; i < options.window; i++) act(channel);
    await sleep(options.warmupMs);
    const measurement = await startMeasurement();
    const start = performance.now();
    this.perSecond = new PerSecond(start, options.durationMs / 1000);
    this.phase = 'measure';
    await sleep(options.durationMs);
    this.phase = 'drain';
    const elapsedMs = performance.now() - start;
    const resources = await measurement.stop();
    const unacknowledged = await drain(channels, options.drainTimeoutMs);
    return { elapsedMs, resources, unacknowledged };
  }
}
