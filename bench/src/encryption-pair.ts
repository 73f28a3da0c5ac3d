/**
 * The encryption phase's pair (encryption.ts): two devices with a plain and an encrypted direct
 * conversation between them. `measureLatency` sends one message at a time, alternating the two
 * kinds, and times each from the send to the receiver's decrypted event; `measureWire` weighs the
 * frames of a send, its ack and its delivery, plain and encrypted, for a short and a long text.
 */
import type { BenchDevice } from './encryption-devices.js';
import { readers } from './encryption-devices.js';
import {
  LATENCY_WARMUP_PAIRS,
  type SendKind,
  WIRE_REPEATS,
  WIRE_TEXT_LENGTHS,
  base64UrlBytes,
  busyMs,
  frameOverhead,
  latencyOrder,
  textOf,
} from './encryption-plan.js';
import type { Measurement, Resources } from './measurement.js';
import { type Summary, round, summarize } from './stats.js';

export interface Pair {
  sender: BenchDevice;
  receiver: BenchDevice;
  plainId: string;
  encryptedId: string;
}

/** One message's times (performance.now()), from the send to the receiver's event and the sender's own copy. */
interface Timed {
  kind: SendKind;
  startedAt: number;
  frameOutAt: number;
  ackAt: number;
  frameInAt: number;
  readAt: number | undefined;
  senderCalls: number;
  receiverCalls: number;
  /** Time with one of the side's calls in flight, within the message's span. */
  senderHttpMs: number;
  receiverHttpMs: number;
}

export interface KindLatency {
  /** The send's start to the receiver's `message.created` event with the text (decrypted). */
  sendToReceiveMs: Summary | null;
  /** The send's start to its ack (`live.send` resolving). */
  sendToAckMs: Summary | null;
  /** Where the time goes: the send's start to its frame written (encrypting, and applying what was missed first) … */
  senderMs: Summary | null;
  /** … that frame written to the delivered frame read by the receiver (the server: order, commit, fan-out) … */
  relayMs: Summary | null;
  /** … and that frame read to the event (decrypting, and the history read that applies it). */
  receiverMs: Summary | null;
  /** HTTP calls per message made by each side (the SDK reads the conversation's log to apply it), and the time they took. */
  senderCallsPerMessage: number;
  receiverCallsPerMessage: number;
  senderHttpMs: Summary | null;
  receiverHttpMs: Summary | null;
  unreadable: number;
}

export interface LatencyResult {
  messagesPerKind: number;
  textLength: number;
  plain: KindLatency;
  encrypted: KindLatency;
  /** Encrypted over plain, send → receive. */
  p50Ratio: number | null;
  p99Ratio: number | null;
  resources: Resources;
}

export interface WireRow {
  kind: SendKind;
  textLength: number;
  /** Payload bytes of each frame (UTF-8 JSON), and on the wire with the WebSocket header (and a client's mask). */
  send: { payload: number; wire: number };
  ack: { payload: number; wire: number };
  delivered: { payload: number; wire: number };
  /** The MLS message inside an encrypted send (decoded from its base64url), padded by MLS. */
  ciphertextBytes: number | null;
}

const WAIT_MS = 30_000;

/** Sends one message and waits for the receiver's event and the sender's own copy (so no work spills into the next). */
async function sendOne(pair: Pair, kind: SendKind, text: string, clientId: string): Promise<Timed> {
  const { sender, receiver } = pair;
  const conversationId = kind === 'plain' ? pair.plainId : pair.encryptedId;
  const received = readers([receiver], () => conversationId, clientId, text, WAIT_MS);
  const echoed = readers([sender], () => conversationId, clientId, text, WAIT_MS);
  const startedAt = performance.now();
  await sender.live!.send(conversationId, text, clientId);
  const ackAt = performance.now();
  await Promise.all([received.done, echoed.done]);
  const endedAt = performance.now();
  const senderCalls = sender.meter.callsBetween(startedAt, endedAt);
  const receiverCalls = receiver.meter.callsBetween(startedAt, endedAt);
  const out = sender.meter.frameOf('out', 'message.send', clientId);
  const delivered = receiver.meter.frameOf('in', 'message.created', clientId);
  if (!out || !delivered) throw new Error(`the frames of ${clientId} were not seen`);
  return {
    kind,
    startedAt,
    frameOutAt: out.at,
    ackAt,
    frameInAt: delivered.at,
    readAt: received.readAt[0],
    senderCalls: senderCalls.length,
    receiverCalls: receiverCalls.length,
    senderHttpMs: busyMs(senderCalls),
    receiverHttpMs: busyMs(receiverCalls),
  };
}

