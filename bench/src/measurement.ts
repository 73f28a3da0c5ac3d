import { readFileSync } from 'node:fs';
import type { Child } from './child-processes.js';
import { type MachineCpu, clkTck, machineCpuMeter } from './machine-cpu.js';

// ---- CPU accounting ----

/** User + system CPU seconds of another process (Linux /proc); null where unavailable. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ", field 3 (state) is index 0: utime (14) is 11, stime (15) is 12.
    return (Number(fields[11]) + Number(fields[12])) / clkTck();
  } catch {
    return null;
  }
}

export interface CpuUse {
  /** Percent of one core over the measured interval (100 = one core saturated). */
  loadGeneratorPct: number;
  /** The server under test (Confab or the bare ws server); null where it could not be read. */
  serverPct: number | null;
}

/** Measures the CPU used by this process and by the server process between start and stop. */
export function cpuMeter(server?: Child): { stop(): CpuUse } {
  const wall0 = performance.now();
  const self0 = process.cpuUsage();
  const server0 = server ? processCpuSeconds(server.pid) : null;
  return {
    stop() {
      const wall = (performance.now() - wall0) / 1000;
      const self = process.cpuUsage(self0);
      const server1 = server ? processCpuSeconds(server.pid) : null;
      return {
        loadGeneratorPct: pct((self.user + self.system) / 1e6, wall),
        serverPct: server0 === null || server1 === null ? null : pct(server1 - server0, wall),
      };
    },
  };
}

const pct = (cpuSeconds: number, wallSeconds: number) => Math.round((1000 * cpuSeconds) / wallSeconds) / 10;

// ---- the server's own counters (GET /metrics) ----

export interface ServerCounters {
  messagesStored: number;
  commitBatches: number;
  framesDelivered: number;
  /** Gaps in a socket's live events filled from the log, and closed by the bus while they waited. */
  gapFills: number;
  gapsClosedByBus: number;
}

export async function readCounters(baseUrl: string): Promise<ServerCounters | null> {
  try {
    const text = await (await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    const value = (name: string) => {
      const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
      return match ? Number(match[1]) : NaN;
    };
    return {
      messagesStored: value('confab_messages_stored_total'),
      commitBatches: value('confab_commit_batches_total'),
      framesDelivered: value('confab_ws_frames_delivered_total'),
      gapFills: value('confab_ws_gap_fills_total'),
      gapsClosedByBus: value('confab_ws_gaps_closed_by_bus_total'),
    };
  } catch {
    return null;
  }
}

/**
 * Waits until the server has written no frame to any socket for `quietMs`: the presence
 * announcements of a thousand users coming online must not be measured as fan-out.
 */
export async function untilQuiet(baseUrl: string, quietMs = 500, maxMs = 60_000): Promise<void> {
  const deadline = performance.now() + maxMs;
  let last = (await readCounters(baseUrl))?.framesDelivered;
  let quietSince = performance.now();
  while (performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = (await readCounters(baseUrl))?.framesDelivered;
    if (now !== last) {
      last = now;
      quietSince = performance.now();
    } else if (performance.now() - quietSince >= quietMs) return;
  }
}

export function counterDelta(before: ServerCounters | null, after: ServerCounters | null): ServerCounters | null {
  if (!before || !after) return null;
  return {
    messagesStored: after.messagesStored - before.messagesStored,
    commitBatches: after.commitBatches - before.commitBatches,
    framesDelivered: after.framesDelivered - before.framesDelivered,
    gapFills: after.gapFills - before.gapFills,
    gapsClosedByBus: after.gapsClosedByBus - before.gapsClosedByBus,
  };
}

// ---- one measurement window: CPU of every process, and the server's counters ----

export interface Resources {
  cpu: CpuUse;
  /**
   * Deltas over the window, the mean group-commit batch, and the messages already stored when the
   * window began (the idempotency lookup's cost grows with it); null without a Confab server.
   */
  server: (ServerCounters & { meanBatch: number | null; storedBefore: number }) | null;
  /**
   * The whole machine's CPU by kind of process: `server` and `load generator` (one server), or
   * the nodes, PostgreSQL and Redis (the scale-out comparison).
   */
  machine?: MachineCpu | null;
}

export interface Measurement {
  stop(): Promise<Resources>;
}

/** A window over one server: its CPU and the generator's, its counters, and (unless `machine` is false) the machine's CPU. */
export async function startMeasurement(server: Child, confabBaseUrl?: string, { machine = true } = {}): Promise<Measurement> {
  const before = confabBaseUrl ? await readCounters(confabBaseUrl) : null;
  const cpu = cpuMeter(server);
  const box = machine
    ? machineCpuMeter((pid) => (pid === server.pid ? 'server' : pid === process.pid ? 'load generator' : undefined))
    : null;
  return {
    async stop() {
      const cpuUse = cpu.stop();
      const machineCpu = box?.stop();
      const delta = confabBaseUrl ? counterDelta(before, await readCounters(confabBaseUrl)) : null;
      return {
        cpu: cpuUse,
        server: delta && {
          ...delta,
          storedBefore: before!.messagesStored,
          meanBatch: delta.commitBatches > 0 ? Math.round((10 * delta.messagesStored) / delta.commitBatches) / 10 : null,
        },
        ...(machineCpu === undefined ? {} : { machine: machineCpu }),
      };
    },
  };
}
