import type { ConfabProcess } from './server-process.js';
import { isAck, isError } from './server-frames.js';
import { type BenchSocket, closeSockets, openSockets } from './sockets.js';
import { type BenchUser, createGroups } from './setup.js';
import { Samples, type Summary, round, sleep, summarize } from './stats.js';
import type { Options } from './options.js';

/**
 * Live delivery as a person sees it, measured while something else loads the server: one group
 * of members, one socket each, gets messages at a fixed rate (open loop: on schedule, whatever the
 * answers), and every socket's send→receive time is kept. The upload and login phases compare a
 * window alone with a window under their load.
 */
export interface DeliveryWindow {
  /** Send→receive time of every delivery. */
  latencyMs: Summary | null;
  deliveries: number;
  lost: number;
  /**
   * The p99 of the deliveries of the messages sent in each second of the window, in order: where
   * in the window a rise came from (a mass departure's closes at 0 s, its users going offline one
   * grace period later).
   */
  p99BySecondMs: (number | null)[];
}

export interface DeliveryProbe {
  sockets: number;
  /** Sends at the probe's rate for `seconds` while `during` runs, then waits for stragglers (and for `during`). */
  window(seconds: number, during?: () => Promise<void>): Promise<DeliveryWindow>;
  close(): Promise<void>;
}

const PIPE = 0x7c;

export async function openDeliveryProbe(
  confab: ConfabProcess,
  members: readonly BenchUser[],
  ratePerSec: number,
  tag: string,
  options: Pick<Options, 'client' | 'connectConcurrency'>,
): Promise<DeliveryProbe> {
  const [groupId] = await createGroups([members], tag);
  const sockets: BenchSocket[] = await openSockets(
    members.map((u) => confab.wsUrl(u.accessToken)),
    options.client,
    options.connectConcurrency,
  );
  const sender = sockets[0]!;
  const marker = Buffer.from(`${tag}|`);
  let latency = new Samples();
  let bySecond: Samples[] = [];
  let windowStart = 0;
  let received = 0;
  const onFrame = (data: Buffer) => {
    if (isAck(data) || isError(data)) return;
    const at = data.indexOf(marker);
    if (at < 0) return;
    const end = data.indexOf(PIPE, at + marker.length);
    const sentAt = Number(data.toString('latin1', at + marker.length, end));
    const ms = performance.now() - sentAt;
    latency.push(ms);
    (bySecond[Math.floor((sentAt - windowStart) / 1000)] ??= new Samples()).push(ms);
    received += 1;
  };
  for (const socket of sockets) socket.onFrame = onFrame;
  let k = 0;
  return {
    sockets: sockets.length,
    async window(seconds, during) {
      latency = new Samples();
      bySecond = [];
      received = 0;
      const start = (windowStart = performance.now());
      const count = Math.round(seconds * ratePerSec);
      const background = during?.();
      for (let i = 0; i < count; i++) {
        const due = start + (i * 1000) / ratePerSec;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        const n = k++;
        sender.send(
          `{"type":"message.send","id":"${tag}${n}","conversationId":"${groupId}","clientId":"${tag}-${n}","body":"${tag}|${performance.now().toFixed(3)}|"}`,
        );
      }
      const expected = count * sockets.length;
      const deadline = performance.now() + 10_000;
      while (received < expected && performance.now() < deadline) await sleep(20);
      await background;
      return {
        latencyMs: summarize(latency),
        deliveries: received,
        lost: expected - received,
        p99BySecondMs: Array.from({ length: Math.ceil(seconds) }, (_, i) => (bySecond[i] ? summarize(bySecond[i]!)!.p99 : null)),
      };
    },
    close: () => closeSockets(sockets),
  };
}

/** How much the delivery p99 rose from the quiet window to the loaded one (null when either has no samples). */
export function p99IncreaseMs(quiet: DeliveryWindow, loaded: DeliveryWindow): number | null {
  const before = quiet.latencyMs?.p99;
  const after = loaded.latencyMs?.p99;
  return before === undefined || after === undefined ? null : round(after - before);
}
