import { sleep } from '../stats.js';
import type { ExerciseResult } from './exercise.js';
import { type Scenario, onCluster, onSingleNode } from './scenario-runner.js';
import { TcpProxy } from './tcp-proxy.js';

// The faults of `npm run faults`. Where each runs (a node of its own, or the shared cluster) and
// what it reports are in scenario-runner.ts.

/**
 * RECEIPTS: the SDK acknowledges deliveries every 100 ms while messages flow, and the node
 * announces each receipt to every member: in a group of N that is N² frames per round, 100,000 a
 * second for 100 members at this rate, which would measure receipts, not the fault. The large-group
 * scenarios turn them off (a cost of receipts in big groups, noted in decision 0012).
 */

/** The load most scenarios run under: 2 WebSocket senders and 1 REST sender at 15 messages/s each. */
const LOAD = { wsSenders: 2, restSenders: 1, rate: 15, warmupMs: 2000, afterMs: 4000 } as const;

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'sqlite-kill9',
    title: 'kill -9 of a SQLite node mid-burst, restart',
    boundMs: 15_000,
    allowed5xx: [],
    run: (context) =>
      onSingleNode(
        context,
        'sqlite-kill9',
        {},
        (stack) => ({
          ...LOAD,
          entryFor: () => stack.proxy.url,
          members: 6,
          raw: 1,
          fault: async () => {
            const at = performance.now();
            await stack.node.kill();
            await stack.node.start();
            context.log(`killed and started again in ${Math.round(performance.now() - at)} ms`);
            return performance.now();
          },
        }),
        'sqlite',
      ),
  },
  {
    name: 'cluster-kill9',
    title: 'kill -9 of one of three nodes',
    boundMs: 10_000,
    // nginx cannot re-send a POST the dead node had received: 502, re-sent by the client (same clientId).
    allowed5xx: ['502'],
    run: (context) =>
      onCluster(context, 'cluster-kill9', (stack) => ({
        ...LOAD,
        members: 9,
        raw: 1,
        fault: async () => {
          const victim = await stack.busiestNode();
          const at = performance.now();
          await victim.kill();
          context.log(`killed ${victim.name}`);
          return at;
        },
      })),
  },
  databaseRestart('postgres-restart', 'PostgreSQL restarted (-m immediate)', 'PostgreSQL', 'postgres'),
  databaseRestart('mariadb-restart', 'MariaDB killed (-9) and restarted', 'MariaDB', 'mariadb'),
  {
    name: 'redis-restart',
    title: 'Redis restarted (kill -9, empty)',
    boundMs: 15_000,
    allowed5xx: [],
    run: (context) =>
      onCluster(context, 'redis-restart', (stack) => ({
        ...LOAD,
        members: 6,
        raw: 1,
        fault: async () => {
          await stack.redis.restart();
          return performance.now();
        },
      })),
  },
  {
    name: 'redis-flushall',
    title: 'Redis FLUSHALL',
    boundMs: 10_000,
    allowed5xx: [],
    run: (context) =>
      onCluster(context, 'redis-flushall', (stack) => ({
        ...LOAD,
        members: 6,
        raw: 1,
        fault: async () => {
          await stack.redis.flushAll();
          return performance.now();
        },
      })),
  },
  {
    name: 'reconnect-storm',
    title: 'every client socket cut at once',
    boundMs: 30_000,
    allowed5xx: [],
    run: (context) =>
      onSingleNode(context, 'reconnect-storm', {}, (stack) => ({
        ...LOAD,
        entryFor: () => stack.proxy.url,
        members: context.quick ? 30 : 100,
        raw: 1,
        deliveryReceipts: false, // see RECEIPTS
        fault: async () => {
          await stack.proxy.cut();
          await stack.proxy.restore();
          return performance.now();
        },
      })),
  },
  blackhole(),
  slowConsumer(),
  {
    name: 'sigterm-nginx',
    title: 'SIGTERM of a node behind nginx',
    boundMs: 10_000,
    // A request that reaches the draining node on a connection nginx kept open: 503 `unavailable`.
    allowed5xx: ['503'],
    run: async (context) => {
      const problems: string[] = [];
      const outcome = await onCluster(context, 'sigterm-nginx', (stack) => ({
        ...LOAD,
        members: 9,
        raw: 1,
        fault: async () => {
          const victim = await stack.busiestNode();
          const at = performance.now();
          const code = await victim.terminate();
          context.log(`${victim.name} drained and exited ${code} in ${Math.round(performance.now() - at)} ms`);
          if (code !== 0) problems.push(`${victim.name} exited ${code} after SIGTERM, not 0`);
          return at;
        },
      }));
      return { ...outcome, problems: [...outcome.problems, ...problems] };
    },
  },
];

