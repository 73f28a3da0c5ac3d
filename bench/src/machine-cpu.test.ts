import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { machineCpuMeter } from './machine-cpu.js';

describe.skipIf(!existsSync('/proc/stat'))('machineCpuMeter', () => {
  it("counts a process's CPU in its group, as the process itself counts it", () => {
    const meter = machineCpuMeter((pid) => (pid === process.pid ? 'me' : undefined));
    const wall0 = performance.now();
    const cpu0 = process.cpuUsage();
    let x = 0;
    while (performance.now() - wall0 < 400) x = (x * 31 + 7) | 0;
    const used = process.cpuUsage(cpu0);
    const wallSec = (performance.now() - wall0) / 1000;
    const result = meter.stop();
    expect(x).not.toBeNaN();
    expect(result).not.toBeNull();
    const ownPct = ((used.user + used.system) / 1e6 / wallSec) * 100;
    // /proc counts in clock ticks (10 ms): a few ticks either way over 0.4 s.
    expect(Math.abs(result!.byGroup['me']! - ownPct)).toBeLessThan(15);
    expect(result!.busyPct).toBeGreaterThanOrEqual(result!.byGroup['me']! - 15);
    expect(result!.idlePct).toBeGreaterThanOrEqual(0);
    expect(result!.idlePct).toBeLessThanOrEqual(100);
    expect(Object.keys(result!.byGroup).every((g) => g === 'me' || g === 'other')).toBe(true);
  });
});
