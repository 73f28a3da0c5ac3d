/** Runs `run` soon, once: at the next animation frame, or after `FALLBACK_MS` when frames do not come (a hidden tab). */
export type Scheduler = (run: () => void) => void;

const FALLBACK_MS = 100;

export const nextFrame: Scheduler = (run) => {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    run();
  };
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(once);
  setTimeout(once, FALLBACK_MS);
};

/**
 * Items gathered until the scheduler's next tick, then handed over in one call: a burst of live
 * messages becomes one store update and one render per frame instead of one per message.
 * `flush` hands over at once what is waiting (before anything that must see it).
 */
export class FrameBatch<T> {
  private items: T[] = [];
  private scheduled = false;

  constructor(
    private readonly deliver: (items: T[]) => void,
    private readonly schedule: Scheduler = nextFrame,
  ) {}

  add(item: T): void {
    this.items.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  flush(): void {
    if (this.items.length === 0) return;
    this.deliver(this.items.splice(0));
  }

  /** Forgets what is waiting (the store stopped). */
  clear(): void {
    this.items = [];
  }
}
