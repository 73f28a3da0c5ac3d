import { type ChannelEvents, type SendChannel } from './channel.js';
import { ClosedLoop } from './closed-loop.js';
import type { Measurement, Resources } from './measurement.js';
import { type Pair, Samples, type Summary, mulberry32, ratioInterval, round, summarize } from './stats.js';
import type { ThroughputOptions } from './throughput.js';

/** What a mixed-workload action is, and its share of the actions (the rest are plain sends). */
export type Mix = Record<'reply' | 'reaction' | 'edit' | 'delete', number>;
export type ActionKind = 'send' | keyof Mix;

/** The mix issue 10's bar is measured with; `--mix` sets another (one kind alone, say, to price it). */
export const DEFAULT_MIX: Mix = { reply: 0.1, reaction: 0.1, edit: 0.02, delete: 0.01 };

/** `reply=0.2,edit=0.05`: the kinds named, each with its share of the actions; the others none. */
export function parseMix(text: string): Mix {
  const mix: Mix = { reply: 0, reaction: 0, edit: 0, delete: 0 };
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const [kind, raw] = part.split('=');
    const share = Number(raw);
    if (!kind || !(kind in mix)) throw new Error(`--mix: unknown kind "${kind}"; known: ${Object.keys(mix).join(', ')}`);
    if (raw === undefined || !Number.isFinite(share) || share < 0 || share > 1)
      throw new Error(`--mix: ${kind} needs a share from 0 to 1, got "${raw}"`);
    mix[kind as keyof Mix] = share;
  }
  if (mix.reply + mix.reaction + mix.edit + mix.delete > 1) throw new Error('--mix: the shares add up to more than 1');
  return mix;
}

export const sameMix = (a: Mix, b: Mix): boolean => (Object.keys(b) as (keyof Mix)[]).every((k) => a[k] === b[k]);

/** "10% replies, 10% reactions, 2% edits, 1% deletes": the kinds a mix has. */
export function describeMix(mix: Mix): string {
  const names = { reply: 'replies', reaction: 'reactions', edit: 'edits', delete: 'deletes' } as const;
  const parts = (Object.keys(names) as (keyof Mix)[]).filter((k) => mix[k] > 0).map((k) => `${+(mix[k] * 100).toFixed(2)}% ${names[k]}`);
  return parts.length > 0 ? parts.join(', ') : 'plain sends only';
}

export interface MixedResult {
  /** Each kind's share of the mix's actions. */
  mix: Mix;
  clients: number;
  conversations: number;
  window: number;
  durationSec: number;
  /** Acknowledged actions of every kind. */
  acks: number;
  acksPerSec: number;
  acksPerSecSeries: number[];
  /** Acks per kind over the measured window: the mix as it ran. */
  acksByKind: Record<ActionKind, number>;
  ackLatencyMs: Summary | null;
  /** Latency per kind (a send with a reply is a send; edits, deletes and reactions are changes). */
  ackLatencyByKindMs: Partial<Record<ActionKind, Summary | null>>;
  /**
   * Plain sends by the same clients in slices interleaved with the mix's (see `runMixed`): what
   * the mix is compared with, measured over the same seconds' machine, database and sockets.
   */
  control: {
    sliceMs: number;
    mixedAcksPerSec: number;
    plainAcksPerSec: number;
    ratio: number | null;
    /** Slice pairs (one slice of each mode, in a random order) measured whole: what `interval` resamples. */
    pairs: number;
    /** The ratio's 95 % bootstrap interval over those pairs: how far this run's machine noise leaves it uncertain. */
    interval: [number, number] | null;
  };
  errors: Record<string, number>;
  unacknowledgedAfterDrain: number;
  resources: Resources;
}

/** Each measured slice runs one mode; the first part of a slice settles the window left by the other mode. */
const SLICE_MS = 1000;
const SETTLE_MS = 200;

/**
 * Which mode each measured slice runs: slices go in pairs, one of each mode, the pair's order
 * drawn from a seeded generator. A fixed mix-then-plain order lets anything that comes and goes
 * with a 2 s period (or drifts across the run) land on one mode more than the other: with plain
 * sends in both modes, that order measured ratios from 0.87 to 1.01.
 */
export function sliceModes(seed: number): (slice: number) => 'mix' | 'plain' {
  const random = mulberry32(seed);
  const mixFirst: boolean[] = [];
  return (slice) => {
    const pair = Math.floor(slice / 2);
    while (mixFirst.length <= pair) mixFirst.push(random() < 0.5);
    return (slice % 2 === 0) === mixFirst[pair] ? 'mix' : 'plain';
  };
}