function kindFigures(timed: readonly Timed[]): KindLatency {
  const read = timed.filter((t): t is Timed & { readAt: number } => t.readAt !== undefined);
  const perMessage = (n: number) => (timed.length === 0 ? 0 : round(n / timed.length, 2));
  return {
    sendToReceiveMs: summarize(read.map((t) => t.readAt - t.startedAt)),
    sendToAckMs: summarize(timed.map((t) => t.ackAt - t.startedAt)),
    senderMs: summarize(timed.map((t) => t.frameOutAt - t.startedAt)),
    relayMs: summarize(timed.map((t) => t.frameInAt - t.frameOutAt)),
    receiverMs: summarize(read.map((t) => t.readAt - t.frameInAt)),
    senderCallsPerMessage: perMessage(timed.reduce((sum, t) => sum + t.senderCalls, 0)),
    receiverCallsPerMessage: perMessage(timed.reduce((sum, t) => sum + t.receiverCalls, 0)),
    senderHttpMs: summarize(timed.map((t) => t.senderHttpMs)),
    receiverHttpMs: summarize(timed.map((t) => t.receiverHttpMs)),
    unreadable: timed.length - read.length,
  };
}

/** `messages` of each kind, one at a time, alternating (encryption-plan.ts `latencyOrder`), after unmeasured pairs. */
export async function measureLatency(
  pair: Pair,
  messages: number,
  measure: () => Promise<Measurement>,
  progress: (done: number) => void,
): Promise<LatencyResult> {
  const textLength = WIRE_TEXT_LENGTHS[0];
  let n = 0;
  const run = async (order: readonly SendKind[]) => {
    const timed: Timed[] = [];
    for (const kind of order) {
      n += 1;
      timed.push(await sendOne(pair, kind, textOf(textLength, `${kind[0]}${n} `), `eb-l-${n}-${Date.now()}`));
    }
    return timed;
  };
  await run(latencyOrder(LATENCY_WARMUP_PAIRS));
  const measurement = await measure();
  const timed: Timed[] = [];
  // In blocks, so a long run shows it is alive.
  const block = 50;
  for (let done = 0; done < messages; done += block) {
    timed.push(...(await run(latencyOrder(Math.min(block, messages - done)))));
    progress(Math.min(messages, done + block));
  }
  const resources = await measurement.stop();
  const plain = kindFigures(timed.filter((t) => t.kind === 'plain'));
  const encrypted = kindFigures(timed.filter((t) => t.kind === 'encrypted'));
  const ratio = (e: number | undefined, p: number | undefined) => (e === undefined || p === undefined || p === 0 ? null : round(e / p, 2));
  return {
    messagesPerKind: messages,
    textLength,
    plain,
    encrypted,
    p50Ratio: ratio(encrypted.sendToReceiveMs?.p50, plain.sendToReceiveMs?.p50),
    p99Ratio: ratio(encrypted.sendToReceiveMs?.p99, plain.sendToReceiveMs?.p99),
    resources,
  };
}

/** The frames of a send of each kind and length (`WIRE_REPEATS` each; the largest is kept). */
export async function measureWire(pair: Pair): Promise<WireRow[]> {
  const { sender, receiver } = pair;
  sender.meter.keepText = (f) => f.direction === 'out' && f.type === 'message.send';
  const rows: WireRow[] = [];
  try {
    for (const textLength of WIRE_TEXT_LENGTHS) {
      for (const kind of ['plain', 'encrypted'] as const) {
        const sizes = { send: 0, ack: 0, delivered: 0, ciphertext: 0 };
        for (let r = 0; r < WIRE_REPEATS; r++) {
          const clientId = `eb-w-${kind}-${textLength}-${r}-${Date.now()}`;
          await sendOne(pair, kind, textOf(textLength, `${kind[0]}${textLength}.${r} `), clientId);
          const out = sender.meter.frameOf('out', 'message.send', clientId)!;
          const ack = sender.meter.frameOf('in', 'ack', clientId);
          const delivered = receiver.meter.frameOf('in', 'message.created', clientId)!;
          sizes.send = Math.max(sizes.send, out.bytes);
          sizes.ack = Math.max(sizes.ack, ack?.bytes ?? 0);
          sizes.delivered = Math.max(sizes.delivered, delivered.bytes);
          const ciphertext = out.text === undefined ? undefined : /"ciphertext":"([^"]+)"/.exec(out.text)?.[1];
          if (ciphertext !== undefined) sizes.ciphertext = Math.max(sizes.ciphertext, base64UrlBytes(ciphertext));
        }
        const wire = (payload: number, fromClient: boolean) => ({ payload, wire: payload + frameOverhead(payload, fromClient) });
        rows.push({
          kind,
          textLength,
          send: wire(sizes.send, true),
          ack: wire(sizes.ack, false),
          delivered: wire(sizes.delivered, false),
          ciphertextBytes: kind === 'encrypted' ? sizes.ciphertext : null,
        });
      }
    }
  } finally {
    sender.meter.keepText = () => false;
  }
  return rows;
}
