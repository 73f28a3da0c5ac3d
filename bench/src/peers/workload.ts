import { machineCpuMeter } from '../machine-cpu.js';
import { Samples, type Summary, round, summarize } from '../stats.js';
import type { PeerTarget } from './targets.js';

export type SendPath = 'rest' | 'socket';

export interface LevelResult {
  senders: number;
  messages: number;
  sendsPerSec: number;
  /** Send → answer (REST) or acknowledgement (socket), ms. */
  send: Summary | null;
  /** Send → the recipient's socket has it, ms. */
  delivery: Summary | null;
  /** Acknowledged messages the recipient never got. */
  lost: number;
  /**
   * CPU while the senders sent, percent of one core: the server, the load generator, the machine
   * idle (of every core); null for a round shorter than half a second.
   */
  cpu: { serverPct: number; generatorPct: number; idlePct: number } | null;
}

/**
 * `senders` senders each send `perSender` messages one after another (the next when the last is
 * answered) into their DM; the recipients hold sockets. The body names the message, so the
 * recipient side times its delivery from the moment it was sent. Pairs from `firstPair` on send, so
 * each level can have senders of its own (Confab's per-user send limit, 1,200 a minute, is on).
 */
export async function runLevel(
  target: PeerTarget,
  path: SendPath,
  senders: number,
  perSender: number,
  tag: string,
  firstPair = 0,
): Promise<LevelResult> {
  if (firstPair + senders > target.pairs.length)
    throw new Error(`${target.name}: pairs ${firstPair}..${firstPair + senders} asked, ${target.pairs.length} set up`);
  const sentAt = new Map<string, number>();
  const delivery = new Samples();
  const send = new Samples();
  let delivered = 0;
  let allDelivered: () => void = () => {};
  const total = senders * perSender;
  const done = new Promise<void>((resolve) => (allDelivered = resolve));
  target.onDelivered = (body) => {
    const at = sentAt.get(body);
    if (at === undefined) return;
    sentAt.delete(body);
    delivery.push(performance.now() - at);
    if (++delivered === total) allDelivered();
  };
  const meter = machineCpuMeter((pid) => (pid === target.pid ? 'server' : pid === process.pid ? 'load generator' : undefined));
  const started = performance.now();
  await Promise.all(
    target.pairs.slice(firstPair, firstPair + senders).map(async (pair, p) => {
      for (let i = 0; i < perSender; i++) {
        const body = `${tag} ${p} ${i}`;
        const t0 = performance.now();
        sentAt.set(body, t0);
        await (path === 'rest' ? pair.sendRest(body) : pair.sendSocket(body));
        send.push(performance.now() - t0);
      }
    }),
  );
  const elapsedSec = (performance.now() - started) / 1000;
  const machine = meter.stop();
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  target.onDelivered = () => {};
  return {
    senders,
    messages: total,
    sendsPerSec: round(total / elapsedSec, 0),
    send: summarize(send),
    delivery: summarize(delivery),
    lost: total - delivered,
    // /proc counts CPU in 10 ms ticks: a shorter round's shares would be a few ticks' noise.
    cpu:
      machine === null || elapsedSec < 0.5
        ? null
        : { serverPct: machine.byGroup['server'] ?? 0, generatorPct: machine.byGroup['load generator'] ?? 0, idlePct: machine.idlePct },
  };
}

export interface OpenLoopResult {
  offeredPerSec: number;
  sends: number;
  /** Send → acknowledgement over the sender's socket, from each send's *scheduled* time, ms. */
  ack: Summary | null;
  /** The same from the moment the generator actually sent it: without the generator's own lag. */
  ackFromSend: Summary | null;
  /** How late the generator issued each send against its schedule, ms: part of every ack figure. */
  sendLag: Summary | null;
  unacknowledged: number;
}

/**
 * Open loop over sockets (issue 13, part 6): `rate` sends a second for `durationSec`, scheduled on
 * a timer round-robin over `pairCount` pairs from `firstPair`, whether or not earlier ones were
 * acknowledged; each acknowledgement's latency counts from its scheduled time, so a stall weighs
 * on every send it held up.
 */
export async function runOpenLoop(
  target: PeerTarget,
  rate: number,
  durationSec: number,
  firstPair: number,
  pairCount: number,
): Promise<OpenLoopResult> {
  const pairs = target.pairs.slice(firstPair, firstPair + pairCount);
  if (pairs.length < pairCount) throw new Error(`${target.name}: ${pairCount} pairs from ${firstPair} asked, ${pairs.length} set up`);
  const interval = 1000 / rate;
  const total = Math.round(rate * durationSec);
  const ack = new Samples(total + 16);
  const sendLag = new Samples(total + 16);
  const ackFromSend = new Samples(total + 16);
  const acknowledged: Promise<void>[] = [];
  let issued = 0;
  const t0 = performance.now() + 5;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor((now - t0) / interval) + 1);
      for (; issued < due; issued++) {
        const scheduled = t0 + issued * interval;
        sendLag.push(now - scheduled);
        const sentAt = performance.now();
        const sent = pairs[issued % pairs.length]!.sendSocket(`open ${issued}`);
        acknowledged.push(
          sent.then(() => {
            const at = performance.now();
            ack.push(at - scheduled);
            ackFromSend.push(at - sentAt);
          }),
        );
      }
      if (issued >= total) return resolve();
      setTimeout(tick, Math.max(0, t0 + issued * interval - performance.now()));
    };
    setTimeout(tick, Math.max(0, t0 - performance.now()));
  });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(acknowledged), new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]);
  clearTimeout(timer);
  return {
    offeredPerSec: rate,
    sends: total,
    ack: summarize(ack),
    ackFromSend: summarize(ackFromSend),
    sendLag: summarize(sendLag),
    unacknowledged: total - ack.length,
  };
}
