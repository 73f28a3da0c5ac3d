/**
 * When a send may skip the held-by-clientId lookup (issue 40; docs/assist.md, "Holding"). That
 * lookup answers a repeat of a held send as held; skipping it is safe exactly when no held message
 * can exist, so the lookup would find nothing. Why the rule below proves that:
 *
 * 1. The model's counts only grow (an admin's decision adds to them, nothing subtracts), so once
 *    it has learned enough to score (MIN_TRAINED_PER_CLASS of each kind) it always has. Before,
 *    it scores 0, below any ASSIST_SPAM_HOLD (at least 0.5): nothing can be held. So a read of
 *    the model that starts at T and finds it unable to hold proves no message was ever held
 *    before T, and that every hold to come is decided on a model read after T.
 * 2. One node (a lossless bus: every node there is, is this one): every hold is decided here,
 *    on the model this node last read, and its reads complete in order. While that model cannot
 *    hold, no message is held: skip.
 * 3. Several nodes: another node may read the model after an admin's decision and hold at once,
 *    while this node still has its earlier read. Pub/sub news of the decision may be late or
 *    lost, so it cannot be what proves anything. Time does, measured by each node's own monotonic
 *    clock: a node trusts its "cannot hold" for FRESH_MS after the read *started* (it reads
 *    again after that), and a node holds with a model that can hold only HOLD_DELAY_MS (>
 *    FRESH_MS) after its first read that found it so *completed*. A hold at t_h then comes after
 *    a read completing at t_a > T (1.), so t_h ≥ t_a + HOLD_DELAY_MS > T + FRESH_MS: past every
 *    instant at which a node trusting its read from T skips. No held message exists while it does.
 *
 * News of a decision (or a bus resync) makes a node distrust its "cannot hold" at once; that only
 * shortens the time it skips. The cost on several nodes: a node holds nothing for HOLD_DELAY_MS
 * after it first reads a model able to hold (once per process), and reads the model every
 * FRESH_MS while it cannot hold and untrusted senders send.
 */
export const FRESH_MS = 5_000;
export const HOLD_DELAY_MS = 6_000;

/** A read of the model in progress: when it started, and the knowledge it may update. */
export interface FenceRead {
  readonly startedAt: number;
  readonly generation: number;
}

export class HoldFence {
  private generation = 0;
  /** The start of the last read that found the model unable to hold, with nothing heard since. */
  private cannotHoldAsOf: number | undefined;
  /** When the first read that found the model able to hold completed (it never stops being able: 1.). */
  private canHoldSince: number | undefined;
  private readonly freshMs: number;
  private readonly holdDelayMs: number;

  constructor(
    /** `EventBus.lossless`: this node is the only one. */
    lossless: boolean,
    private readonly now: () => number = () => performance.now(),
    timings: { freshMs: number; holdDelayMs: number } = { freshMs: FRESH_MS, holdDelayMs: HOLD_DELAY_MS },
  ) {
    this.freshMs = lossless ? Infinity : timings.freshMs;
    this.holdDelayMs = lossless ? 0 : timings.holdDelayMs;
  }

  /** Call just before a read of the model is sent to the store. */
  readStarted(): FenceRead {
    return { startedAt: this.now(), generation: this.generation };
  }

  /** Call when that read completed: `canHold` is whether the model it read can hold anything. */
  readCompleted(read: FenceRead, canHold: boolean): void {
    if (canHold) {
      this.canHoldSince ??= this.now();
      this.cannotHoldAsOf = undefined;
    } else if (this.canHoldSince === undefined && read.generation === this.generation) {
      // A read that ran across news of a decision may predate it: not trusted.
      this.cannotHoldAsOf = Math.max(this.cannotHoldAsOf ?? -Infinity, read.startedAt);
    }
  }

  /** An admin's decision was made, here or on another node (or news may have been lost): read again before skipping. */
  distrust(): void {
    this.generation += 1;
    this.cannotHoldAsOf = undefined;
  }

  /** True when no message is held anywhere, nor can be before this node reads the model again: skip the lookup. */
  noneHeld(): boolean {
    return this.cannotHoldAsOf !== undefined && this.now() - this.cannotHoldAsOf < this.freshMs;
  }

  /** True when this node may hold with a model that can hold (always, on one node). */
  mayHold(): boolean {
    return this.canHoldSince !== undefined && this.now() - this.canHoldSince >= this.holdDelayMs;
  }

  /** True when this node can no longer skip until it reads the model again (so it should, soon). */
  wantsRead(): boolean {
    return this.canHoldSince === undefined && !this.noneHeld();
  }
}