/** The cluster's database restarted under load: writes answer 503 while it is away, and nothing acknowledged is lost. */
function databaseRestart(name: string, title: string, label: string, database: 'postgres' | 'mariadb'): Scenario {
  return {
    name,
    title,
    boundMs: 15_000,
    allowed5xx: ['503'],
    run: (context) =>
      onCluster(
        context,
        name,
        (stack) => ({
          ...LOAD,
          members: 6,
          raw: 1,
          fault: async () => {
            const at = performance.now();
            await stack.database.restart();
            context.log(`${label} down and back in ${Math.round(performance.now() - at)} ms`);
            return performance.now();
          },
        }),
        database,
      ),
  };
}

/** Members 6 and 7 (an SDK connection and the raw client) reach the node through a proxy that black-holes them. */
function blackhole(): Scenario {
  return {
    name: 'blackhole',
    title: 'one client black-holed 60 s (no FIN)',
    boundMs: 10_000,
    allowed5xx: [],
    run: async (context) => {
      const holeMs = context.quick ? 10_000 : 60_000;
      const problems: string[] = [];
      let hole: TcpProxy | undefined;
      try {
        const outcome = await onSingleNode(context, 'blackhole', {}, async (stack) => {
          hole = await TcpProxy.start({ host: '127.0.0.1', port: stack.node.port });
          const holeUrl = hole.url;
          return {
            ...LOAD,
            entryFor: (i: number) => (i >= 6 ? holeUrl : stack.proxy.url),
            members: 8,
            raw: 1,
            fault: async ({ members, raws }) => {
              const victims = [members[6]!, raws[0]!];
              hole!.blackhole();
              const before = victims.map((v) => v.arrivals.length);
              await sleep(holeMs);
              // The fault must have happened: nothing reached the black-holed clients meanwhile.
              const through = victims.reduce((n, v, i) => n + v.arrivals.length - before[i]!, 0);
              if (through > 0) problems.push(`${through} messages crossed the black hole`);
              hole!.heal();
              return performance.now();
            },
          };
        });
        outcome.notes.push(`black-holed ${holeMs / 1000} s; the raw client's close codes: ${closeCodes(outcome)}`);
        return { ...outcome, problems: [...outcome.problems, ...problems] };
      } finally {
        await hole?.close();
      }
    },
  };
}

const closeCodes = (outcome: ExerciseResult) => outcome.raws[0]!.closeCodes.slice(0, -1).join(', ') || 'none';

/**
 * The raw client stops reading: the kernel's buffers fill, then the node's, and past
 * WS_MAX_BUFFERED_BYTES (lowered so that happens within seconds rather than after 8 MiB) the node
 * drops it. The others must not wait for it; it must get everything once it reads again.
 */
function slowConsumer(): Scenario {
  return {
    name: 'slow-consumer',
    title: 'a slow consumer in a 200-member group',
    boundMs: 30_000,
    allowed5xx: [],
    run: async (context) => {
      const maxStallMs = context.quick ? 15_000 : 30_000;
      let stalledMs = 0;
      let dropped = false;
      const outcome = await onSingleNode(context, 'slow-consumer', { WS_MAX_BUFFERED_BYTES: '65536' }, (stack) => ({
        ...LOAD,
        // Large bodies fill the kernel's buffers in seconds; 15 of 2 kB a second to 200 members is
        // 6 MB/s of fan-out, what a 2-core machine sustains beside 199 SDK connections.
        bodyBytes: context.quick ? 3900 : 2000,
        rate: context.quick ? LOAD.rate : 5,
        deliveryReceipts: false, // see RECEIPTS
        entryFor: () => stack.node.url, // no proxy: its buffers would hold what the node's cannot

        members: context.quick ? 50 : 200,
        raw: 1,
        fault: async ({ raws }) => {
          const slow = raws[0]!;
          const open = await stack.node.metric('confab_websockets_open');
          const start = performance.now();
          slow.pause();
          // Until the node drops it (its socket count falls), at least 5 s.
          while (performance.now() - start < maxStallMs) {
            await sleep(500);
            dropped = (await stack.node.metric('confab_websockets_open')) < open;
            if (dropped && performance.now() - start >= 5000) break;
          }
          stalledMs = performance.now() - start;
          slow.resume();
          return performance.now();
        },
      }));
      outcome.notes.push(
        `stopped reading ${(stalledMs / 1000).toFixed(1)} s; ${dropped ? 'dropped by the node' : 'NOT dropped by the node'}; its close codes: ${closeCodes(outcome)}`,
      );
      return outcome;
    },
  };
}