const EMOJI = ['👍', '🎉', '❤️', ':eyes:', ':rocket:', '😂'];
const RECENT = 32;

/** Recent messages, newest last, bounded: what replies, reactions, edits and deletes aim at. */
class Recent {
  readonly ids: string[] = [];
  add(id: string): void {
    this.ids.push(id);
    if (this.ids.length > RECENT) this.ids.shift();
  }
  remove(id: string): void {
    const i = this.ids.indexOf(id);
    if (i >= 0) this.ids.splice(i, 1);
  }
  pick(random: () => number): string | undefined {
    return this.ids.length === 0 ? undefined : this.ids[Math.floor(random() * this.ids.length)];
  }
}

/**
 * The throughput phase's closed loop with a realistic mix instead of plain sends: of the actions,
 * 10 % are replies (a send quoting a recent message of the conversation), 10 % reactions
 * (`reaction.add` on a recent message), 2 % edits and 1 % deletes (of the sender's own recent
 * messages), the rest plain sends. Every action is a frame answered by `ack`; acks/s counts all.
 *
 * The comparison with plain sends is measured here too, not against the throughput phase: this
 * 2-core machine's speed drifts by ±15 % between runs seconds apart, which a ratio of two phases
 * takes whole. So the measured time is pairs of 1 s slices, one of the mix and one of plain
 * sends in a random order (`sliceModes`; twice the phase's duration in all); acks that arrive in
 * a slice's first 200 ms, while the other mode's window drains, count for neither. The ratio
 * comes with its bootstrap interval over the pairs (`ratioInterval`): one run's slices still
 * differ by ±15 %. `acksPerSec` and the rest describe the whole run of the mix.
 */
