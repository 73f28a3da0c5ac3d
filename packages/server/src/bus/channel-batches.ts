/** Channels per SUBSCRIBE or UNSUBSCRIBE command: one command's reply stays a bounded size. */
export const SUBSCRIBE_CHUNK = 1000;

export type BatchKind = 'subscribe' | 'unsubscribe';

interface ChannelBatch {
  kind: BatchKind;
  channels: string[];
  /** The commands' answers, once written. */
  written: Promise<void> | null;
  /** Settles with `written`, whether the batch is written at the end of its turn or earlier by a call of the other kind. */
  acked: Promise<void>;
}

/**
 * The Redis bus's SUBSCRIBEs and UNSUBSCRIBEs, batched per turn of the event loop. A resume
 * subscribes each of the user's conversations side by side, and a closed socket lets them all go:
 * 2,000 SUBSCRIBE commands, each parsed and answered apart, were 75–440 ms of a resume with nothing
 * missed on a loaded host, one SUBSCRIBE of all 2,000 channels 20–90 ms (issue 41). The channels
 * asked for in one turn go as one command (chunked) once the turn's synchronous work is done; a
 * call of the other kind writes the open batch first, so the connection sees SUBSCRIBE and
 * UNSUBSCRIBE in the order they were asked for.
 */
export class ChannelBatches {
  /** Channels asked for in this turn, not written yet. */
  private queued: ChannelBatch | null = null;

  /** `write` sends one command of `kind` for `channels` and settles with Redis's answer. */
  constructor(private readonly write: (kind: BatchKind, channels: string[]) => Promise<unknown>) {}

  /** Settles when Redis has answered the commands carrying `channels`: a resume reads the log only once its topics are held. */
  add(kind: BatchKind, channels: readonly string[]): Promise<void> {
    let batch = this.queued;
    if (batch?.kind !== kind) {
      if (batch) this.flush(batch).catch(() => {}); // its callers hear how it went
      const fresh: ChannelBatch = { kind, channels: [], written: null, acked: Promise.resolve() };
      fresh.acked = Promise.resolve().then(() => this.flush(fresh));
      this.queued = batch = fresh;
    }
    for (const channel of channels) batch.channels.push(channel);
    return batch.acked;
  }

  /** Writes the batch (once), in chunks, each written before any await so the connection keeps their order. */
  private flush(batch: ChannelBatch): Promise<void> {
    if (this.queued === batch) this.queued = null;
    batch.written ??= Promise.all(chunks(batch.channels, SUBSCRIBE_CHUNK).map((chunk) => this.write(batch.kind, chunk))).then(() => {});
    return batch.written;
  }
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
