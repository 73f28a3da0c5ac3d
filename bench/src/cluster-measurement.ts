import { type Measurement, type Resources, startMeasurement } from './measurement.js';
import { machineCpuMeter } from './machine-cpu.js';
import type { ConfabProcess } from './server-process.js';
import { round } from './stats.js';

/**
 * One measurement window over every node: their CPU summed, their counters summed, and the whole
 * machine's CPU by kind of process (nodes, PostgreSQL, Redis, the load generator).
 */
export async function clusterMeasurement(nodes: readonly ConfabProcess[]): Promise<Measurement> {
  const each = await Promise.all(nodes.map((node) => startMeasurement(node.child, node.baseUrl, { machine: false })));
  const nodePids = new Set(nodes.map((node) => node.child.pid));
  const machine = machineCpuMeter((pid, comm) => {
    if (nodePids.has(pid)) return 'nodes';
    if (pid === process.pid) return 'load generator';
    if (comm.startsWith('postgres')) return 'PostgreSQL';
    if (comm.startsWith('mariadbd') || comm.startsWith('mysqld')) return 'MariaDB';
    if (comm.startsWith('redis-server')) return 'Redis';
    return undefined;
  });
  return {
    async stop(): Promise<Resources> {
      const machineCpu = machine.stop();
      const all = await Promise.all(each.map((m) => m.stop()));
      const cpu = all.map((r) => r.cpu.serverPct);
      const servers = all.map((r) => r.server);
      const sum = (pick: (s: NonNullable<Resources['server']>) => number) => servers.reduce((n, s) => n + pick(s!), 0);
      const server = servers.every((s) => s !== null)
        ? {
            messagesStored: sum((s) => s.messagesStored),
            commitBatches: sum((s) => s.commitBatches),
            framesDelivered: sum((s) => s.framesDelivered),
            gapFills: sum((s) => s.gapFills),
            gapsClosedByBus: sum((s) => s.gapsClosedByBus),
            storedBefore: sum((s) => s.storedBefore),
            meanBatch: sum((s) => s.commitBatches) > 0 ? round(sum((s) => s.messagesStored) / sum((s) => s.commitBatches), 1) : null,
          }
        : null;
      return {
        cpu: {
          loadGeneratorPct: all[0]!.cpu.loadGeneratorPct,
          serverPct: cpu.every((c) => c !== null)
            ? round(
                cpu.reduce((n, c) => n + c!, 0),
                1,
              )
            : null,
        },
        server,
        machine: machineCpu,
      };
    },
  };
}
