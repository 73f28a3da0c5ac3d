import { SendChannel } from './channel.js';
import type { TargetResult } from './cluster-report.js';
import { type DeliveryResult, runDelivery } from './delivery.js';
import { type FanoutResult, runFanout } from './fanout.js';
import { runLatency } from './latency.js';
import type { Measurement } from './measurement.js';
import { type Options, fanoutOptions, latencyOptions, throughputOptions } from './options.js';
import type { ConfabProcess } from './server-process.js';
import { type BenchUser, createGroups } from './setup.js';
import { closeSockets, openSockets } from './sockets.js';
import { runThroughput } from './throughput.js';

// The scale-out comparison's workloads (cluster.ts runs them on each system): the single-node
// run's throughput, latency and fan-out with the clients spread over the nodes, and the delivery
// latency from senders on one node to receivers on the others.

type Log = (text: string) => void;

/** Messages per second offered in the delivery phase: a latency measurement, far from saturation. */
const DELIVERY_RATE = 50;
export async function sendWorkloads(
  result: TargetResult,
  users: BenchUser[],
  nodeOf: (i: number) => ConfabProcess,
  options: Options,
  measure: () => Promise<Measurement>,
  log: Log,
  /** Called after each phase (its measurement has stopped). */
  after: (phase: 'throughput' | 'latency') => void,
): Promise<void> {
  const clients = users.slice(0, options.clients);
  const groups = Array.from({ length: options.conversations }, (_, g) => clients.filter((u) => u.index % options.conversations === g));
  const conversationIds = await createGroups(groups, 'bench');
  const sockets = await openSockets(
    clients.map((u, i) => nodeOf(i).wsUrl(u.accessToken)),
    options.client,
    options.connectConcurrency,
  );
  const channels = sockets.map((ws, i) => new SendChannel(ws, i, conversationIds[i % options.conversations]!, 't', options.bodyBytes));
  try {
    if (options.phases.has('throughput')) {
      log(`  throughput: ${clients.length} clients, window ${options.window}, ${options.durationSec} s`);
      result.throughput = await runThroughput(channels, throughputOptions(options), measure);
      log(`    ${result.throughput.acksPerSec} acks/s`);
      after('throughput');
    }
    if (options.phases.has('latency')) {
      log(`  latency: open loop at ${options.latencyRate} sends/s, ${options.latencyDurationSec} s`);
      for (const channel of channels) channel.setTag('l');
      result.latency = await runLatency(channels, latencyOptions(options), measure);
      log(`    p99 ${result.latency.ackLatencyMs?.p99} ms`);
      after('latency');
    }
  } finally {
    await closeSockets(sockets);
  }
}

export async function fanoutWorkload(
  users: BenchUser[],
  nodeOf: (i: number) => ConfabProcess,
  options: Options,
  measure: () => Promise<Measurement>,
  log: Log,
): Promise<FanoutResult> {
  const members = users.slice(0, options.fanoutMembers);
  const [groupId] = await createGroups([members], 'fan-out');
  // The sender (member 0) on the first node; the members spread over every node.
  const sockets = await openSockets(
    members.map((u, i) => nodeOf(i).wsUrl(u.accessToken)),
    options.client,
    options.connectConcurrency,
  );
  try {
    log(`  fan-out: ${members.length} sockets, ${options.fanoutMessages} messages, window ${options.fanoutWindow}`);
    const result = await runFanout(
      {
        sockets,
        triggerFrame: (payload, k) =>
          `{"type":"message.send","id":"f${k}","conversationId":"${groupId}","clientId":"fo-${k}","body":"${payload}"}`,
      },
      fanoutOptions(options),
      measure,
    );
    log(`    ${result.deliveriesPerSec} deliveries/s`);
    return result;
  } finally {
    await closeSockets(sockets);
  }
}

/**
 * Delivery latency: one group per conversation slot, its sender on the first node and its
 * receivers spread over the other nodes (all on the one node when there is only one), messages
 * offered at a modest fixed rate; each delivery's send → receipt time.
 */
export async function deliveryWorkload(
  users: BenchUser[],
  nodes: readonly ConfabProcess[],
  options: Options,
  measure: () => Promise<Measurement>,
  log: Log,
): Promise<DeliveryResult> {
  const groupCount = options.conversations;
  const perGroup = Math.max(1, Math.floor((Math.min(users.length, options.fanoutMembers) - groupCount) / groupCount));
  const senders = users.slice(0, groupCount);
  const receivers = Array.from({ length: groupCount }, (_, g) => users.slice(groupCount + g * perGroup, groupCount + (g + 1) * perGroup));
  const conversationIds = await createGroups(
    senders.map((sender, g) => [sender, ...receivers[g]!]),
    'delivery',
  );
  const others = nodes.length > 1 ? nodes.slice(1) : nodes;
  const senderSockets = await openSockets(
    senders.map((u) => nodes[0]!.wsUrl(u.accessToken)),
    options.client,
    options.connectConcurrency,
  );
  const receiverSockets = await Promise.all(
    receivers.map((group) =>
      openSockets(
        group.map((u, i) => others[i % others.length]!.wsUrl(u.accessToken)),
        options.client,
        options.connectConcurrency,
      ),
    ),
  );
  try {
    log(
      `  delivery: ${groupCount} senders on node 1, ${groupCount * perGroup} receivers on ${nodes.length > 1 ? 'the other nodes' : 'the same node'}, ${DELIVERY_RATE} msgs/s`,
    );
    const result = await runDelivery(senderSockets, receiverSockets, conversationIds, {
      rate: DELIVERY_RATE,
      warmupMs: options.warmupSec * 1000,
      durationMs: options.latencyDurationSec * 1000,
      drainTimeoutMs: 10_000,
      measure,
    });
    result.crossNode = nodes.length > 1;
    log(`    p99 ${result.latencyMs?.p99} ms, lost ${result.lost}`);
    return result;
  } finally {
    await closeSockets([...senderSockets, ...receiverSockets.flat()]);
  }
}
