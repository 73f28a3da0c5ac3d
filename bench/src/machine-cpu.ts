import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/**
 * The whole machine's CPU over a window, by kind of process (Linux `/proc`): how busy the box was,
 * and which processes took it. On one machine the cluster's nodes, PostgreSQL, Redis and the load
 * generator share the cores; whether a figure is set by the write path or by the box being full
 * can only be told with all of them counted (issue 13, part 7).
 */
export interface MachineCpu {
  /** Every core's busy time, percent of one core (200 = two cores saturated). */
  busyPct: number;
  /** Idle time of the whole machine, percent of all its cores. */
  idlePct: number;
  /** Percent of one core, per group; processes that exited inside the window are not counted. */
  byGroup: Record<string, number>;
}

/** Names the group a process belongs to, from its pid and its command name; undefined: "other". */
export type Grouping = (pid: number, comm: string) => string | undefined;

let clockTicks: number | undefined;
/** Clock ticks a second: the unit of `/proc`'s CPU times. */
export function clkTck(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

interface Snapshot {
  at: number;
  /** Jiffies of every core: all, and idle + iowait. */
  total: number;
  idle: number;
  byPid: Map<number, { comm: string; ticks: number }>;
}

function snapshot(): Snapshot | null {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already counted in user).
    const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = cpu[3]! + cpu[4]!;
    const byPid = new Map<number, { comm: string; ticks: number }>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        byPid.set(Number(entry), { comm, ticks: Number(fields[11]) + Number(fields[12]) });
      } catch {
        // The process exited between the listing and the read.
      }
    }
    return { at: performance.now(), total, idle, byPid };
  } catch {
    return null;
  }
}

/** Starts a window; `stop` answers null where `/proc` cannot be read (not Linux). */
export function machineCpuMeter(grouping: Grouping): { stop(): MachineCpu | null } {
  const start = snapshot();
  return {
    stop() {
      const end = snapshot();
      if (start === null || end === null) return null;
      const wallSec = (end.at - start.at) / 1000;
      const ticks = clkTck();
      const pctOfCore = (t: number) => Math.round((1000 * t) / ticks / wallSec) / 10;
      const byGroup: Record<string, number> = {};
      for (const [pid, { comm, ticks: now }] of end.byPid) {
        const before = start.byPid.get(pid);
        // A process started inside the window counts all it used.
        const used = now - (before?.comm === comm ? before.ticks : 0);
        if (used <= 0) continue;
        const group = grouping(pid, comm) ?? 'other';
        byGroup[group] = (byGroup[group] ?? 0) + used;
      }
      const total = end.total - start.total;
      const idle = end.idle - start.idle;
      return {
        busyPct: pctOfCore(total - idle),
        idlePct: total > 0 ? Math.round((1000 * idle) / total) / 10 : 0,
        byGroup: Object.fromEntries(Object.entries(byGroup).map(([g, t]) => [g, pctOfCore(t)])),
      };
    },
  };
}