export async function runMixed(
  channels: readonly SendChannel[],
  options: ThroughputOptions,
  startMeasurement: () => Promise<Measurement>,
  mix: Mix = DEFAULT_MIX,
): Promise<MixedResult> {
  const random = mulberry32(20261123);
  const loop = new ClosedLoop();
  let acks = 0;
  const acksByKind: Record<ActionKind, number> = { send: 0, reply: 0, reaction: 0, edit: 0, delete: 0 };
  const latency = new Samples(1 << 16);
  const latencyByKind = new Map<ActionKind, Samples>();
  const errors: Record<string, number> = {};
  const byConversation = new Map<string, Recent>();
  const own = new Map<SendChannel, Recent>(channels.map((c) => [c, new Recent()]));
  const pendingKind = new Map<SendChannel, Map<number, { kind: ActionKind; target?: string }>>(channels.map((c) => [c, new Map()]));
  for (const c of channels) if (!byConversation.has(c.conversationId)) byConversation.set(c.conversationId, new Recent());

  // The interleaving clock: which mode the measured slice runs, and the acks each slice counted.
  let measureStart = 0;
  const slice = (now: number) => Math.floor((now - measureStart) / SLICE_MS);
  const modeOf = sliceModes(20261124);
  const plainSlice = (now: number) => loop.phase === 'measure' && modeOf(slice(now)) === 'plain';
  const settled = (now: number) => (now - measureStart) % SLICE_MS >= SETTLE_MS;
  const countedBySlice: number[] = [];

  const act = (channel: SendChannel) => {
    const stamp = performance.now();
    const shared = byConversation.get(channel.conversationId)!;
    const mine = own.get(channel)!;
    const r = plainSlice(stamp) ? 1 : random();
    let kind: ActionKind = 'send';
    let target: string | undefined;
    if (r < mix.delete) [kind, target] = ['delete', mine.pick(random)];
    else if (r < mix.delete + mix.edit) [kind, target] = ['edit', mine.pick(random)];
    else if (r < mix.delete + mix.edit + mix.reaction) [kind, target] = ['reaction', shared.pick(random)];
    else if (r < mix.delete + mix.edit + mix.reaction + mix.reply) [kind, target] = ['reply', shared.pick(random)];
    if (kind !== 'send' && target === undefined) kind = 'send'; // nothing to aim at yet
    let id: number;
    if (kind === 'send') id = channel.sendWith(stamp, '');
    else if (kind === 'reply') id = channel.sendWith(stamp, `,"replyToId":"${target}"`);
    else if (kind === 'reaction') {
      const emoji = EMOJI[Math.floor(random() * EMOJI.length)]!;
      id = channel.sendFrame(stamp, (frameId) => JSON.stringify({ type: 'reaction.add', id: String(frameId), messageId: target, emoji }));
    } else if (kind === 'edit') {
      id = channel.sendFrame(
        stamp,
        (frameId) => `{"type":"message.edit","id":"${frameId}","messageId":"${target}","body":"edited ${frameId}"}`,
      );
    } else {
      // Aimed at no more: a delete answered later must not be edited meanwhile.
      mine.remove(target!);
      shared.remove(target!);
      id = channel.sendFrame(stamp, (frameId) => `{"type":"message.delete","id":"${frameId}","messageId":"${target}"}`);
    }
    pendingKind.get(channel)!.set(id, { kind, ...(target === undefined ? {} : { target }) });
  };

  const events: ChannelEvents = {
    ack(channel, stamp, now, data, id) {
      const action = pendingKind.get(channel)!.get(id);
      pendingKind.get(channel)!.delete(id);
      const kind = action?.kind ?? 'send';
      if (kind === 'send' || kind === 'reply') {
        // The stored message's id, to aim later actions at: `"message":{"id":"…"` in the ack.
        const at = data.indexOf('"message":{"id":"');
        if (at >= 0) {
          const start = at + '"message":{"id":"'.length;
          const messageId = data.toString('latin1', start, data.indexOf(0x22, start));
          own.get(channel)!.add(messageId);
          byConversation.get(channel.conversationId)!.add(messageId);
        }
      }
      if (loop.phase === 'measure' && settled(now)) countedBySlice[slice(now)] = (countedBySlice[slice(now)] ?? 0) + 1;
      if (loop.phase === 'measure' && !plainSlice(now)) {
        acks += 1;
        acksByKind[kind] += 1;
        loop.perSecond.add(now);
        latency.push(now - stamp);
        let samples = latencyByKind.get(kind);
        if (!samples) latencyByKind.set(kind, (samples = new Samples(1 << 14)));
        samples.push(now - stamp);
      }
      if (loop.phase !== 'drain') act(channel);
    },
    error(channel, code, _stamp, id) {
      const action = pendingKind.get(channel)!.get(id);
      pendingKind.get(channel)!.delete(id);
      const key = `${action?.kind ?? 'unknown'}:${code}`;
      errors[key] = (errors[key] ?? 0) + 1;
      if (loop.phase !== 'drain') act(channel);
    },
  };
  for (const channel of channels) channel.events = events;

  const measured = { ...options, durationMs: 2 * options.durationMs };
  const start = async () => {
    const measurement = await startMeasurement();
    measureStart = performance.now();
    return measurement;
  };
  const { elapsedMs: elapsed, resources, unacknowledged } = await loop.run(channels, measured, start, act);
  // Whole pairs only: a slice the run's end cut short would weigh one mode down.
  const pairs: Pair[] = [];
  for (let p = 0; 2 * p + 1 < Math.floor(elapsed / SLICE_MS); p++) {
    const [a, b] = [2 * p, 2 * p + 1].map((i) => countedBySlice[i] ?? 0) as [number, number];
    pairs.push(modeOf(2 * p) === 'mix' ? { mix: a, plain: b } : { mix: b, plain: a });
  }
  const countedSec = (pairs.length * (SLICE_MS - SETTLE_MS)) / 1000;
  const mixedAcksPerSec = Math.round(pairs.reduce((sum, p) => sum + p.mix, 0) / countedSec);
  const plainAcksPerSec = Math.round(pairs.reduce((sum, p) => sum + p.plain, 0) / countedSec);
  const interval = ratioInterval(pairs, 20261124);

  return {
    mix,
    clients: channels.length,
    conversations: new Set(channels.map((c) => c.conversationId)).size,
    window: options.window,
    durationSec: round(elapsed / 2000),
    acks,
    acksPerSec: Math.round(acks / (elapsed / 2000)),
    acksPerSecSeries: loop.perSecond.series().filter((_, i) => modeOf(i) === 'mix'),
    acksByKind,
    ackLatencyMs: summarize(latency),
    ackLatencyByKindMs: Object.fromEntries([...latencyByKind].map(([kind, samples]) => [kind, summarize(samples)])),
    control: {
      sliceMs: SLICE_MS,
      mixedAcksPerSec,
      plainAcksPerSec,
      ratio: plainAcksPerSec > 0 ? round(mixedAcksPerSec / plainAcksPerSec) : null,
      pairs: pairs.length,
      interval: interval && [round(interval[0]), round(interval[1])],
    },
    errors,
    unacknowledgedAfterDrain: unacknowledged,
    resources,
  };
}
